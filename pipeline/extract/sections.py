"""The outline of a plan: roman, arabic, dotted, lettered, bulleted and all-caps headings.

:func:`parse_outline` turns the paragraphs of a document into a flat list of
:class:`Node` (each with its level, marker, text and line) and a parent index, so
any line can be placed under the headings that enclose it
(:meth:`Outline.path_of`). A node is a *heading* when it reads as one (short, no
sentence after it); numbered paragraphs are nodes too, because criteria and
responsibilities are organised by them, but only headings go into the record's
``sections``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.text import BULLETS, Layout, Line, Paragraph, fold, is_caps
from pipeline.quality import syllables

_ROMAN = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
    "xi": 11, "xii": 12,
}  # fmt: skip
_ROMAN_OF = {v: k for k, v in _ROMAN.items()}  # 3 -> "iii"
# OCR reads "II" as "H" or "Il"; accepted only when the numbering expects II.
_ROMAN_OCR = {"h": "ii", "il": "ii", "li": "ii", "ll": "ii", "lll": "iii", "iii": "iii", "1i": "ii"}

_ROMAN_RE = re.compile(r"^\s*(?P<m>[IVXLH1]{1,5})\s*(?P<sep>[.\-–:]|\s-)\s*(?P<t>\S.*)$")
_ARABIC_RE = re.compile(
    r"^\s*(?P<m>\d{1,2}(?:\.\d{1,2}){0,3})\s*(?P<sep>[.)/]|\s-)?\s+(?P<t>\S.*)$"
)
_LETTER_RE = re.compile(r"^\s*(?P<m>[a-zđ])\s*(?P<sep>[.)])\s*(?P<t>\S.*)$")
_ARTICLE_RE = re.compile(r"^\s*dieu\s+(?P<m>\d{1,3})\s*[.:]\s*(?P<t>.*)$")
_BULLET_RE = re.compile(rf"^\s*(?P<m>[{re.escape(BULLETS)}])\s*(?P<t>\S.*)$")

# A top-level number OCR read as a letter ("S." for "5."), accepted where that number is due.
_DIGIT_OCR = {"S": "5", "s": "5", "l": "1", "I": "1", "O": "0", "B": "8", "Z": "2", "G": "6"}
_DIGIT_LETTER_RE = re.compile(rf"^\s*(?P<m>[{''.join(_DIGIT_OCR)}])\s*\.\s+(?P<t>\S.*)$")

# A line that is only a document symbol ("1899/SGDĐT-CTrTT.", a citation broken after "số"):
# capitals, but no heading.
_SYMBOL_LINE_RE = re.compile(r"[\w.]*\d[\w.]*[/-][\w./-]*[.,;:]?")

# Levels of each kind of marker; dotted numbers go one deeper per dot.
LEVEL = {"article": 1, "caps": 1, "roman": 1, "arabic": 2, "letter": 4, "dash": 5, "plus": 6}


@dataclass(frozen=True)
class Node:
    kind: str  # roman | arabic | letter | dash | plus | caps
    marker: str  # as printed: "I", "1", "1.2", "a", "-", ""
    text: str  # the paragraph text after the marker
    level: int
    heading: bool
    paragraph: Paragraph = field(repr=False)

    @property
    def line(self) -> Line:
        return self.paragraph.first

    @property
    def title(self) -> str:
        """The heading as it reads in an outline: marker, separator, text."""
        t = self.text.rstrip(" .:;,")
        if self.kind == "article":
            return f"Điều {self.marker}"
        if self.kind == "roman":
            return f"{self.marker}. {t}"
        if self.kind == "arabic":
            return f"{self.marker}. {t}"
        if self.kind == "letter":
            return f"{self.marker}) {t}"
        return t

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass
class Outline:
    nodes: list[Node]
    parents: list[int | None]
    # index of the paragraph -> index of the innermost node enclosing it
    owner: dict[int, int]

    def headings(self) -> list[Node]:
        return [n for n in self.nodes if n.heading]

    def children(self, i: int) -> list[int]:
        return [k for k, p in enumerate(self.parents) if p == i]

    def descendants(self, i: int) -> list[int]:
        out: list[int] = []
        stack = self.children(i)
        while stack:
            k = stack.pop(0)
            out.append(k)
            stack[0:0] = self.children(k)
        return out

    def ancestors(self, i: int) -> list[int]:
        out = []
        p = self.parents[i]
        while p is not None:
            out.append(p)
            p = self.parents[p]
        return out


def _heading_like(text: str, kind: str) -> bool:
    """A short label rather than a sentence."""
    t = text.strip()
    if kind in ("roman", "caps", "article"):
        return True
    if kind in ("dash", "plus") or t.endswith(("!", "?")):
        return False  # bullets, slogans and questions are content, not headings
    if len(t) <= 50:
        return not t.endswith(";")
    if len(t) <= 70:
        return not t.endswith((";", "."))
    return len(t) <= 160 and not t.endswith((".", ";", ":", ",")) and ". " not in t


def classify(
    p: Paragraph, expect_roman: int, expect_arabic: int = 0
) -> tuple[str, str, str] | None:
    """(kind, marker, text) of a paragraph that starts with an outline marker;
    ``expect_arabic``: the top-level number due next, which OCR may print as a letter
    ("S. Phân công trách nhiệm" after "4."; see ``_DIGIT_OCR``)."""
    first = p.text
    m = _DIGIT_LETTER_RE.match(first)
    if m and _DIGIT_OCR.get(m.group("m")) == str(expect_arabic) and m.group("t")[0].isupper():
        return "arabic", str(expect_arabic), m.group("t")
    m = _ARTICLE_RE.match(fold(first))
    if m:  # "Điều 1. ..." of a Quyết định
        return "article", m.group("m"), first[m.start("t") :]
    m = _ROMAN_RE.match(first)
    if m:
        raw = m.group("m")
        low = raw.lower()
        key: str | None = None
        due = _ROMAN_OF.get(expect_roman)
        if low in _ROMAN and raw.isupper():
            key = low
            if _ROMAN[low] == expect_roman - 1 and due == low + "i":
                key = due  # "II." again where "III." is due: OCR lost one stroke
        elif low in _ROMAN_OCR and _ROMAN[_ROMAN_OCR[low]] == expect_roman:
            key = _ROMAN_OCR[low]  # "H." where "II." is due
        # A roman heading is followed by an upper-case title ("I. MỤC ĐÍCH, YÊU CẦU").
        # (60%: restoration may leave a word of it in lower case: "MỤC Đích, YÊU CẦU").
        if key is not None and is_caps(m.group("t")[:40], 0.6):
            return "roman", key.upper(), m.group("t")
    m = _ARABIC_RE.match(first)
    if m and (m.group("sep") or "." in m.group("m")):
        return "arabic", m.group("m").rstrip("."), m.group("t")
    m = _LETTER_RE.match(first)
    if m and m.group("t")[:1].isupper():
        return "letter", m.group("m"), m.group("t")
    m = _BULLET_RE.match(first)
    if m:
        return ("plus" if m.group("m") == "+" else "dash"), m.group("m"), m.group("t")
    if (
        is_caps(first)
        and len(first) <= 120
        and not _SYMBOL_LINE_RE.fullmatch(first.strip())
        and _has_syllable(first)
    ):
        return "caps", "", first
    return None


def _has_syllable(text: str) -> bool:
    """Whether ``text`` holds a Vietnamese syllable of two letters or more: capitals of OCR
    noise ("N S NN _.. A... _. A", a stamp's ring read as letters) hold none."""
    known = syllables()
    return any(len(w) >= 2 and w in known for w in re.findall(r"[^\W\d_]+", text.lower()))


def parse_outline(
    lay: Layout, start: int = 0, end: int | None = None, skip: frozenset[int] = frozenset()
) -> Outline:
    """Outline of paragraphs ``start`` .. ``end`` (the body between title and signature), the
    paragraphs ``skip`` (a dispatch's addressees) left out."""
    paras = lay.paragraphs[start:end]
    nodes: list[Node] = []
    parents: list[int | None] = []
    owner: dict[int, int] = {}
    stack: list[int] = []  # indices into nodes, innermost last
    roman_seen = arabic_seen = 0
    for k, p in enumerate(paras, start=start):
        if k in skip:
            continue
        c = classify(p, roman_seen + 1, arabic_seen + 1 if arabic_seen else 0)
        if c is None:
            if stack:
                owner[k] = stack[-1]
            continue
        kind, marker, text = c
        if kind == "roman":
            roman_seen = _ROMAN.get(marker.lower(), roman_seen + 1)
            arabic_seen = 0  # (each part numbers its items from 1)
        elif kind == "arabic" and marker.isdigit():
            arabic_seen = int(marker)
        level = LEVEL[kind]
        if kind == "arabic":
            level += marker.count(".")
        node = Node(kind, marker, text, level, _heading_like(text, kind), p)
        while stack and nodes[stack[-1]].level >= level:
            stack.pop()
        parents.append(stack[-1] if stack else None)
        nodes.append(node)
        stack.append(len(nodes) - 1)
        owner[k] = len(nodes) - 1
    return Outline(nodes, parents, owner)
