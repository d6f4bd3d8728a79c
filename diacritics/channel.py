"""The OCR channel: how likely OCR printed token ``o`` when the page said syllable ``c``.

Costs are negative log-probabilities (nats) *relative to printing the word unchanged*, in two
parts:

- base letters: a weighted edit distance between the OCR token (lowercase, marks stripped, OCR
  glyph noise kept) and the accent-free key of the candidate, with per-character substitution
  costs. Built-in costs (``data/channel_builtin.tsv``) encode look-alike glyphs derived from first
  principles (a Latin font without Vietnamese prints "ơ" like "o", "d" or "6"); when the confusion
  helper's learned table ``data/confusion_chars.tsv`` is present its counts replace them.
- marks: tone and vowel marks lost, changed or invented, priced per document (see
  :class:`ChannelParams`): lost marks are cheap in text that lost them everywhere, and expensive
  in text that is correctly marked.

A token-level table (``data/confusion_tokens.tsv``: whole OCR tokens and what they stood for)
adds candidates that the edit distance would price too high.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from diacritics.orthography import split_tone, strip_marks

log = logging.getLogger(__name__)
DATA = Path(__file__).resolve().parent / "data"
_VMARKED = {"â": "a", "ă": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d"}


@dataclass(frozen=True)
class ChannelParams:
    """Per-document prices of mark and letter damage (nats).

    tone_lost: the page had a tone mark, OCR printed none.
    tone_changed: OCR printed a different tone mark.
    tone_invented: OCR printed a tone mark on a syllable without one.
    vmark_lost: â ă ê ô ơ ư đ printed as a plain letter.
    vmark_invented: a plain letter printed as â ă ê ô ơ ư đ.
    vmark_changed: one vowel mark printed as another (ô as ơ).
    letter_scale: multiplier of base-letter edit costs (high when base letters look reliable).
    vowel_drop: cost of a vowel the page had and OCR dropped (None = the edit table's cost). A
        font whose marked vowels are missing from its encoding loses them whole ("huyn", "h").
    keep_known: a token that is a known syllable as it is stays as it is (correctly marked text).
    tokens: whose token table prices whole OCR tokens: "eng" (Tesseract's Latin models) or
        "vie" (its Vietnamese model); see TOKEN_FILES.
    table_trusted: a token the table saw often may be read only as its row says (the row
        is the channel; ``RestoreConfig.token_table_trust``); False: the row's words are
        priced by it, the other words keep their mark and letter prices.
    tone_table: when set, the tone prices by (OCR's tone, the syllable's tone), 6 x 6 (0 = no
        tone, 1-5 = sắc huyền hỏi ngã nặng), in place of tone_lost/changed/invented: learned
        from the token table (:func:`load_tone_table`).
    tones: the tone prices in use (derived): ``tone_table``, or the table that tone_lost,
        tone_changed and tone_invented make.
    """

    tone_lost: float = 0.4
    tone_changed: float = 1.5
    tone_invented: float = 2.5
    vmark_lost: float = 0.3
    vmark_invented: float = 3.0
    vmark_changed: float = 1.5
    letter_scale: float = 1.0
    vowel_drop: float | None = None
    keep_known: bool = False
    tokens: str = "eng"
    table_trusted: bool = True
    tone_table: tuple[tuple[float, ...], ...] | None = None
    tones: tuple[tuple[float, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rule = tuple(
            tuple(
                0.0
                if o == c
                else self.tone_lost
                if o == 0
                else self.tone_invented
                if c == 0
                else self.tone_changed
                for c in range(6)
            )
            for o in range(6)
        )
        object.__setattr__(self, "tones", self.tone_table or rule)

    @property
    def ocr_damage(self) -> bool:
        """Whether OCR may have changed base letters (garbled and font damage), as opposed to
        correctly marked text and text whose marks were only stripped."""
        return self.letter_scale < 2.0 and not self.keep_known


GARBLED = ChannelParams()
STRIPPED = ChannelParams(tone_lost=0.05, vmark_lost=0.05, letter_scale=2.5)
# Font mis-decoding: marks scrambled into other marks, marked vowels dropped whole.
FONT = ChannelParams(
    tone_changed=1.0,
    tone_invented=1.5,
    vmark_invented=1.0,
    vmark_changed=1.0,
    vowel_drop=1.5,
)
# Tesseract's Vietnamese model on a degraded scan: letters mostly right, marks dropped or swapped
# on valid syllables ("đại biếu", "báu cử", "cự tri"), which a correctly-marked-text channel
# (CLEAN, keep_known) never questions. Any mark change costs 3 nats, letters stay near the
# garbled channel's prices (letter_scale just under 2, so the OCR-damage machinery stays on).
# Its capitals are judged from context as a Latin model's are (session 21: vie too prints
# small letters as capitals on degraded pages; they were kept as read before). Chosen on the development split's pages read by Tesseract vie
# (build/dev-split/ocr-vie.jsonl, scripts/make_ocr_eval.py): on pages with a garbled score below
# 0.03, as read 99.35%, this 99.57%, GARBLED 99.52%, CLEAN 99.37% (marks at 2 / 4 nats:
# 99.37 / 99.59%); correct text keeps 99.87% of its words (GARBLED 99.75%). Its token table
# is vie's own (scripts/learn_confusion_vie.py), its rows not trusted as the whole channel:
# trusted rows made frequent correct words cheap to change ("chỉ" was "chi" 182 times; those
# pages measured 99.40% then), and the Latin models' table, used until session 25, made
# marks cheap that vie keeps ("ban" -> "bản" 0.2 nats above "ban", "dân" -> "dẫn" 0.7: a
# probe page's correct "dân giám sát" became "dẫn giám sát"); development vie pages 96.99 ->
# 97.00%, correct text through this channel 99.924 -> 99.914% (one word of 9,269). A page vie
# read badly gets the garbled prices with vie's table instead ("ocr-heavy").
OCR_VIE = ChannelParams(
    tone_lost=3.0,
    tone_changed=3.0,
    tone_invented=3.0,
    vmark_lost=3.0,
    vmark_invented=3.0,
    vmark_changed=3.0,
    letter_scale=1.9,
    tokens="vie",
    table_trusted=False,
)
CLEAN = ChannelParams(
    tone_lost=3.0,
    tone_changed=7.0,
    tone_invented=7.0,
    vmark_lost=3.0,
    vmark_invented=7.0,
    vmark_changed=7.0,
    letter_scale=3.0,
    keep_known=True,
)


def _load_table(path: Path) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        header_seen = False
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            rows.append(line.split("\t"))
    return rows


class _SubRow(dict):
    """clean letter -> ``sub1(o, letter)`` for one OCR letter ``o``, filled on first use."""

    def __init__(self, o: str, sub1: Callable[[str, str], float]):
        super().__init__()
        self.o = o
        self.sub1 = sub1

    def __missing__(self, c: str) -> float:
        v = self[c] = self.sub1(self.o, c)
        return v


class EditCosts:
    """Substitution / insertion / deletion costs between OCR strings and accent-free keys."""

    def __init__(self, sub: dict[tuple[str, str], float], default_sub: float, indel: float):
        self.sub = sub  # (ocr string of 0-2 chars, clean string of 0-2 chars) -> cost
        self.default_sub = default_sub
        self.indel = indel
        self.multi = [(o, c, v) for (o, c), v in sub.items() if len(o) > 1 or len(c) > 1]
        self.by_o2: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.by_c2: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for o, c, v in self.multi:
            if len(o) == 2 and len(c) == 1:
                self.by_o2[o].append((c, v))
            elif len(o) == 1 and len(c) == 2:
                self.by_c2[o].append((c, v))
        self._memo: dict[tuple[str, str, float, float | None], float] = {}
        self._subrows: dict[str, _SubRow] = {}

    def sub1(self, o: str, c: str) -> float:
        if o == c:
            return 0.0
        v = self.sub.get((o, c))
        if v is not None:
            return v
        if o != o.lower():
            return self.sub1(o.lower(), c)  # (a capital without counts of its own)
        if not o.isalpha() or not o.isascii():
            return self.default_sub * 0.6  # a non-letter glyph stands for something
        return self.default_sub

    def distance(
        self, o: str, c: str, limit: float = 1e9, vowel_drop: float | None = None
    ) -> float:
        """Weighted edit distance from OCR string ``o`` to clean key ``c``. ``o`` is accent-free
        and may keep its capitals: a capital letter is priced by the capitals' own counts."""
        key = (o, c, limit, vowel_drop)
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > 1_000_000:
                self._memo.clear()
            hit = self._memo[key] = self._distance(o, c, limit, vowel_drop)
        return hit

    def _distance(self, o: str, c: str, limit: float, vowel_drop: float | None) -> float:
        n, m = len(o), len(c)
        sub = self.sub.get
        indel = self.indel
        sub1 = self.sub1
        subrows = self._subrows
        # Insertion costs of the clean letters and deletion costs of the OCR letters, once each
        # (the same values the recurrence reads in every cell).
        if vowel_drop is None:
            ins_c = [sub(("", cj)) or indel for cj in c]
        else:
            ins_c = [(vowel_drop if cj in "aeiouy" else sub(("", cj))) or indel for cj in c]
        prev = [0.0] * (m + 1)
        for j in range(1, m + 1):
            prev[j] = prev[j - 1] + ins_c[j - 1]
        rows = [prev]
        by_o2 = self.by_o2
        by_c2 = self.by_c2
        c2 = [c[j - 2 : j] for j in range(m + 1)]
        for i in range(1, n + 1):
            cur = [0.0] * (m + 1)
            oi = o[i - 1]  # (a capital: its own substitution prices, the small one's others)
            low = oi.lower()
            del_o = sub((low, "")) or indel
            cur[0] = prev[0] + del_o
            best = cur[0]
            srow = subrows.get(oi)
            if srow is None:
                srow = subrows[oi] = _SubRow(oi, sub1)
            o2 = by_o2.get(o[i - 2 : i].lower(), ()) if i > 1 else ()
            oc2 = by_c2.get(low, ())
            # Only read when o2 is non-empty, i.e. i > 1; rows[0] keeps the type simple.
            row2 = rows[i - 2] if i > 1 else rows[0]
            for j in range(1, m + 1):
                cj = c[j - 1]
                v = prev[j - 1] + srow[cj]
                d = prev[j] + del_o
                if d < v:
                    v = d
                d = cur[j - 1] + ins_c[j - 1]
                if d < v:
                    v = d
                if o2:
                    for cc, w in o2:
                        if cc == cj and row2[j - 1] + w < v:
                            v = row2[j - 1] + w
                if j > 1 and oc2:
                    cj2 = c2[j]
                    for cc, w in oc2:
                        if cc == cj2 and prev[j - 2] + w < v:
                            v = prev[j - 2] + w
                cur[j] = v
                if v < best:
                    best = v
            if best > limit:
                return best
            rows.append(cur)
            prev = cur
        return prev[m]


class KeyDistances:
    """:meth:`EditCosts.distance` from one OCR string to many keys at once, numpy over the keys.

    Candidate generation prices a few hundred keys for every OCR token; one pure-Python DP per
    key was most of a restore's time on OCR-damaged text. Here the DP runs once, each cell a
    vector over the keys (padded to the longest one). Every cell is the same sum of the same
    two floats as in :meth:`EditCosts._distance` and the minimum of the same values, so the
    distances are bit-identical; its early stop (the first row whose minimum exceeds
    ``limit`` returns that minimum) is replayed per key from the full rows, since a cell never
    depends on a later row or a later column.
    """

    def __init__(self, edit: EditCosts, keys: Sequence[str]):
        self.edit = edit
        alphabet = sorted({ch for k in keys for ch in k})
        self.alphabet = alphabet
        code = {ch: i for i, ch in enumerate(alphabet)}
        self._code = code
        pad = len(alphabet)  # past a key's end: costs 0 (never read back), pairs inf
        width = max((len(k) for k in keys), default=0)
        self.codes = np.full((len(keys), width), pad, np.intp)
        for r, k in enumerate(keys):
            self.codes[r, : len(k)] = [code[ch] for ch in k]
        self.lens = np.array([len(k) for k in keys], np.intp)
        self._ins: dict[float | None, np.ndarray] = {}
        self._ocr: dict[str, tuple[np.ndarray, float, np.ndarray | None]] = {}
        self._o2: dict[str, np.ndarray | None] = {}

    def _ins_costs(self, vowel_drop: float | None) -> np.ndarray:
        """Insertion cost of each key letter (the expression of ``_distance``)."""
        hit = self._ins.get(vowel_drop)
        if hit is None:
            sub, indel = self.edit.sub.get, self.edit.indel
            if vowel_drop is None:
                vals = [sub(("", c)) or indel for c in self.alphabet]
            else:
                vals = [
                    (vowel_drop if c in "aeiouy" else sub(("", c))) or indel for c in self.alphabet
                ]
            hit = self._ins[vowel_drop] = np.array([*vals, 0.0])
        return hit

    def _ocr_costs(self, oi: str) -> tuple[np.ndarray, float, np.ndarray | None]:
        """For OCR letter ``oi``: its substitution cost by key letter, its deletion cost, and
        its cost as a key letter pair (inf where the table has none; None: no pairs at all)."""
        hit = self._ocr.get(oi)
        if hit is None:
            edit, code = self.edit, self._code
            srow = np.array([*(edit.sub1(oi, c) for c in self.alphabet), 0.0])
            low = oi.lower()  # (see EditCosts._distance)
            del_o = edit.sub.get((low, "")) or edit.indel
            pairs = [
                (cc, w) for cc, w in edit.by_c2.get(low, ()) if cc[0] in code and cc[1] in code
            ]
            oc2 = None
            if pairs:
                oc2 = np.full((len(code) + 1, len(code) + 1), np.inf)
                for cc, w in pairs:
                    a, b = code[cc[0]], code[cc[1]]
                    oc2[a, b] = min(oc2[a, b], w)
            hit = self._ocr[oi] = (srow, del_o, oc2)
        return hit

    def _o2_costs(self, o2: str) -> np.ndarray | None:
        """Cost of OCR letter pair ``o2`` as each key letter (inf: none; None: no entries)."""
        if o2 in self._o2:
            return self._o2[o2]
        code = self._code
        pairs = [(cc, w) for cc, w in self.edit.by_o2.get(o2, ()) if cc in code]
        row = None
        if pairs:
            row = np.full(len(code) + 1, np.inf)
            for cc, w in pairs:
                row[code[cc]] = min(row[code[cc]], w)
        self._o2[o2] = row
        return row

    def distances(
        self, o: str, rows: np.ndarray, limit: float, vowel_drop: float | None
    ) -> np.ndarray:
        """``edit.distance(o, keys[r], limit, vowel_drop)`` for each ``r`` of ``rows``."""
        n, count = len(o), len(rows)
        lens = self.lens[rows]
        if count == 0:
            return np.zeros(0)
        width = int(lens.max())
        cols = self.codes[rows, :width].T  # cols[j - 1]: key letter j of every key
        ins = self._ins_costs(vowel_drop)[cols]
        prev = np.empty((width + 1, count))
        prev[0] = 0.0
        for j in range(width):
            np.add(prev[j], ins[j], out=prev[j + 1])
        inside = np.arange(width + 1)[:, None] <= lens  # the cells of each key's own matrix
        stopped = np.zeros(count, bool)
        result = np.zeros(count)
        dp = [prev]
        for i in range(1, n + 1):
            srow, del_o, oc2 = self._ocr_costs(o[i - 1])
            # The moves into (i, j) from row i - 1 and earlier, then the insertions along row i.
            x = prev[:-1] + srow[cols]
            np.minimum(x, prev[1:] + del_o, out=x)
            o2 = self._o2_costs(o[i - 2 : i].lower()) if i > 1 else None
            if o2 is not None:
                np.minimum(x, dp[i - 2][:-1] + o2[cols], out=x)
            if oc2 is not None and width > 1:
                np.minimum(x[1:], prev[:-2] + oc2[cols[:-1], cols[1:]], out=x[1:])
            cur = np.empty_like(prev)
            cur[0] = prev[0] + del_o
            for j in range(width):
                np.minimum(x[j], cur[j] + ins[j], out=cur[j + 1])
            best = np.where(inside, cur, np.inf).min(axis=0)
            stop = (best > limit) & ~stopped
            if stop.any():
                result[stop] = best[stop]
                stopped |= stop
                if stopped.all():
                    return result
            dp.append(cur)
            prev = cur
        return np.where(stopped, result, prev[lens, np.arange(count)])


def builtin_costs() -> EditCosts:
    path = DATA / "channel_builtin.tsv"
    sub: dict[tuple[str, str], float] = {}
    for row in _load_table(path):
        o, c, v = row[0], row[1], float(row[2])
        sub[(o, c)] = v
    return EditCosts(sub, default_sub=DEFAULT_SUB, indel=4.0)


# The price of a substitution that neither the built-in table nor the learned one lists: one
# the training pages showed fewer than three times (the learned table's floor) in some 500,000
# words. The learned prices of the confusions they did show reach 7-10 nats ("&" for "ứ": 15
# of ~100,000 "u"s, 8.8), so the 4.5 used until session 22 made an unseen confusion cheaper
# than a seen one. Development split: 4.5 / 5.5 / 7 / 8 / 9 / 10 / 12 nats: 97.56 / 97.54 /
# 97.54 / 97.56 / 97.55 / 97.55 / 97.52%; other Latin models 97.78 -> 97.87% and font damage
# 97.05 -> 97.12% at 8 (97.09 at 9 and 10); the dev split's Tesseract vie pages 97.05 ->
# 97.12%; marks stripped and correct text unchanged; fewer candidates reach the beams, so
# restoring OCR damage takes about a fifth less time.
DEFAULT_SUB = 8.0


def learned_costs(path: Path, builtin: EditCosts) -> EditCosts:
    """Costs from character alignment counts: -log P(ocr | clean) + log P(clean | clean)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    cap: dict[tuple[str, str], int] = defaultdict(int)
    cap_total: dict[str, int] = defaultdict(int)
    for row in _load_table(path):
        if len(row) < 3:
            continue
        clean, ocr, n = row[0], row[1], int(row[2])
        c = strip_marks(clean.lower()) if clean else ""
        o = strip_marks(ocr.lower())
        counts[(o, c)] += n
        if len(clean) == 1 and clean.isupper():
            # A capital's own counts: T printed F (260 of 14,400 capitals T) is common, t
            # printed f rare; folded into the small letters' counts it would cost 2 nats more.
            cap_total[c] += n
            if len(ocr) == 1 and ocr.isupper():
                cap[(strip_marks(ocr), c)] += n
    totals: dict[str, int] = defaultdict(int)
    for (_o, c), n in counts.items():
        totals[c] += n
    sub = dict(builtin.sub)
    # A capital letter as printed (marks stripped) for a key letter: its own price where the
    # capitals say (EditCosts.sub1 falls back to the small letter's price elsewhere); the
    # built-in prices stay a ceiling, as for the small letters.
    for (o, c), n in cap.items():
        if o.lower() != c and n >= 3:
            ident = cap.get((c.upper(), c), 0) + 1
            cost = max(0.3, -math.log(n / cap_total[c]) + math.log(ident / cap_total[c]))
            sub[(o, c)] = min(cost, builtin.sub.get((o.lower(), c), cost))
    chars = sum(n for (_o, c), n in counts.items() if c) or 1
    for (o, c), n in counts.items():
        if o == c or n < 3 or len(o) > 2 or len(c) > 2:
            continue
        if not c:
            # An inserted character: its probability is per clean character read.
            cost = -math.log(n / chars)
        else:
            ident = counts.get((c, c), 0) + 1
            cost = -math.log(n / totals[c]) + math.log(ident / totals[c])
        cost = max(0.3, cost)
        sub[(o, c)] = min(cost, sub.get((o, c), cost))
    return EditCosts(sub, default_sub=builtin.default_sub, indel=builtin.indel)


def load_edit_costs() -> EditCosts:
    base = builtin_costs()
    learned = DATA / "confusion_chars.tsv"
    if learned.exists():
        try:
            return learned_costs(learned, base)
        except (OSError, ValueError, IndexError) as e:
            log.warning("ignoring %s: %s", learned, e)
    return base


@dataclass(frozen=True)
class CaseConfusion:
    """How often OCR printed a word's first letter as a capital, by the letter OCR printed.

    ``upper_if_lower[x]``: P(OCR capital | the page had a small letter), for OCR letter ``x``
    (lowercase, marks stripped): Tesseract reads "c", "k", "v", "o" as "C", "K", "V", "O" now
    and then, since the two shapes differ in size only. ``upper_if_upper[x]``: P(OCR capital |
    the page had a capital). Counted on the single-word rows of the engine's token table
    (learned from synthetic OCR, like the rest of the channel): Tesseract fra prints "C" for
    "c" twice as often as eng, vie hardly ever "O" for "o"; add-one-half smoothed.
    """

    upper_if_lower: dict[str, float]
    upper_if_upper: dict[str, float]
    default_if_lower: float
    default_if_upper: float


def load_case_confusion(engine: str = "eng") -> CaseConfusion:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for o, c, n in _token_rows(engine):
        if o[:1].isalpha() and c[:1].isalpha():
            counts[strip_marks(o[0].lower())][2 * c[0].isupper() + o[0].isupper()] += n
    lower = {x: (v[1] + 0.5) / (v[0] + v[1] + 1.0) for x, v in counts.items()}
    upper = {x: (v[3] + 0.5) / (v[2] + v[3] + 1.0) for x, v in counts.items()}
    tot = [sum(v[k] for v in counts.values()) for k in range(4)]
    return CaseConfusion(
        lower,
        upper,
        (tot[1] + 0.5) / (tot[0] + tot[1] + 1.0),
        (tot[3] + 0.5) / (tot[2] + tot[3] + 1.0),
    )


# The token tables by OCR engine: Tesseract's Latin models (the archives' garbled text) and its
# Vietnamese model (scans read by the pipeline; scripts/learn_confusion_vie.py).
TOKEN_FILES = {
    "eng": "confusion_tokens.tsv",
    "vie": "confusion_tokens_vie.tsv",
    # Only the pages Tesseract fra and eng+fra+por read (marks kept as Latin-1 letters).
    "latin1": "confusion_tokens_latin1.tsv",
    # Tesseract vie printing Latin-1 only: the second damage kind, vowels dropped whole
    # (scripts/learn_confusion_vie.py --simulation font).
    "font": "confusion_tokens_font.tsv",
}

# Readings kept of each token-table row (the rest pay the row's leftover mass). Five for the
# Latin models (8 or 12: development sets flat); font damage folds many words into one token
# ("c" stood for được 909 times, cơ 885, ... cử 54, ninth), and there 16 read the development
# set 96.58 -> 96.68% (10: 96.67, 20 and 40: 96.68).
TOKEN_ROW_READINGS = {"font": 16}

# Share of a document's words without a vowel from which it was read by an engine that printed
# Latin-1 only (the "font" token table): 400 of 400 such training pages (scripts/
# learn_confusion_vie.py --simulation font) have at least 12.4%; of the 1,000 pages the Latin
# models read, none reaches 12% (eng at most 10.8%, the others 7%). The second real sample has
# 13.6%.
FONT_TABLE_MIN_SHARE = 0.12

# Letters Tesseract's French model prints for Vietnamese marked vowels and that Vietnamese never
# writes ("cüa", "näm", "hôï"). A document where this share of its words has one was read by
# that model: on the training pages 156 of 160 fra pages reach it, none of the 558 eng and 148
# por pages, 4 of 134 eng+fra+por pages (which print such letters on a word in a hundred: at
# 0.5%, 90 of them, and the development plans read that way lost 0.2 points with the French
# pages' table; scripts/make_dev_split.py, synthetic-latin).
LATIN1_LETTERS = frozenset("äëïöüÿçîûåæœ")
LATIN1_MIN_SHARE = 0.03


def latin1_share(words: Sequence[str]) -> float:
    """Share of ``words`` (lowercase) with a letter of LATIN1_LETTERS."""
    if not words:
        return 0.0
    return sum(1 for w in words if not LATIN1_LETTERS.isdisjoint(w)) / len(words)


@lru_cache(maxsize=4)
def _token_rows(engine: str = "eng", two_words: bool = False) -> tuple[tuple[str, str, int], ...]:
    """The single-word rows of the engine's token table (``data/confusion_tokens.tsv`` for
    "eng") as printed: (OCR token, clean word, count), read once for the token table and the
    case confusion (empty when the file is missing or unreadable). With ``two_words``, also
    the rows where one OCR token stood for two words ("tudo" for "tự do": the space lost)."""
    path = DATA / TOKEN_FILES[engine]
    if not path.exists():
        return ()
    try:
        return tuple(
            (row[0], row[1], int(row[2]))
            for row in _load_table(path)
            if len(row) >= 3 and " " not in row[0] and (" " not in row[1] or two_words)
        )
    except (OSError, ValueError) as e:
        log.warning("ignoring %s: %s", path, e)
        return ()


@lru_cache(maxsize=1)
def load_number_words() -> dict[str, tuple[tuple[str, float], ...]]:
    """Numbers Tesseract printed for words (``data/number_words.tsv``): OCR number ->
    ((reading, -log P(reading | number)), ...), the number itself read as ``<keep>``; empty when
    the file is missing or unreadable (numbers then stay numbers)."""
    path = DATA / "number_words.tsv"
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    try:
        for row in _load_table(path) if path.exists() else []:
            counts[row[0]][row[1]] = int(row[2])
    except (OSError, ValueError, IndexError) as e:
        log.warning("ignoring %s: %s", path, e)
        return {}
    out = {}
    for o, readings in counts.items():
        total = sum(readings.values())
        if "<keep>" in readings:  # the number itself must be one of the readings
            out[o] = tuple((c, -math.log(n / total)) for c, n in readings.items())
    return out


def load_token_table() -> dict[str, list[tuple[str, float]]]:
    """OCR token (lowercase) -> [(clean syllable lowercase, P(clean | ocr))]."""
    return load_token_counts()[0]


def token_rows_by_ocr(engine: str = "eng") -> dict[str, list[tuple[str, int]]]:
    """The engine's single-word token rows by OCR token as printed: (clean word, count)."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for o, c, n in _token_rows(engine):
        out[o].append((c, n))
    return dict(out)


def load_token_counts(
    engine: str = "eng",
) -> tuple[dict[str, list[tuple[str, float]]], dict[str, int]]:
    """The token table of :func:`load_token_table` (of ``engine``, see TOKEN_FILES), and how
    often each OCR token was seen."""
    out: dict[str, list[tuple[str, float]]] = {}
    totals: dict[str, int] = {}
    raw: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # A token OCR glued from two words counts them too ("tudo": "tự do" 3 times, "thuộc" twice),
    # so that a one-word reading is not given the glued words' share. Those readings keep
    # their space; the decoder (one word a token) passes over them, resegment proposes them.
    for o, c, n in _token_rows(engine, two_words=True):
        if c.count(" ") <= 1:
            raw[o.lower()][unicodedata.normalize("NFC", c.lower())] += n
    for o, cs in raw.items():
        tot = sum(cs.values())
        if tot < 2:
            continue
        totals[o] = tot
        top = TOKEN_ROW_READINGS.get(engine, 5)
        out[o] = sorted(((c, n / tot) for c, n in cs.items()), key=lambda x: -x[1])[:top]
    return out, totals


@lru_cache(maxsize=4)
def load_clean_counts(engine: str = "eng") -> dict[str, int]:
    """How often each clean word (lowercase) stood on the synthetic pages behind the engine's
    token table, counted over its one-word rows: the prior that P(clean | ocr) holds."""
    counts: dict[str, int] = defaultdict(int)
    for _o, c, n in _token_rows(engine):
        counts[unicodedata.normalize("NFC", c.lower())] += n
    return dict(counts)


def load_tone_table(
    base: ChannelParams, max_cost: float = 6.0, min_count: int = 50, engine: str = "eng"
) -> tuple[tuple[float, ...], ...]:
    """Tone prices learned from the token table: cost[o][c] = -log P(OCR tone o | tone c) +
    log max_c' P(o | c'), so that for each tone OCR printed the likeliest source tone costs 0
    (a constant per OCR token changes no choice), capped at ``max_cost``; counted over the
    one-word rows whose two sides are words of letters (add-one smoothed). A tone OCR printed
    fewer than ``min_count`` times there (the Latin models have no "ỏ" or "ọ") keeps the
    prices of ``base``."""
    counts = [[1.0] * 6 for _ in range(6)]
    for ocr, clean, n in _token_rows(engine):  # (one word on each side)
        if ocr.isalpha() and clean.isalpha():
            counts[mark_profile(ocr.lower())[0]][mark_profile(clean.lower())[0]] += n
    totals = [sum(counts[o][c] for o in range(6)) for c in range(6)]
    table = []
    for o in range(6):
        if sum(counts[o]) - 6 < min_count:
            table.append(base.tones[o])
            continue
        lp = [math.log(counts[o][c] / totals[c]) for c in range(6)]
        best = max(lp)
        table.append(tuple(min(best - v, max_cost) for v in lp))
    return tuple(table)


@lru_cache(maxsize=200_000)
def mark_profile(word: str) -> tuple[int, str]:
    """(tone, the word without its tone but with its vowel marks and đ)."""
    base, tone = split_tone(word)
    return tone, base


def mark_cost(ocr: str, clean: str, p: ChannelParams) -> float:
    """Price of the mark differences between OCR token ``ocr`` and syllable ``clean``."""
    if ocr == clean:
        return 0.0
    to, bo = mark_profile(ocr)
    tc, bc = mark_profile(clean)
    cost = p.tones[to][tc]
    if bo == bc:
        return cost
    if len(bo) == len(bc):
        for a, b in zip(bo, bc, strict=True):
            if a == b:
                continue
            ma, mb = a in _VMARKED, b in _VMARKED
            if mb and not ma:
                cost += p.vmark_lost
            elif ma and not mb:
                cost += p.vmark_invented
            elif ma and mb:
                cost += p.vmark_changed
        return cost
    lost = sum(1 for ch in bc if ch in _VMARKED)
    kept = sum(1 for ch in bo if ch in _VMARKED)
    return cost + max(lost - kept, 0) * p.vmark_lost + max(kept - lost, 0) * p.vmark_invented


def mark_costs(ocr: str, cleans: Sequence[str], p: ChannelParams) -> list[float]:
    """:func:`mark_cost` of ``ocr`` against each of ``cleans`` (the same values, one call)."""
    to, bo = mark_profile(ocr)
    vmark_lost, vmark_invented, vmark_changed = p.vmark_lost, p.vmark_invented, p.vmark_changed
    vmarked = _VMARKED
    tones = p.tones[to]
    kept = -1
    out = []
    for clean in cleans:
        if ocr == clean:
            out.append(0.0)
            continue
        tc, bc = mark_profile(clean)
        cost = tones[tc]
        if bo == bc:
            out.append(cost)
            continue
        if len(bo) == len(bc):
            for a, b in zip(bo, bc, strict=True):
                if a == b:
                    continue
                ma, mb = a in vmarked, b in vmarked
                if mb and not ma:
                    cost += vmark_lost
                elif ma and not mb:
                    cost += vmark_invented
                elif ma and mb:
                    cost += vmark_changed
            out.append(cost)
            continue
        lost = sum(1 for ch in bc if ch in vmarked)
        if kept < 0:
            kept = sum(1 for ch in bo if ch in vmarked)
        out.append(cost + max(lost - kept, 0) * vmark_lost + max(kept - lost, 0) * vmark_invented)
    return out


class MarkTable:
    """:func:`mark_costs` of one OCR token against many words of a fixed list at once.

    The words' mark profiles are read once, here; the prices are then numpy over the words,
    each one the same float additions as in :func:`mark_cost`, in the same order (adding 0.0
    where it adds nothing changes no non-negative cost), so the results are bit-identical.
    """

    def __init__(self, words: Sequence[str]):
        profiles = [mark_profile(w) for w in words]
        alphabet = sorted({ch for _t, b in profiles for ch in b})
        code = {ch: i for i, ch in enumerate(alphabet)}
        self._code = code
        pad = len(alphabet)  # past a word's end (compared with OCR letters of -1 or a code)
        width = max((len(b) for _t, b in profiles), default=0)
        self.bases = np.full((len(words), width), pad, np.intp)
        for r, (_t, b) in enumerate(profiles):
            self.bases[r, : len(b)] = [code[ch] for ch in b]
        self.tones = np.array([t for t, _b in profiles], np.int64)
        self.lens = np.array([len(b) for _t, b in profiles], np.int64)
        self.lost = np.array([sum(ch in _VMARKED for ch in b) for _t, b in profiles], np.int64)
        self.vmarked = np.array([ch in _VMARKED for ch in alphabet] + [False])

    def costs(self, ocr: str, ids: np.ndarray, p: ChannelParams) -> np.ndarray:
        """``mark_costs(ocr, [words[i] for i in ids], p)`` as an array."""
        to, bo = mark_profile(ocr)
        tc = self.tones[ids]
        tone = np.asarray(p.tones[to])[tc]
        cost = 0.0 + tone
        kept = sum(ch in _VMARKED for ch in bo)
        lost = self.lost[ids]
        other = (
            cost
            + np.maximum(lost - kept, 0) * p.vmark_lost
            + np.maximum(kept - lost, 0) * p.vmark_invented
        )
        n = len(bo)
        same_len = self.lens[ids] == n
        if n > self.bases.shape[1] or not same_len.any():
            return other
        # Same length: letter by letter, left to right, as mark_cost adds them.
        bases = self.bases[ids, :n]
        for k, a in enumerate(bo):
            b = bases[:, k]
            differ = b != self._code.get(a, -1)
            mb = self.vmarked[b]
            if a in _VMARKED:
                add = np.where(differ, np.where(mb, p.vmark_changed, p.vmark_invented), 0.0)
            else:
                add = np.where(differ & mb, p.vmark_lost, 0.0)
            cost = cost + add
        return np.where(same_len, cost, other)
