"""Regenerate the golden outputs of the samples (`make golden`).

For every file in samples/ this runs the same stages as `plans run` (ingest,
restore with the default policy, extract) and writes, under tests/golden/:

    <doc>.restored.txt     the final text
    <doc>.changes.jsonl    every word restoration changed, one JSON object a line
    <doc>.record.json      the plan record

tests/test_golden.py fails when the pipeline's output drifts from these files.
Regenerate only on purpose, and review `git diff tests/golden` before committing:
the diff is the behaviour change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.golden import GOLDEN_DIR, SAMPLES_DIR, golden_outputs  # noqa: E402


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        outs = golden_outputs(path)
        for name, content in outs.items():
            (GOLDEN_DIR / name).write_text(content, encoding="utf-8")
        rec = json.loads(outs[f"{path.stem}.record.json"])
        n_changes = len(outs[f"{path.stem}.changes.jsonl"].splitlines())
        print(f"{path.name}: {n_changes} words changed, record with {len(rec)} keys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
