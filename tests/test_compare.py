"""plans compare: relation, criteria / actor / quantity alignments, timeline, outputs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.catalog import Catalog
from pipeline.cli import cli
from pipeline.compare import align, compare_records, load_record, similarity
from pipeline.errors import InputFileError
from pipeline.records import Document, Method, Page
from pipeline.report_html import comparison_html

DATA = Path(__file__).parent / "data" / "catalog"
A_FILE, B_FILE = DATA / "district_2023.json", DATA / "ward_2025.json"
EXPECTED = json.loads((DATA / "compare_expected.json").read_text("utf-8"))


def load(p: Path) -> dict:
    return json.loads(p.read_text("utf-8"))


def positions(rows, a_list, b_list):
    """Alignment rows as {"matched": [[i, j]], "only_a": [i], "only_b": [j]} (positions in the records)."""
    out: dict[str, list] = {"matched": [], "only_a": [], "only_b": []}
    for r in rows:
        if r.status == "matched":
            out["matched"].append([a_list.index(r.a), b_list.index(r.b)])
        elif r.status == "only_a":
            out["only_a"].append(a_list.index(r.a))
        else:
            out["only_b"].append(b_list.index(r.b))
    return {k: sorted(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def cmp():
    return compare_records(load(A_FILE), load(B_FILE))


def test_relation_and_references(cmp):
    assert cmp.relation == EXPECTED["relation"]
    assert list(cmp.evidence) == EXPECTED["evidence"]
    assert list(cmp.shared_references) == EXPECTED["shared_references"]
    assert cmp.same_movement
    assert (cmp.a.issuer_level, cmp.b.issuer_level) == ("district", "commune")
    # Swapped, the relation turns round.
    assert compare_records(load(B_FILE), load(A_FILE)).relation == "A implements B"


@pytest.mark.parametrize("part", ["criteria", "responsibilities", "quantities"])
def test_alignments(cmp, part):
    a, b = load(A_FILE)[part], load(B_FILE)[part]
    assert positions(getattr(cmp, part), a, b) == EXPECTED[part]
    for r in getattr(cmp, part):
        if r.status == "matched":
            assert 0 < r.similarity <= 100


def test_timeline_is_one_sorted_line(cmp):
    assert [t.date for t in cmp.timeline] == EXPECTED["timeline_dates"]
    assert [t.side for t in cmp.timeline][:2] == ["A", "A"]


def test_unrelated_plans_relate_to_nothing():
    a = load(A_FILE)
    other = {
        "doc_id": "x",
        "number": "5-KH/UBND",
        "issued_date": "2024-01-01",
        "references": [{"number": "27-KH/BDVHU", "date": "2019-02-10"}],
    }  # same number, another term
    c = compare_records(a, other)
    assert c.relation == "none" and c.evidence == ()
    assert {r.status for r in c.criteria} == {"only_a"}


def test_similarity_ignores_marks_case_and_order():
    assert similarity("Dân vận khéo", "DAN VAN KHEO") == 100
    assert similarity("khéo dân vận", "dan van kheo") == 100
    assert similarity("", "x") == 0
    # A short generic criterion does not match every long one that contains its words.
    assert similarity("hoàn thành", "hoàn thành chỉ tiêu xây dựng 05 mô hình kinh tế tập thể") < 60


def test_align_is_one_to_one_and_complete():
    rows = align(["a b c", "a b c"], ["a b c"], str, str, 50)
    assert [r.status for r in rows] == ["matched", "only_a"]


def test_json_cli(tmp_path):
    res = CliRunner().invoke(cli, ["compare", str(A_FILE), str(B_FILE), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["relation"] == "B implements A"
    assert {"a", "b", "criteria", "responsibilities", "timeline", "quantities"} <= set(out)
    assert [r["status"] for r in out["criteria"]].count("matched") == 3


def test_terminal_tables_keep_brackets_as_text():
    a = load(A_FILE)
    a["criteria"][0]["text"] = "[bold]không phải markup[/bold]"
    from io import StringIO

    from rich.console import Console

    from pipeline.compare import to_rich

    buf = StringIO()
    console = Console(file=buf, width=200)
    for part in to_rich(compare_records(a, load(B_FILE))):
        console.print(part)
    text = buf.getvalue()
    assert "[bold]không phải markup[/bold]" in text and "B implements A" in text


def test_html_is_self_contained_and_escaped(tmp_path):
    a = load(A_FILE)
    a["title"] = '<script>alert("x")</script> & co'
    html = comparison_html(compare_records(a, load(B_FILE)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)  # nothing fetched
    assert "<style>" in html and 'charset="utf-8"' in html

    class Check(HTMLParser):
        tables = 0

        def handle_starttag(self, tag, attrs):
            Check.tables += tag == "table"

    Check().feed(html)
    assert Check.tables == 5
    out = tmp_path / "cmp.html"
    res = CliRunner().invoke(cli, ["compare", str(A_FILE), str(B_FILE), "--html", str(out)])
    assert res.exit_code == 0, res.output
    assert "Mỗi chi bộ xây dựng" in out.read_text("utf-8")


def test_compare_by_doc_id_in_a_catalog(tmp_path):
    path = tmp_path / "catalog.sqlite"
    with Catalog(path) as cat:
        for f in (A_FILE, B_FILE):
            rec = load(f)
            doc = Document(rec["doc_id"], str(f), "0", "txt", (Page(1, "x", Method.TEXT_FILE),))
            cat.upsert(doc, rec, "x")
    res = CliRunner().invoke(
        cli, ["compare", "bdv-huyen-2023", "du-phuong-2025", "--catalog", str(path), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["relation"] == "B implements A"
    with pytest.raises(InputFileError, match="no record"):
        load_record("nope", path)
    with pytest.raises(InputFileError, match="neither"):
        load_record("nope", tmp_path / "absent.sqlite")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputFileError, match="not a JSON"):
        load_record(str(bad))


def test_test_records_follow_the_record_schema():
    """The hand-written records are valid plan records, so compare/catalog are tested on the contract."""
    import jsonschema

    schema_path = Path(__file__).resolve().parents[1] / "schemas" / "plan-record.schema.json"
    if not schema_path.exists():
        pytest.skip("schemas/plan-record.schema.json not written yet")
    schema = json.loads(schema_path.read_text("utf-8"))
    for f in (A_FILE, B_FILE):
        jsonschema.validate(load(f), schema)


def test_yearly_deadline_sits_in_its_plans_year(cmp):
    yearly = [t for t in cmp.timeline if t.date == "--12-15"]
    assert yearly and yearly[0].recurring and yearly[0].when == "2025-12-15"
