"""Tokenization for restoration: what is a word, what is protected, how case is carried over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diacritics.tokens import apply_case, case_pattern, tokenize

CASES = json.loads(
    (Path(__file__).parent / "data" / "restore" / "tokens.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["line"][:30] for c in CASES])
def test_tokens_and_protection(case: dict) -> None:
    got = [[t.text, t.protected] for t in tokenize(case["line"])]
    assert got == case["tokens"]


def test_positions_and_boundaries() -> None:
    toks = tokenize("Mục đích. Yêu cầu\n\nnội dung")
    assert [(t.line, t.col) for t in toks] == [(1, 0), (1, 4), (1, 10), (1, 14), (3, 0), (3, 4)]
    assert [t.boundary for t in toks] == [True, False, True, False, True, False]


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
