"""Words that OCR split in two or glued together: "chu c" -> "chức", "cuatoan" -> "của toàn".

Tesseract's Latin models break a word at a horned vowel they cannot read ("ngu i" for "người",
"two ng" for "tượng") and drop the space between two short words ("suco" for "sự cố"). The
decoder restores one token at a time, so these come after it, as a last step over its output:

- a *merge* of two neighbours on one line, one space apart, one of them at most two letters,
  read as one syllable of the inventory;
- a *split* of a token that is no syllable (its accent-free form is not in the inventory) into
  two syllables, one of which may be damaged too.

Each proposal is scored like the decoder scores words: channel cost of the new reading plus the
price of the split or merge itself, minus the language model over it and the two words after
it, against the decoder's reading of the same tokens. The words before are held fixed; the word
right after is chosen again among its candidates for each reading (it was decoded next to the
broken word: "chu c nang" gave "chữ c nặng", "chức năng" needs both), and joins the change when
it differs. The prices are -log of how often, on the synthetic training pages of
scripts/learn_confusion.py, a pair of neighbours this step would consider was one word Tesseract
split (0.53%, 5.25 nats) and a token it would consider splitting was two words it glued (2.68%,
3.6 nats), as scripts/measure_split_rates.py counts them. Only text whose channel lets OCR have
changed base letters gets this step: correct and mark-stripped text never had its spaces moved
by OCR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from diacritics.corpus import BOS, UNK
from diacritics.orthography import has_marks, strip_marks
from diacritics.tokens import Token, apply_case, case_pattern

if TYPE_CHECKING:
    from diacritics import channel
    from diacritics.restorer import Restorer

# How many of a half's candidates are combined when a token is split (4 x 4 pairs per cut).
_HALF_CANDIDATES = 4
_MAX_MERGED_LETTERS = 8
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class Region:
    """Tokens first..last (inclusive) of the input read as ``after`` (already in the input's case)."""

    first: int
    last: int
    after: str
    confidence: float
    alternatives: tuple[str, ...]


def resegment(
    r: Restorer, text: str, tokens: list[Token], words: list[str], p: channel.ChannelParams
) -> list[Region]:
    """Merges and splits that beat the decoder's reading of the same tokens, left to right."""
    cfg = r.config
    if cfg.split_cost <= 0 or not p.ocr_damage or not tokens:
        return []
    lines = text.split("\n")
    ctx = _context_ids(r, tokens, words)
    seg_start = _segment_starts(tokens)
    out: list[Region] = []
    i = 0
    n = len(tokens)
    while i < n:
        region = None
        if i + 1 < n and _mergeable(r, tokens, lines, i):
            region = _try_merge(r, text, tokens, words, ctx, seg_start, i, p)
        if region is None and _splittable(r, tokens[i]):
            region = _try_split(r, text, tokens, words, ctx, seg_start, i, p)
        if region is not None:
            out.append(region)
            i = region.last + 1
        else:
            i += 1
    return out


# ---------------------------------------------------------------------------- proposals


def _word_like(t: Token) -> bool:
    return not (t.protected or t.number) and t.text.isalpha()


def _mergeable(r: Restorer, tokens: list[Token], lines: list[str], i: int) -> bool:
    a, b = tokens[i], tokens[i + 1]
    if not (_word_like(a) and _word_like(b)) or a.line != b.line or b.boundary:
        return False
    line = lines[a.line - 1]
    if line[a.col + len(a.text) : b.col] != " ":
        return False
    if min(len(a.text), len(b.text)) > 2 or len(a.text) + len(b.text) > _MAX_MERGED_LETTERS:
        return False
    if b.text[0].isupper() and not a.text.isupper():
        return False  # a capital inside a word: "a Kat" is two words
    # Two marked words that are both syllables were read as two words ("và ở").
    return not all(has_marks(t.text) and t.text.lower() in r.lexicon for t in (a, b))


def _splittable(r: Restorer, t: Token) -> bool:
    return (
        _word_like(t)
        and len(t.text) >= 4
        and strip_marks(t.text.lower()) not in r.by_key
        and t.text.lower() not in r.lexicon
    )


def syllable_cuts(r: Restorer, text: str, lost_vowel: bool = True) -> list[int]:
    """Where ``text`` may be cut into two syllables: one half a key of the inventory as printed
    (marks aside), the other one too or a damaged syllable whose readings the channel proposes
    ("moUsé" -> "mot" + "Usé" -> "một số"); both halves with a vowel (the inventory also holds
    abbreviations: "nhjin" is not "nh" + "jin"), two letters at least on each side (a lone
    letter is a list label, "điểm c", and "trucc" is one word with a doubled letter, not
    "trực c"). Allowing one damaged half left the glue price as it was: 2.68% of the tokens
    with such a cut were two glued words on the training pages (2.73% with both halves keys),
    and the development split went from 96.12 to 96.15%.

    With ``lost_vowel``, also a key followed by two letters without a vowel that are no key
    themselves, the vowel OCR read as a consonant ("Ghird" -> "ghi" + "rd" -> "Ghi rõ"): such
    cuts are far less often a glue (:func:`lost_vowel_cut`; ``RestoreConfig.lost_vowel_cost``)."""
    key = strip_marks(text.lower())
    return [
        cut
        for cut in range(2, len(text) - 1)
        if (key[:cut] in r.by_key or key[cut:] in r.by_key)
        and any(ch in _VOWELS for ch in key[:cut])
        and (any(ch in _VOWELS for ch in key[cut:]) or lost_vowel and lost_vowel_cut(r, key, cut))
    ]


def lost_vowel_cut(r: Restorer, key: str, cut: int) -> bool:
    """Whether accent-free ``key`` cut at ``cut`` is a key and two letters without a vowel that
    are no key of the inventory ("ghi" + "rd")."""
    tail = key[cut:]
    return (
        len(tail) == 2
        and not any(ch in _VOWELS for ch in tail)
        and key[:cut] in r.by_key
        and tail not in r.by_key
    )


# ---------------------------------------------------------------------------- scoring


def _context_ids(r: Restorer, tokens: list[Token], words: list[str]) -> np.ndarray:
    ids = np.empty(len(tokens), np.int64)
    for k, (t, w) in enumerate(zip(tokens, words, strict=True)):
        ids[k] = r.read_id(t, w)
    return ids


def _segment_starts(tokens: list[Token]) -> list[int]:
    """Index of the first token of each token's sentence."""
    starts = []
    s = 0
    for k, t in enumerate(tokens):
        if t.boundary:
            s = k
        starts.append(s)
    return starts


def _lm_cost(
    r: Restorer,
    ctx: np.ndarray,
    seg_start: list[int],
    first: int,
    last: int,
    middles: list[list[int]],
    nexts: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cost of each word sequence ``middles[h]`` put in place of tokens first..last:
    -lm_weight * log P of it and of the words after it (their context changes too).

    ``nexts`` = (ids, channel costs) of the readings of the one or two tokens after ``last``
    (ids of shape (n, L), L words each): those words were decoded next to the old reading and
    are chosen again for each new one (returned: the index of the best reading per sequence,
    -1 when none was given). Without them, the two words after ``last`` are scored as read."""
    s = seg_start[first]
    left = [int(ctx[k]) if k >= s else BOS for k in (first - 2, first - 1)]
    ids = np.zeros((0, 1), np.int64) if nexts is None else np.asarray(nexts[0], np.int64)
    n_words = ids.shape[1]
    right = [
        int(ctx[k])
        for k in range(last + 1, last + 2 + n_words)
        if k < len(ctx) and seg_start[k] == s
    ]
    with_next = nexts is not None and len(right) >= n_words
    # The trigrams of each sequence that do not involve the next words' readings (all of them
    # without ``nexts``), and, per reading j of the next words, those that do; one batch of
    # look-ups. The sums add the same values in the same order as one trigram list per
    # (sequence, reading) would, so the costs do not depend on the batching.
    w1s: list[int] = []
    w2s: list[int] = []
    w3s: list[int] = []
    fixed_spans = []
    for h in range(len(middles)):
        seq = left + middles[h] + ([] if with_next else right[:2])
        a = len(w1s)
        for k in range(2, len(seq)):
            w1s.append(seq[k - 2])
            w2s.append(seq[k - 1])
            w3s.append(seq[k])
        fixed_spans.append((a, len(w1s)))
    n_fixed = len(w1s)
    c1 = np.array(w1s, np.int64)
    c2 = np.array(w2s, np.int64)
    c3 = np.array(w3s, np.int64)
    n = len(ids)
    n_tail = 0
    if with_next:
        # The words from the sequence's last two on: those two, the reading's words, and the
        # word after them when there is one; their trigrams, sequence-major, reading-minor.
        cols = [
            np.array([(left + m)[-2] for m in middles], np.int64).repeat(n),
            np.array([(left + m)[-1] for m in middles], np.int64).repeat(n),
            *(np.tile(ids[:, q], len(middles)) for q in range(n_words)),
        ]
        if len(right) > n_words:
            cols.append(np.full(n * len(middles), right[n_words], np.int64))
        n_tail = len(cols) - 2
        for t in range(n_tail):
            c1 = np.concatenate([c1, cols[t]])
            c2 = np.concatenate([c2, cols[t + 1]])
            c3 = np.concatenate([c3, cols[t + 2]])
    lp = r.lm.logprob(c1, c2, c3)
    fixed = []
    for a, b in fixed_spans:
        total = 0.0
        for v in lp[a:b].tolist():  # left to right, as the reading's words come
            total += v
        fixed.append(total)
    lw = r.config.lm_weight
    choice = np.full(len(middles), -1)
    if not with_next:
        return -lw * np.array(fixed), choice
    best = np.empty(len(middles))
    assert nexts is not None
    costs = np.asarray(nexts[1], np.float64)
    tails = lp[n_fixed:].reshape(n_tail, len(middles), n)
    for h in range(len(middles)):
        x = fixed[h] + tails[0, h]
        for t in range(1, n_tail):
            x = x + tails[t, h]
        per = -lw * x + costs
        j = int(np.argmin(per))
        best[h], choice[h] = per[j], j
    return best, choice


def _decoder_reading(
    r: Restorer,
    tokens: list[Token],
    words: list[str],
    first: int,
    last: int,
    p: channel.ChannelParams,
) -> tuple[list[int], float]:
    """Ids and channel cost of the decoder's words for tokens first..last."""
    ids, cost = [], 0.0
    for k in range(first, last + 1):
        c = r.candidates(tokens[k].text, p)
        w = words[k].lower()
        cost += float(c.cost[c.words.index(w)]) if w in c.words else r.config.keep_unknown_cost
        ids.append(r.vid.get(w, UNK))
    return ids, cost


def _decide(
    keep_cost: float, costs: np.ndarray, readings: list[list[str]]
) -> tuple[int, float, tuple[str, ...]] | None:
    """The best new reading when it beats keeping the decoder's words, with its confidence."""
    best = int(np.argmin(costs))
    margin = keep_cost - float(costs[best])
    if margin <= 0:
        return None
    conf = 1.0 / (1.0 + math.exp(-margin))
    order = np.argsort(costs)
    alts = tuple(" ".join(readings[h]) for h in order[1:4] if h != best)
    return best, conf, alts


# Readings of the second word after a split or merge, each with the first's best ones.
_NEXT_PAIR_CANDIDATES = 8


def _next_readings(
    r: Restorer,
    tokens: list[Token],
    k: int,
    seg_start: list[int],
    p: channel.ChannelParams,
    words: list[str],
    pairs: bool = True,
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]] | None:
    """Readings of the words after a split or merge, which the decoder chose next to the old
    reading and may choose again: (ids (n, L), channel costs, words) for token k alone (L = 1)
    or for tokens k and k+1 (L = 2), when both are words of the same sentence and line ("Tudo -
    Hanh phuc": read as "Tự do", the words after it are "Hạnh phúc", both of them, which the
    decoder had read "Hành phục" after "Thuộc"). The pairs: every candidate of token k with
    the decoder's word for k+1, and the best few of each with each other."""
    if not _chosen_again(tokens, k, seg_start):
        return None
    c1 = r.candidates(tokens[k].text, p)
    c2 = None
    if pairs and _chosen_again(tokens, k + 1, seg_start) and tokens[k + 1].line == tokens[k].line:
        c2 = r.candidates(tokens[k + 1].text, p)
    now = words[k + 1].lower() if c2 is not None else ""
    # (Where the decoder took the second word from elsewhere, the document's words or a corpus
    # passage, it has no price here and is not put in question.)
    if c2 is None or now not in c2.words:
        return c1.ids[:, None], c1.cost, [(w,) for w in c1.words]
    keep2 = c2.words.index(now)
    top1 = np.argsort(c1.cost, kind="stable")[:_NEXT_PAIR_CANDIDATES].tolist()
    top2 = np.argsort(c2.cost, kind="stable")[:_NEXT_PAIR_CANDIDATES].tolist()
    both = [(a, keep2) for a in range(len(c1.words))]
    both += [(a, b) for a in top1 for b in top2 if b != keep2]
    ids = np.array([[c1.ids[a], c2.ids[b]] for a, b in both], np.int64).reshape(-1, 2)
    costs = np.array([c1.cost[a] + c2.cost[b] for a, b in both], np.float64)
    return ids, costs, [(c1.words[a], c2.words[b]) for a, b in both]


def _chosen_again(tokens: list[Token], k: int, seg_start: list[int]) -> bool:
    """Whether token k is a word of the sentence of token k - 1 (one the decoder chose)."""
    return k < len(tokens) and seg_start[k] == seg_start[k - 1] and _word_like(tokens[k])


def _region(
    text: str,
    tokens: list[Token],
    first: int,
    last: int,
    reading: str,
    after: tuple[str, ...],
    words: list[str],
) -> tuple[int, str]:
    """The last token and the text of a region read as ``reading``; when the words after it
    are read anew (``after``, for tokens last+1...), the region takes in those up to the last
    one that changed, with what stands between them."""
    changed = [q for q, w in enumerate(after) if w != words[last + 1 + q].lower()]
    if not changed:
        return last, reading
    end = last + 1 + changed[-1]
    if tokens[end].line != tokens[last].line:
        return last, reading
    line = text.split("\n")[tokens[last].line - 1]
    out = reading
    for k in range(last + 1, end + 1):
        between = line[tokens[k - 1].col + len(tokens[k - 1].text) : tokens[k].col]
        out += between + apply_case(after[k - last - 1], case_pattern(tokens[k].text))
    return end, out


# A reading this far (nats) behind the decoder's with the next word chosen again is not
# scored again with the two next words chosen again (that costs about ten times the look-ups).
_PAIR_GAP = 3.0


def _scored(
    r: Restorer,
    ctx: np.ndarray,
    seg_start: list[int],
    first: int,
    last: int,
    middles: list[list[int]],
    chan: np.ndarray,
    keep_ch: float,
    tokens: list[Token],
    p: channel.ChannelParams,
    words: list[str],
) -> tuple[np.ndarray, float, list[tuple[str, ...]]]:
    """Costs of the new readings ``middles[:-1]`` and of the decoder's (the last one), with the
    words after them chosen again for each: the next word, and where a reading comes close
    to the decoder's, the two next words (see _next_readings)."""
    one = _next_readings(r, tokens, last + 1, seg_start, p, words, pairs=False)
    lm, nxt = _lm_cost(r, ctx, seg_start, first, last, middles, one[:2] if one else None)
    costs, keep = chan + lm[:-1], keep_ch + float(lm[-1])
    nexts = one
    if one is not None and keep - float(costs.min()) > -_PAIR_GAP:
        two = _next_readings(r, tokens, last + 1, seg_start, p, words)
        if two is not None and two[0].shape[1] == 2:
            lm2, nxt2 = _lm_cost(r, ctx, seg_start, first, last, middles, two[:2])
            if int(nxt2[-1]) >= 0:  # (the pairs' scores, when the sentence goes on far enough)
                costs, keep, nexts, nxt = chan + lm2[:-1], keep_ch + float(lm2[-1]), two, nxt2
    after = [nexts[2][int(j)] if nexts and j >= 0 else () for j in nxt[:-1]]
    return costs, keep, after


def _try_merge(
    r: Restorer,
    text: str,
    tokens: list[Token],
    words: list[str],
    ctx: np.ndarray,
    seg_start: list[int],
    i: int,
    p: channel.ChannelParams,
) -> Region | None:
    joined = tokens[i].text + tokens[i + 1].text
    joined = "".join(ch for ch in joined if ch.isalpha())
    c = r.candidates(joined, p)
    readings = [[w] for w in c.words if w in r.lexicon]
    if not readings:
        return None
    keep_ids, keep_ch = _decoder_reading(r, tokens, words, i, i + 1, p)
    # The decoder's reading is scored in the same batch, as the last sequence.
    chan = np.array([c.cost[c.words.index(w[0])] for w in readings]) + r.config.split_cost
    middles = [[r.vid.get(w[0], UNK)] for w in readings] + [keep_ids]
    costs, keep, after = _scored(
        r, ctx, seg_start, i, i + 1, middles, chan, keep_ch, tokens, p, words
    )
    decided = _decide(keep, costs, readings)
    if decided is None:
        return None
    h, conf, alts = decided
    word = apply_case(readings[h][0], case_pattern(tokens[i].text))
    last, reading = _region(text, tokens, i, i + 1, word, after[h], words)
    return Region(i, last, reading, conf, alts)


def _try_split(
    r: Restorer,
    text: str,
    tokens: list[Token],
    words: list[str],
    ctx: np.ndarray,
    seg_start: list[int],
    i: int,
    p: channel.ChannelParams,
) -> Region | None:
    token_text = tokens[i].text
    readings: list[list[str]] = []
    chan: list[float] = []
    key = strip_marks(token_text.lower())
    for cut in syllable_cuts(r, token_text, r.config.lost_vowel_cost > 0):
        left, right = token_text[:cut], token_text[cut:]
        # (The glue's price: that of its kind of cut, measured apart.)
        glue = r.config.lost_vowel_cost if lost_vowel_cut(r, key, cut) else r.config.merge_cost
        cl, cr = r.candidates(left, p), r.candidates(right, p)
        for a, ca in zip(cl.words[:_HALF_CANDIDATES], cl.cost, strict=False):
            for b, cb in zip(cr.words[:_HALF_CANDIDATES], cr.cost, strict=False):
                if a in r.lexicon and b in r.lexicon:
                    readings.append([a, b])
                    chan.append(float(ca + cb) + glue)
    # Two words the token table saw OCR glue into this very token ("tudo": "tự do" 3 times of
    # 5), at their table price alone, like the one-word readings the decoder took from the same
    # row: P(reading | this token) already holds how often OCR glued it, the glue price does not
    # come on top.
    rows, _totals = r._tokens_of(p.tokens)
    for w, prob in rows.get(token_text.lower(), ()):
        pair = w.split(" ")
        if len(pair) == 2 and all(x in r.lexicon for x in pair):
            c = -r.config.token_table_weight * math.log(max(prob, 1e-6))
            if pair in readings:
                k = readings.index(pair)
                chan[k] = min(chan[k], c)
            else:
                readings.append(pair)
                chan.append(c)
    if not readings:
        return None
    keep_ids, keep_ch = _decoder_reading(r, tokens, words, i, i, p)
    # The decoder's reading (one word) is scored in the same batch, as the last sequence.
    middles = [[r.vid.get(a, UNK), r.vid.get(b, UNK)] for a, b in readings]
    costs, keep, after = _scored(
        r, ctx, seg_start, i, i, middles + [keep_ids], np.array(chan), keep_ch, tokens, p, words
    )
    decided = _decide(keep, costs, readings)
    if decided is None:
        return None
    h, conf, alts = decided
    pattern = case_pattern(token_text)
    a, b = readings[h]
    reading = apply_case(a, pattern) + " " + (b.upper() if pattern == "upper" else b)
    last, reading = _region(text, tokens, i, i, reading, after[h], words)
    return Region(i, last, reading, conf, alts)
