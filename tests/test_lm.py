"""The Kneser-Ney trigram model: a proper distribution, and it prefers what the corpus says."""

from __future__ import annotations

import numpy as np
import pytest
from test_corpus_build import TINY, make_tiny_corpus

from diacritics.corpus import build, build_dir
from diacritics.lm import TrigramLM


@pytest.fixture(scope="module")
def lm(tmp_path_factory: pytest.TempPathFactory) -> tuple[TrigramLM, dict[str, int]]:
    corpus = make_tiny_corpus(tmp_path_factory.mktemp("lm"))
    build(corpus, TINY)
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
    grid = model.logprob_grid(ids[:, :, None, None], ids[:, None, :, None], ids[:, None, None, :])
    shape = grid.shape
    flat = model.logprob(
        np.broadcast_to(ids[:, :, None, None], shape),
        np.broadcast_to(ids[:, None, :, None], shape),
        np.broadcast_to(ids[:, None, None, :], shape),
    )
    np.testing.assert_allclose(grid, flat, rtol=0, atol=1e-12)
