"""Find stretches of a damaged text in the clean corpus, to take the corpus spelling.

The corpus token stream is kept as vocabulary ids; every window of ``n`` tokens (not crossing a
line or sentence start) is hashed on the tokens' *accent-free* keys, so a passage whose marks were
lost still finds its source. Hashes are sorted once at build time; a lookup is a binary search.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# One odd 64-bit multiplier per window position (fixed, so builds are reproducible).
_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)


def key_ids(keys: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Map each vocabulary entry (by id) to the id of its accent-free key."""
    table: dict[str, int] = {}
    out = np.empty(len(keys), np.int64)
    for i, k in enumerate(keys):
        out[i] = table.setdefault(k, len(table))
    return out, table


def window_hashes(kid: np.ndarray, n: int) -> np.ndarray:
    """Hash of every window of ``n`` consecutive key ids (len(kid) - n + 1 values)."""
    m = len(kid) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint64)
    k = kid.astype(np.uint64) + np.uint64(1)
    h = np.zeros(m, np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = (h ^ (k[j : j + m] * _MULT[j])) * _MULT[(j + 3) % len(_MULT)]
    return h


def build_index(stream: np.ndarray, keys: list[str], n: int, out: Path) -> None:
    kmap, _ = key_ids(keys)
    kid = kmap[stream]
    h = window_hashes(kid, n)
    # Windows that contain <s> (id 0) or <unk> (id 1) cannot be trusted as a passage.
    bad = (stream <= 1).astype(np.int32)
    c = np.concatenate([[0], np.cumsum(bad)])
    ok = (c[n:] - c[:-n]) == 0 if len(h) else np.zeros(0, bool)
    pos = np.nonzero(ok)[0].astype(np.int32)
    h = h[pos]
    order = np.argsort(h, kind="stable")
    np.save(out / "span_tokens.npy", stream.astype(np.int32))
    np.save(out / "span_hash.npy", h[order])
    np.save(out / "span_pos.npy", pos[order])
    np.save(out / "span_n.npy", np.array([n], np.int64))


class SpanIndex:
    """Read-only span index of a corpus build (memory-mapped)."""

    def __init__(self, build: Path, kmap: np.ndarray):
        # Memory-mapped, viewed as plain arrays: slicing a np.memmap costs microseconds each.
        self.tokens = np.load(build / "span_tokens.npy", mmap_mode="r").view(np.ndarray)
        self.hash = np.load(build / "span_hash.npy", mmap_mode="r").view(np.ndarray)
        self.pos = np.load(build / "span_pos.npy", mmap_mode="r").view(np.ndarray)
        self.n = int(np.load(build / "span_n.npy")[0])
        self.kmap = kmap

    def find_ranges(self, kid: np.ndarray, max_hits: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """For each window start of ``kid`` (key ids of a text), the range ``pos[lo:hi]`` of the
        corpus positions it matches (at most ``max_hits``)."""
        h = window_hashes(kid, self.n)
        # Sorted queries visit the (large) hash array in order: a few times faster.
        order = np.argsort(h)
        hs = h[order]
        lo = np.empty(len(h), np.int64)
        hi = np.empty(len(h), np.int64)
        lo[order] = np.searchsorted(self.hash, hs, side="left")
        hi[order] = np.searchsorted(self.hash, hs, side="right")
        return lo, np.minimum(hi, lo + max_hits)

    def corpus_keys(self, start: int, length: int) -> np.ndarray:
        return self.kmap[np.asarray(self.tokens[start : start + length])]
