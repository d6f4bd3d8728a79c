"""Properties of the cuts that keep a scan's other column out of the records' fields: they only
ever take text away from the end, never add, reorder or change a character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.header import _left_column
from pipeline.extract.signer import _split_right, _without_right_junk

# Header and closing-block lines as OCR prints them: Vietnamese words in both cases, the
# punctuation of lists and dates, and the symbols a stamp or a signature leaves.
WORDS = st.sampled_from(
    [
        "ỦY", "BAN", "NHÂN", "DÂN", "xã", "An", "Phú", "Sở", "GIÁO", "DỤC", "ĐỐC", "GIÁM",
        "Như", "trên;", "Lưu:", "VT.", "-", "—", "~", "“", "›", "®", "14", "+", "(b/©);",
        "CỘNG", "HÒA", "Độc", "lập", "TTGIỆE-—.", "Bà,", "UBND", "PHÓ", "CHỦ", "TỊCH",
    ]
)  # fmt: skip
LINES = st.lists(WORDS, min_size=0, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_cuts_keep_a_prefix(line: str) -> None:
    left = _left_column(line)
    assert line.startswith(left)
    kept = _without_right_junk(line)
    assert line.startswith(kept)
    rest, title = _split_right(line)
    assert line.startswith(rest)
    if title is not None:
        assert line.rstrip().endswith(title)
