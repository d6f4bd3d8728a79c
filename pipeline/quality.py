"""How far a text is from well-formed Vietnamese: the "looks garbled" score.

Two signals, both cheap and dictionary-based:

* the share of word tokens that are not a Vietnamese syllable (OCR splits and
  merges letters, invents "Hcok", "thiyc", "Nghj");
* the share of syllables carrying a diacritic. Real Vietnamese prose marks most
  syllables (measured on corpora/: see :class:`QualityConfig`); OCR that lost the
  marks ("Dang uy phuong xay dung") produces valid-looking but unmarked syllables,
  which only this second signal catches.

The syllable inventory is ``corpora/wordlists/vinlp_all_vietnamese_syllables.txt``
(ViNLP, tone placed in the hoà/uỷ style); both tone placements are accepted.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from diacritics.orthography import (
    TonePlacement,
    has_marks,
    normalize_tone_placement,
    strip_marks,
)
from diacritics.tokens import is_abbreviation

# Letters only: digits, punctuation and "_" split tokens ("2024," -> no token).
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_PLACEMENT_VARIES = re.compile(r"(?:oa|oe|uy)$")
_REPO = Path(__file__).resolve().parent.parent
SYLLABLE_LIST = Path("wordlists") / "vinlp_all_vietnamese_syllables.txt"


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the garbled score, measured by ``scripts/bench_ocr.py --quality``.

    Measured (2026-11-23, ``scripts/bench_ocr.py --quality`` prints the figures) on
    3 x 40 random lines of each of corpora/phapdien_moj and corpora/viwiki_admin_subset
    (clean), on the two garbled OCR samples and on real-scans text layers:

    ====================  ===========  ============  =======
    text                  valid share  marked share  score
    ====================  ===========  ============  =======
    clean corpus lines    0.98-0.99    0.85-0.88     0.01-0.02
    garbled OCR samples   0.63-0.64    0.10-0.40     0.68-0.92
    scanner text layer    0.47-0.56    0.01-0.02     0.99
    OmniPage text layer   0.49-0.56    0.31-0.44     0.70-0.80
    English prose         0.25         0.00          1.00
    ====================  ===========  ============  =======

    * ``expected_marked``: share of marked syllables below which a text is penalised
      (just under the 0.85-0.88 of clean prose, so headings in capitals do not count).
    * ``garbled_threshold``: pages scoring above it "look garbled": restore them in
      ``--restore auto``; re-OCR a PDF text layer. Far from both clusters above.
    * ``min_vietnamese``: share of tokens that must be Vietnamese syllables (marked or
      not) for a text to count as Vietnamese at all: garbled Vietnamese OCR keeps
      >= 0.6, English has ~0.25, Chinese 0.
    * ``min_tokens``: fewer word tokens than this and the score is 0 (an empty page or
      a lone page number is not "garbled").
    """

    expected_marked: float = 0.80
    garbled_threshold: float = 0.30
    min_vietnamese: float = 0.45
    min_tokens: int = 3


DEFAULT = QualityConfig()


def corpus_dir() -> Path:
    """The corpus folder: $PLANS_CORPUS, or the repository's corpora/."""
    env = os.environ.get("PLANS_CORPUS")
    return Path(env) if env else _REPO / "corpora"


@functools.cache
def syllables() -> frozenset[str]:
    """Lower-case Vietnamese syllables, in both tone placements (old and new)."""
    path = corpus_dir() / SYLLABLE_LIST
    if not path.exists():
        path = _REPO / "corpora" / SYLLABLE_LIST
    out: set[str] = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = unicodedata.normalize("NFC", line.strip().lower())
            if not s:
                continue
            out.add(s)
            # Only open oa/oe/uy syllables differ between the two placements; the
            # test saves most of the load time (this runs once per worker process).
            if _PLACEMENT_VARIES.search(strip_marks(s)):
                out.add(normalize_tone_placement(s, TonePlacement.OLD))
                out.add(normalize_tone_placement(s, TonePlacement.NEW))
    return frozenset(out)


@dataclass(frozen=True)
class TextStats:
    """Token counts behind the score (kept so callers can report them)."""

    tokens: int
    valid: int  # tokens that are Vietnamese syllables
    marked: int  # valid tokens that carry a diacritic

    @property
    def valid_share(self) -> float:
        return self.valid / self.tokens if self.tokens else 1.0

    @property
    def marked_share(self) -> float:
        return self.marked / self.valid if self.valid else 0.0


def text_stats(text: str) -> TextStats:
    syl = syllables()
    tokens = valid = marked = 0
    for m in _WORD_RE.finditer(unicodedata.normalize("NFC", text)):
        w = m.group(0)
        if is_abbreviation(w):
            continue  # (UBND, GDĐT, VT: no syllables, and no damage either)
        tokens += 1
        if w.lower() in syl:
            valid += 1
            if has_marks(w):
                marked += 1
    return TextStats(tokens, valid, marked)


def marked_share(text: str) -> float:
    """Share of the Vietnamese syllables of ``text`` that carry a diacritic."""
    return text_stats(text).marked_share


def score_stats(st: TextStats, config: QualityConfig = DEFAULT) -> float:
    if st.tokens < config.min_tokens:
        return 0.0
    invalid = 1.0 - st.valid_share
    # Missing marks only count for the part of the text that is valid syllables.
    lack = max(0.0, config.expected_marked - st.marked_share) / config.expected_marked
    return min(1.0, invalid + (1.0 - invalid) * lack)


def garbled_score(text: str, config: QualityConfig = DEFAULT) -> float:
    """How far ``text`` is from well-formed Vietnamese, in [0, 1] (0 = clean).

    ``invalid + (1 - invalid) * lack``, where ``invalid`` is the share of word
    tokens that are not Vietnamese syllables and ``lack`` how far the share of
    marked syllables falls below ``config.expected_marked`` (relative).
    """
    return score_stats(text_stats(text), config)


def looks_vietnamese(text: str, config: QualityConfig = DEFAULT) -> bool:
    """True when enough tokens are Vietnamese syllables (marks or not)."""
    st = text_stats(text)
    if st.tokens < config.min_tokens:
        return st.tokens > 0 and st.valid == st.tokens
    return st.valid_share >= config.min_vietnamese
