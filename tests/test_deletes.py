"""The deletion index never misses a key within the distance it is asked for."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from diacritics.deletes import DeletionIndex

_WORDS = st.text(alphabet="abcdghnotu", min_size=0, max_size=7)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40, unique=True), _WORDS, st.integers(0, 2))
def test_candidates_hold_every_key_within_the_distance(keys: list[str], query: str, d: int) -> None:
    found = DeletionIndex(keys, 2).candidates(query, d)
    assert found == sorted(set(found))
    near = [i for i, k in enumerate(keys) if Levenshtein.distance(query, k) <= d]
    assert set(near) <= set(found)


def test_a_far_key_is_not_read() -> None:
    index = DeletionIndex(["nguoi", "nuoc", "xa", "huyen"], 2)
    assert index.candidates("nguoi", 1) == [0]
    assert 3 not in index.candidates("ngu", 2)
    with pytest.raises(ValueError):
        index.candidates("xa", 3)


@pytest.mark.parametrize("before_index", [0, 10_000], ids=["index", "all-keys"])
def test_near_keys_of_the_restorer_equal_a_search_over_all_keys(
    before_index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restorer._near, through the deletion index or over every key (its first searches),
    returns what rapidfuzz's extract over every key returns, in the same order (ties by
    position)."""
    from rapidfuzz import process

    import diacritics.restorer as restorer_module
    from diacritics.api import load_restorer
    from diacritics.corpus import build

    build()  # cached: instant when corpora/ is built and unchanged
    base = load_restorer()
    r = restorer_module.Restorer(base._build, base.config)  # empty caches
    monkeypatch.setattr(restorer_module, "_SEARCHES_BEFORE_INDEX", before_index)
    for ob in ("nguoi", "nudc", "thirc", "huyn", "x", "chittc", "cuatoan", "ke", "hoach"):
        for d in (1, 2):
            full = process.extract(
                ob, r.keys, scorer=Levenshtein.distance, score_cutoff=d, limit=400
            )
            assert [tuple(x) for x in r._near(ob, d)] == [tuple(x) for x in full]
    assert (r._deletions is not None) == (before_index == 0)
