"""pipeline.normalize: each step, the kept line structure, stamps, running headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diacritics.orthography import TonePlacement
from pipeline.normalize import NormalizeConfig, extract_stamps, normalize_text, strip_running_lines

DATA = Path(__file__).parent / "data" / "ingest"
CASES = json.loads((DATA / "normalize_cases.json").read_text(encoding="utf-8"))["cases"]
STAMPS = json.loads((DATA / "stamp_cases.json").read_text(encoding="utf-8"))["cases"]
SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_cases(case: dict) -> None:
    text, meta = normalize_text(case["input"])
    assert text == case["expected"], case["comment"]
    assert meta["steps"] == case["steps"]


def test_new_tone_placement_is_configurable() -> None:
    text, _ = normalize_text("Ủy ban hòa giải", NormalizeConfig(tone_placement=TonePlacement.NEW))
    assert text == "Uỷ ban hoà giải"


@pytest.mark.parametrize("case", STAMPS, ids=[c["label"] for c in STAMPS])
def test_signature_stamps(case: dict) -> None:
    text, stamps = extract_stamps(case["input"])
    assert text.count("\n") == case["input"].count("\n")
    if case["expected_lines"] is None:
        assert stamps == [] and text == case["input"]
        return
    (stamp,) = stamps
    assert stamp["lines"] == case["expected_lines"]
    for k, v in case["fields"].items():
        assert stamp[k] == v
    a, b = case["expected_lines"]
    assert all(not ln for ln in text.split("\n")[a - 1 : b])


def test_stamp_goes_to_metadata() -> None:
    text, meta = normalize_text(STAMPS[0]["input"])
    assert "snv@maucity.gov.vn" not in text
    assert meta["signatures"][0]["email"] == "snv@maucity.gov.vn"
    assert "signature-stamps" in meta["steps"]


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_keep_their_line_count(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    text, _ = normalize_text(raw)
    assert text.count("\n") == raw.count("\n")


def test_running_headers_and_page_numbers() -> None:
    pages = [
        "UBND XÃ MẪU\nNội dung trang một\ncó hai dòng\nTrang 1",
        "UBND XÃ MẪU\nNội dung trang hai\nTrang 2",
        "UBND XÃ MẪU\n- 3 -\nNội dung trang ba",
    ]
    new, removed = strip_running_lines(pages)
    assert [p.count("\n") for p in new] == [p.count("\n") for p in pages]
    assert all("UBND" not in p and "Trang" not in p and "- 3 -" not in p for p in new)
    assert "Nội dung trang ba" in new[2]
    assert {r["kind"] for r in removed} == {"running-header", "page-number"}


def test_single_page_and_unique_lines_are_kept() -> None:
    assert strip_running_lines(["1\nchỉ một trang"]) == (["1\nchỉ một trang"], [])
    pages = ["KẾ HOẠCH\nthực hiện", "nội dung\ntiếp theo dòng", "kết thúc\nhết"]
    new, removed = strip_running_lines(pages)
    assert new == pages and removed == []


_line = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạếềểễệ -–.,;:“”()0123456789\t\r\u200b\u0007")
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, min_size=1, max_size=8))
@example(["\u200b”à"])  # a zero-width space hid mojibake from ftfy until a second run
def test_line_count_is_kept_and_idempotent(lines: list[str]) -> None:
    raw = "\n".join(lines)
    text, _ = normalize_text(raw)
    expected = raw.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    assert text.count("\n") == expected
    again, meta = normalize_text(text)
    assert again == text and meta["steps"] == []
