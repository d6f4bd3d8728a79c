"""Vietnamese dates: every explicit date of a plan, its ISO form and its role.

Forms (patterns in ``pipeline/patterns/matcher.jsonl``): "ngày 29 tháng 8 năm 2025",
"ngày 09/10/2023", "26/8/2025", "tháng 10/2025" / "đầu tháng 10/2025" (YYYY-MM),
"trước ngày 05/12 hằng năm" and "(15/10)" (yearly: --MM-DD). The role comes from
where the date stands: the issue line (issued), the signature block (signature),
right after a cited document (reference), after "trước / chậm nhất / hoàn thành"
(deadline), otherwise an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.matcher import Matcher
from spacy.util import filter_spans

from pipeline.extract.nlp import make_nlp
from pipeline.extract.patterns import lex, load_matcher_patterns, regexes
from pipeline.extract.text import Line, Paragraph, fold

ISO_RE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|--\d{2}-\d{2}|\d{4}-\d{2})$")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class DateMention:
    text: str
    iso: str
    role: str
    line: Line
    start: int  # offset in the paragraph
    end: int
    paragraph: Paragraph
    recurring: bool = False


@cache
def _matcher() -> Matcher:
    m = Matcher(make_nlp().vocab, validate=True)
    for label, pid, pattern in load_matcher_patterns():
        if label.startswith("DATE"):
            m.add(f"{label}:{pid}", [pattern])
    return m


_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def iso_of(label: str, numbers: list[int]) -> str | None:
    """ISO form of a date given its pattern label and the numbers in it, or None if invalid.

    A quarter (DATE_Q: quarter, year) is written as the YYYY-MM of its first month,
    "đến hết năm Y" (DATE_YEAR_END: year) as Y-12: the schema's forms have no quarter.
    """
    if label == "DATE_Q" and len(numbers) == 2:
        q, y = numbers
        return f"{y:04d}-{3 * q - 2:02d}" if 1 <= q <= 4 and 1900 <= y <= 2100 else None
    if label == "DATE_YEAR_END" and len(numbers) == 1:
        return f"{numbers[0]:04d}-12" if 1900 <= numbers[0] <= 2100 else None
    if label == "DATE_DMY" and len(numbers) == 3:
        d, m, y = numbers
    elif label == "DATE_MY" and len(numbers) == 2:
        m, y = numbers
        return f"{y:04d}-{m:02d}" if 1 <= m <= 12 and 1900 <= y <= 2100 else None
    elif label == "DATE_DM" and len(numbers) == 2:
        d, m = numbers
        if 1 <= m <= 12 and 1 <= d <= _DAYS[m - 1]:
            return f"--{m:02d}-{d:02d}"
        return None
    else:
        return None
    if not (1 <= m <= 12 and 1900 <= y <= 2100 and 1 <= d <= _DAYS[m - 1]):
        return None
    if m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_dates(
    p: Paragraph, issued_line: Line | None = None, signature_from: int | None = None
) -> list[DateMention]:
    """Dates in one paragraph, in reading order, with their roles."""
    doc = make_nlp()(p.text)
    spans = []
    for match_id, s, e in _matcher()(doc):
        span = doc[s:e]
        span.label_ = make_nlp().vocab.strings[match_id].split(":")[0]
        spans.append(span)
    out: list[DateMention] = []
    rx = regexes()
    recurring = [e.folded for e in lex("recurring_cue")]
    for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
        iso = iso_of(span.label_, _numbers(span.label_, span.text))
        if iso is None:
            continue
        text = span.text.strip("() ")
        a, b = span.start_char, span.end_char
        if span.text.startswith("("):
            a, b = a + 1, b - 1
        line = p.line_at(a)
        before = p.folded[max(0, a - 90) : a]
        after = p.folded[b : b + 40]
        is_recurring = any(c in after[:25] or c in before[-30:] for c in recurring) or (
            span.label_ == "DATE_DM"
        )
        if issued_line is not None and line.index == issued_line.index:
            role = "issued"
        elif signature_from is not None and line.index >= signature_from:
            role = "signature"
        elif rx["date_cue_reference"].search(before[-90:].rstrip(" ,(")) and not rx[
            "date_cue_deadline"
        ].search(before[-25:]):
            role = "reference"
        elif rx["date_cue_deadline"].search(before[-25:]) or (
            re.search(r"den\s+(?:het\s+)?(?:ngay\s*)?$", before[-14:])
            and re.search(r"(?:tu|trong)\s+ngay", before[-60:])
        ):
            role = "deadline"  # "trong ngày A đến ngày B": B closes the window
        else:
            role = "event"
        out.append(DateMention(text, iso, role, line, a, b, p, is_recurring))
    return out


def date_to_iso(text: str) -> str | None:
    """ISO form of a single date phrase (used by references); None when it is not one."""
    doc = make_nlp()(text)
    best = None
    for match_id, s, e in _matcher()(doc):
        label = make_nlp().vocab.strings[match_id].split(":")[0]
        if best is None or (e - s) > (best[2] - best[1]):
            best = (label, s, e)
    if best is None:
        return None
    return iso_of(best[0], _numbers(best[0], doc[best[1] : best[2]].text))


def _numbers(label: str, text: str) -> list[int]:
    """The numbers of a date phrase; a quarter's roman numeral counts as one."""
    if label == "DATE_Q":
        m = re.search(r"(?i)(?:^|\s)(iv|iii|ii|i|[1-4])(?=[/\s])", text.split(" ", 1)[-1] + " ")
        y = re.findall(r"(?:19|20)\d{2}", text)
        if m and y:
            return [_QUARTER[m.group(1).lower()], int(y[-1])]
        return []
    return [int(n) for n in re.findall(r"\d+", text)]


def folded_text(s: str) -> str:
    return fold(s)
