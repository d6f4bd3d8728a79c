"""Tone placement and mark stripping (diacritics.orthography)."""

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diacritics.orthography import (
    TonePlacement,
    gains_hook_or_horn,
    glued_cut,
    normalize_tone_placement,
    split_tone,
    strip_marks,
)

CASES = json.loads(
    (Path(__file__).parent / "data" / "tone_placement_cases.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["input"] for c in CASES])
def test_tone_placement_cases(case):
    assert normalize_tone_placement(case["input"], TonePlacement.OLD) == case["old"], case[
        "comment"
    ]
    assert normalize_tone_placement(case["input"], TonePlacement.NEW) == case["new"], case[
        "comment"
    ]


def test_split_tone_keeps_vowel_marks():
    assert split_tone("Thuyết") == ("Thuyêt", 1)
    assert split_tone("đường") == ("đương", 2)


def test_strip_marks():
    assert (
        strip_marks("Kế hoạch số 1360/KH-UBND của Ủy ban") == "Ke hoach so 1360/KH-UBND cua Uy ban"
    )
    assert strip_marks("Đảng ĐOÀN") == "Dang DOAN"


vi_text = st.text(
    alphabet="aăâeêioôơuưyhgnqtcđdAĂÂĐ áàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ.,\n", max_size=60
)


@given(vi_text)
def test_strip_marks_keeps_length(s):
    assert len(strip_marks(s)) == len(s)


@given(vi_text)
def test_tone_normalization_is_idempotent_and_nfc(s):
    s = unicodedata.normalize("NFC", s)
    once = normalize_tone_placement(s)
    assert normalize_tone_placement(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert strip_marks(once) == strip_marks(s)
    assert once.count("\n") == s.count("\n")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("cv", "cử", True),
        ("du", "dự", True),
        ("gio", "giờ", True),
        ("khoe", "khỏe", True),
        ("thi", "thị", False),
        ("cử", "cứ", False),
        ("cu", "cú", False),
        ("ư", "ử", True),
    ],
)
def test_gains_hook_or_horn(before, after, expected):
    assert gains_hook_or_horn(before, after) is expected


def test_glued_cut_takes_the_longest_first_word() -> None:
    known = {"đảng", "ủy", "đả", "ngủy", "khoa", "tỉnh", "e", "a"}
    assert glued_cut("đảngủy", known) == 4  # not "đả" + "ngủy"
    assert glued_cut("khoatỉnh", known) == 4
    assert glued_cut("ea", known) == 1 and glued_cut("ea", known, min_side=2) is None
    assert glued_cut("khoa", known) is None  # (one word is no two)
