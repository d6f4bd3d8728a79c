"""Which keys may lie within a small plain edit distance of a string: a symmetric-deletion index.

Two strings within Levenshtein distance d share a string made by deleting at most d characters
from each (a substitution is one deletion on each side, an insertion or deletion one on one
side): Garbe's SymSpell idea. The index maps every string made by deleting up to two characters
of a key to the keys it came from, so the keys near a query are found by looking up the query's
own deletions, a few dozen dictionary reads, instead of comparing it with every key. The caller
still computes the distances (the index returns a superset of the near keys, never less).
"""

from __future__ import annotations

from collections.abc import Sequence


def _deletions(s: str, depth: int) -> dict[str, int]:
    """Every string made by deleting up to ``depth`` characters of ``s``, with the fewest
    deletions that make it."""
    out = {s: 0}
    frontier = [s]
    for d in range(1, depth + 1):
        nxt = []
        for t in frontier:
            for i in range(len(t)):
                u = t[:i] + t[i + 1 :]
                if u not in out:
                    out[u] = d
                    nxt.append(u)
        frontier = nxt
    return out


class DeletionIndex:
    """Keys (by position in ``keys``) reachable from a query by at most ``max_distance`` edits."""

    def __init__(self, keys: Sequence[str], max_distance: int = 2):
        self.max_distance = max_distance
        # One table per number of deletions from the key, so that a query for distance 1 does
        # not read the postings of two deletions.
        self._by_depth: list[dict[str, list[int]]] = [{} for _ in range(max_distance + 1)]
        for row, key in enumerate(keys):
            for s, d in _deletions(key, max_distance).items():
                self._by_depth[d].setdefault(s, []).append(row)

    def candidates(self, query: str, max_distance: int) -> list[int]:
        """Positions of the keys that may be within plain edit distance ``max_distance`` of
        ``query`` (all that are, and some that are not), in increasing order."""
        if not 0 <= max_distance <= self.max_distance:
            raise ValueError(f"max_distance must be 0..{self.max_distance}")
        rows: set[int] = set()
        for s in _deletions(query, max_distance):
            for table in self._by_depth[: max_distance + 1]:
                hit = table.get(s)
                if hit:
                    rows.update(hit)
        return sorted(rows)
