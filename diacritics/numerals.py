"""The Roman numerals that number a plan's headings, read in their order.

A plan's parts are "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN". OCR
prints a numeral's strokes as other strokes ("H." or "IL." for "II.", "Ill." for "III."), and
no word model can read those: but the document numbers its parts in order, so a heading
between "I." and "III." is "II.", if what OCR printed could be that numeral's strokes
(data/roman_glyphs.tsv). Only headings: a numeral at the start of a line, followed by a dot
and a word with a capital.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from diacritics.tokens import Token

_DATA = Path(__file__).resolve().parent / "data" / "roman_glyphs.tsv"
_ROMAN = re.compile(r"X{0,3}(IX|IV|V?I{0,3})")
# After the numeral: its dot, then the heading's first word, which opens with a capital.
_HEADING_REST = re.compile(r"\.\s*[^\W\d_]")
# A heading in capitals: this share of its letters at least (OCR prints some small ones).
_CAPS_SHARE = 0.8


@cache
def _glyphs() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for row in _DATA.read_text(encoding="utf-8").splitlines():
        if not row or row.startswith("#") or row.startswith("ocr\t"):
            continue
        ocr, numeral = row.split("\t")
        out.setdefault(ocr, []).append(numeral)
    return {k: tuple(v) for k, v in out.items()}


def roman(n: int) -> str:
    """``n`` (1-39) as a Roman numeral."""
    tens, ones = divmod(n, 10)
    units = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    return "X" * tens + units[ones]


def value(word: str) -> int | None:
    """The value of a Roman numeral of 1-39 in capitals ("IV": 4); None for anything else."""
    if not word or not _ROMAN.fullmatch(word):
        return None
    n, i = 0, 0
    for a, v in (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1)):
        while word.startswith(a, i):
            n += v
            i += len(a)
    return n


def readings(printed: str) -> set[str]:
    """The numerals OCR may have printed as ``printed``: each glyph (or pair of glyphs) read
    as the numeral letters it may stand for."""
    glyphs = _glyphs()
    memo: dict[int, set[str]] = {len(printed): {""}}
    for k in range(len(printed) - 1, -1, -1):
        here: set[str] = set()
        for width in (1, 2):
            for letters in (
                glyphs.get(printed[k : k + width], ()) if k + width <= len(printed) else ()
            ):
                here |= {letters + rest for rest in memo[k + width]}
        memo[k] = here
    return memo[0]


def numeral_repairs(
    lines: Sequence[str], tokens: Sequence[Token], words: Sequence[str]
) -> dict[int, str]:
    """Token position -> the numeral a heading's misprinted number stands for: the one that
    follows the heading before it or precedes the heading after it (as read, ``words``) and
    that OCR could have printed so, where exactly one does (a part may be lost: "H." between
    "I." and "IV." is "II.")."""
    heads: list[tuple[int, int | None]] = []  # (position, value as read)
    for i, t in enumerate(tokens):
        line = lines[t.line - 1]
        end = t.col + len(t.text)
        if len(t.text) > 4 or line[: t.col].strip() or not _HEADING_REST.match(line, end):
            continue
        letters = [c for c in line[end:] if c.isalpha()]
        if len(letters) < 3 or sum(c.isupper() for c in letters) < _CAPS_SHARE * len(letters):
            continue  # (a heading in capitals: not a list item "1. Tiếp tục")
        heads.append((i, value(words[i])))
    out: dict[int, str] = {}
    for k, (i, v) in enumerate(heads):
        if v is not None:
            continue
        before = heads[k - 1][1] if k else None
        after = heads[k + 1][1] if k + 1 < len(heads) else None
        wanted = set()
        if before is not None:
            wanted.add(roman(before + 1))
        if after is not None and after > 1:
            wanted.add(roman(after - 1))
        fits = wanted & readings(tokens[i].text)
        if len(fits) == 1:
            out[i] = fits.pop()
    return out
