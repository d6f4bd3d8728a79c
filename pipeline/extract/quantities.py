"""Quantities: targets, counts and quotas ("10/10 làng", "từ 01 đến 02 mô hình", "02 hội nghị").

A number counts as a quantity only when a counted noun from the lexicon (``unit``)
follows it, so section numbers, dates and document numbers never do; a number
after "số", "khóa", "Điều", "lần thứ", "Mẫu" ... is an identifier, not a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.matcher import Matcher
from spacy.util import filter_spans

from diacritics.orthography import strip_marks
from pipeline.extract.nlp import make_nlp
from pipeline.extract.patterns import lex, load_matcher_patterns
from pipeline.extract.text import Line, Paragraph

# Words (folded) right before a number that make it an identifier, not a count.
_ID_WORDS = {
    "so", "khoa", "dieu", "mau", "khoan", "muc", "diem", "ngay", "thang", "nam", "quy",
    "thu", "lan", "buoc", "phu", "luc", "trang", "phan", "chuong", "ky", "to", "thon",
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float
    unit: str
    line: Line
    total: float | None = None
    value_max: float | None = None


@cache
def _matcher() -> Matcher:
    m = Matcher(make_nlp().vocab, validate=True)
    for label, pid, pattern in load_matcher_patterns():
        if label.startswith("QTY"):
            m.add(f"{label}:{pid}", [pattern])
    return m


def _num(s: str) -> float:
    v = float(s.replace(",", "."))
    return int(v) if v.is_integer() else v  # type: ignore[return-value]


@cache
def _units() -> dict[str, frozenset[str]]:
    """The lexicon's units by folded form -> their spellings in small letters."""
    out: dict[str, set[str]] = {}
    for e in lex("unit"):
        out.setdefault(e.folded, set()).add(e.text.lower())
    return {k: frozenset(v) for k, v in out.items()}


def _a_unit(unit: str) -> bool:
    """Whether ``unit`` as printed is one of the lexicon's counted nouns: all its words (the
    matcher knows only a unit's first word: "điển" of "điển hình"), spelled as the lexicon
    spells it where it carries marks ("Điện" folds like "điển" but is another word), and in
    small letters: a capital starts a name or a sentence ("199 Điện Biên Phủ", a table's row
    number before "Ban hành kế hoạch")."""
    spellings = _units().get(strip_marks(unit).lower())
    if spellings is None or unit[:1].isupper():
        return False
    return strip_marks(unit) == unit or unit.lower() in spellings


def find_quantities(p: Paragraph) -> list[Quantity]:
    doc = make_nlp()(p.text)
    units = [e.folded.split() for e in lex("unit")]
    spans = []
    for match_id, s, e in _matcher()(doc):
        # Extend the one-word unit to the longest lexicon unit that follows.
        best = 1
        for u in units:
            if [t.norm_ for t in doc[e - 1 : e - 1 + len(u)]] == u:
                best = max(best, len(u))
        span = doc[s : e - 1 + best]
        span.label_ = make_nlp().vocab.strings[match_id].split(":")[0]
        spans.append(span)
    out: list[Quantity] = []
    for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
        prev = doc[span.start - 1].norm_ if span.start > 0 else ""
        if prev in _ID_WORDS:
            continue
        if span.start > 0 and doc[span.start - 1].text in ("/", "-", "."):
            continue  # part of a date or number: "15/2/2023", "1.3.2"
        nums = re.findall(r"\d+(?:[.,]\d+)?", span.text)
        digits = [t.i for t in span if t.text[:1].isdigit()]
        first = doc[digits[0]]
        unit = " ".join(t.text for t in doc[digits[-1] + 1 : span.end]).strip()
        if not _a_unit(unit):
            continue
        if "/" in first.text:
            a, b = first.text.split("/")
            out.append(
                Quantity(span.text, _num(a), unit, p.line_at(span.start_char), total=_num(b))
            )
        elif span.label_ == "QTY_RANGE" and len(nums) >= 2:
            out.append(
                Quantity(
                    span.text,
                    _num(nums[0]),
                    unit,
                    p.line_at(span.start_char),
                    value_max=_num(nums[1]),
                )
            )
        else:
            out.append(Quantity(span.text, _num(nums[0]), unit, p.line_at(span.start_char)))
    return out
