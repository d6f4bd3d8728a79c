"""Vietnamese orthography: tone marks, vowel marks and where the tone goes.

Everything here works on single syllables or on whole strings of text, is pure
(no I/O) and keeps the case of every letter. Both ingestion (tone-placement
normalization) and restoration (candidate keys) build on it, so it lives in one
small module with no dependencies beyond the standard library.

Vocabulary: a Vietnamese syllable = optional initial consonant + vowel nucleus
(1-3 vowel letters, some carrying a *vowel mark*: â ă ê ô ơ ư) + optional final
consonant, plus at most one *tone mark* (acute, grave, hook, tilde, dot) placed
on one vowel of the nucleus. ``đ`` is a separate letter, not a mark on ``d``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from enum import StrEnum

# Combining code points of the five tones (NFD), in the order of TONES.
_TONE_MARKS = {
    "\u0301": 1,  # sắc  (acute)
    "\u0300": 2,  # huyền (grave)
    "\u0309": 3,  # hỏi  (hook above)
    "\u0303": 4,  # ngã  (tilde)
    "\u0323": 5,  # nặng (dot below)
}
_TONE_BY_NUMBER = {v: k for k, v in _TONE_MARKS.items()}
# Vowel-quality marks: circumflex, breve, horn.
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}

_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
# Letters of the Latin alphabet that Vietnamese does not write: no syllable begins with one, so
# no abbreviation of Vietnamese words holds one ("MFFQ" is a damaged "MTTQ"; "SGDĐT" may be a
# body's own code).
_FOREIGN_LETTERS = frozenset("fjwz")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


class TonePlacement(StrEnum):
    """Where the tone goes in open syllables with oa, oe, uy.

    ``OLD`` ("kiểu cũ": hòa, khỏe, thủy, Ủy) is what current government documents
    use and is the default everywhere in this project; ``NEW`` ("kiểu mới": hoà,
    khoẻ, thuỷ) is common in school texts and some corpora.
    """

    OLD = "old"
    NEW = "new"


def split_tone(syllable: str) -> tuple[str, int]:
    """Return the syllable without its tone mark, and the tone (0 = none, 1-5).

    Vowel marks (â ă ê ô ơ ư) and đ are kept: ``split_tone("Thuyết") == ("Thuyêt", 1)``.
    """
    tone = 0
    out = []
    for ch in unicodedata.normalize("NFD", syllable):
        t = _TONE_MARKS.get(ch)
        if t is not None:
            tone = t
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), tone


def strip_marks(text: str) -> str:
    """Remove every diacritic (tones and vowel marks) and turn đ/Đ into d/D.

    Keeps all other characters and the length of the string (one letter in, one
    letter out), so offsets computed on the stripped text hold for the original.
    """
    out = []
    for ch in text:
        if ch == "đ":
            out.append("d")
        elif ch == "Đ":
            out.append("D")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if unicodedata.combining(base) == 0 and ord(base) < 128 else ch)
    return "".join(out)


def _nucleus(lower: str) -> tuple[int, int]:
    """Start and end (exclusive) of the vowel nucleus of a toneless lowercase syllable."""
    i = 0
    n = len(lower)
    # "qu" + vowel: u belongs to the initial. "gi" + vowel: i belongs to the initial.
    if lower.startswith("qu") and n > 2 and lower[2] in _VOWELS:
        i = 2
    elif lower.startswith("gi") and n > 2 and lower[2] in _VOWELS:
        i = 2
    else:
        while i < n and lower[i] not in _VOWELS:
            i += 1
    j = i
    while j < n and lower[j] in _VOWELS:
        j += 1
    return i, j


def tone_position(base: str, placement: TonePlacement = TonePlacement.OLD) -> int | None:
    """Index in ``base`` (a toneless syllable) of the vowel that carries the tone."""
    lower = base.lower()
    start, end = _nucleus(lower)
    if start >= end:
        return None
    nucleus = lower[start:end]
    has_final = end < len(lower)
    marked = [k for k, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        # "ươ": the tone goes on ơ, the last marked vowel.
        return start + marked[-1]
    if len(nucleus) == 1:
        return start
    if has_final:
        return start + len(nucleus) - 1
    if len(nucleus) == 3:
        return start + 1
    if placement is TonePlacement.NEW and nucleus in ("oa", "oe", "uy"):
        return start + 1
    return start


def place_tone(base: str, tone: int, placement: TonePlacement = TonePlacement.OLD) -> str:
    """Put ``tone`` (1-5) on the right vowel of the toneless syllable ``base``."""
    if tone == 0:
        return base
    pos = tone_position(base, placement)
    if pos is None:
        return base
    ch = unicodedata.normalize("NFD", base[pos])
    marked = unicodedata.normalize("NFC", ch + _TONE_BY_NUMBER[tone])
    return base[:pos] + marked + base[pos + 1 :]


def normalize_syllable(syllable: str, placement: TonePlacement = TonePlacement.OLD) -> str:
    """Move the tone mark of one syllable to where ``placement`` puts it.

    Leaves alone what is not a plain Vietnamese syllable (foreign words, tokens
    with two tone marks, no vowel), so it never damages text it does not understand.
    """
    base, tone = split_tone(syllable)
    if tone == 0:
        return syllable
    nfd = unicodedata.normalize("NFD", syllable)
    if sum(1 for ch in nfd if ch in _TONE_MARKS) != 1:
        return syllable
    if not all(ch.lower() in _VOWELS or ch.isalpha() for ch in base):
        return syllable
    placed = place_tone(base, tone, placement)
    return placed if placed != base else syllable


def normalize_tone_placement(text: str, placement: TonePlacement = TonePlacement.OLD) -> str:
    """Apply :func:`normalize_syllable` to every word of ``text`` (NFC in, NFC out)."""
    text = unicodedata.normalize("NFC", text)
    return _WORD_RE.sub(lambda m: normalize_syllable(m.group(0), placement), text)


def foreign_letters(word: str) -> bool:
    """Whether ``word`` holds a letter Vietnamese does not write (f, j, w, z)."""
    return any(ch in _FOREIGN_LETTERS for ch in word.lower())


def has_marks(word: str) -> bool:
    """True when ``word`` carries any Vietnamese diacritic (tone, vowel mark or đ)."""
    return strip_marks(word) != word


def glued_cut(word: str, known: Collection[str], min_side: int = 1) -> int | None:
    """Where ``word`` is two words of ``known`` written without their space, each at least
    ``min_side`` characters: the cut with the longest first word (a consonant between two
    vowels closes the first syllable: "đảngủy" is "đảng ủy", not "đả ngủy"), or None."""
    for cut in range(len(word) - min_side, min_side - 1, -1):
        if word[:cut] in known and word[cut:] in known:
            return cut
    return None


def gains_hook_or_horn(before: str, after: str) -> bool:
    """Whether ``after`` has a hook above (ả) or a horn (ư, ơ) that ``before`` lacks: the marks
    Tesseract's eng model prints as a glyph of their own after the word ("cv’" for "cử")."""
    a, b = unicodedata.normalize("NFD", after), unicodedata.normalize("NFD", before)
    return any(m in a and m not in b for m in ("\u0309", "\u031b"))
