"""Frequent corpus lines and the damaged lines that are one of them (diacritics/formulas.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from diacritics.api import load_restorer, restore
from diacritics.changes import Source, replay
from diacritics.formulas import Formulas, line_key


def test_a_line_is_matched_on_its_accent_free_words(tmp_path: Path) -> None:
    table = tmp_path / "lines.tsv"
    table.write_text(
        "# header\n"
        "ban thuong truc\tBAN THƯỜNG TRỰC\t6\n"
        "doc lap tu do hanh phuc\tĐộc lập Tự do Hạnh phúc\t130\n",
        encoding="utf-8",
    )
    f = Formulas(table)
    assert line_key(["Độc", "lập"]) == "doc lap"
    assert f.match("Độc lập tự do Tanh phủ".split(), 85) == "Độc lập Tự do Hạnh phúc".split()
    assert f.match("BAN THỐNG TRC".split(), 85) == ["BAN", "THƯỜNG", "TRỰC"]
    # Another number of words, or too far: none.
    assert f.match("Độc lập tự do".split(), 85) is None
    assert f.match("Ban Chấp hành".split(), 85) is None
    assert Formulas(tmp_path / "absent.tsv").match(["a", "b"], 85) is None


def test_the_states_motto_is_read_as_the_corpus_writes_it() -> None:
    """OCR left too little of the motto for the corpus passages (five words in a row) and the
    language model; the line is still nearest the corpus's frequent motto line, and each word
    OCR could have printed so takes the motto's spelling, capitals included ("Tự do")."""
    text = "CONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lp = tu do - Fanh phu\n"
    r = restore(text)
    assert r.text.split("\n")[1] == "Độc lập = Tự do - Hạnh phúc"
    fanh = next(c for c in r.changes if c.before == "Fanh")
    assert (fanh.after, fanh.source) == ("Hạnh", Source.CORPUS)
    assert replay(text, r.changes) == r.text
    assert restore(r.text).text == r.text
    r0 = load_restorer()
    off = r0.with_config(replace(r0.config, formula_lines=False)).restore(text)
    assert "Hạnh phúc" not in off.text


def test_a_list_items_number_is_no_part_of_the_formula() -> None:
    # "TỔ CHỨC THỰC HIỆN" is frequent after "IV." in the corpus; a damaged "Ii." is whatever
    # part the restorer reads without the formulas, never the corpus's "IV".
    text = "I. MUC DICH, YEU CAU\nIi. TO CHUC THUC HIEN\nHOI. TO CHUC THUC HIEN\n"
    r0 = load_restorer()
    off = r0.with_config(replace(r0.config, formula_lines=False)).restore(text)
    on = restore(text)
    for a, b in zip(on.text.split("\n")[1:3], off.text.split("\n")[1:3], strict=True):
        assert a.split(".")[0] == b.split(".")[0] != "IV"


def test_a_line_surely_read_otherwise_is_not_the_formula_it_is_near() -> None:
    # Font damage (Latin-1 only, marked vowels dropped): "Ði tng kim tra" is near the
    # frequent "Nội dung kiểm tra" (fuzzy ratio of their accent-free words), and a font that
    # drops vowels could have printed "tng" for "dung"; but the line was read surely as
    # "Đối tượng kiểm tra", with other letters.
    text = "I. MC ÐÍCH, YÊU CÂU\n1. Ði tng kim tra\nCác c quan, dn v trong tnh\n"
    assert restore(text).text.split("\n")[1] == "1. Đối tượng kiểm tra"
    r0 = load_restorer()
    unsure = r0.with_config(replace(r0.config, formula_sure_reading=1.01)).restore(text)
    assert unsure.text.split("\n")[1] == "1. Nội dung kiểm tra"  # (what the gate prevents)
