"""plans compare on the two real samples: the district plan of 2023 and the ward plan of 2025.

Their records come from the extraction stage (pipeline.extract, built by another area) on the
unrestored OCR text, so only what the sample text states plainly is asserted: neither plan
cites the other (the ward plan implements a provincial plan, not this district one), both
cite Nghị quyết 25-NQ/TW, both belong to the "Dân vận khéo" movement; and the comparison and
its HTML page are built from real, messy records without error. The catalog then links them
the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog import Catalog
from pipeline.compare import compare_records
from pipeline.lineage import lineage_from_catalog
from pipeline.report_html import comparison_html

extract = pytest.importorskip("pipeline.extract")
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DISTRICT = SAMPLES / "ban-dan-van-huyen-uy-2023.txt"
WARD = SAMPLES / "dang-uy-phuong-binh-dinh-2025.txt"


@pytest.fixture(scope="module")
def docs():
    if not (DISTRICT.exists() and WARD.exists()):
        pytest.skip("samples missing")
    if not hasattr(extract, "extract_from_text"):
        pytest.skip("pipeline.extract has no extract_from_text yet")
    out = []
    for f in (DISTRICT, WARD):
        text = f.read_text("utf-8")
        doc = extract.document_from_text(text, doc_id=f.stem, source=str(f))
        out.append((doc, extract.extract_record(doc), text))
    return out


def test_compare_the_samples(docs):
    (_, a, _), (_, b, _) = docs
    cmp = compare_records(a, b)
    assert cmp.relation == "none"
    assert "25-NQ/TW" in cmp.shared_references
    assert cmp.same_movement
    assert cmp.b.issuer_level == "commune"
    html = comparison_html(cmp)
    assert "25-NQ/TW" in html and "<script" not in html


def test_catalog_of_the_samples(docs, tmp_path):
    with Catalog(tmp_path / "catalog.sqlite") as cat:
        for doc, rec, text in docs:
            cat.upsert(doc, rec, text)
        assert {h.doc_id for h in cat.search("Dân vận khéo")} == {DISTRICT.stem, WARD.stem}
    graph = lineage_from_catalog(tmp_path / "catalog.sqlite")
    shared = [n for n in graph.missing if n.number == "25-NQ/TW" or n.id == "missing:25/NQ/TW"]
    assert shared and sorted(shared[0].cited_by) == sorted([DISTRICT.stem, WARD.stem])
    assert not [e for e in graph.edges if not e.target.startswith("missing:")]
