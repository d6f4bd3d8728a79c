"""The Kneser-Ney trigram model: a proper distribution, and it prefers what the corpus says."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corpus_build import TINY, make_tiny_corpus

from diacritics.corpus import build, build_dir
from diacritics.lm import DocCache, TrigramLM, UnitClass, modified_discounts


@pytest.fixture(scope="module", params=[None, 0.75], ids=["modified-kn", "one-discount"])
def lm(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[TrigramLM, dict[str, int]]:
    corpus = make_tiny_corpus(tmp_path_factory.mktemp("lm"))
    build(corpus, replace(TINY, discount=request.param))
    vocab = (build_dir(corpus) / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    return TrigramLM(build_dir(corpus), len(vocab)), {w: i for i, w in enumerate(vocab)}


@pytest.mark.parametrize(
    "context", [("<s>", "<s>"), ("ủy", "ban"), ("nhân", "dân"), ("dân", "zzz-unseen")]
)
def test_probabilities_sum_to_one(
    lm: tuple[TrigramLM, dict[str, int]], context: tuple[str, str]
) -> None:
    model, vid = lm
    a, b = (vid.get(w, 1) for w in context)
    v = len(vid)
    w3 = np.arange(1, v)  # every word but <s>, which is never predicted
    total = np.exp(model.logprob(np.full(v - 1, a), np.full(v - 1, b), w3)).sum()
    assert total == pytest.approx(1.0, abs=2e-3)


def test_seen_trigram_beats_unseen(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    model, vid = lm
    seen = model.logprob(vid["ủy"], vid["ban"], vid["nhân"])
    other = model.logprob(vid["ủy"], vid["ban"], vid["thưởng"])
    assert seen > other + 2


def test_logprob_grid_equals_logprob(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    """The decoder's factored grid look-up gives exactly the per-triple probabilities."""
    model, vid = lm
    rng = np.random.default_rng(0)
    ids = rng.integers(0, len(vid), (40, 5))
    ids[:5] = [vid[w] for w in ("ủy", "ban", "nhân", "dân", "huyện")]  # seen contexts too
    _assert_grid_matches(model, ids)


def test_modified_discounts_from_count_of_counts() -> None:
    # n1..n4 = 10, 5, 3, 2: Y = 10 / (10 + 2 * 5) = 0.5, D1 = 1 - 2Y * 5/10, D2 = 2 - 3Y * 3/5,
    # D3+ = 3 - 4Y * 2/3 (Chen & Goodman 1998, eq. 26).
    counts = np.repeat([1, 2, 3, 4, 7], [10, 5, 3, 2, 1])
    np.testing.assert_allclose(modified_discounts(counts)[1:], [0.5, 1.1, 3 - 4 / 3])
    # Too few counts to estimate: the usual single discount.
    np.testing.assert_allclose(modified_discounts(np.array([1, 1, 2]))[1:], [0.75] * 3)


