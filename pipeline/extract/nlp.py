"""The spaCy pipeline of extraction: a blank Vietnamese-aware tokenizer, no model.

Why not ``spacy.blank("vi")``: it needs pyvi and then segments words ("Ủy ban" one
token), which our patterns do not want (they are written syllable by syllable),
and with pyvi off it splits only on whitespace, so "2024," stays one token. Why
not plain ``spacy.blank("xx")``: its English-flavoured exceptions keep "b." as one
token. So :class:`PlanVietnamese` splits on whitespace and punctuation, keeps
document numbers and dates ("13-KH/ĐU", "26/8/2025") as single tokens, and sets
``LIKE_NUM`` to digits only: Vietnamese "năm" is both "year" and "five", and must
never look like a number. Each token's ``NORM`` is its accent-folded lowercase
form, so Matcher patterns written on NORM survive a wrong or missing mark.
"""

from __future__ import annotations

from functools import cache

from spacy.attrs import LIKE_NUM, NORM
from spacy.lang.char_classes import ALPHA, CONCAT_QUOTES, HYPHENS
from spacy.lang.punctuation import TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.text import fold

# Infixes: split letters joined by quotes or commas, and digit-hyphen-digit
# ("2026-2031"); never split on "/" or on a hyphen that joins a number to letters.
_INFIXES = [
    r"(?<=[0-9])[+\-\*^](?=[0-9])",
    rf"(?<=[{ALPHA}]),(?=[{ALPHA}])",
    rf"(?<=[{ALPHA}])[{CONCAT_QUOTES}](?=[{ALPHA}])",
    rf"(?<=[{ALPHA}])(?:{HYPHENS})(?=[{ALPHA}][a-zà-ỹ])",
    r"[“”‘’«»]",
]


def _like_num(text: str) -> bool:
    """Digits only (with separators): number words are left to the patterns."""
    t = text.replace(",", "").replace(".", "").replace("/", "")
    return t.isdigit()


class PlanVietnameseDefaults(Language.Defaults):  # type: ignore[misc,valid-type]
    tokenizer_exceptions: dict = {}  # no English contractions, no "b." exceptions
    prefixes = TOKENIZER_PREFIXES
    suffixes = TOKENIZER_SUFFIXES
    infixes = _INFIXES
    lex_attr_getters = {LIKE_NUM: _like_num, NORM: fold}


class PlanVietnamese(Language):
    """Blank Vietnamese for plan extraction (syllable tokens, folded NORM)."""

    lang = "vi"
    Defaults = PlanVietnameseDefaults


@cache
def make_nlp() -> Language:
    """The shared pipeline (tokenizer only; matching is done by the extractors)."""
    return PlanVietnamese()


def tokens(text: str) -> Doc:
    return make_nlp()(text)
