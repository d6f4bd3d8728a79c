"""pipeline.quality: the garbled score separates clean Vietnamese from garbled OCR and other languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.quality import DEFAULT, garbled_score, looks_vietnamese, marked_share

CLEAN = (
    "Ủy ban nhân dân tỉnh ban hành kế hoạch thực hiện phong trào thi đua yêu nước, "
    "tập trung lãnh đạo, chỉ đạo các cơ quan, đơn vị nâng cao chất lượng hoạt động."
)
# Hand-made garbling of CLEAN (letters dropped or swapped as OCR does), not a sample.
GARBLED = (
    "Uy ban nhn dn tinh ban hnh k hoach thc hin phong trao thi dua yu nuc, "
    "tp trung lnh do, chi do cac co quan, don vi nang cao cht luqng hoat dng."
)
UNMARKED = (
    "Uy ban nhan dan tinh ban hanh ke hoach thuc hien phong trao thi dua yeu nuoc, "
    "tap trung lanh dao, chi dao cac co quan, don vi nang cao chat luong hoat dong."
)
SCANNER_LAYER = "UBND THANH PHO CONG Hcok xA HQI CHiJ NGHiA VIVT NAM SO GIAO DVC vA DA T"


def test_clean_is_clean() -> None:
    assert garbled_score(CLEAN) < 0.1
    assert marked_share(CLEAN) > 0.7  # one short sentence; prose averages 0.85-0.88


@pytest.mark.parametrize(
    "text", [GARBLED, UNMARKED, SCANNER_LAYER], ids=["garbled", "unmarked", "scanner"]
)
def test_garbled_is_above_threshold(text: str) -> None:
    assert garbled_score(text) > DEFAULT.garbled_threshold
    assert looks_vietnamese(text) or text is SCANNER_LAYER


def test_other_languages_are_not_vietnamese() -> None:
    assert not looks_vietnamese("The committee will meet on Monday to discuss the annual plan.")
    assert not looks_vietnamese("这是一份关于年度计划的中文文件")
    assert looks_vietnamese(CLEAN) and looks_vietnamese(UNMARKED)


def test_tiny_texts_score_zero() -> None:
    assert garbled_score("") == 0.0
    assert garbled_score("12") == 0.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_score_in_unit_interval(text: str) -> None:
    assert 0.0 <= garbled_score(text) <= 1.0
    assert 0.0 <= marked_share(text) <= 1.0
