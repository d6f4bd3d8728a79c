"""Post-correction of pages Tesseract read with its Vietnamese model (pipeline.stages).

Tesseract vie reads most words of a degraded scan right but drops or swaps marks on valid
syllables ("đại biếu", "báu cử"); a correctly-marked-text channel never questions those, the
"ocr" channel does (diacritics.channel.OCR_VIE). The real restorer and corpus, no mocks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli

from diacritics.api import RestoreConfig, load_restorer
from diacritics.corpus import build
from diacritics.restorer import Restorer
from pipeline import stages
from pipeline.records import Document, Method, Page

VIE_READ = "Hội nghị đại biếu Hội đồng nhân dân xã về công tác báu cử đại biểu Quốc hội"
RIGHT = "Hội nghị đại biểu Hội đồng nhân dân xã về công tác bầu cử đại biểu Quốc hội"


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    build()


def _doc(*pages: Page) -> Document:
    return Document(doc_id="d", source="d", sha256="", kind="image", pages=pages)


def test_a_page_tesseract_vie_read_is_post_corrected_under_auto() -> None:
    ocr = Page(number=1, text=VIE_READ, method=Method.OCR, ocr_model="vie", garbled=0.01)
    typed = Page(number=2, text=VIE_READ, method=Method.TEXT_FILE, garbled=0.01)
    out = stages.restore(_doc(ocr, typed), "auto", stages.DEFAULT_RESTORE_THRESHOLD)
    assert out.pages[0].final_text == RIGHT
    assert {(c.before, c.after) for c in out.pages[0].changes} == {
        ("biếu", "biểu"),
        ("báu", "bầu"),
    }
    # A text file that looks like correct Vietnamese is left as it is under auto.
    assert out.pages[1].final_text == VIE_READ and out.pages[1].restored is None
    assert stages.restore(_doc(ocr), "never", 0.3).pages[0].restored is None


@pytest.mark.parametrize(
    ("method", "model", "garbled", "channel"),
    [
        (Method.OCR, "vie", 0.0, "ocr"),
        (Method.OCR, "vie", stages.OCR_GARBLED_FROM, "ocr-heavy"),
        (Method.OCR, "vie+eng", 0.01, "ocr"),
        (Method.OCR, "eng", 0.01, None),  # no Vietnamese model: not this damage
        (Method.TEXT_LAYER, None, 0.01, None),
        (Method.TEXT_FILE, None, 0.5, None),
    ],
)
def test_ocr_channel_choice(method: Method, model: str | None, garbled: float, channel) -> None:
    page = Page(number=1, text="x", method=method, ocr_model=model, garbled=garbled)
    assert stages.ocr_channel(page) == channel


def test_another_config_shares_the_loaded_corpus_and_restores_like_a_fresh_one() -> None:
    base = load_restorer()
    cfg = RestoreConfig(channel="ocr")
    derived = load_restorer(None, cfg)
    assert derived is not base and derived.vocab is base.vocab and derived.lm is base.lm
    fresh = Restorer(base._build, cfg)
    for text in (VIE_READ, "Ke hoach trien khai thuc hien", "Ké hoach sé 1360/KH-UBND ngay"):
        a, b = derived.restore(text), fresh.restore(text)
        assert (a.text, a.changes) == (b.text, b.changes)
    assert base.restore(VIE_READ).text == VIE_READ  # the base keeps its own channel


def test_cli_restore_channel_ocr() -> None:
    def run(*opts: str) -> str:
        r = cli("restore", "-", *opts, input=VIE_READ + "\n")
        assert r.returncode == 0, r.stderr
        return r.stdout

    assert run() == VIE_READ + "\n"  # judged correctly marked: valid syllables stay
    assert run("--channel", "ocr") == RIGHT + "\n"


def test_tesseract_vie_capitals_are_judged_but_titles_and_items_keep_theirs() -> None:
    """Tesseract's Vietnamese model prints small letters as capitals on degraded pages too
    ("Cử tri" inside a sentence): its capitals are judged from context like a Latin model's
    (development split's vie pages 96.75 -> 97.04%). A title under a heading and a list item
    (OCR prints its hyphen as an em dash) begin sentences and keep their capitals, in every
    channel (the Latin-model channel lowered both until session 21)."""
    text = "KẾ HOẠCH\nKhảo sát, xác định chỉ số hài lòng của người dân\n— Khảo sát được triển khai"
    inside = "Danh sách Cử tri của thôn được niêm yết công khai."
    for channel in ("ocr", "ocr-heavy", "garbled"):
        r = load_restorer(None, RestoreConfig(channel=channel))
        assert r.restore(text).text == text
        assert r.restore(inside).text == "Danh sách cử tri của thôn được niêm yết công khai."


def test_the_heavy_channel_prices_tokens_by_tesseract_vies_own_table() -> None:
    heavy = load_restorer(None, RestoreConfig(channel="ocr-heavy")).estimate_channel([])
    light = load_restorer(None, RestoreConfig(channel="ocr")).estimate_channel([])
    assert (heavy.tokens, heavy.ocr_damage) == ("vie", True)
    assert (light.tokens, light.ocr_damage, light.table_trusted) == ("vie", True, False)
    rows, totals = load_restorer()._tokens_of("vie")
    assert rows["dược"][0][0] == "được" and totals["dược"] >= 50  # (vie drops the stroke of đ)


def test_the_light_channel_keeps_the_marks_vie_reads_well() -> None:
    """On a page Tesseract vie read well, a mark it printed costs what vie's own table says to
    change: "ban" -> "bản" and "dân" -> "dẫn" were near free with the Latin models' table
    (which loses marks everywhere), and a correct "dân giám sát" became "dẫn giám sát"."""
    r = load_restorer(None, RestoreConfig(channel="ocr"))
    p = r.estimate_channel([])
    for printed, other in (("ban", "bản"), ("dân", "dẫn"), ("chi", "chỉ")):
        c = r.candidates(printed, p)
        cost = dict(zip(c.words, c.cost.tolist(), strict=True))
        assert cost[printed] == min(cost.values()) and cost[other] - cost[printed] >= 2.0
    assert r.restore("Trưởng phòng GD&ĐÐT huyện").text == "Trưởng phòng GD&ĐT huyện"
    # (A signer's title in capitals after a list item vie ended with a comma: read alone, not
    # "lưu bdv trường bán".)
    signer = r.restore("- Lưu BDV,\nTRƯỜNG BAN\nNguyễn Thị Lan").text
    assert signer == "- Lưu BDV,\nTRƯỞNG BAN\nNguyễn Thị Lan"
    text = "Phương châm “dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng”."
    assert r.restore(text).text == text


def test_cli_eval_restore_with_channel(tmp_path: Path) -> None:
    read, gold = tmp_path / "read.txt", tmp_path / "gold.txt"
    read.write_text(VIE_READ + "\n", encoding="utf-8")
    gold.write_text(RIGHT + "\n", encoding="utf-8")

    def run(*opts: str) -> str:
        r = cli("eval", "restore", str(read), "--gold", str(gold), "--restore", *opts)
        assert r.returncode == 0, r.stderr
        return r.stdout

    assert run("--channel", "ocr").startswith("syllable accuracy: 100.0% (18/18)")
    assert not run().startswith("syllable accuracy: 100.0%")


def test_an_item_letter_is_a_reading_only_where_a_line_opens() -> None:
    """Tesseract vie prints an item's "b)" as "bì" (its table: "bì" stood for "b" 7 times),
    so "b" is a cheap reading of "bì"; inside a line it dropped a letter of a word ("Bì thư"
    had become "B thư" on a probe page). Vowels alone are words and stay ("ở", "y tế")."""
    from diacritics.tokens import tokenize

    r = load_restorer(None, RestoreConfig(channel="ocr-heavy"))
    p = r.estimate_channel([])
    toks = tokenize("bì Đơn vị phối hợp\nVăn phòng Huyện ủy; Bì thư")
    cands = r._pass_candidates(toks, [False] * len(toks), p)
    first, inside = cands[0], cands[[t.text for t in toks].index("Bì")]
    assert "b" in first.words and "b" not in inside.words and "bì" in inside.words
