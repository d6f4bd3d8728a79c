"""pipeline.ocr (and its page cleaning and word placing) with the real Tesseract binary on
pages rendered by the tests."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import VI_LINES, add_seal, phone_size, render_page
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from pipeline.errors import MissingDependencyError, PageTimeoutError
from pipeline.ingest import ingest
from pipeline.ocr import OcrConfig, OcrResult, ocr_image
from pipeline.ocrwords import placed, text_from_data, unsure_words
from pipeline.pagecleaning import (
    cleaned,
    despeckle,
    downscale_factor,
    estimate_skew,
    flatten,
    grayscale,
    needs_despeckle,
    text_height,
    upscale_factor,
)
from pipeline.records import OcrWord


def syllable_accuracy(ref: str, hyp: str) -> float:
    r, h = ref.split(), hyp.split()
    sm = difflib.SequenceMatcher(a=r, b=h, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / len(r)


def test_despeckle_removes_specks_and_keeps_strokes_and_dots() -> None:
    # A white page with a 3-px stroke, a 3x3 dot (a dot below is about that at 300 dpi),
    # 1-px and 2-px specks, and mid-gray paper noise: the specks go, the rest stays.
    page = np.full((60, 80), 235, np.uint8)
    page[10:40, 20:23] = 20  # stroke
    page[50:53, 40:43] = 20  # dot
    page[5, 60] = 20  # specks
    page[30, 70:72] = 20
    page[45, 5] = 20
    out = np.asarray(despeckle(Image.fromarray(page)))
    assert set(np.unique(out).tolist()) == {0, 255}
    assert (out[10:40, 20:23] == 0).sum() >= 3 * 30 - 4  # (corners may round off)
    assert (out[50:53, 40:43] == 0).sum() >= 5
    assert out[5, 60] == out[30, 70] == out[30, 71] == out[45, 5] == 255


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "kwargs", "floor"),
    [
        ("clean", {}, 0.99),
        ("rotated", {"rotate": 2.5}, 0.95),
        ("noisy", {"noise": 0.01}, 0.95),
        ("photocopy", {"photocopy": True}, 0.95),
    ],
)
def test_ocr_reads_vietnamese(name: str, kwargs: dict, floor: float) -> None:
    lines = VI_LINES[:3]
    r = ocr_image(render_page(lines, **kwargs))
    assert syllable_accuracy(" ".join(lines), r.text) >= floor, r.text
    assert r.confidence is not None and r.confidence > 70
    assert r.text.count("\n") == len(lines) - 1  # one text line per printed line


@pytest.mark.parametrize("angle", [2.5, -2.5, 0.0, 1.2, -0.7, 4.0, 7.0, -9.0, 13.0])
def test_deskew_finds_the_angle(angle: float) -> None:
    img = render_page(VI_LINES[:3], rotate=angle).convert("L")
    assert abs(estimate_skew(img) + angle) <= 0.15


def test_missing_language_names_the_package() -> None:
    with pytest.raises(MissingDependencyError) as e:
        ocr_image(render_page(VI_LINES[:1]), OcrConfig(lang="xyz"))
    assert "tesseract-ocr-xyz" in str(e.value)


def test_low_confidence_words_are_reported_on_degraded_pages_only() -> None:
    clean = ocr_image(render_page(VI_LINES))
    # A photocopy of 8 pt print at 150 dpi: Tesseract misreads many words.
    small = ocr_image(render_page(VI_LINES, size_pt=8, dpi=150, photocopy=True))
    cfg = OcrConfig()

    def unsure(r: OcrResult) -> tuple[OcrWord, ...]:
        return unsure_words(r.text, r.line_confidences, r.text, cfg.unsure_below)

    assert len(unsure(clean)) <= 0.02 * clean.words
    hard = unsure(small)
    assert len(hard) >= 0.1 * small.words
    # They are misread (not in the page's text as rendered) far more often than the words
    # Tesseract was sure of (on this page 14 of 28 against 4 of 24 when written).
    rendered = set(" ".join(VI_LINES).split())
    every = unsure_words(small.text, small.line_confidences, small.text, 101.0)
    sure = [w for w in every if w not in hard]
    assert len(sure) + len(hard) <= small.words  # (bullets and dashes are no words here)
    wrong_unsure = sum(w.word not in rendered for w in hard) / len(hard)
    wrong_sure = sum(w.word not in rendered for w in sure) / max(1, len(sure))
    assert wrong_unsure >= wrong_sure + 0.15


def test_timeout_raises_page_timeout() -> None:
    with pytest.raises(PageTimeoutError):
        ocr_image(render_page(VI_LINES), OcrConfig(timeout=0.01))


def test_text_from_tsv_keeps_lines_and_blocks() -> None:
    data: dict[str, list[object]] = {
        "level": [5, 5, 5, 5, 4],
        "block_num": [1, 1, 1, 2, 2],
        "par_num": [1, 1, 1, 1, 1],
        "line_num": [1, 1, 2, 1, 1],
        "text": ["Kế", "hoạch", "số", "Hà", ""],
        "conf": [90, 80, 70, 60, -1],
    }
    text, conf, words, line_confs, line_boxes = text_from_data(data)
    assert text == "Kế hoạch\nsố\n\nHà"
    assert conf == 75.0 and words == 4
    assert line_confs == ((90.0, 80.0), (70.0,), (), (60.0,))
    assert line_boxes == (((0, 0, 0, 0),) * 2, ((0, 0, 0, 0),), (), ((0, 0, 0, 0),))  # (none given)


def test_unsure_words_are_placed_in_the_normalized_text() -> None:
    read = "Ke hoach so -\nTrang 2\n\nthuc hi-\nen nam"
    confs = ((95.0, 40.0, -1.0, 10.0), (30.0, 30.0), (), (50.0, 90.0), (20.0, 90.0))
    # Normalization: a running header blanked, a hyphenated word joined across the line end,
    # NFC changes nothing here; the line count is kept.
    text = "Ke  hoach so -\n\n\nthuc hien\nnam"
    got = unsure_words(read, confs, text, 80.0)
    # Line 1: "hoach" at its new column (-1 = no confidence: not marked; "-": no word to
    # check); line 2 blanked and
    # line 5 lost a word to the line above: nothing marked where words no longer match.
    assert got == (OcrWord(1, 4, "hoach", 40.0), OcrWord(4, 0, "thuc", 50.0))
    for w in got:
        assert text.split("\n")[w.line - 1][w.col :].startswith(w.word)
    assert unsure_words(read, (), text, 80.0) == ()  # (a page that was not OCR'd)


def test_despeckle_only_where_needed() -> None:
    cfg = OcrConfig()
    assert not needs_despeckle(render_page(VI_LINES), cfg)
    assert needs_despeckle(render_page(VI_LINES, noise=0.01), cfg)
    # A phone-size image: strokes of 1-2 px that a median filter would erase.
    assert not needs_despeckle(render_page(VI_LINES, noise=0.01, dpi=70), cfg)
    unknown = render_page(VI_LINES, noise=0.01)
    del unknown.info["dpi"]
    assert min(unknown.size) < cfg.despeckle_min_side and not needs_despeckle(unknown, cfg)


def test_uneven_light_is_flattened_and_even_pages_are_left_alone() -> None:
    cfg = OcrConfig()
    even = render_page(VI_LINES).convert("L")
    assert flatten(even, cfg) is even
    shadowed = render_page(VI_LINES, shade=0.7)
    gray = shadowed.convert("L")
    flat = flatten(gray, cfg)
    assert flat is not gray
    # The paper under the shadow is white again; the letters stay dark.
    arr = np.asarray(flat)
    assert np.percentile(arr, 50) > 240 and np.percentile(arr, 1) < 100
    ref = " ".join(VI_LINES)
    assert syllable_accuracy(ref, ocr_image(shadowed).text) > 0.98
    assert syllable_accuracy(ref, ocr_image(shadowed, OcrConfig(flatten=False)).text) < 0.95


def test_a_red_seal_over_the_text_is_left_out_and_said() -> None:
    ref = " ".join(VI_LINES)
    page = render_page(VI_LINES)
    sealed = add_seal(page, x=0.5, y=0.5, size=0.2)
    cfg = OcrConfig()
    gray, dropped = grayscale(sealed, cfg)
    assert dropped

    # The ink OCR sees is the text's: the black text under the seal stays dark, the seal's
    # ring and letters are gone (dark pixels: 60,640 unsealed, 60,723 here, 96,536 in the
    # sealed page's luminance when written).
    def ink(img: Image.Image) -> int:
        return int((np.asarray(img) < 128).sum())

    assert abs(ink(gray) - ink(page.convert("L"))) < 0.01 * ink(page.convert("L"))
    assert ink(sealed.convert("L")) > 1.3 * ink(page.convert("L"))
    read = ocr_image(sealed)
    assert read.red_dropped and syllable_accuracy(ref, read.text) > 0.95
    kept = ocr_image(sealed, OcrConfig(drop_red=False))
    assert syllable_accuracy(ref, kept.text) < syllable_accuracy(ref, read.text) - 0.05
    # A page without red ink (gray, or colour without a seal) is read as before.
    assert grayscale(page, cfg) == (page.convert("L"), False)
    assert not grayscale(page.convert("RGB"), cfg)[1]


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_a_transparent_background_is_read_as_paper(mode: str) -> None:
    # Black letters on a transparent background (a PNG some tools export): the colour under
    # the alpha is black, and the page used to go black with its letters.
    ink = 255 - np.asarray(render_page(VI_LINES[:3]))
    zeros = np.zeros_like(ink)
    if mode == "RGBA":
        img = Image.fromarray(np.stack([zeros, zeros, zeros, ink], -1), "RGBA")
    elif mode == "LA":
        img = Image.fromarray(np.stack([zeros, ink], -1), "LA")
    else:
        img = Image.fromarray(np.stack([zeros, zeros, zeros, ink], -1), "RGBA").quantize(4)
        assert img.mode == "P"
    img.info["dpi"] = (300, 300)
    ref = " ".join(VI_LINES[:3])
    assert syllable_accuracy(ref, ocr_image(img).text) > 0.95


def test_a_photos_exif_orientation_is_followed(tmp_path: Path) -> None:
    # A phone photo stored sideways with the tag "rotate 90 degrees clockwise to view" (6).
    page = render_page(VI_LINES[:3])
    sideways = page.rotate(90, expand=True)  # (PIL turns counter-clockwise)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo.jpg"
    sideways.save(path, exif=exif, quality=95, dpi=(300, 300))
    with Image.open(path) as img:
        img.load()
        gray, _ = grayscale(img, OcrConfig())
        assert gray.size == page.size
        read = ocr_image(img)
    assert read.rotated == 0 and syllable_accuracy(" ".join(VI_LINES[:3]), read.text) > 0.95


@pytest.mark.parametrize("mode", ["1", "P", "CMYK", "YCbCr", "HSV", "LAB", "I", "F", "RGBX"])
def test_every_image_mode_pillow_opens_is_read(mode: str) -> None:
    img = render_page(VI_LINES[:2]).convert(mode if mode != "LAB" else "RGB")
    if mode == "LAB":  # (Pillow converts RGB to LAB through its ImageCms only)
        from PIL import ImageCms

        lab = ImageCms.createProfile("LAB")
        srgb = ImageCms.createProfile("sRGB")
        img = ImageCms.profileToProfile(img, srgb, lab, outputMode="LAB")
    img.info["dpi"] = (300, 300)
    assert img.mode == mode
    assert syllable_accuracy(" ".join(VI_LINES[:2]), ocr_image(img).text) > 0.9


def test_a_16_bit_scan_keeps_its_grays() -> None:
    page = render_page(VI_LINES[:3])
    deep = Image.fromarray(np.asarray(page).astype(np.uint16) * 257)
    assert deep.mode.startswith("I;16")
    gray, _ = grayscale(deep, OcrConfig())
    # The same gray page (PIL's own conversion clips at 255: anti-aliased edges go white).
    assert np.array_equal(np.asarray(gray), np.asarray(page))
    assert syllable_accuracy(" ".join(VI_LINES[:3]), ocr_image(deep).text) > 0.95


def test_small_print_at_low_resolution_is_not_eaten_by_the_despeckle() -> None:
    # 9 pt at 150 dpi: the ends of strokes and the marks are 1-2 px and count as specks, but
    # the vote would erase them (session 20: 166 of 341 words misread): the page is kept.
    cfg = OcrConfig()
    small = render_page(VI_LINES, size_pt=9, dpi=150).convert("L")
    by_file = replace(cfg, despeckle_min_text_px=0)  # (the letters' size not asked)
    assert needs_despeckle(small, by_file)  # (what the speck count alone says)
    assert cleaned(small, by_file) is small  # the vote would erode the text: kept
    assert not needs_despeckle(small, cfg)  # (and its 9 px letters say so first)
    ref = " ".join(VI_LINES)
    assert syllable_accuracy(ref, ocr_image(render_page(VI_LINES, size_pt=9, dpi=150)).text) > 0.95
    # Noise at 300 dpi, or heavy noise at 150 dpi, is still cleaned.
    for noisy in (render_page(VI_LINES, noise=0.01), render_page(VI_LINES, noise=0.01, dpi=150)):
        gray = noisy.convert("L")
        assert cleaned(gray, cfg) is not gray


@pytest.mark.slow
@pytest.mark.parametrize("angle", [180, 90])
def test_upside_down_and_sideways_pages_are_turned(angle: int) -> None:
    lines = VI_LINES[:3]
    r = ocr_image(render_page(lines).rotate(angle, expand=True))
    assert r.rotated == angle  # PIL turned it counter-clockwise; OSD turns it back clockwise
    assert syllable_accuracy(" ".join(lines), r.text) >= 0.95, r.text


_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãếệ0123456789-.,", min_size=1)


@given(
    st.lists(st.lists(_WORD, max_size=6), min_size=1, max_size=5),
    st.integers(0, 2),
    st.lists(st.integers(0, 4), min_size=30, max_size=30),
)
def test_placed_words_stand_where_they_say_whatever_the_spacing(
    lines: list[list[str]], blank: int, gaps: list[int]
) -> None:
    # Normalization may change the spaces between words (and the words' lengths in columns
    # before them): each word placed is found at its line and column, with its own value.
    read = "\n".join(" ".join(words) for words in lines)
    values = [tuple(range(len(words))) for words in lines]
    gap = iter(gaps * 10)
    text_lines = [" " * next(gap) + (" " * (1 + next(gap))).join(words) for words in lines]
    if blank < len(text_lines):
        text_lines[blank] = ""  # (a running header blanked: its words are placed nowhere)
    text = "\n".join(text_lines)
    got = list(placed(read, values, text))
    for line, col, word, v in got:
        assert text_lines[line - 1][col : col + len(word)] == word
        assert lines[line - 1][v] == word
    want = sum(len(words) for k, words in enumerate(lines) if k != blank)
    assert len(got) == want


def test_the_letters_size_follows_the_resolution_and_sets_the_enlargement() -> None:
    cfg = OcrConfig()
    page = render_page(VI_LINES * 3).convert("L")  # (12 pt at 300 dpi)
    full = text_height(page)
    assert full is not None and 24 <= full <= 32
    for shrink in (2, 4):
        h = text_height(phone_size(page, shrink))
        assert h is not None and abs(h - full / shrink) <= 1.5
    assert upscale_factor(page, cfg) == 1.0  # (print that size is left as it is)
    assert upscale_factor(phone_size(page, 2), cfg) == 1.0  # 150 dpi: 1.4x, not worth it
    assert 1.0 < upscale_factor(phone_size(page, 2), OcrConfig(upscale_min_factor=1.2)) < 1.5
    assert 2.0 <= upscale_factor(phone_size(page, 4), cfg) <= cfg.upscale_max  # 75 dpi
    assert upscale_factor(phone_size(page, 4), OcrConfig(upscale_text_px=0)) == 1.0
    # Specks are no letters: a page with 1% of its pixels specks is not enlarged.
    noisy = render_page(VI_LINES * 3, noise=0.01).convert("L")
    assert abs((text_height(noisy) or 0) - full) <= 1.5 and upscale_factor(noisy, cfg) == 1.0
    # A file's resolution is believed where the page's size agrees with it (5 inches or more
    # at 200 dpi or more): 6 pt print at 200 dpi on a 5.4-inch page is not measured.
    tiny = render_page(VI_LINES * 3, size_pt=6, dpi=200, margin=400).convert("L")
    assert upscale_factor(tiny, cfg, 200.0) == 1.0 < upscale_factor(tiny, cfg)
    # (A web copy that claims 300 dpi at 1.5 inches is measured: phone_size above.)
    assert upscale_factor(phone_size(page, 4), cfg, 300.0) > 2.0
    # Too few ink blots to say (a line or two): left alone.
    assert text_height(render_page(VI_LINES[:1]).convert("L")) is None


@pytest.mark.slow
@pytest.mark.parametrize("dpi", [None, 75])
def test_small_print_of_a_phone_size_image_is_enlarged_before_ocr(dpi: int | None) -> None:
    # 12 pt at 75 dpi, softened and JPEG-compressed: letters of 7 px, a tone mark of one or
    # two. Read as it is, a third of the words or more come out wrong; enlarged, nearly none
    # (with or without a resolution in the file: Tesseract is told the enlarged one).
    ref = " ".join(VI_LINES * 3)
    photo = phone_size(render_page(VI_LINES * 3), 4, dpi)
    as_is = syllable_accuracy(ref, ocr_image(photo, OcrConfig(upscale_text_px=0)).text)
    r = ocr_image(photo)
    assert syllable_accuracy(ref, r.text) >= 0.95 > as_is + 0.2, r.text
    assert r.image is not None and r.image.scale < 1.0  # (the review image of the enlarged page)
    assert 2.0 <= r.scale <= OcrConfig().upscale_max


@pytest.mark.slow
def test_an_enlarged_page_says_so_and_advises_a_rescan(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    phone_size(render_page(VI_LINES * 3), 4).save(photo)
    (page,) = ingest(photo).pages
    assert any(w.startswith("low resolution: small print enlarged") for w in page.warnings)
    scan = tmp_path / "scan.png"
    render_page(VI_LINES * 3).save(scan, dpi=(300, 300))
    assert not any("low resolution" in w for w in ingest(scan).pages[0].warnings)


@pytest.mark.slow
def test_a_small_image_that_claims_300_dpi_is_not_despeckled() -> None:
    # A web-size copy of a 300 dpi scan that kept "300 dpi" in its header: by the file it is
    # fine enough for the speck vote, which would erase its 1-px strokes (22% of the words
    # read); its letters, 7 px high, say otherwise.
    cfg = OcrConfig()
    page = render_page(VI_LINES * 3).convert("L")
    small = page.resize((page.width // 4, page.height // 4), Image.Resampling.LANCZOS)
    small.info["dpi"] = (300, 300)
    assert (text_height(small) or 99) < cfg.despeckle_min_text_px
    assert not needs_despeckle(small, cfg)
    assert needs_despeckle(small, replace(cfg, despeckle_min_text_px=0))  # (the file alone)
    ref = " ".join(VI_LINES * 3)
    assert syllable_accuracy(ref, ocr_image(small).text) >= 0.95


def test_big_print_is_made_smaller_before_the_cleaning_and_ocr() -> None:
    # 12 pt at 600 dpi (letters of ~55 px, a 48-megapixel photo's scale): shrunk to 300 dpi
    # print first, read as well; 300 dpi print on a page as big is measured and left alone.
    cfg = OcrConfig()
    big = render_page(VI_LINES * 3, dpi=600, margin=300)
    assert 0.45 <= downscale_factor(big.convert("L"), cfg) <= 0.55
    assert downscale_factor(big.convert("L"), OcrConfig(downscale_above_px=0)) == 1.0
    wide = render_page(VI_LINES * 3, margin=1100).convert("L")  # (300 dpi, 2,000 px and more)
    assert min(wide.size) >= cfg.upscale_max_side and downscale_factor(wide, cfg) == 1.0
    r = ocr_image(big)
    assert syllable_accuracy(" ".join(VI_LINES * 3), r.text) >= 0.99
    # (The review image is of the page read: the shrunk one, about half as wide.)
    assert r.image is not None and r.image.scale > 1.8 * r.image.width / big.width
