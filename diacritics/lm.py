"""A syllable trigram language model with interpolated Kneser-Ney smoothing, in numpy arrays.

Built once by :func:`build_kn` from the corpus token stream (int ids, ``<s>`` = 0 marks a line or
sentence start) and stored as memory-mappable ``.npy`` files; :class:`TrigramLM` answers many
queries in one vectorized call (``logprob(w1, w2, w3)`` over arrays), which is what lets the
decoder score all candidate paths of a position at once.

Model (Chen & Goodman's interpolated KN with one discount D per order):
    P3(c|a,b) = max(N(abc) - D, 0) / N(ab.) + D * T(ab.) / N(ab.) * P2(c|b)
    P2(c|b)   = max(T(.bc) - D, 0) / T(.b.) + D * T'(b.) / T(.b.) * P1(c)
    P1(c)     = max(T(.c) - D, 0) / T(..) + D * V1 / T(..) / (V - 1)   (0 for <s>)
with N raw counts, T type (continuation) counts; an unseen context backs off with weight 1.
Two document models can be mixed in at restore time: the bigrams the document repeats
(:class:`DocCache`) and the administrative unit words as one class (:class:`UnitClass`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)

# Rows per vectorized step of a large query. A query of millions of rows (the decoder's pruning
# pass asks for K² bigrams per word) would make each of its dozen temporaries a fresh array of
# tens of megabytes, paid in page faults and cache misses; in steps of this size they stay in
# cache and the allocator reuses them (measured: 2x faster on an 11.8M-row query).
_STEP = 1 << 18


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    # (Views, not copies: the keys are non-negative int64 and the slots below 2**bits.)
    with np.errstate(over="ignore"):
        h = np.ascontiguousarray(keys, np.int64).view(np.uint64) * _GOLDEN
    h >>= np.uint64(64 - bits)
    return h.view(np.int64)


def hash_table(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Open-addressing table over ``keys`` (non-negative, unique): slot -> key, slot -> index.

    A lookup costs one or two memory reads instead of the ~22 of a binary search over millions
    of keys, which is what the decoder spends its time on. Load factor at most 1/2; -1 = empty.
    """
    bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 2))))
    size = 1 << bits
    tkeys = np.full(size, -1, np.int64)
    tidx = np.zeros(size, np.int32)
    slots = _slots(keys, bits)
    pending = np.arange(len(keys))
    while pending.size:
        s = slots[pending]
        free = tkeys[s] == -1
        cand, cs = pending[free], s[free]
        uniq, first = np.unique(cs, return_index=True)
        winners = cand[first]
        tkeys[uniq] = keys[winners]
        tidx[uniq] = winners
        placed = np.zeros(len(keys), bool)
        placed[winners] = True
        pending = pending[~placed[pending]]
        slots[pending] = (slots[pending] + 1) & (size - 1)
    return tkeys, tidx


def key_filter(tkeys: np.ndarray) -> np.ndarray:
    """A bit set over the keys of a table made by :func:`hash_table`, 8 bits per slot, for
    :func:`hash_find`: a query whose bit is clear is not in the table (no false negatives;
    false positives about one in twenty at the table's load factor)."""
    bits = (len(tkeys).bit_length() - 1) + 3  # (bit h of key k: its slot is h >> 3)
    h = _slots(tkeys[tkeys >= 0], bits)
    byte, bit = np.unique(h >> 3, return_inverse=True)
    flags = np.zeros(len(byte), np.uint8)
    np.bitwise_or.at(flags, bit, (np.uint8(1) << (h & 7).astype(np.uint8)))
    out = np.zeros(1 << (bits - 3), np.uint8)
    out[byte] = flags
    return out


