"""Whole records: schema validity, determinism, gold scores, provenance, the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import cli
from pipeline.errors import InvalidRecordError
from pipeline.extract import extract_from_text, validate_record
from pipeline.extract.dates import ISO_RE, iso_of
from pipeline.extract.evaluate import compare

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "eval" / "records").glob("*.record.json"))
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
# Measured macro averages on the clean gold documents (scripts/bench_extract.py):
# luongminh-08 1.000, -09 0.993, -10 1.000, -11 0.952, -12 1.000 (mean 0.989). -08 and -11
# scored 0.942 and 0.911 on their first run, before any rule was adjusted to them.
FLOOR_EACH = 0.92
FLOOR_MEAN = 0.96


def _text(gold: Path) -> str:
    return gold.with_name(gold.name.replace(".record.json", ".txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    out = {g.name: extract_from_text(_text(g), g.name.split(".")[0], str(g)) for g in GOLD}
    for s in SAMPLES:  # the raw garbled samples: records must be valid all the same
        out[s.name] = extract_from_text(s.read_text(encoding="utf-8"), s.stem, str(s))
    return out


def test_every_produced_record_is_valid(records):
    assert len(records) == len(GOLD) + len(SAMPLES) >= 5
    for rec in records.values():
        validate_record(rec)


def test_gold_records_are_valid_against_the_schema_shape():
    for g in GOLD:
        gold = json.loads(g.read_text(encoding="utf-8"))
        rec = extract_from_text(_text(g), gold["doc_id"])
        assert set(gold) <= set(rec), g.name


def test_gold_documents_reach_the_floor(records):
    scores = []
    for g in GOLD:
        c = compare(records[g.name], json.loads(g.read_text(encoding="utf-8")))
        assert c.macro >= FLOOR_EACH, (g.name, c.to_json())
        scores.append(c.macro)
    assert sum(scores) / len(scores) >= FLOOR_MEAN


def test_extraction_is_deterministic(records):
    g = GOLD[0]
    again = extract_from_text(_text(g), g.name.split(".")[0], str(g))
    assert json.dumps(again, sort_keys=True) == json.dumps(records[g.name], sort_keys=True)


def test_item_provenance_points_at_the_line(records):
    g = next(x for x in GOLD if "12" in x.name)
    rec = records[g.name]
    lines = _text(g).split("\n")
    for item in rec["provenance"]["items"]:
        if item["field"] == "dates":
            d = rec["dates"][item["index"]]
            assert d["text"] in lines[item["line"] - 1]
        if item["field"] == "recipients":
            assert rec["recipients"][item["index"]][:10] in lines[item["line"] - 1]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("issued_date",), "29/8/2025", "$.issued_date"),
        (("issuer_level",), "village", "$.issuer_level"),
        (("dates", 0, "role"), "due", "$.dates[0].role"),
        (("dates", 0, "iso"), "2025-8-29", "$.dates[0].iso"),
        (("signer",), {"name": "A"}, "$.signer"),
    ],
)
def test_invalid_record_names_the_field(records, path, value, field):
    rec = copy.deepcopy(records[GOLD[0].name])
    cur = rec
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    with pytest.raises(InvalidRecordError) as e:
        validate_record(rec)
    assert field in str(e.value)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["DATE_DMY", "DATE_MY", "DATE_DM", "DATE_Q", "DATE_YEAR_END"]),
    st.lists(st.integers(min_value=0, max_value=2200), min_size=1, max_size=3),
)
def test_any_emitted_iso_is_well_formed(label, numbers):
    iso = iso_of(label, numbers)
    if iso is not None:
        assert ISO_RE.match(iso)
        if len(iso) == 10 and not iso.startswith("--"):
            import datetime

            datetime.date.fromisoformat(iso)  # a real calendar day


@settings(max_examples=30, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ngày tháng năm 0123456789/.-Số:KHĐU\n,")), max_size=120)
)
def test_any_text_gives_a_valid_record(text):
    validate_record(extract_from_text(text, "h"))


def test_cli_extract_and_eval(tmp_path):
    g = next(x for x in GOLD if "09" in x.name)
    src = g.with_name(g.name.replace(".record.json", ".txt"))
    runner = CliRunner()
    res = runner.invoke(cli, ["extract", str(src), "--no-restore", "--compact"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    validate_record(rec)
    pred = tmp_path / "pred.json"
    pred.write_text(res.output, encoding="utf-8")
    res = runner.invoke(cli, ["eval", "records", str(pred), "--gold", str(g), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["macro"] >= FLOOR_EACH
    res = runner.invoke(cli, ["extract", str(src), "--no-restore", "--restore", "always"])
    assert res.exit_code != 0 and "contradict" in res.output


def test_cli_extract_reads_a_pdf(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    g = next(x for x in GOLD if "12" in x.name)
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=10)
    for line in _text(g).splitlines()[:40]:
        pdf.set_x(10)
        pdf.multi_cell(190, 5, line or " ")
    path = tmp_path / "decision.pdf"
    pdf.output(str(path))
    res = CliRunner().invoke(cli, ["extract", str(path), "--no-restore", "--compact"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert rec["doc_type"] == "Quyết định" and rec["issued_date"] == "2026-01-12"
    assert rec["provenance"]["pages"][0]["method"] == "text-layer"
