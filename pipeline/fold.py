"""Folding text for search and matching: accents, case and typical OCR damage.

Search must find "Dân vận khéo" whether it is typed "dan van kheo", "DÂN VẬN KHÉO"
or read by an OCR engine without Vietnamese support. Two folds serve that:

* :func:`fold` removes every diacritic (``đ`` -> ``d`` as well, which SQLite's
  ``unicode61 remove_diacritics`` does not do) and lowercases;
* :func:`skeleton` goes further for OCR-damaged text: it maps digits and letters
  that stand for marked vowels (``pipeline/data/ocr_fold.tsv``) and then keeps
  only the consonants of each word, because the vowel nucleus is where a Latin-only
  OCR model damages Vietnamese (``"Huyn"``, ``"thyc"``, ``"v6i"`` have the
  skeletons of ``"Huyện"``, ``"thực"``, ``"với"``).

:func:`number_key` normalizes document numbers ("Số 13-KH/ĐU") so that a cited
number matches the number of the document it cites.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from diacritics.orthography import strip_marks

DATA = Path(__file__).parent / "data" / "ocr_fold.tsv"

# A token as SQLite's unicode61 tokenizer sees it: a run of letters and digits.
TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_VOWELS = frozenset("aeiouy")
# The skeleton of a word of vowels only ("ủy", "ở"): a letter no skeleton otherwise
# contains (w is read as the vowel u), so "huyện ủy" does not match "hiện" alone.
VOWEL_WORD = "w"


def _fold_char(ch: str) -> str:
    out = strip_marks(ch)
    if not out.isascii():
        out = unicodedata.normalize("NFD", out)[0]
    low = out.lower()
    return low if len(low) == 1 else out


# Latin letters with marks (Latin-1, Latin Extended A/B, and Latin Extended Additional,
# which holds the Vietnamese vowels with tone marks), folded once here for str.translate:
# that is what makes indexing a large backlog cheap.
_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for lo, hi in ((0xC0, 0x250), (0x1E00, 0x1F00))
    for cp in range(lo, hi)
    if _fold_char(chr(cp)) != chr(cp)
}


def fold(text: str) -> str:
    """Lowercase ``text`` without any diacritic (``"ĐẢNG ủy"`` -> ``"dang uy"``).

    Letters outside Vietnamese that decompose to an ASCII base (``ü``, ``ç``) lose
    their marks too: OCR engines without Vietnamese produce them for marked vowels.
    """
    out = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
    if not out.isascii():
        out = "".join(ch if ch.isascii() else _fold_char(ch) for ch in out)
    return out.lower()


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``, split the way the FTS5 index splits them."""
    return TOKEN_RE.findall(fold(text))


@cache
def _ocr_map() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    digits: dict[str, str] = {}
    letters: dict[str, str] = {}
    initials: dict[str, str] = {}
    for raw in DATA.read_text("utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        kind, src, dst, *_why = raw.split("\t")
        {"digit": digits, "letter": letters, "initial": initials}[kind][src] = dst
    return digits, letters, initials


@cache
def skeleton_token(token: str) -> str:
    """The consonant skeleton of one folded token (:data:`VOWEL_WORD` when only vowels remain).

    Pure numbers are kept whole: "13" in "Số 13" is information, not damage.
    """
    if token.isdigit():
        return token
    digits, letters, initials = _ocr_map()
    chars = list(token)
    if any(c.isdigit() for c in chars):
        chars = [digits.get(c, c) for c in chars]
    chars = [letters.get(c, c) for c in chars]
    if chars and chars[0] in initials and (len(chars) == 1 or chars[1] != "h"):
        chars[0] = initials[chars[0]]
    return "".join(c for c in chars if c not in _VOWELS) or VOWEL_WORD


def skeleton(text: str, *, folded: bool = False) -> str:
    """Space-separated consonant skeletons of the words of ``text``.

    ``folded=True`` says ``text`` is already the output of :func:`fold`.
    """
    words = TOKEN_RE.findall(text if folded else fold(text))
    return " ".join(s for s in map(skeleton_token, words) if s)


_NUMBER_PREFIX_RE = re.compile(r"^\s*(?:so|s6|s0)\b\s*[:.]?\s*", re.IGNORECASE)
_SEP_RE = re.compile(r"[\s\-/–—_.:]+")


def number_key(number: str | None) -> str | None:
    """A comparable form of a document number, or None when it has no digit.

    ``"Số 13 -KH/ĐU"``, ``"13-KH/DU"`` and ``"013/KH-ĐU"`` all give ``"13/KH/DU"``:
    marks, case, spaces and the choice of separator (``-`` or ``/``) do not count,
    nor do leading zeros. OCR that reads ``/`` as ``I`` ("CVIHU") is not undone.
    """
    if not number:
        return None
    text = _NUMBER_PREFIX_RE.sub("", fold(number))
    if not any(c.isdigit() for c in text):
        return None
    parts = [p for p in _SEP_RE.split(text.upper()) if p]
    if parts and parts[0].isdigit():
        parts[0] = parts[0].lstrip("0") or "0"
    return "/".join(parts) or None


def year_of(date: str | None) -> str | None:
    """The year of a record date ("2023-02-10", "2023-02"), None for "--MM-DD" or none."""
    if date and len(date) >= 4 and date[:4].isdigit():
        return date[:4]
    return None