def hash_lookup(
    tkeys: np.ndarray, tidx: np.ndarray, q: np.ndarray, filt: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(index, found) of each query in a table made by :func:`hash_table` (index 0 where not
    found); see :func:`hash_find`."""
    rows, idx = hash_find(tkeys, tidx, q, filt)
    res = np.zeros(len(q), np.int64)
    found = np.zeros(len(q), bool)
    res[rows] = idx
    found[rows] = True
    return res, found


def hash_find(
    tkeys: np.ndarray, tidx: np.ndarray, q: np.ndarray, filt: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(positions in ``q``, indices) of the queries found in a table made by :func:`hash_table`.

    Sparse, because the decoder's queries are mostly absent (nine in ten of the pruning pass's
    bigrams): values are gathered for the found ones only. ``filt``, the table's
    :func:`key_filter`, answers most absent queries first (they would probe to an empty slot)."""
    size = len(tkeys)
    bits = size.bit_length() - 1
    if filt is None:
        return _probe(tkeys, tidx, q, _slots(q, bits), np.arange(len(q)))
    # One hash for both: a query's filter bit is its slot's byte, bit (hash & 7).
    h = _slots(q, bits + 3)
    s = h >> 3
    maybe = np.flatnonzero((filt[s] >> (h & 7).astype(np.uint8)) & 1)
    return _probe(tkeys, tidx, q[maybe], s[maybe], maybe)


def _probe(
    tkeys: np.ndarray, tidx: np.ndarray, q: np.ndarray, s: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Linear probing from slots ``s`` (changed in place) for the queries ``q``, which stand at
    positions ``at``: (positions, indices) of those found."""
    size = len(tkeys)
    # The first probe settles most queries: it runs on whole arrays, without index lists.
    tk = tkeys[s]
    hit = tk == q
    rows = [at[hit]]
    idx = [tidx[s[hit]]]
    active = np.flatnonzero(~hit & (tk != -1))
    while active.size:
        sa = (s[active] + 1) & (size - 1)
        s[active] = sa
        tk = tkeys[sa]
        hit = tk == q[active]
        rows.append(at[active[hit]])
        idx.append(tidx[sa[hit]])
        active = active[~hit & (tk != -1)]
    if len(rows) == 1:
        return rows[0], idx[0].astype(np.int64)
    return np.concatenate(rows), np.concatenate(idx).astype(np.int64)


def _group_sums(sorted_ctx: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Unique contexts of a sorted array, with the sum of ``values`` and the number of rows."""
    uniq, start, n = np.unique(sorted_ctx, return_index=True, return_counts=True)
    sums = np.add.reduceat(values, start) if len(values) else values
    return uniq, sums, n


def modified_discounts(counts: np.ndarray) -> np.ndarray:
    """Chen & Goodman's discounts D(1), D(2), D(3+) from the count-of-counts of ``counts``,
    as an array indexed by min(count, 3) (index 0 unused)."""
    n = np.bincount(np.minimum(counts, 5), minlength=6)[1:5].astype(np.float64)
    if np.any(n == 0):
        return np.array([0.0, 0.75, 0.75, 0.75])
    y = n[0] / (n[0] + 2 * n[1])
    d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    return np.array([0.0, *np.clip(d, 0.05, [1.0, 2.0, 3.0])])


def build_kn(stream: np.ndarray, v: int, discount: float | None, out: Path) -> dict[str, object]:
    """Count uni/bi/trigrams of ``stream`` and write the smoothed model into ``out``.

    ``discount``: one absolute discount for every count; None: modified Kneser-Ney, three
    discounts per order estimated from its count-of-counts (Chen & Goodman 1998)."""
    s = stream.astype(np.int64)
    vv = np.int64(v)
    d = discount
    # Trigrams (a, b, c) with b and c real tokens: <s> only ever starts a context.
    ok3 = (s[1:-1] != 0) & (s[2:] != 0)
    tri = (s[:-2][ok3] * vv + s[1:-1][ok3]) * vv + s[2:][ok3]
    tri_keys, tri_c = np.unique(tri, return_counts=True)
    del tri
    ok2 = s[1:] != 0
    bi_keys, bi_raw = np.unique(s[:-1][ok2] * vv + s[1:][ok2], return_counts=True)

    # Order 3: P3 discount mass per context (a, b).
    ctx3 = tri_keys // vv
    ctx3_u, ctx3_n, ctx3_t = _group_sums(ctx3, tri_c.astype(np.int64))
    pos = np.searchsorted(ctx3_u, ctx3)
    d3 = _discount_of(tri_c, d)
    tri_alpha = (np.maximum(tri_c - d3, 0) / ctx3_n[pos]).astype(np.float32)
    gamma3_ctx = (_group_sums(ctx3, d3)[1] / ctx3_n).astype(np.float32)

    # Order 2 with continuation counts T(.bc); bigrams starting at <s> keep raw counts.
    suffix = tri_keys % (vv * vv)
    suf_u, suf_t = np.unique(suffix, return_counts=True)
    cont = bi_raw.astype(np.int64).copy()
    first = bi_keys // vv
    mid = first != 0
    idx = np.searchsorted(suf_u, bi_keys[mid])
    idx = np.minimum(idx, len(suf_u) - 1) if len(suf_u) else idx
    found = suf_u[idx] == bi_keys[mid] if len(suf_u) else np.zeros(0, bool)
    cont_mid = np.where(found, suf_t[idx] if len(suf_u) else 0, bi_raw[mid])
    cont[mid] = cont_mid
    b_u, b_n, _ = _group_sums(first, cont)
    d2 = _discount_of(cont, d)
    denom2 = np.zeros(v, np.float64)
    mass2 = np.zeros(v, np.float64)
    denom2[b_u] = b_n
    mass2[b_u] = _group_sums(first, d2)[1]
    bi_alpha = (np.maximum(cont - d2, 0) / denom2[first]).astype(np.float32)
    gamma2 = np.ones(v, np.float32)
    has = denom2 > 0
    gamma2[has] = (mass2[has] / denom2[has]).astype(np.float32)

    # Gamma of order 3 aligned with the bigram array (the context (a, b) is a bigram).
    bi_gamma3 = np.ones(len(bi_keys), np.float32)
    j = np.searchsorted(bi_keys, ctx3_u)
    bi_gamma3[j] = gamma3_ctx  # every trigram context is a seen bigram

    _save_end_model(s, vv, bi_keys, out)

    # Order 1: continuation counts T(.c).
    t1 = np.bincount(bi_keys % vv, minlength=v).astype(np.float64)
    t1[0] = 0
    total = t1.sum() or 1.0
    t1i = t1.astype(np.int64)
    d1 = np.where(t1i > 0, _discount_of(np.maximum(t1i, 1), d), 0.0)
    # The discounted mass goes uniformly to the v - 1 words that can follow (<s> never does).
    p_uni = np.maximum(t1 - d1, 0) / total + d1.sum() / total / (v - 1)
    p_uni[0] = 0.0

    for name, keys in (("tri", tri_keys), ("bi", bi_keys)):
        tk, ti = hash_table(keys)
        np.save(out / f"lm_{name}_hkeys.npy", tk)
        np.save(out / f"lm_{name}_hidx.npy", ti)
        np.save(out / f"lm_{name}_filter.npy", key_filter(tk))
    np.save(out / "lm_tri_keys.npy", tri_keys)
    np.save(out / "lm_tri_alpha.npy", tri_alpha)
    np.save(out / "lm_bi_keys.npy", bi_keys)
    np.save(out / "lm_bi_alpha.npy", bi_alpha)
    np.save(out / "lm_bi_gamma3.npy", bi_gamma3)
    np.save(out / "lm_gamma2.npy", gamma2)
    np.save(out / "lm_uni.npy", p_uni.astype(np.float64))
    return {"trigrams": int(len(tri_keys)), "bigrams": int(len(bi_keys))}


# Absolute discount of the end-of-sentence model (the usual 0.75; not tuned).
_END_DISCOUNT = 0.75


def _save_end_model(s: np.ndarray, vv: np.int64, bi_keys: np.ndarray, out: Path) -> None:
    """P(the sentence ends | a, b): how often <s> followed the context in the stream.

    The trigram model never predicts <s> (it only starts contexts), so it cannot tell "Cụ thể:"
    from "Có thể:"; the decoder asks this model at each sentence end instead. Interpolated
    absolute discounting, as the KN model's orders are interpolated:
        P3(end|a,b) = max(N(ab<s>) - D, 0) / N(ab.) + D * T(ab.) / N(ab.) * P2(end|b)
        P2(end|b)   = max(N(b<s>) - D, 0) / N(b.) + D * T(b.) / N(b.) * P1(end)
    with N counts of continuations (<s> included) and T their types. Stored aligned with the
    bigram keys (every context (a, b) with b a word is one): alpha and gamma of P3; and P2."""
    d = _END_DISCOUNT
    v = int(vv)
    nb = len(bi_keys)
    ok = s[1:-1] != 0
    ctx = s[:-2][ok] * vv + s[1:-1][ok]
    nxt = s[2:][ok]
    pos = np.searchsorted(bi_keys, ctx)
    n3 = np.bincount(pos, minlength=nb).astype(np.float64)
    e3 = np.bincount(pos[nxt == 0], minlength=nb).astype(np.float64)
    t3 = np.bincount(np.searchsorted(bi_keys, np.unique(ctx * vv + nxt) // vv), minlength=nb)
    del ctx, nxt, pos
    b, c = s[:-1], s[1:]
    word = b != 0
    n2 = np.bincount(b[word], minlength=v).astype(np.float64)
    e2 = np.bincount(b[word & (c == 0)], minlength=v).astype(np.float64)
    t2 = np.bincount(bi_keys // vv, minlength=v) + (e2 > 0)  # (bigram keys hold no <s> follower)
    p1 = e2.sum() / max(n2.sum(), 1.0)
    has2 = n2 > 0
    p2 = np.full(v, p1)
    p2[has2] = (np.maximum(e2[has2] - d, 0) + d * t2[has2] * p1) / n2[has2]
    has3 = n3 > 0
    alpha = np.zeros(nb, np.float32)
    gamma = np.ones(nb, np.float32)
    alpha[has3] = np.maximum(e3[has3] - d, 0) / n3[has3]
    gamma[has3] = d * t3[has3] / n3[has3]
    np.save(out / "lm_end_alpha.npy", alpha)
    np.save(out / "lm_end_gamma.npy", gamma)
    np.save(out / "lm_end_p2.npy", p2)


def _discount_of(counts: np.ndarray, discount: float | None) -> np.ndarray:
    """The discount of each count: ``discount`` for all, or modified KN's D(min(c, 3))."""
    if discount is not None:
        return np.full(len(counts), discount)
    return modified_discounts(counts)[np.minimum(counts, 3)]


def _in_steps(fn: Callable[..., np.ndarray], *cols: np.ndarray) -> np.ndarray:
    """``fn`` (elementwise over equal-length 1-d arrays) over ``cols`` in steps of ``_STEP``."""
    n = len(cols[0])
    if n <= _STEP:
        return fn(*cols)
    out = np.empty(n)
    for i in range(0, n, _STEP):
        out[i : i + _STEP] = fn(*(c[i : i + _STEP] for c in cols))
    return out


def _gather(
    values: np.ndarray, n: int, found: tuple[np.ndarray, np.ndarray], default: float
) -> np.ndarray:
    """Values of ``n`` queries of which :func:`hash_find` found ``found``, else ``default``."""
    out = np.full(n, default)
    rows, idx = found
    out[rows] = values[idx]
    return out


class TrigramLM:
    """Read-only trigram model over the vocabulary of a corpus build (memory-mapped)."""

    def __init__(self, build: Path, v: int):
        def load(name: str) -> np.ndarray:
            # Read into memory (a few tens of MB): memory-mapped indexing is several times slower.
            return np.load(build / f"lm_{name}.npy")

        self.v = np.int64(v)
        # (Most of the decoder's queries are pairs and triples the corpus never saw.)
        self.tri_h = (load("tri_hkeys"), load("tri_hidx"), load("tri_filter"))
        self.tri_alpha = load("tri_alpha")
        self.bi_h = (load("bi_hkeys"), load("bi_hidx"), load("bi_filter"))
        self.bi_alpha = load("bi_alpha")
        self.bi_gamma3 = load("bi_gamma3")
        self.gamma2 = np.asarray(load("gamma2"))
        self.p_uni = np.asarray(load("uni"))
        self.end = (load("end_alpha"), load("end_gamma"), load("end_p2"))
        self.cache: DocCache | None = None
        self.units: UnitClass | None = None
        self._bi_keys: np.ndarray | None = None  # sorted bigram keys, loaded when first needed
        self._by_second: np.ndarray | None = None  # their order by second word
        self._second_sorted = np.zeros(0, np.int64)  # the second words in that order
        self._build = build
        # Leaders and followers of the words asked for (a document asks for the same ones on
        # every pass); shared by the copies that with_cache makes.
        self._neighbours: dict[tuple[str, int, int], np.ndarray] = {}

    def _keys(self) -> np.ndarray:
        if self._bi_keys is None:
            self._bi_keys = np.load(self._build / "lm_bi_keys.npy")
        return self._bi_keys

    def leaders(self, w: int, n: int) -> np.ndarray:
        """Ids of the (at most) ``n`` words that most often come right before word ``w``
        (largest P(a) P(w | a) first)."""
        return self._remembered("leaders", w, n)

    def _leaders(self, w: int, n: int) -> np.ndarray:
        keys = self._keys()
        if self._by_second is None:
            second = keys % self.v
            self._by_second = np.argsort(second, kind="stable")
            self._second_sorted = second[self._by_second]
        lo, hi = np.searchsorted(self._second_sorted, [w, w + 1])
        if hi <= lo:
            return np.zeros(0, np.int64)
        rows = self._by_second[lo:hi]
        first = keys[rows] // self.v
        score = self.bi_alpha[rows] * self.p_uni[first]
        top = np.argsort(-score, kind="stable")[:n]
        return first[top].astype(np.int64)

    def followers(self, w: int, n: int) -> np.ndarray:
        """Ids of the (at most) ``n`` words that most often follow word ``w`` in the corpus
        (largest discounted bigram probability first; ties by id)."""
        return self._remembered("followers", w, n)

    def _remembered(self, kind: str, w: int, n: int) -> np.ndarray:
        hit = self._neighbours.get((kind, w, n))
        if hit is None:
            compute = self._leaders if kind == "leaders" else self._followers
            hit = self._neighbours[(kind, w, n)] = compute(w, n)
        return hit

    def _followers(self, w: int, n: int) -> np.ndarray:
        keys = self._keys()
        lo, hi = np.searchsorted(keys, [w * self.v, (w + 1) * self.v])
        if hi <= lo:
            return np.zeros(0, np.int64)
        alpha = self.bi_alpha[lo:hi]
        top = np.argsort(-alpha, kind="stable")[:n]
        return (keys[lo:hi][top] % self.v).astype(np.int64)

    def with_cache(self, cache: DocCache | None) -> TrigramLM:
        """The same model (arrays shared) mixed with a document's bigram cache."""
        other = copy.copy(self)
        other.cache = cache
        return other

    def with_units(self, units: UnitClass | None) -> TrigramLM:
        """The same model (arrays shared) with its unit words' mass shared as ``units`` says."""
        other = copy.copy(self)
        other.units = units
        return other

    def _p3_raw(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """P(w3 | w1, w2) of the interpolated trigram alone (flat int64 arrays)."""
        v = self.v
        a3 = _gather(self.tri_alpha, len(w1), self._find(self.tri_h, (w1 * v + w2) * v + w3), 0.0)
        g3 = _gather(self.bi_gamma3, len(w1), self._find(self.bi_h, w1 * v + w2), 1.0)
        return a3 + g3 * self._bigram_p(w2, w3)

    def _unit_mix(
        self, p: np.ndarray, w1: np.ndarray | None, w2: np.ndarray, w3: np.ndarray
    ) -> np.ndarray:
        """``p`` = P(w3 | w1, w2) of the model (bigram where ``w1`` is None), with the mass
        of the unit words redistributed among them (see :class:`UnitClass`)."""
        u = self.units
        if u is None:
            return p
        rows = np.flatnonzero(u.is_unit[w3])
        if not len(rows):
            return p
        k = len(u.ids)
        ids = np.tile(u.ids, len(rows))
        h2 = np.repeat(w2[rows], k)
        if w1 is None:
            pu = self._bigram_p(h2, ids)
        else:
            pu = self._p3_raw(np.repeat(w1[rows], k), h2, ids)
        total = pu.reshape(len(rows), k).sum(axis=1)
        p[rows] = (1.0 - u.weight) * p[rows] + u.weight * total * u.share[w3[rows]]
        return p

    def _mix(self, p: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """``p`` = P(w3 | .., w2) of the model, mixed with the document cache if there is one."""
        if self.cache is None:
            return p
        # Only the rows whose history has cache mass change (λ = 0 leaves p as it is).
        rows, lam, pc = self.cache.lookup_sparse(w2, w3)
        p[rows] = p[rows] * (1.0 - lam) + lam * pc
        return p

    @staticmethod
    def _find(
        table: tuple[np.ndarray, np.ndarray, np.ndarray], q: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return hash_find(table[0], table[1], q, table[2])

    def logprob(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """Natural log of P(w3 | w1, w2) for arrays of ids (broadcast together)."""
        w1, w2, w3 = np.broadcast_arrays(
            np.asarray(w1, np.int64), np.asarray(w2, np.int64), np.asarray(w3, np.int64)
        )
        shape = w1.shape
        return _in_steps(self._logprob, w1.ravel(), w2.ravel(), w3.ravel()).reshape(shape)

    def _logprob(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        p3 = self._mix(self._unit_mix(self._p3_raw(w1, w2, w3), w1, w2, w3), w2, w3)
        return np.log(np.maximum(p3, 1e-30))

    def _bigram_p(self, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """P(w3 | w2) of the interpolated bigram (flat int64 arrays)."""
        rows, idx = self._find(self.bi_h, w2 * self.v + w3)
        p = self.gamma2[w2] * self.p_uni[w3]
        p[rows] += self.bi_alpha[idx]
        return p

    def bigram_logprob(self, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """Natural log of the bigram P(w3 | w2) of the model (the trigram's lower order)."""
        return _in_steps(self._bigram_logprob, np.asarray(w2, np.int64), np.asarray(w3, np.int64))

    def _bigram_logprob(self, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        p2 = self._mix(self._unit_mix(self._bigram_p(w2, w3), None, w2, w3), w2, w3)
        return np.log(np.maximum(p2, 1e-30))

    def end_logprob(self, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """Natural log of P(the sentence ends | w1, w2) (see :func:`_save_end_model`)."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, np.int64), np.asarray(w2, np.int64))
        alpha, gamma, p2 = self.end
        p = p2[w2.ravel()]
        rows, idx = self._find(self.bi_h, w1.ravel() * self.v + w2.ravel())
        p[rows] = alpha[idx] + gamma[idx] * p[rows]
        return np.log(np.maximum(p, 1e-30)).reshape(w1.shape)

    def logprob_grid(self, w1: np.ndarray, w2: np.ndarray, w3: np.ndarray) -> np.ndarray:
        """:meth:`logprob` over the broadcast of ``w1`` (…, K, 1, 1), ``w2`` (…, 1, K, 1) and
        ``w3`` (…, 1, 1, K): the K³ triples of K² pairs, through :meth:`logprob_pairs`."""
        w1, w2, w3 = (np.asarray(w, np.int64) for w in (w1, w2, w3))
        shape = np.broadcast_shapes(w1.shape, w2.shape, w3.shape)
        x, y, z = (np.broadcast_to(w, shape).ravel() for w in (w1, w2, w3))
        # Pairs (x, y) first, then pairs (y, z); triple t is pair t followed by pair size + t.
        first = np.concatenate([x, y])
        second = np.concatenate([y, z])
        ctx = np.arange(len(x))
        return self.logprob_pairs(first, second, ctx, ctx + len(x)).reshape(shape)

    def logprob_pairs(
        self, first: np.ndarray, second: np.ndarray, ctx: np.ndarray, nxt: np.ndarray
    ) -> np.ndarray:
        """log P(z | x, y) of triples given as two overlapping word pairs: (x, y) is pair
        ``ctx[t]`` and (y, z) is pair ``nxt[t]`` of the pairs (``first``, ``second``).

        The decoder's triples share their pairs (a state of the trigram Viterbi is a pair, a
        triple is a transition between two states): the bigram parts are looked up once per
        pair, and only the triples are left to the trigram table."""
        v = self.v
        first = np.asarray(first, np.int64)
        second = np.asarray(second, np.int64)
        pair = first * v + second
        rows, idx = self._find(self.bi_h, pair)
        p2 = self.gamma2[first] * self.p_uni[second]
        p2[rows] += self.bi_alpha[idx]
        g3 = _gather(self.bi_gamma3, len(pair), (rows, idx), 1.0)
        f2 = np.zeros(len(pair), bool)
        f2[rows] = True
        # A triple has a trigram count only if both its pairs occurred (every trigram's pairs
        # are bigrams of the same stream): look up only those (a minority of the decoder's).
        seen = np.flatnonzero(f2[ctx] & f2[nxt])
        p3 = g3[ctx] * p2[nxt]  # plus the trigram part, where there is one (else 0)
        if len(seen):
            rows3, idx3 = self._find(self.tri_h, pair[ctx[seen]] * v + second[nxt[seen]])
            p3[seen[rows3]] += self.tri_alpha[idx3]
        if self.units is not None:
            # Only the (few) triples ending in a unit word: no gathers over all of them.
            z = second[nxt]
            rows = np.flatnonzero(self.units.is_unit[z])
            if len(rows):
                c = ctx[rows]
                p3[rows] = self._unit_mix(p3[rows], first[c], second[c], z[rows])
        if self.cache is not None:
            lam, pc = self.cache.lookup(first, second)
            p3 *= 1.0 - lam[nxt]
            p3 += lam[nxt] * pc[nxt]
        np.maximum(p3, 1e-30, out=p3)
        return np.log(p3, out=p3)


class UnitClass:
    """The words of the administrative unit types (xã, phường, huyện, quận, tỉnh) as one class.

    The corpus (laws, encyclopedia) says "Đảng bộ xã", "Đảng bộ huyện", "Đảng bộ tỉnh" but
    hardly ever "Đảng bộ phường", so after "Đảng bộ" the model prefers "phương" (a frequent
    word) to "phường", while a ward's plan says "phường" wherever a commune's says "xã". A
    context that predicts a unit word predicts the class; which unit the document speaks of is
    the document's: P(w | h) = (1 - μ) P(w | h) + μ P(U | h) P_doc(w | U) for a unit word w,
    with P(U | h) the model's mass of all unit words after h (the other words keep theirs:
    the mass moves within the class). P_doc(w | U) = (c_doc(w) + α P(w | U)) / (c_doc(U) + α),
    the document's counts of the unit words shrunk toward the corpus's shares (a class-based
    model, Brown et al. 1992, with a cache over the class, Kuhn & De Mori 1990)."""

    def __init__(self, ids: np.ndarray, share: np.ndarray, v: int, weight: float):
        self.ids = np.asarray(ids, np.int64)
        self.is_unit = np.zeros(v, bool)
        self.is_unit[self.ids] = True
        self.share = np.zeros(v, np.float64)
        self.share[self.ids] = share
        self.weight = weight
        self.fingerprint = hash((self.ids.tobytes(), np.asarray(share).tobytes(), weight))


class DocCache:
    """Bigrams a document uses again and again, as a second model mixed into the first.

    A plan repeats its terms ("cử tri" dozens of times in a plan about voters' meetings); where
    OCR damaged one occurrence past reading ("cv tri"), the others say what it was. The cache
    holds the document as a first pass read it, each bigram counted with a weight (its expected
    count: see Restorer._soft_bigrams; 1 per occurrence in :meth:`from_sequences`); each
    bigram's count is discounted by one, so a word does not vote for itself and only bigrams
    seen more than once count. Mixed as
    P = (1 - λ(h)) P_model + λ(h) (c(h, w) - 1) / m(h), with m(h) the sum of c(h, .) - 1 and
    λ(h) = λ · m(h) / (m(h) + k)
    (Kuhn & De Mori's cache model, here over bigrams)."""

    def __init__(self, codes: np.ndarray, mass: np.ndarray, v: int, weight: float, k: float = 2.0):
        """``codes``: bigrams as w1 · v + w2 (ids), each with its count ``mass`` (repeated
        codes add up)."""
        vv = np.int64(v)
        uniq, inv = np.unique(np.asarray(codes, np.int64), return_inverse=True)
        cnt = np.zeros(len(uniq), np.float64)
        np.add.at(cnt, inv, mass)
        keep = cnt > 1
        self.v = vv
        self.keys = uniq[keep]
        hist = self.keys // vv
        hist_n = np.zeros(v, np.float64)
        np.add.at(hist_n, hist, cnt[keep] - 1)
        self.p = (cnt[keep] - 1) / hist_n[hist]
        self.lam = weight * hist_n / (hist_n + k)
        self.fingerprint = hash((self.keys.tobytes(), self.p.tobytes(), weight, k))

    @classmethod
    def from_sequences(
        cls, ids: list[np.ndarray], v: int, weight: float, k: float = 2.0
    ) -> DocCache:
        """The cache of word-id sequences read as they are (each bigram occurrence counts 1)."""
        vv = np.int64(v)
        pairs = [seq[:-1] * vv + seq[1:] for seq in ids if len(seq) > 1]
        codes = np.concatenate(pairs) if pairs else np.zeros(0, np.int64)
        return cls(codes, np.ones(len(codes)), v, weight, k)

    def lookup(self, w2: np.ndarray, w3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(λ(w2), cache P(w3 | w2)) for arrays of ids."""
        rows, lam_rows, pc_rows = self.lookup_sparse(w2, w3)
        lam, pc = np.zeros(len(w2)), np.zeros(len(w2))
        lam[rows], pc[rows] = lam_rows, pc_rows  # (λ is 0 off those rows)
        return lam, pc

    def lookup_sparse(
        self, w2: np.ndarray, w3: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, λ, cache P) of the queries whose history w2 has cache mass (λ > 0); only
        histories with repeated bigrams have any (few of the decoder's queries)."""
        lam = self.lam[w2]
        rows = np.flatnonzero(lam)
        if not len(rows):  # (always so when the cache is empty)
            return rows, lam[rows], np.zeros(0)
        q = w2[rows] * self.v + w3[rows]
        i = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        return rows, lam[rows], np.where(self.keys[i] == q, self.p[i], 0.0)
