"""Roman numerals of headings read from their order (diacritics/numerals.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from diacritics.numerals import numeral_repairs, readings, roman, value
from diacritics.tokens import tokenize


def _repairs(text: str) -> dict[str, str]:
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    return {tokens[i].text: w for i, w in numeral_repairs(text.split("\n"), tokens, words).items()}


@given(st.integers(min_value=1, max_value=39))
def test_value_reads_what_roman_writes(n: int) -> None:
    assert value(roman(n)) == n


def test_value_is_none_for_what_is_no_numeral() -> None:
    assert [value(w) for w in ("IIII", "IL", "H", "", "VX", "iv")] == [None] * 6


def test_readings_are_the_numerals_the_strokes_may_be() -> None:
    assert readings("H") == {"II"}
    assert readings("IL") == {"II"}
    assert readings("Ill") == {"III"}
    assert readings("lV") == {"IV"}
    assert readings("A") == set()  # (no numeral's strokes)


def test_a_misprinted_numeral_is_read_from_the_headings_around_it() -> None:
    text = (
        "I. MUC DICH, YEU CAU\n"
        "1. Tiep tuc phat huy phong trao\n"
        "H. NOI DUNG, BIEN PHAP THUC HIEN\n"
        "2. Phat huy manh me\n"
        "III. TO CHUC THUC HIEN"
    )
    assert _repairs(text) == {"H": "II"}
    # A part may be lost: "H." after "I." and before "IV." can only be "II.".
    assert _repairs(text.replace("III.", "IV.")) == {"H": "II"}
    # With the heading after it alone.
    assert _repairs(text.split("\n", 2)[2]) == {"H": "II"}


def test_what_is_no_misprinted_heading_number_is_left_alone() -> None:
    # Strokes that make no numeral the order asks for ("IL" can be "II", not "III").
    assert _repairs("I. MUC DICH, YEU CAU\nII. NOI DUNG CHINH\nIL. TO CHUC THUC HIEN") == {}
    # No numbered heading around it: a list of letters, an initial in a sentence.
    assert _repairs("A. PHAN MO DAU\nH. NOI DUNG CHINH\nC. TO CHUC THUC HIEN") == {}
    assert _repairs("I. MUC DICH, YEU CAU\nTheo H. Nguyen van A\nIII. TO CHUC THUC HIEN") == {}
    # A list item in small letters is no heading.
    assert _repairs("I. MUC DICH, YEU CAU\nH. Noi dung chinh cua ke hoach\nIII. TO CHUC") == {}
