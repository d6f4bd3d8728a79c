"""Benchmark of record extraction: per-field scores and macro average (issue 4).

Runs ``pipeline.extract`` on (1) the hand-written gold documents in eval/records/
(clean text), and on the dev-gold sample (measure only, its gold is never read
for anything but the score) from (a) the raw garbled sample, (b) the hand-restored
clean text, (c) the sample restored by diacritics.api when it is available.
Prints one markdown section; ``--quick`` skips the restored run (c).

    .venv/bin/python scripts/bench_extract.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract_from_text  # noqa: E402
from pipeline.extract.evaluate import compare, markdown_table, mean_comparison  # noqa: E402

DEV = ROOT.parent / "shared" / "dev-gold"
SAMPLE = ROOT / "samples" / "dang-uy-phuong-binh-dinh-2025.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip extraction from the restored sample")
    args = ap.parse_args()
    cmd = "`.venv/bin/python scripts/bench_extract.py" + (" --quick" if args.quick else "") + "`"
    cols: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    t0 = time.perf_counter()
    comps = []
    golds = sorted((ROOT / "eval" / "records").glob("*.record.json"))
    for g in golds:
        txt = g.with_name(g.name.replace(".record.json", ".txt"))
        rec = extract_from_text(txt.read_text(encoding="utf-8"), txt.stem, str(txt))
        comps.append(compare(rec, json.loads(g.read_text(encoding="utf-8"))))
    elapsed = time.perf_counter() - t0
    cols[f"gold docs, clean (n={len(comps)})"] = mean_comparison(comps)
    for c, g in zip(comps, golds, strict=True):
        notes.append(f"{g.name.split('.')[0]}: macro {c.macro:.3f}")
    gold_path = DEV / "dang-uy-phuong-binh-dinh-2025.record.json"
    if gold_path.exists():
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        raw = SAMPLE.read_text(encoding="utf-8")
        cols["dev sample, raw OCR"] = mean_comparison(
            [compare(extract_from_text(raw, SAMPLE.stem), gold)]
        )
        clean = (DEV / "dang-uy-phuong-binh-dinh-2025.clean.txt").read_text(encoding="utf-8")
        cols["dev sample, clean"] = mean_comparison(
            [compare(extract_from_text(clean, SAMPLE.stem), gold)]
        )
        if not args.quick:
            try:
                from diacritics.api import restore

                t1 = time.perf_counter()
                restored = restore(raw).text
                notes.append(f"restoration of the dev sample took {time.perf_counter() - t1:.1f} s")
                rec = extract_from_text(restored, SAMPLE.stem)
                cols["dev sample, restored"] = mean_comparison([compare(rec, gold)])
            except Exception as e:  # restoration missing or not built: say so, do not fail
                notes.append(f"restored run skipped: {type(e).__name__}: {e}")
    else:
        notes.append("../shared/dev-gold not found: dev-sample columns skipped")
    # Speed, with a reference measured in the same run: spaCy tokenization of the same texts.
    from pipeline.extract.nlp import make_nlp

    texts = [
        g.with_name(g.name.replace(".record.json", ".txt")).read_text(encoding="utf-8")
        for g in golds
    ]
    t2 = time.perf_counter()
    for _ in range(3):
        for t in texts:
            extract_from_text(t, "bench")
    ext = (time.perf_counter() - t2) / 3
    t3 = time.perf_counter()
    for _ in range(3):
        for t in texts:
            make_nlp()(t)
    tok = (time.perf_counter() - t3) / 3
    print("## Record extraction (issue 4)\n")
    print(f"Command: {cmd}\n")
    print(
        "Per-field scores (exact / fuzzy at ratio 85 / F1) and macro average; targets: "
        "≥ 0.90 from the restored sample, ≥ 0.95 from clean text.\n"
    )
    print(markdown_table(cols))
    print()
    for n in notes:
        print(f"- {n}")
    chars = sum(len(t) for t in texts)
    print(
        f"- speed: {chars / ext / 1000:.0f} k chars/s for extraction of the {len(texts)} gold docs "
        f"({ext * 1000:.0f} ms); spaCy tokenization alone of the same text: {tok * 1000:.0f} ms "
        f"(extraction = {ext / tok:.1f}x tokenization); first run incl. loading {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
