"""The document as extraction sees it: numbered lines grouped into paragraphs.

Every extractor works on :class:`Paragraph` objects whose text is the lines of one
paragraph joined by single spaces, with a map back to (page, line) so each item
keeps where it came from. Matching happens on the *folded* text (no diacritics,
lowercase), which has exactly the same length as the text itself, so an offset
found on the folded form cuts the original text: a wrong or missing mark does not
stop a match, and what is reported is what the document says.

Lines of pure OCR noise ("9 2 & . . . . .": no word of two letters or more, no
date or long number, see :func:`is_noise`) stay in :attr:`Layout.lines` and in the
document, but are left out of the text of the paragraph they fall in, so no item,
task, criterion or recipient carries them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from diacritics.orthography import strip_marks
from pipeline.records import Document

# A line that opens a new block by itself: outline markers and bullets.
# A list item's bullets (OCR prints a hyphen as an en or em dash too).
BULLETS = "-+•*–—"
MARKER_RE = re.compile(
    r"^\s*(?:[IVXLH]{1,5}\s*[.\-–]|\d{1,2}(?:\.\d{1,2})*\s*[.)/]|[a-zđ]\s*[.)]|"
    rf"[{re.escape(BULLETS)}])\s*\S",
    re.IGNORECASE,
)


# A word of two letters or more (any script's letters: "Đảng", "xã", "KH").
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# What a line without words may still carry: a date or a number worth keeping
# ("15/02/2023.", "10.000", "2025") when a sentence wraps before it.
_NUMBER_RE = re.compile(r"\d+(?:[./]\d+)+|\d{3,}")
# A bare outline marker on a line of its own ("-", "1.", "a)", "II."): kept.
_BARE_MARKER_RE = re.compile(
    rf"^\s*(?:[{re.escape(BULLETS)}]|\d{{1,2}}(?:\.\d{{1,2}})*\s*[.)/]?|[a-zđ]\s*[.)]|"
    r"[IVXLH]{1,5}\s*[.\-–]?)\s*$",
    re.IGNORECASE,
)


def has_word(text: str) -> bool:
    """True when ``text`` holds a word of two letters or more."""
    return _WORD_RE.search(text) is not None


def is_noise(text: str) -> bool:
    """A non-blank line of OCR noise: only digits, symbols, single letters and punctuation.

    A line with a word of two letters or more, a date or a long number ("15/2/2023",
    "10.000"), or a bare outline marker ("-", "2.", "b)") is not noise.
    """
    return (
        bool(text.strip())
        and not has_word(text)
        and not _NUMBER_RE.search(text)
        and not _BARE_MARKER_RE.match(text)
    )


def fold(text: str) -> str:
    """Lowercase without diacritics; one character in, one character out."""
    return strip_marks(text).lower()


@dataclass(frozen=True)
class Line:
    """One line of the final (restored when available) text of a page."""

    index: int  # 0-based position in the whole document
    page: int  # 1-based page number
    number: int  # 1-based line number within the page
    text: str

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Paragraph:
    """Consecutive lines read as one block of running text."""

    lines: tuple[Line, ...]
    text: str
    starts: tuple[int, ...] = field(repr=False)  # offset in ``text`` where each line starts

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def first(self) -> Line:
        return self.lines[0]

    def line_at(self, offset: int) -> Line:
        """The line that holds character ``offset`` of the paragraph text."""
        k = 0
        for i, s in enumerate(self.starts):
            if s <= offset:
                k = i
        return self.lines[k]


@dataclass(frozen=True)
class Layout:
    """All lines and paragraphs of a document, plus how it is typeset."""

    lines: tuple[Line, ...]
    paragraphs: tuple[Paragraph, ...]
    # True when most paragraphs are single lines separated by blank lines (a text
    # exported from a word processor), False for hard-wrapped OCR output.
    spaced: bool

    def paragraph_of(self, line: Line) -> Paragraph | None:
        for p in self.paragraphs:
            if p.lines[0].index <= line.index <= p.lines[-1].index:
                return p
        return None


def document_lines(doc: Document) -> list[Line]:
    """Numbered lines of every page's final text (NFC)."""
    out: list[Line] = []
    for page in doc.pages:
        text = unicodedata.normalize("NFC", page.final_text)
        for i, raw in enumerate(text.split("\n"), start=1):
            out.append(Line(len(out), page.number, i, raw.replace("\f", " ").rstrip()))
    return out


def _opens_block(prev: Line, line: Line) -> bool:
    """True when ``line`` starts a new paragraph although no blank line precedes it."""
    if MARKER_RE.match(line.text):
        return True
    stripped = line.text.strip()
    # A sentence ended and the next line starts a new one with a capital, indented:
    # OCR keeps the indent of a paragraph's first line as leading spaces.
    if prev.text.rstrip().endswith((".", ":", ";")) and stripped[:1].isupper():
        return line.text.startswith(" ") or prev.text.rstrip().endswith((".", ":"))
    # An all-caps heading line stands alone.
    return _is_caps(stripped) or _is_caps(prev.text.strip())


def _is_caps(s: str, share: float = 0.8) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > share


def layout(lines: list[Line]) -> Layout:
    """Group lines into paragraphs: a blank line or a line that opens a block ends one."""
    paras: list[Paragraph] = []
    cur: list[Line] = []

    def flush() -> None:
        if not cur:
            return
        parts: list[str] = []
        starts: list[int] = []
        pos = 0
        # Noise lines are left out of the text (their start is where the next kept
        # line starts, so offsets still map to the right line); a paragraph of
        # noise only keeps its text.
        keep = [not is_noise(ln.text) for ln in cur]
        if not any(keep):
            keep = [True] * len(cur)
        for ln, k in zip(cur, keep, strict=True):
            starts.append(pos)
            if not k:
                continue
            t = ln.text.strip()
            parts.append(t)
            pos += len(t) + 1
        paras.append(Paragraph(tuple(cur), " ".join(parts), tuple(starts)))
        cur.clear()

    for ln in lines:
        if ln.blank:
            flush()
            continue
        # A noise line does not end a sentence: the line before it decides.
        prev = next((x for x in reversed(cur) if not is_noise(x.text)), cur[-1] if cur else None)
        if prev is not None and (
            _opens_block(prev, ln) or ln.page != prev.page and MARKER_RE.match(ln.text)
        ):
            flush()
        cur.append(ln)
    flush()
    nonblank = sum(1 for ln in lines if not ln.blank)
    single = sum(1 for p in paras if len(p.lines) == 1)
    spaced = bool(paras) and single / len(paras) > 0.8 and nonblank < 2 * len(paras)
    return Layout(tuple(lines), tuple(paras), spaced)


def is_caps(s: str, share: float = 0.8) -> bool:
    """Mostly upper-case letters (a heading or a header-block line): more than ``share`` of them."""
    return _is_caps(s, share)
