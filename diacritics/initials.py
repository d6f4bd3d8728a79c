"""Names that a document abbreviates, read the way the document spells them elsewhere.

Vietnamese administrative writing abbreviates a body's name by its syllables' first letters,
and a plan prints both: "Hướng dẫn số 02-HD/BDVTU của Ban Dân vận Tỉnh ủy". Where OCR damaged
one word of such a name past what the decoder could repair (font damage printed "vận" as "4n"
throughout a plan: "Ban Dân An Tỉnh ủy", flagged), the abbreviation says which letter that
word begins with, and the document's own reading of the same name elsewhere ("1. Ban Dân vận
Huyện ủy:", read surely) says which word it is (:func:`name_repairs`); and a printed token
such names prove ("4n" is "vận" twice or more) is read so where else the decoder only guessed
at it (:func:`printed_readings`). Nothing is taken from outside the document.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence

from diacritics.orthography import strip_marks
from diacritics.tokens import Token, is_abbreviation

# A code this short matches too many word runs by chance ("HU", "BTT").
MIN_CODE = 4


def _initial(word: str) -> str:
    return strip_marks(word[:1]).lower()


def _initials(words: Sequence[str]) -> str:
    """The first letters of ``words``, folded, one character a word (a space for none)."""
    return "".join(_initial(w) if w else " " for w in words)


def document_codes(tokens: Sequence[Token], known: Container[str] = ()) -> set[str]:
    """The abbreviations in capitals the document prints, of ``MIN_CODE`` letters or more,
    folded ("BDVTU" -> "bdvtu", "HĐND" -> "hdnd"): a part of a document symbol ("KH/BDVTU"),
    a word of capitals without a vowel ("HĐND", "MTTQ"), or one of ``known`` (the corpus's
    abbreviations: "UBND"). OCR's damaged capitals ("HOLNGHI" for "HỘI NGHỊ") are none."""
    return {
        strip_marks(t.text).lower()
        for t in tokens
        if len(t.text) >= MIN_CODE
        and t.text.isalpha()
        and t.text.isupper()
        and (t.symbol_part or is_abbreviation(t.text) or t.text in known)
    }


class _Runs:
    """Where a name of a given number of words may begin in a reading: one sentence, the first
    word capitalized, no protected token or number among them. Built once per reading (prefix
    counts), asked per size: a long document is no quadratic bill."""

    def __init__(self, tokens: Sequence[Token], words: Sequence[str]):
        self.n = len(tokens)
        self.caps = [i for i, w in enumerate(words) if w[:1].isupper()]
        bad = [0]
        breaks = [0]
        for t, w in zip(tokens, words, strict=True):
            usable = not (t.protected or t.number) and any(ch.isalpha() for ch in w)
            bad.append(bad[-1] + (not usable))
            breaks.append(breaks[-1] + t.boundary)
        self._bad, self._breaks = bad, breaks
        self._sizes: dict[int, list[int]] = {}

    def starts(self, size: int) -> list[int]:
        hit = self._sizes.get(size)
        if hit is None:
            bad, breaks = self._bad, self._breaks
            hit = self._sizes[size] = [
                i
                for i in self.caps
                if i + size <= self.n
                and bad[i + size] == bad[i]
                and breaks[i + size] == breaks[i + 1]
            ]
        return hit


def _spelled(
    tokens: Sequence[Token], words: Sequence[str], codes: set[str]
) -> list[tuple[int, str]]:
    """(first position, code) of the runs of the reading whose words' first letters spell
    one of ``codes``."""
    if not codes:
        return []
    runs = _Runs(tokens, words)
    initials = _initials(words)
    return [
        (i, c) for c in sorted(codes) for i in runs.starts(len(c)) if initials[i : i + len(c)] == c
    ]


def spelled_runs(
    tokens: Sequence[Token], words: Sequence[str], codes: set[str]
) -> list[tuple[int, int]]:
    """(first position, length) of the runs of the reading whose words' first letters spell
    one of ``codes`` ("Ban Dân vận Huyện ủy" for "bdvhu")."""
    return [(i, len(c)) for i, c in _spelled(tokens, words, codes)]


def spelled_codes(tokens: Sequence[Token], words: Sequence[str], codes: set[str]) -> set[str]:
    """The ``codes`` the reading spells out somewhere (its names' initials)."""
    return {c for _i, c in _spelled(tokens, words, codes)}


def printed_readings(
    tokens: Sequence[Token],
    words: Sequence[str],
    proofs: Sequence[int],
    unsure: Callable[[int], bool],
    min_proofs: int = 2,
) -> dict[int, tuple[str, int]]:
    """Position -> (word, a position that proves it) for the other occurrences of a printed
    token that the document's names prove: where at least ``min_proofs`` of ``proofs`` (words
    of names their abbreviations confirm) read one printed token ("4n", no syllable) as one
    word ("vận") and none as another, its ``unsure`` readings elsewhere ("Dân án khéo") are
    that word too: a font's damage is systematic."""
    by_type: dict[str, dict[str, list[int]]] = {}
    for i in proofs:
        t, w = tokens[i].text.lower(), words[i]
        if w.lower() != t:
            by_type.setdefault(t, {}).setdefault(w.lower(), []).append(i)
    out: dict[int, tuple[str, int]] = {}
    proven = set(proofs)
    for i, tok in enumerate(tokens):
        readings = by_type.get(tok.text.lower())
        if not readings or len(readings) != 1 or i in proven:
            continue
        ((w, where),) = readings.items()
        if len(where) >= min_proofs and words[i].lower() != w and unsure(i):
            out[i] = (words[where[0]], where[0])
    return out


def name_repairs(
    tokens: Sequence[Token],
    words: Sequence[str],
    unsure: Callable[[int], bool],
    codes: set[str],
) -> dict[int, tuple[str, int]]:
    """Position -> (word, position of the word it was read from) for the words of abbreviated
    names to read as the document reads them elsewhere.

    A run of words of the reading ``words`` (one sentence, the first capitalized, no protected
    token or number) whose first letters spell one of ``codes`` but at one position ``k`` is
    a misread name when the word at ``k`` is ``unsure`` (a flagged repair, or a word left
    unread) and the document reads the same name elsewhere: a run with the same words but at
    ``k`` that spells the code ("Ban Dân vận Huyện ủy" for "bdvhu" beside "Ban Dân An Huyện
    ủy"). Its word at ``k`` is taken, where such runs agree on it. ("Ủy ban MTTQ Việt" is one
    letter from "ubtv", "Ủy ban Thường vụ": no misread name, since its other words differ.)"""
    if not codes:
        return {}
    folded = [strip_marks(w).lower() for w in words]
    initials = _initials(words)
    runs = _Runs(tokens, words)
    out: dict[int, tuple[str, int]] = {}
    for code in sorted(codes):
        size = len(code)
        starts = runs.starts(size)
        # The runs that spell the code, by their words: (folded words) -> first position.
        right: dict[tuple[str, ...], int] = {}
        for i in starts:
            if initials[i : i + size] == code:
                right.setdefault(tuple(folded[i : i + size]), i)
        if not right:
            continue
        for i in starts:
            wrong = [k for k in range(size) if initials[i + k] != code[k]]
            if len(wrong) != 1 or not unsure(i + wrong[0]):
                continue
            k = wrong[0]
            found = {
                key[k]: r + k
                for key, r in right.items()
                if key[:k] == tuple(folded[i : i + k])
                and key[k + 1 :] == tuple(folded[i + k + 1 : i + size])
            }
            if len(found) == 1:
                j = next(iter(found.values()))
                out[i + k] = (words[j], j)
    return out
