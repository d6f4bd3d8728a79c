"""The golden outputs of the shipped samples, shared by `make golden` and its test.

Kept in the library (not in the script) so the test and the generator cannot
drift apart: both call :func:`golden_outputs`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline import stages
from pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "samples"
GOLDEN_DIR = ROOT / "tests" / "golden"


def golden_outputs(path: Path) -> dict[str, str]:
    """File name -> content of the golden files for the sample at ``path``."""
    # Relative source path, so the record does not depend on where the repo lives.
    rel = Path(os.path.relpath(path, ROOT))
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        doc = ingest(rel)
    finally:
        os.chdir(cwd)
    doc = stages.restore(doc, "auto", stages.DEFAULT_RESTORE_THRESHOLD)
    record = stages.extract(doc)
    changes = [
        json.dumps({"page": p.number, **c.to_json()}, ensure_ascii=False, sort_keys=True)
        for p in doc.pages
        for c in p.changes
    ]
    stem = path.stem
    return {
        f"{stem}.restored.txt": doc.text + "\n",
        f"{stem}.changes.jsonl": "".join(line + "\n" for line in changes),
        f"{stem}.record.json": json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
        + "\n",
    }
