"""List numbers in the styles Word, OpenDocument and HTML name."""

from __future__ import annotations

import pytest

from pipeline.numbering import format_number


@pytest.mark.parametrize(
    ("n", "style", "shown"),
    [
        (1, "upperRoman", "I"),
        (4, "I", "IV"),
        (9, "lowerRoman", "ix"),
        (14, "I", "XIV"),
        (1994, "I", "MCMXCIV"),
        (3, "lowerLetter", "c"),
        (28, "A", "BB"),  # (past z: aa, bb ...)
        (7, "decimal", "7"),
        (7, "decimalZero", "07"),
        (3, "bullet", ""),
        (3, "none", ""),
        (3, None, ""),
    ],
)
def test_format_number(n: int, style: str | None, shown: str) -> None:
    assert format_number(n, style) == shown
