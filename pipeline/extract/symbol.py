"""The issuer as its document's symbol spells it.

A Vietnamese document's symbol ends with its issuer's abbreviation (Nghị định 30/2020,
Phụ lục I: "Số: 16-KH/BDVHU" is a plan of the Ban Dân vận Huyện ủy, "1906/SGDĐT-CTrTT" a
dispatch of the Sở Giáo dục và Đào tạo). Where OCR garbled the issuer's name past repair
(font damage printed "vận" as "4n" throughout a plan, and its name came out "Ban Dân An
Huyện ủy"), the document often spells the name right elsewhere ("1. Ban Dân vận Huyện ủy:"
over its tasks): the symbol tells which of its spellings is the issuer.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.actors import opens_with_head
from pipeline.extract.patterns import lex
from pipeline.extract.text import Layout, Line, fold

# Words an abbreviation leaves out: "Sở Giáo dục và Đào tạo" is SGDĐT.
_JOINERS = frozenset({"va", "&"})
# A code this short names too many bodies to pick one by it ("HU": Huyện ủy, Hội ...).
_MIN_CODE = 3
# A word of a name: letters (a hyphen inside, "Pắc-Ca"), OCR's stray punctuation stripped.
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@cache
def _type_codes() -> frozenset[str]:
    """The document-type codes of symbols ("KH", "QĐ", "CV"), folded: no issuer's."""
    return frozenset(fold(e.code) for e in lex("doc_type") if e.code)


def issuer_codes(symbol: str) -> list[str]:
    """The parts of a symbol that abbreviate its issuer, folded, longest first: "-KH/BDVHU"
    -> ["bdvhu"], "16/KH-MTTQ-BTT" -> ["mttq", "btt"]; numbers, document-type codes and parts
    shorter than three letters are left out."""
    parts = [fold(p) for p in re.findall(r"[^\W\d_]+", symbol)]
    keep = [p for p in parts if len(p) >= _MIN_CODE and p not in _type_codes()]
    return sorted(dict.fromkeys(keep), key=len, reverse=True)


def spells(code: str, name: str) -> bool:
    """Whether folded ``code`` could abbreviate ``name``: its letters are, in order, first
    letters of the name's words, or letters of an abbreviation the name holds ("Ban Thường
    trực Ủy ban MTTQ Việt Nam xã Lương Minh" spells "btt" and "mttq")."""
    letters = "".join(w if w.isupper() and len(w) > 1 else w[:1] for w in _WORD.findall(name) if w)
    letters = fold(letters)
    it = iter(letters)
    return all(ch in it for ch in code)  # (a subsequence: "sgddt" in "sgdvddttpdn")


def named_by_code(lay: Layout, code: str) -> tuple[str, Line] | None:
    """The name in the document whose words' first letters are exactly ``code``, the first
    one capitalized ("Ban Dân vận Huyện ủy" for "bdvhu"): the spelling met most often, the
    first met on a tie, with the line it was first met on."""
    counts: dict[str, int] = {}
    first_line: dict[str, Line] = {}
    for p in lay.paragraphs:
        words = list(_WORD.finditer(p.text))
        folded = [fold(m.group()) for m in words]
        for i, m in enumerate(words):
            if not m.group()[:1].isupper() or folded[i][0] != code[0]:
                continue
            k, j = 0, i
            while j < len(words) and k < len(code):
                if j > i and p.text[words[j - 1].end() : words[j].start()].strip():
                    break  # (a name runs over spaces only: "tang vật; phương tiện" is two)
                if folded[j] in _JOINERS and j > i:
                    j += 1
                    continue
                if folded[j][0] != code[k]:
                    break
                k, j = k + 1, j + 1
            if k < len(code):
                continue
            name = re.sub(r"\s+", " ", p.text[m.start() : words[j - 1].end()])
            if not opens_with_head(fold(name), name):
                continue  # (a body's name: "Khám nơi cất giấu" spells a subject's code)
            counts[name] = counts.get(name, 0) + 1
            first_line.setdefault(name, p.line_at(m.start()))
    if not counts:
        return None
    best = max(counts, key=lambda n: counts[n])  # (dicts keep the order met: first on a tie)
    return best, first_line[best]


def issuer_by_symbol(
    lay: Layout, issuer: str | None, line: Line | None, symbol: str | None
) -> tuple[str | None, Line | None]:
    """The issuer, checked against the symbol: kept where one of the symbol's issuer codes
    could abbreviate it (or the symbol has none); else the body's name the document spells
    that code with, where it has one; else kept as it is. No issuer stays none: a symbol
    may abbreviate the subject too ("QĐ-KNCG", a search warrant), and is no name alone."""
    codes = issuer_codes(symbol or "")
    if not issuer or not codes or any(spells(c, issuer) for c in codes):
        return issuer, line
    for code in codes:
        found = named_by_code(lay, code)
        if found is not None:
            return found
    return issuer, line
