"""Search: accent-insensitive, case-insensitive, tolerant of OCR damage; CLI --json shape."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalog import Catalog, SearchConfig
from pipeline.cli import cli
from pipeline.fold import fold, number_key, skeleton, tokens
from pipeline.records import Document, Method, Page

DATA = Path(__file__).parent / "data" / "catalog"
DOCS = json.loads((DATA / "documents.json").read_text("utf-8"))["documents"]
CASES = json.loads((DATA / "search_cases.json").read_text("utf-8"))


def build(path: Path) -> Path:
    with Catalog(path) as cat:
        for d in DOCS:
            pages = tuple(
                Page(number=i, text=p["text"], method=Method.OCR, restored=p["restored"])
                for i, p in enumerate(d["pages"], start=1)
            )
            doc = Document(d["doc_id"], f"in/{d['doc_id']}.pdf", "0" * 64, "pdf", pages)
            rec = {
                "doc_id": d["doc_id"],
                "title": d["title"],
                "issuer": d["issuer"],
                "issuer_level": d["level"],
                "issued_date": d["date"],
            }
            cat.upsert(doc, rec, "\f".join(p["text"] for p in d["pages"]))
    return path


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("search") / "catalog.sqlite")


@pytest.fixture(scope="module")
def cat(catalog_path):
    c = Catalog(catalog_path, create=False)
    yield c
    c.close()


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_search_cases(cat, case):
    hits = cat.search(case["query"])
    assert sorted(h.doc_id for h in hits) == sorted(case["found"]), case["comment"]
    if case["first"]:
        assert hits[0].doc_id == case["first"], case["comment"]
    if "page" in case:
        assert (hits[0].page, hits[0].line) == (case["page"], case["line"]), case["comment"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_marks_and_case_find_the_same_plans_in_the_same_order(cat):
    runs = [
        [(h.doc_id, h.page, h.line) for h in cat.search(q)]
        for q in ("dan van kheo", "Dân vận khéo", "DÂN VẬN KHÉO", "dân VẬN khéo")
    ]
    assert runs[0] and all(r == runs[0] for r in runs)


def test_snippet_is_the_original_line_with_the_phrase_marked(cat):
    hit = cat.search("dan van kheo")[0]
    assert hit.doc_id == "restored-2023" and hit.kind == "restored" and hit.match == "exact"
    assert hit.snippet == "triển khai phong trào thi đua [Dân vận khéo] năm 2023"
    ocr = [h for h in cat.search("Dân vận khéo") if h.doc_id == "garbled-vowels-2025"][0]
    assert ocr.match == "skeleton" and "[Dn vn khéo]" in ocr.snippet  # the OCR text as it was read


def test_damaged_matches_rank_below_exact_ones(cat):
    hits = {h.doc_id: h for h in cat.search("dan van kheo")}
    assert (
        hits["restored-2023"].score
        > 2
        > hits["garbled-vowels-2025"].score
        > 1
        > hits["garbled-digit-2024"].score
    )


def test_tolerance_can_be_switched_off(cat):
    strict = SearchConfig(skeleton=False, relaxed=False)
    assert [h.doc_id for h in cat.search("dan van kheo", config=strict)] == ["restored-2023"]


def test_filters(cat):
    assert {h.doc_id for h in cat.search("dan van kheo", level="commune")} == {
        "garbled-vowels-2025",
        "garbled-digit-2024",
    }
    assert [h.doc_id for h in cat.search("dan van kheo", year=2024)] == ["garbled-digit-2024"]
    assert [h.doc_id for h in cat.search("dan van kheo", issuer="phuong hoa lam")] == [
        "garbled-vowels-2025"
    ]
    assert cat.search("dan van kheo", level="province") == []


def test_lines_per_doc_and_limit(cat):
    assert len(cat.search("khéo*", limit=2)) == 2
    many = cat.search("phong trao", config=SearchConfig(lines_per_doc=5))
    assert len({(h.doc_id, h.page, h.line) for h in many}) == len(many)


def test_optimize_keeps_results(catalog_path, tmp_path):
    import shutil

    copy = tmp_path / "c.sqlite"
    shutil.copy(catalog_path, copy)
    with Catalog(copy) as c:
        before = [(h.doc_id, h.line) for h in c.search("dan van kheo")]
        c.optimize()
        assert [(h.doc_id, h.line) for h in c.search("dan van kheo")] == before
        c.conn.execute("INSERT INTO lines_fts(lines_fts, rank) VALUES ('integrity-check', 1)")


def test_long_line_snippet_is_cut_around_the_match(tmp_path):
    line = "mở đầu " * 60 + "Dân vận khéo" + " kết thúc" * 60
    with Catalog(tmp_path / "c.sqlite") as c:
        c.upsert(Document("d", "d.txt", "0", "txt", (Page(1, line, Method.TEXT_FILE),)), None, line)
        hit = c.search("dan van kheo", config=SearchConfig(snippet_chars=80))[0]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "[Dân vận khéo]" in hit.snippet and len(hit.snippet_text) <= 82


def test_cli_json_shape(catalog_path):
    res = CliRunner().invoke(
        cli, ["search", "Dân vận khéo", "--catalog", str(catalog_path), "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"query", "hits"} and out["query"] == "Dân vận khéo"
    assert out["hits"] and all(
        set(h) == {"doc_id", "title", "issuer", "page", "line", "snippet", "score"}
        for h in out["hits"]
    )
    assert out["hits"][0]["doc_id"] == "restored-2023"


def test_cli_table_and_filters(catalog_path):
    res = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli,
        [
            "search",
            "dan van kheo",
            "--catalog",
            str(catalog_path),
            "--level",
            "commune",
            "--limit",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "garbled-vowels-2025" in res.output and "restored-2023" not in res.output


def test_cli_missing_catalog_says_what_to_do(tmp_path):
    """Through the real entry point (main), which turns errors into exit codes."""
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pipeline.cli import main; main()",
            "search",
            "x",
            "--catalog",
            str(tmp_path / "none.sqlite"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 3 and "plans run" in proc.stderr
    assert not (tmp_path / "none.sqlite").exists()  # searching never creates a catalog


# -- properties -----------------------------------------------------------------------------

VI = "aăâeêioôơuưyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵđbcdghklmnpqrstvx"
word = st.text(alphabet=VI + VI.upper(), min_size=1, max_size=7)


@given(st.text(max_size=40))
def test_fold_is_idempotent_and_markless(s):
    f = fold(s)
    assert fold(f) == f
    assert not any(c in f for c in "đĐăâêôơư")
    assert skeleton(f) == skeleton(s)


@given(st.text(alphabet=VI + VI.upper() + " ,.-/0123456789", max_size=40))
def test_fast_fold_equals_the_reference_definition(s):
    """fold() uses a translate table; it must equal strip_marks + lower on Vietnamese text."""
    import unicodedata

    from diacritics.orthography import strip_marks

    assert fold(s) == strip_marks(unicodedata.normalize("NFC", s)).lower()


@given(st.lists(word, min_size=1, max_size=4), st.sampled_from(["-", "/", " - ", " /"]))
def test_number_key_ignores_separators_case_and_marks(parts, sep):
    number = "12" + sep + sep.join(parts)
    assert number_key(number) == number_key("012-" + "/".join(p.upper() for p in parts))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(word, min_size=2, max_size=6))
def test_any_line_is_found_by_its_own_words_in_any_spelling(words):
    line = " ".join(words)
    if not tokens(line):
        return
    with tempfile.TemporaryDirectory() as d:
        with Catalog(Path(d) / "c.sqlite") as c:
            c.upsert(
                Document("d", "d.txt", "0", "txt", (Page(1, "1234\n" + line, Method.TEXT_FILE),)),
                None,
                "",
            )
            for q in (line, fold(line), line.upper()):
                hits = c.search(q)
                assert [(h.doc_id, h.line) for h in hits] == [("d", 2)], q
                assert hits[0].snippet_text == line.strip()
                assert hits[0].match == "exact" and hits[0].spans == ((0, len(line)),)
