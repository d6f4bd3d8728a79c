"""Search over the two real OCR samples (samples/*.txt), indexed as they are, unrestored.

Both plans speak of the "Dân vận khéo" movement, but the OCR left it as "Dan van khéo" in
one and "Dan vn khéo" / "Dan 4n khéo" in the other: every spelling of the query must find both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog import Catalog
from pipeline.records import Document, Method, Page

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    if len(SAMPLES) != 2:
        pytest.skip("samples/ lacks the two sample plans")
    c = Catalog(tmp_path_factory.mktemp("samples") / "catalog.sqlite")
    for f in SAMPLES:
        text = f.read_text("utf-8")
        c.upsert(
            Document(f.stem, str(f), "0", "txt", (Page(1, text, Method.TEXT_FILE),)), None, text
        )
    yield c
    c.close()


@pytest.mark.parametrize(
    "query",
    ["dan van kheo", "Dân vận khéo", "DÂN VẬN KHÉO", "Dan 4n khéo", "nghị quyết số 25-NQ/TW"],
)
def test_every_spelling_finds_both_plans(cat, query):
    hits = cat.search(query)
    assert sorted(h.doc_id for h in hits) == sorted(f.stem for f in SAMPLES)
    for h in hits:
        assert h.spans, h  # the snippet marks where the phrase matched
        assert h.snippet.count("[") >= 1


def test_damaged_issuer_names(cat):
    ward = [f.stem for f in SAMPLES if "phuong" in f.stem]
    assert [h.doc_id for h in cat.search("Đảng ủy phường")] == ward
    district = [f.stem for f in SAMPLES if "huyen" in f.stem]
    assert [h.doc_id for h in cat.search("huyện ủy")] == district  # "Huyn üy"
