"""The catalog file: schema, upsert in place, atomic failure, resolution of citations."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from pipeline.catalog import SCHEMA_VERSION, Catalog
from pipeline.errors import InputFileError, InvalidRecordError
from pipeline.records import Document, Method, Page

DATA = Path(__file__).parent / "data" / "catalog"
ROOT = Path(__file__).resolve().parents[1]


def make_doc(
    doc_id: str, pages: list[tuple[str, str | None]], source: str | None = None
) -> Document:
    return Document(
        doc_id=doc_id,
        source=source or f"in/{doc_id}.txt",
        sha256="0" * 64,
        kind="txt",
        pages=tuple(
            Page(number=i, text=t, method=Method.OCR, restored=r, garbled=0.5 if r else 0.0)
            for i, (t, r) in enumerate(pages, start=1)
        ),
    )


def record(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'lines_fts%'"
        )
    ]
    out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    out["fts"] = con.execute(
        "SELECT count(*) FROM lines_fts WHERE lines_fts MATCH 'kheo OR dan'"
    ).fetchone()[0]
    con.close()
    return out


@pytest.fixture
def cat(tmp_path):
    c = Catalog(tmp_path / "catalog.sqlite")
    yield c
    c.close()


def test_new_catalog_has_schema_wal_and_version(cat):
    con = cat.conn
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    for t in (
        "documents",
        "pages",
        "records",
        "refs",
        "responsibilities",
        "deadlines",
        "quantities",
        "criteria",
        "lines",
        "lines_fts",
        "failures",
        "documents_number_key",
        "refs_number_key",
    ):
        assert t in names


def test_upsert_writes_every_table(cat, tmp_path):
    rec = record("district_2023.json")
    doc = make_doc(rec["doc_id"], [("Dan vn kheo", "Dân vận khéo"), ("trang hai", None)])
    cat.upsert(doc, rec, "Dan vn kheo\ftrang hai")
    n = counts(tmp_path / "catalog.sqlite")
    assert n["documents"] == 1 and n["pages"] == 2 and n["records"] == 1
    assert n["refs"] == 2 and n["criteria"] == 4 and n["deadlines"] == 2 and n["quantities"] == 2
    assert n["responsibilities"] == 3  # one task each
    row = cat.conn.execute("SELECT * FROM documents").fetchone()
    assert (row["issuer_level"], row["year"], row["number_key"]) == (
        "district",
        2023,
        "27/KH/BDVHU",
    )
    assert cat.get_record(rec["doc_id"]) == rec
    # A line is indexed once per distinct folded form: the restored line and its damaged
    # OCR form both; page 2 (text = original OCR) once.
    kinds = [tuple(r) for r in cat.conn.execute("SELECT page, kind FROM lines ORDER BY id")]
    assert kinds == [(1, "restored"), (1, "text"), (2, "text")]
    same = make_doc("same", [("Dan van kheo", "Dân vận khéo")])
    cat.upsert(same, None, "Dan van kheo")
    assert cat.conn.execute("SELECT count(*) FROM lines WHERE doc_id = 'same'").fetchone()[0] == 1


def test_upsert_again_replaces_in_place(cat, tmp_path):
    rec = record("district_2023.json")
    cat.upsert(make_doc(rec["doc_id"], [("Dân vận khéo", None)]), rec, "")
    before = counts(tmp_path / "catalog.sqlite")
    rec2 = dict(rec, title="Kế hoạch sửa đổi", criteria=rec["criteria"][:1])
    cat.upsert(make_doc(rec["doc_id"], [("Dân vận khéo", None)]), rec2, "")
    after = counts(tmp_path / "catalog.sqlite")
    assert (
        after["documents"] == 1
        and after["lines"] == before["lines"]
        and after["fts"] == before["fts"]
    )
    assert after["criteria"] == 1
    assert cat.conn.execute("SELECT title FROM documents").fetchone()[0] == "Kế hoạch sửa đổi"
    # The FTS index holds no stale rows: an integrity check of the external-content index passes.
    cat.conn.execute("INSERT INTO lines_fts(lines_fts, rank) VALUES ('integrity-check', 1)")


def test_failure_mid_insert_leaves_nothing_half_written(cat, tmp_path):
    """A deadline date that is not YYYY-MM-DD breaks a CHECK after documents, pages,
    lines, refs and criteria were written: all of it must roll back, and the previous
    version of the document must still be there, whole."""
    rec = record("district_2023.json")
    good = make_doc(rec["doc_id"], [("Dân vận khéo", None)])
    cat.upsert(good, rec, "")
    before = counts(tmp_path / "catalog.sqlite")
    bad = dict(
        rec, title="never stored", deadlines=[*rec["deadlines"], {"task": "x", "date": "cuối quý"}]
    )
    with pytest.raises(InvalidRecordError) as err:
        cat.upsert(make_doc(rec["doc_id"], [("một nội dung khác hẳn", None)]), bad, "")
    assert err.value.path == good.source and "unchanged" in err.value.remedy
    assert counts(tmp_path / "catalog.sqlite") == before
    assert cat.conn.execute("SELECT title FROM documents").fetchone()[0] == rec["title"]

    # A brand-new document that fails leaves no row at all.
    new = dict(rec, doc_id="other", issuer_level="galaxy")
    with pytest.raises(InvalidRecordError):
        cat.upsert(make_doc("other", [("x", None)]), new, "")
    assert counts(tmp_path / "catalog.sqlite") == before
    assert not cat.has_document("other")


def test_failure_raised_inside_the_transaction_rolls_back(cat, tmp_path):
    """Any exception during the write (here a page object SQLite cannot bind, on page 2) rolls back."""
    rec = record("ward_2025.json")
    doc = make_doc(rec["doc_id"], [("Dân vận khéo", None), ("trang hai", None)])
    broken = Document(
        doc.doc_id,
        doc.source,
        doc.sha256,
        doc.kind,
        (doc.pages[0], Page(2, "x", Method.OCR, confidence=object())),
    )  # type: ignore[arg-type]
    with pytest.raises(sqlite3.ProgrammingError):
        cat.upsert(broken, rec, "")
    n = counts(tmp_path / "catalog.sqlite")
    assert all(v == 0 for v in n.values()), n


def test_failures_are_recorded_and_cleared_by_a_later_success(cat):
    cat.record_failure("in/bad.pdf", "ocr", "PageTimeoutError", "page 3 timed out")
    rows = cat.conn.execute("SELECT source, stage, error FROM failures").fetchall()
    assert [tuple(r) for r in rows] == [("in/bad.pdf", "ocr", "PageTimeoutError")]
    cat.upsert(make_doc("bad", [("ok now", None)], source="in/bad.pdf"), None, "")
    assert cat.conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
    assert cat.conn.execute("SELECT has_record FROM documents").fetchone()[0] == 0


def test_citations_resolve_in_either_order_and_follow_updates(cat):
    district, ward = record("district_2023.json"), record("ward_2025.json")
    # The ward plan first: its citation of the district plan is unresolved until that arrives.
    cat.upsert(make_doc(ward["doc_id"], [("x", None)]), ward, "")

    def resolved() -> dict:
        refs = cat.references()
        return {r["number"]: r["resolved_doc_id"] for r in refs if r["doc_id"] == ward["doc_id"]}

    assert resolved()["27 -KH/BDVHU"] is None
    cat.upsert(make_doc(district["doc_id"], [("y", None)]), district, "")
    assert resolved()["27 -KH/BDVHU"] == district["doc_id"]
    assert resolved()["25-NQ/TW"] is None  # cited, not in the backlog
    # The district plan re-read with another number: the citation no longer points at it.
    cat.upsert(
        make_doc(district["doc_id"], [("y", None)]), dict(district, number="99-KH/BDVHU"), ""
    )
    assert resolved()["27 -KH/BDVHU"] is None


def test_same_number_other_year_does_not_resolve(cat):
    """Party committees number plans from 1 each term: 27-KH/BDVHU of 2019 is another plan."""
    district, ward = record("district_2023.json"), record("ward_2025.json")
    cat.upsert(
        make_doc("old", [("z", None)]), dict(district, doc_id="old", issued_date="2019-03-01"), ""
    )
    cat.upsert(make_doc(ward["doc_id"], [("x", None)]), ward, "")
    assert {r["resolved_doc_id"] for r in cat.references()} == {None}


def test_open_refuses_missing_foreign_and_newer_files(tmp_path):
    with pytest.raises(InputFileError, match="no catalog"):
        Catalog(tmp_path / "nope.sqlite", create=False)
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    with pytest.raises(InputFileError, match="not a plans catalog"):
        Catalog(other)
    newer = tmp_path / "newer.sqlite"
    Catalog(newer).close()
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(InputFileError, match="newer"):
        Catalog(newer)
    text = tmp_path / "text.sqlite"
    text.write_text("not a database at all, just text " * 100)
    with pytest.raises(InputFileError):
        Catalog(text)


def test_reopening_keeps_data(tmp_path):
    path = tmp_path / "c.sqlite"
    with Catalog(path) as c:
        c.upsert(make_doc("d", [("Dân vận khéo", None)]), None, "")
    with Catalog(path, create=False) as c:
        assert [h.doc_id for h in c.search("dan van kheo")] == ["d"]


def test_docs_describe_every_table():
    """docs/catalog.md has a section per table, so the documentation cannot drift from the schema."""
    doc = (ROOT / "docs" / "catalog.md").read_text("utf-8")
    con = sqlite3.connect(":memory:")
    from pipeline.catalog import SCHEMA, _statements

    for stmt in _statements(SCHEMA):
        con.execute(stmt)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'lines_fts_%'"
        )
    ]
    for t in tables:
        assert re.search(rf"^### `{t}`", doc, re.M), (
            f"docs/catalog.md lacks a section for table {t}"
        )
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})")]
        for col in cols:
            assert f"`{col}`" in doc, f"docs/catalog.md does not mention column {t}.{col}"


def test_docs_queries_run(cat):
    """Every query in docs/catalog.md runs against a real catalog (and finds what it says)."""
    district, ward = record("district_2023.json"), record("ward_2025.json")
    cat.upsert(make_doc(district["doc_id"], [("triển khai Dân vận khéo", None)]), district, "")
    cat.upsert(make_doc(ward["doc_id"], [("Dan vn kheo", None)]), ward, "")
    doc = (ROOT / "docs" / "catalog.md").read_text("utf-8")
    block = re.search(r"```sql\n(.*?)```", doc, re.S).group(1)
    stmts = [s.strip() for s in block.split(";") if s.strip().replace("\n", "").strip()]
    stmts = ["\n".join(ln for ln in s.splitlines() if not ln.startswith("--")) for s in stmts]
    results = [cat.conn.execute(s).fetchall() for s in stmts if s.strip()]
    assert len(results) >= 8
    implements = [tuple(r) for r in results[2]]
    assert implements == [
        (ward["doc_id"], ward["issuer"], "27 -KH/BDVHU", district["doc_id"], district["title"])
    ]
    missing = {r[0] for r in results[3]}
    assert "25-NQ/TW" in missing and "27 -KH/BDVHU" not in missing


def test_datasette_finds_the_full_text_index(cat):
    """The query Datasette runs to find a table's FTS index (datasette.utils.detect_fts_sql)."""
    sql = """select name from sqlite_master where rootpage = 0 and (
        sql like '%VIRTUAL TABLE%USING FTS%content="lines"%'
        or sql like '%VIRTUAL TABLE%USING FTS%content=[lines]%'
        or (tbl_name = "lines" and sql like '%VIRTUAL TABLE%USING FTS%'))"""
    assert [r[0] for r in cat.conn.execute(sql)] == ["lines_fts"]
    cat.upsert(make_doc("d", [("Dân vận khéo", None)]), None, "")
    # What Datasette's search box on `lines` then runs (folded words, as docs/catalog.md says).
    rows = cat.conn.execute(
        "select text from lines where rowid in (select rowid from lines_fts where lines_fts match ?)",
        ("dan van kheo",),
    ).fetchall()
    assert [r[0] for r in rows] == ["Dân vận khéo"]
