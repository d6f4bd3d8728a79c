"""Re-segment the tasks of the hand-written gold records into clauses (one-off, kept for reuse).

The gold records in eval/records/ were first written with one task per list item.
The record convention is now one task per clause (``pipeline.extract.actors.split_clauses``:
cut at ";" and at sentence ends, not inside quotes, brackets, numbers, dates or
abbreviations). This script applies that same rule to every task string of
``responsibilities`` and prints each task it splits, old and new, for review by eye
against the source text: a mechanical split can be wrong, and such cases are fixed
by hand in the record afterwards. It writes only with ``--write``: the records in
eval/records/ are already converted, and one hand fix (luongminh-11, a ";" between
two people met inside one clause, "họp với ...; Trưởng ban công tác Mặt trận thôn")
would be undone by writing again; without ``--write`` it lists that one task.

    .venv/bin/python scripts/resegment_gold_tasks.py [--write] [FILES...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.actors import split_clauses  # noqa: E402


def resegment(record: dict) -> list[tuple[str, list[str]]]:
    """Split the tasks of ``record`` in place; the (old, new) pairs that changed."""
    changed = []
    for r in record.get("responsibilities") or []:
        new: list[str] = []
        for t in r.get("tasks") or []:
            parts = split_clauses(t)
            if parts != [t]:
                changed.append((t, parts))
            new += parts
        r["tasks"] = new
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--write", action="store_true", help="write the split records back")
    args = ap.parse_args()
    files = args.files or sorted((ROOT / "eval" / "records").glob("*.record.json"))
    total = 0
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        changed = resegment(record)
        total += len(changed)
        for old, new in changed:
            print(f"{path.name}: {old!r}\n  -> {json.dumps(new, ensure_ascii=False)}")
        if changed and args.write:
            path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{total} task(s) changed in {len(files)} record(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
