"""plans lineage: the citation graph of a folder of records / a catalog, missing documents, SVG."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from pipeline.catalog import Catalog
from pipeline.cli import cli
from pipeline.errors import MissingDependencyError
from pipeline.lineage import build_lineage, lineage_from_catalog, lineage_from_records, render_svg
from pipeline.records import Document, Method, Page


def rec(doc_id, number, date, level, issuer, refs=()):
    return {
        "doc_id": doc_id,
        "number": number,
        "issued_date": date,
        "issuer_level": level,
        "issuer": issuer,
        "title": f"Kế hoạch {number}",
        "references": [
            {"number": n, "date": d, "issuer": i, "doc_type": "Kế hoạch"} for n, d, i in refs
        ],
    }


# An invented backlog: a province plan, two district plans, two commune plans.
BACKLOG = [
    rec(
        "tinh",
        "15-KH/TU",
        "2023-01-10",
        "province",
        "Tỉnh ủy Đông Sơn",
        [("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương")],
    ),
    rec(
        "huyen-a",
        "27-KH/HU",
        "2023-02-01",
        "district",
        "Huyện ủy Tân Hòa",
        [
            ("15 -KH/TU", "2023-01-10", "Tỉnh ủy"),
            ("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương"),
        ],
    ),
    # Same number as the province plan, another term: it cites a plan not in the backlog.
    rec(
        "huyen-b",
        "31-KH/HU",
        "2019-05-01",
        "district",
        "Huyện ủy Phú Lạc",
        [("15-KH/TU", "2019-03-02", "Tỉnh ủy")],
    ),
    rec(
        "xa-1",
        "08-KH/ĐU",
        "2023-03-01",
        "commune",
        "Đảng ủy xã An Bình",
        [("27-KH/HU", "2023-02-01", "Huyện ủy")],
    ),
    rec(
        "xa-2",
        "5-KH/ĐU",
        "2023-03-15",
        "commune",
        "Đảng ủy phường Hòa Lâm",
        [
            ("027/KH-HU", None, "Huyện ủy"),
            ("99-CV/HU", "2023-01-05", "Ban Thường vụ Huyện ủy"),
            ("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương"),
        ],
    ),
]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    for r in BACKLOG:
        (d / f"{r['doc_id']}.json").write_text(json.dumps(r, ensure_ascii=False), "utf-8")
    return d


def edges(graph):
    return sorted((e.source, e.target) for e in graph.edges)


EXPECTED_EDGES = sorted(
    [
        ("tinh", "missing:25/NQ/TW"),
        ("huyen-a", "tinh"),
        ("huyen-a", "missing:25/NQ/TW"),
        ("huyen-b", "missing:15/KH/TU"),
        ("xa-1", "huyen-a"),
        ("xa-2", "huyen-a"),
        ("xa-2", "missing:99/CV/HU"),
        ("xa-2", "missing:25/NQ/TW"),
    ]
)


def test_lineage_of_a_folder(folder):
    g = lineage_from_records(folder)
    assert edges(g) == EXPECTED_EDGES
    assert [n.id for n in g.missing] == ["missing:25/NQ/TW", "missing:15/KH/TU", "missing:99/CV/HU"]
    top = g.missing[0]
    assert sorted(top.cited_by) == ["huyen-a", "tinh", "xa-2"] and top.level == "central"
    assert {n.id for n in g.nodes if n.kind == "document"} == {r["doc_id"] for r in BACKLOG}


def test_catalog_and_folder_agree(folder, tmp_path):
    path = tmp_path / "catalog.sqlite"
    with Catalog(path) as cat:
        for r in reversed(BACKLOG):  # citing plans first: resolution must catch up
            doc = Document(
                r["doc_id"], f"{r['doc_id']}.txt", "0", "txt", (Page(1, "x", Method.TEXT_FILE),)
            )
            cat.upsert(doc, r, "x")
        resolved = sorted(
            (x["doc_id"], x["resolved_doc_id"] or "missing:" + x["number_key"])
            for x in cat.references()
        )
    assert edges(lineage_from_catalog(path)) == EXPECTED_EDGES == resolved


def test_json_dot_and_svg(folder, tmp_path):
    g = lineage_from_records(folder)
    j = g.to_json()
    assert set(j) == {"nodes", "edges", "missing"}
    assert {"from": "xa-1", "to": "huyen-a", "number": "27-KH/HU"} in j["edges"]
    dot = g.to_dot()
    assert dot.startswith("digraph") and '"xa-1" -> "huyen-a";' in dot
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    svg = render_svg(dot)
    root = ET.fromstring(svg)
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    assert {"xa-1", "huyen-a", "missing:99/CV/HU", "xa-1&#45;&gt;huyen-a"} & titles >= {
        "xa-1",
        "huyen-a",
    }


def test_quotes_and_backslashes_in_names_stay_valid_dot():
    g = build_lineage([rec('a"b\\c', 'số "1"', None, None, 'Ủy ban "X"\n', [("2-KH", None, None)])])
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    assert "<svg" in render_svg(g.to_dot())


def test_missing_dot_says_which_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependencyError) as e:
        render_svg("digraph {}")
    assert "graphviz" in e.value.remedy


def test_cli(folder, tmp_path):
    svg, js = tmp_path / "l.svg", tmp_path / "l.json"
    args = ["lineage", "--records", str(folder), "--json", str(js)]
    if shutil.which("dot"):
        args += ["--svg", str(svg)]
    res = CliRunner(env={"COLUMNS": "200"}).invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert "5 document(s), 8 citation(s), 3 cited document(s) missing" in res.output
    assert "99-CV/HU" in res.output  # the to-do list
    assert json.loads(js.read_text("utf-8"))["missing"][0]["number"] == "25-NQ/TW"
    if shutil.which("dot"):
        assert svg.read_text("utf-8").lstrip().startswith("<?xml")
    res = CliRunner().invoke(cli, ["lineage", "--records", str(folder), "--json", "-"])
    assert json.loads(res.output)["edges"]


def test_cli_refuses_two_sources(folder, tmp_path):
    res = CliRunner().invoke(
        cli, ["lineage", "--records", str(folder), "--catalog", str(tmp_path / "c.sqlite")]
    )
    assert res.exit_code == 2 and "not both" in res.output