def test_document_cache_raises_repeated_bigrams_only(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    """A bigram the document uses twice or more gains probability; one used once changes
    nothing (its count is discounted by one: a word does not vote for itself)."""
    model, vid = lm
    doc = [vid[w] for w in ("huyện", "thưởng", "huyện", "thưởng", "dân", "huyện")]
    cached = model.with_cache(DocCache.from_sequences([np.array(doc)], len(vid), weight=0.3))
    a, b = vid["ủy"], vid["huyện"]
    base = model.logprob(a, b, vid["thưởng"])
    assert cached.logprob(a, b, vid["thưởng"]) > base + 0.1
    # (huyện, thưởng) counts 2 - 1 = 1, all of huyện's repeated mass m: λ = 0.3 m / (m + 2),
    # and P(. | huyện) of the other words is scaled by 1 - λ.
    lam = 0.3 * 1 / (1 + 2.0)
    for w in ("dân", "ban"):
        assert float(cached.logprob(a, b, vid[w])) == pytest.approx(
            float(model.logprob(a, b, vid[w])) + np.log(1 - lam)
        )
    # A history the document never repeats a bigram of: the model as it is.
    c, d = vid["nhân"], vid["dân"]
    assert cached.logprob(c, d, vid["huyện"]) == model.logprob(c, d, vid["huyện"])
    b1, w1 = np.array([b]), np.array([vid["thưởng"]])
    assert cached.bigram_logprob(b1, w1)[0] > model.bigram_logprob(b1, w1)[0] + 0.1
    # The model itself is untouched.
    assert model.cache is None


def test_document_cache_counts_weighted_bigrams(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    """Counted by weight (expected counts), a bigram needs more than one occurrence's worth of
    mass to count, and the discount by one applies to the sum; counting each occurrence 1 is
    the cache of the sequences."""
    model, vid = lm
    v = len(vid)
    h, a, b = vid["huyện"], vid["thưởng"], vid["dân"]
    seq = np.array([h, a, h, a, h, b], np.int64)
    hard = DocCache.from_sequences([seq], v, weight=0.3)
    ones = DocCache(seq[:-1] * v + seq[1:], np.ones(5), v, weight=0.3)
    assert np.array_equal(hard.keys, ones.keys) and np.array_equal(hard.p, ones.p)
    assert np.array_equal(hard.lam, ones.lam)
    # (huyện, thưởng): 0.5 + 0.5 + 0.6 = 1.6 -> 0.6 counts; (huyện, dân): 0.9 -> none.
    codes = np.array([h * v + a, h * v + a, h * v + a, h * v + b], np.int64)
    soft = DocCache(codes, np.array([0.5, 0.5, 0.6, 0.9]), v, weight=0.3)
    assert soft.keys.tolist() == [h * v + a]
    assert soft.p.tolist() == pytest.approx([1.0])
    assert soft.lam[h] == pytest.approx(0.3 * 0.6 / (0.6 + 2.0))
    lam, pc = soft.lookup(np.array([h, h]), np.array([a, b]))
    assert lam.tolist() == pytest.approx([0.3 * 0.6 / 2.6] * 2) and pc.tolist() == [1.0, 0.0]


def test_document_cache_grid_equals_logprob(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    """With a cache, the decoder's factored look-up still gives the per-triple probabilities."""
    model, vid = lm
    words = [vid[w] for w in ("ủy", "ban", "nhân", "dân", "huyện")]
    model = model.with_cache(DocCache.from_sequences([np.array(words * 3)], len(vid), weight=0.3))
    rng = np.random.default_rng(1)
    ids = rng.integers(0, len(vid), (20, 5))
    ids[:5] = words
    _assert_grid_matches(model, ids)


def _assert_grid_matches(model: TrigramLM, ids: np.ndarray) -> None:
    """logprob_grid over all triples of each row of ``ids`` equals logprob triple by triple."""
    grid = model.logprob_grid(ids[:, :, None, None], ids[:, None, :, None], ids[:, None, None, :])
    shape = grid.shape
    flat = model.logprob(
        np.broadcast_to(ids[:, :, None, None], shape),
        np.broadcast_to(ids[:, None, :, None], shape),
        np.broadcast_to(ids[:, None, None, :], shape),
    )
    np.testing.assert_allclose(grid, flat, rtol=0, atol=1e-12)


def test_followers_and_leaders_are_the_corpus_neighbours(
    lm: tuple[TrigramLM, dict[str, int]],
) -> None:
    model, vid = lm
    inv = {i: w for w, i in vid.items()}
    keys = np.load(model._build / "lm_bi_keys.npy")
    pairs = {(int(k // model.v), int(k % model.v)) for k in keys}
    after = [inv[i] for i in model.followers(vid["ủy"], 5).tolist()]
    assert after and after[0] == "ban"
    assert all((vid["ủy"], vid[w]) in pairs for w in after)
    before = [inv[i] for i in model.leaders(vid["ban"], 5).tolist()]
    assert "ủy" in before
    assert all((vid[w], vid["ban"]) in pairs for w in before)
    # Ranked: the first follower is the likeliest by the bigram model.
    ids = model.followers(vid["nhân"], 50)
    p = model.bigram_logprob(np.full(len(ids), vid["nhân"]), ids)
    assert p[0] == p.max()


@settings(max_examples=60, deadline=None)
@given(
    keys=st.sets(st.integers(0, 2**40), min_size=1, max_size=300),
    others=st.lists(st.integers(0, 2**40), max_size=300),
)
def test_hash_lookup_with_the_key_filter_finds_what_it_finds_without(
    keys: set[int], others: list[int]
) -> None:
    # The filter only answers "absent" early: it may never hide a key (no false negatives).
    from diacritics.lm import hash_lookup, hash_table, key_filter

    k = np.array(sorted(keys), np.int64)
    tk, ti = hash_table(k)
    q = np.concatenate([k, np.array(others, np.int64)])
    plain = hash_lookup(tk, ti, q)
    filtered = hash_lookup(tk, ti, q, key_filter(tk))
    assert (plain[1] == filtered[1]).all()
    assert (plain[0][plain[1]] == filtered[0][filtered[1]]).all()
    assert filtered[1][: len(k)].all() and (k[filtered[0][: len(k)]] == k).all()


def test_large_queries_in_steps_equal_one_batch(
    lm: tuple[TrigramLM, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query longer than a step (answered piecewise, for the cache) gives the same values,
    in the same order, as one batch; with a document cache too."""
    import diacritics.lm as lm_module

    model, vid = lm
    words = [vid[w] for w in ("ủy", "ban", "nhân", "dân", "huyện")]
    cached = model.with_cache(DocCache.from_sequences([np.array(words * 3)], len(vid), weight=0.3))
    rng = np.random.default_rng(2)
    w1, w2, w3 = rng.integers(0, len(vid), (3, 1000))
    w1[:5], w2[:5], w3[:5] = words, words[1:] + words[:1], words[2:] + words[:2]
    for m in (model, cached):
        whole = m.bigram_logprob(w2, w3), m.logprob(w1, w2, w3)
        monkeypatch.setattr(lm_module, "_STEP", 7)  # 143 steps, the last one short
        steps = m.bigram_logprob(w2, w3), m.logprob(w1, w2, w3)
        monkeypatch.setattr(lm_module, "_STEP", 1 << 18)
        np.testing.assert_array_equal(whole[0], steps[0])
        np.testing.assert_array_equal(whole[1], steps[1])


def test_end_of_sentence_model_knows_where_sentences_end(
    lm: tuple[TrigramLM, dict[str, int]],
) -> None:
    # The tiny corpus ends sentences with "như sau." and "hằng quý."; "ủy ban" never ends one.
    model, vid = lm
    first = np.array([vid["như"], vid["hằng"], vid["ủy"], vid["năm"]])
    end = model.end_logprob(first, np.array([vid["sau"], vid["quý"], vid["ban"], vid["sau"]]))
    assert np.all(end < 0.0)
    assert end[0] > end[2] + 2 and end[1] > end[2] + 2
    # A context never seen ("năm sau") backs off to how often its last word ends a sentence.
    assert end[3] == pytest.approx(float(model.end_logprob(1, vid["sau"])))


def _units(vid: dict[str, int], share: list[float], weight: float) -> UnitClass:
    ids = np.array([vid["xã"], vid["huyện"], vid["phương"]])
    return UnitClass(ids, np.array(share), len(vid), weight)


@pytest.mark.parametrize("context", [("<s>", "<s>"), ("ủy", "ban"), ("nhân", "dân")])
def test_unit_class_moves_mass_within_the_class_only(
    lm: tuple[TrigramLM, dict[str, int]], context: tuple[str, str]
) -> None:
    """The unit words keep their total mass after each context, shared as the class says with
    weight 1; the other words keep their probabilities; the whole still sums to one."""
    model, vid = lm
    a, b = (vid[w] for w in context)
    v = len(vid)
    w3 = np.arange(1, v)
    base = np.exp(model.logprob(np.full(v - 1, a), np.full(v - 1, b), w3))
    share = [0.2, 0.3, 0.5]
    full = model.with_units(_units(vid, share, 1.0))
    p = np.exp(full.logprob(np.full(v - 1, a), np.full(v - 1, b), w3))
    unit = np.isin(w3, [vid["xã"], vid["huyện"], vid["phương"]])
    np.testing.assert_allclose(p[~unit], base[~unit], rtol=1e-12)
    assert p[unit].sum() == pytest.approx(base[unit].sum(), rel=1e-9)
    np.testing.assert_allclose(
        [p[w3 == vid[w]][0] for w in ("xã", "huyện", "phương")],
        np.array(share) * base[unit].sum(),
        rtol=1e-9,
    )
    assert p.sum() == pytest.approx(1.0, abs=2e-3)
    # Half weight: halfway between the model and the class.
    half = model.with_units(_units(vid, share, 0.5))
    ph = np.exp(half.logprob(np.full(v - 1, a), np.full(v - 1, b), w3))
    np.testing.assert_allclose(ph, (base + p) / 2, rtol=1e-9)
    # The bigram level (the decoder's pruning pass) the same way.
    b2 = np.exp(model.bigram_logprob(np.full(v - 1, b), w3))
    f2 = np.exp(full.bigram_logprob(np.full(v - 1, b), w3))
    np.testing.assert_allclose(f2[~unit], b2[~unit], rtol=1e-12)
    assert f2[unit].sum() == pytest.approx(b2[unit].sum(), rel=1e-9)
    assert model.units is None  # the model itself is untouched


def test_unit_class_grid_equals_logprob(lm: tuple[TrigramLM, dict[str, int]]) -> None:
    """With the unit class (and a document cache), the decoder's factored look-up still gives
    the per-triple probabilities."""
    model, vid = lm
    words = [vid[w] for w in ("ủy", "ban", "nhân", "dân", "xã", "huyện", "phương")]
    cached = model.with_cache(DocCache.from_sequences([np.array(words * 3)], len(vid), weight=0.3))
    rng = np.random.default_rng(2)
    ids = rng.integers(0, len(vid), (20, 5))
    ids[:7, :] = np.array(words)[np.arange(35).reshape(7, 5) % 7]
    for m in (model, cached):
        _assert_grid_matches(m.with_units(_units(vid, [0.6, 0.3, 0.1], 0.5)), ids)


def test_unit_class_settings_out_of_range_are_refused() -> None:
    from diacritics.restorer import RestoreConfig

    for bad in ({"unit_class_weight": 1.5}, {"unit_class_weight": -0.1}, {"unit_class_alpha": 0}):
        with pytest.raises(ValueError, match="unit_class"):
            RestoreConfig(**bad)
