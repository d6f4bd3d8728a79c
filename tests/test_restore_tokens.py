"""Tokenization for restoration: what is a word, what is protected, how case is carried over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diacritics.tokens import (
    _BULLET_RE,
    SENTENCE_END,
    _in_capitals,
    apply_case,
    case_pattern,
    stray_mark_after,
    tokenize,
)

CASES = json.loads(
    (Path(__file__).parent / "data" / "restore" / "tokens.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["line"][:30] for c in CASES])
def test_tokens_and_protection(case: dict) -> None:
    got = [[t.text, t.protected] for t in tokenize(case["line"])]
    assert got == case["tokens"]


def test_list_items_first_words() -> None:
    toks = tokenize("- Kết quả: tốt\n2. Thành phần\n1.3. Nội dung\na) Đối với\nViệc a) b\nkhông")
    assert [t.text for t in toks if t.item] == ["Kết", "Thành", "Nội", "Đối"]


def test_positions_and_boundaries() -> None:
    toks = tokenize("Mục đích. Yêu cầu\n\nnội dung")
    assert [(t.line, t.col) for t in toks] == [(1, 0), (1, 4), (1, 10), (1, 14), (3, 0), (3, 4)]
    assert [t.boundary for t in toks] == [True, False, True, False, True, False]


def test_question_mark_glued_to_a_word_before_a_small_word_is_a_mark() -> None:
    """Tesseract prints "?" for the hook of "ử" at a word's end ("cv? tri" for "cử tri"): no
    sentence ends there, so the decoder reads "cv" in the context of "tri"."""
    toks = tokenize("danh sach cv? tri. Co khong? Co ? con")
    assert [t.text for t in toks] == ["danh", "sach", "cv", "tri", "Co", "khong", "Co", "con"]
    assert [t.boundary for t in toks] == [True, False, False, False, True, False, True, True]


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("ngay 26thang 5", ["ngay", "26", "thang", "5"]),  # a number glued to a word
        ("nam2024", ["nam", "2024"]),
        ("Đà Nẵng, ngày 26tháng", ["Đà", "Nẵng", "ngày", "26", "tháng"]),
        ("16n 16p ph01 t6", ["16n", "16p", "ph01", "t6"]),  # letters OCR printed as digits
        ("24h 07h00 vụ11", ["24h", "07h00", "vụ11"]),
        ("so 101/2025/UBTVQH15", ["so", "101", "2025", "UBTVQH15"]),  # a symbol stays whole
        # A symbol's part alone (capitals, no syllable, one or two digits) stays whole too;
        # capitals that are a syllable, or a year, stand apart.
        ("1012025 UBTVQH15 cua", ["1012025", "UBTVQH15", "cua"]),
        ("NĂM2024 BƯỚC12", ["NĂM", "2024", "BƯỚC", "12"]),
    ],
)
def test_a_number_glued_to_a_word_stands_apart(line: str, tokens: list[str]) -> None:
    """Two or more digits glued to a word of three or more letters are a number and a word
    (the repair of the word must keep the digits); shorter letter runs stay with them."""
    assert [t.text for t in tokenize(line)] == tokens


def test_dot_leaders_end_no_sentence() -> None:
    """A form's dot leaders (three or more dots, or an ellipsis) end no sentence: the words of
    "Hồi..... giờ...... ngày" give each other context; a single dot still ends one."""
    toks = tokenize("Hoi..... gid...... ogay....\nthang… nam. Tai (2)......\nxa")
    assert [t.text for t in toks] == ["Hoi", "gid", "ogay", "thang", "nam", "Tai", "2", "xa"]
    assert [t.boundary for t in toks] == [True, False, False, False, False, True, False, False]


@pytest.mark.parametrize(
    ("line", "glyph"),
    [
        ("cv’ tri", "’"),  # the horn and hook of "cử", printed after the word
        ("nhw' vay", "'"),
        ("bau ct’.", "’"),  # before punctuation
        ("ung cu’", "’"),  # at the line's end
        ("cv? tri", "?"),  # before a small letter: no sentence ends there
        ("cv? Tri", ""),  # before a capital: a question may end there
        ("cv?", ""),
        ("cv? ", ""),  # "? " ends the line: no word after it (read past the line's end)
        ("cv?tri", ""),  # (inside a token: the tokenizer's business)
        ("tru’ong", ""),  # between letters: inside the word
        ("'bau cu' la", ""),  # closes a quotation opened on the line
        ("‘bau cu’ la", ""),
        ("(cu’ tri", "’"),
        ("cv, tri", ""),
        ("co s@ vat", "@"),  # Tesseract's "@" for a horned vowel, at the word's end
        ("co s@, vat", "@"),
        ("co s@.", "@"),
        ("co s@.vn", ""),  # an address
        ("co s@_x", ""),
    ],
)
def test_stray_mark_after_a_word(line: str, glyph: str) -> None:
    words = tokenize(line)
    first = next(
        t for t in words if t.text.lower().startswith(("cv", "nhw", "ct", "cu", "tru", "s"))
    )
    assert stray_mark_after(line, first.col + len(first.text)) == glyph


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("KE", "kế", "KẾ"),
        ("Pang", "đảng", "Đảng"),
        ("x4", "xã", "xã"),
        ("P", "đ", "Đ"),
        ("ctia", "của", "của"),
        ("PiCH", "đích", "ĐÍCH"),
        ("xA", "xã", "xã"),
        ("Tlep", "tiếp", "Tiếp"),
    ],
)
def test_case_is_carried_over(token: str, word: str, expected: str) -> None:
    assert apply_case(word, case_pattern(token)) == expected


def _caps_switch(lines: list[str], after: int, upto: int) -> bool:
    """Whether a line from ``after`` + 1 to ``upto`` (1-based) is in capitals where the
    non-blank line before it is not, or the reverse (a blank line between them counts none)."""
    solid = [k for k in range(1, upto + 1) if lines[k - 1].strip()]
    for a, b in zip(solid, solid[1:], strict=False):
        if after < b <= upto and _in_capitals(lines[a - 1]) != _in_capitals(lines[b - 1]):
            return True
    return False


@given(st.text(alphabet="ab ĐÔ.;?-+•\n12/²€&X", max_size=40))
@example("x\n- \nab")
@example("x ²;\nab")
@example("ab? ab")
@example("1...1")
@example("ab.... ab. ab")
@example("1/1&? a")
@settings(max_examples=300, deadline=None)
def test_boundaries_follow_the_text(text: str) -> None:
    """Line-by-line (cached) tokenizing marks a boundary exactly where the text has one: before
    the first token, after .!?;: or a blank line since the previous token, at a list item."""
    tokens = tokenize(text)
    assert tokens == tokenize(text)  # the cache gives the same answer
    lines = text.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
    prev_end = None
    prev_line = None
    for t in tokens:
        assert lines[t.line - 1][t.col : t.col + len(t.text)] == t.text
        start = offsets[t.line - 1] + t.col
        first_on_line = prev_end is None or prev_end < offsets[t.line - 1]
        if prev_end is None:
            expected = True
        else:
            between = text[prev_end:start]
            # Lines without words in between: a blank line or a list item starts a sentence.
            blank = any(not ln.strip() or _BULLET_RE.match(ln) for ln in between.split("\n")[1:-1])
            # A "?" glued to a word, one space before a small word, is the hook of "ử".
            hook = between == "? " and t.text[0].islower()
            # A run of three or more dots (a form's leader, an ellipsis) ends no sentence.
            ends = SENTENCE_END.search(re.sub(r"\.{3,}|…", "", between))
            expected = blank or (bool(ends) and not hook)
        if first_on_line and _BULLET_RE.match(lines[t.line - 1]):
            expected = True
        if first_on_line and prev_line is not None and _caps_switch(lines, prev_line, t.line):
            expected = True  # a line in capitals after one in small letters, or the reverse
        assert t.boundary == expected, (t, text)
        prev_line = t.line
        prev_end = start + len(t.text)
