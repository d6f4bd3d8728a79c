"""scripts/bench.py: a section rerun alone replaces its own section of the report only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REPORT = """# Benchmarks

Made by `make bench` on a day.

## Diacritics restoration

| a | b |

_(section took 3 s)_

## OCR (ingestion)

### Speed

old figures

_(section took 9 s)_
"""


def test_a_rerun_section_replaces_its_own_and_keeps_the_others() -> None:
    bench = _bench()
    new = "## OCR (ingestion)\n\n### Speed\n\nnew figures\n\n_(section took 8 s; rerun alone)_\n"
    out = bench.splice(REPORT, [new])
    assert "new figures" in out and "old figures" not in out
    assert out.startswith("# Benchmarks\n\nMade by `make bench` on a day.\n\n## Diacritics")
    assert "| a | b |\n\n_(section took 3 s)_" in out
    assert out.count("## OCR (ingestion)") == 1 and out.count("### Speed") == 1
    # A section the report lacks is added at its end; splicing the same section twice is
    # the same as once.
    extra = "## Catalog and search\n\nfigures\n"
    twice = bench.splice(bench.splice(out, [extra]), [extra])
    assert twice.endswith("## Catalog and search\n\nfigures\n") and twice.count("## Catalog") == 1
    assert bench.splice(out, [new]) == out
