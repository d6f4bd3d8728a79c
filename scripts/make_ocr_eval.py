"""Make the evaluation set of Tesseract `vie` output: held-out pages, degraded, read back.

    .venv/bin/python scripts/make_ocr_eval.py [--pages 40] [--source DIR] [--out FILE]

Scans go through Tesseract with its Vietnamese model, which reads most words right but drops or
swaps marks on degraded pages ("đại biếu", "báu cử", "cự tri"). This set measures the OCR
post-correction of such pages (pipeline.stages.restore). It is made by the code of the synthetic
set (scripts/learn_confusion.py: same layout, degradations and page cache), with Tesseract
`vie` as the only reader, and written one page a line, so that decisions per page (the page's
garbled score) can be measured:

    {"doc": "doc_07", "page": 1, "degradation": "blur=0.9,dpi=150", "clean": [lines], "ocr": [lines]}

Default: the held-out documents of corpora/heldout/admin_luongminh into eval/ocr-vie/pages.jsonl
(learn NOTHING from it). scripts/make_dev_split.py's source folder gives a development set
(``--source build/dev-split/source --out build/dev-split/ocr-vie.jsonl``) to choose settings on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import learn_confusion as lc  # noqa: E402

from diacritics.render import OcrConfig  # noqa: E402

VIE = lc.Simulation("vie", OcrConfig(lang="vie", psm=6), 0.0, "Tesseract vie")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=40, help="pages in all (default 40)")
    ap.add_argument("--source", type=Path, default=ROOT / lc.HELDOUT)
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "ocr-vie" / "pages.jsonl")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    # (Not one of learn_confusion.SIMULATIONS: the training pages and the eng/fra/por
    # evaluation set stay as they are.)
    lc.SIMULATIONS = (*lc.SIMULATIONS, VIE)
    docs = lc.read_documents(args.source)
    plan = lc.plan_eval_pages(args.pages, args.seed, args.source, [VIE.name] * len(docs))
    tasks = [t for _, ts in plan for t in ts]
    tag = hashlib.sha1(str(args.source.resolve()).encode()).hexdigest()[:8]
    results = lc.ocr_pages(tasks, args.jobs, lc.CACHE / f"ocr-vie-conf-{args.seed}-{tag}.jsonl")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    k = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for name, ts in plan:
            for t in ts:
                r = results[k]
                k += 1
                row = {
                    "doc": Path(name).stem,
                    "page": t.index + 1,
                    "degradation": t.degradation.describe(),
                    "clean": r["lines"],
                    "ocr": [" ".join(ws) for ws in r["ocr"]],  # type: ignore[attr-defined]
                    "conf": r["conf"],
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(args.out)
    print(f"{k} pages of {len(plan)} documents -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
