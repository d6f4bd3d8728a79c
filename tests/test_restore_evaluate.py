"""The syllable-accuracy metric, as defined in shared/dev-gold/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from diacritics.evaluate import eval_tokens, syllable_accuracy

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "dev-gold" / "dang-uy-phuong-binh-dinh-2025.clean.txt"


def test_tokens_are_word_runs_with_a_letter() -> None:
    assert eval_tokens("Số: 13-KH/ĐU, ngày 29/8/2025 x4 v€") == [
        "Số",
        "KH",
        "ĐU",
        "ngày",
        "x4",
        "v",
    ]


def test_exact_match_case_and_marks_count() -> None:
    gold = "Kế hoạch số 13\nỦy ban"
    assert syllable_accuracy(gold, gold).accuracy == 1.0
    a = syllable_accuracy("Ke hoạch SỐ 13\nỦy ban", gold)
    assert (a.right, a.total) == (3, 5)  # "Ke" wrong marks, "SỐ" wrong case


def test_alignment_survives_inserted_and_dropped_words() -> None:
    gold = "triển khai thực hiện kế hoạch"
    a = syllable_accuracy("triển khai noise thực hiện hoạch", gold)
    assert (a.right, a.total) == (5, 6)  # only "kế" is missing


def test_lines_are_aligned_with_the_same_line() -> None:
    a = syllable_accuracy("kế hoạch\n", "\nkế hoạch")
    assert (a.right, a.total, a.lines_mismatch) == (0, 2, 0)


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/dev-gold not present")
def test_unrepaired_sample_scores_12_6_percent() -> None:
    """The README's figure for the raw sample: the metric must reproduce it."""
    raw = (ROOT / "samples" / "dang-uy-phuong-binh-dinh-2025.txt").read_text(encoding="utf-8")
    a = syllable_accuracy(raw, GOLD.read_text(encoding="utf-8"))
    assert round(100 * a.accuracy, 1) == 12.6
