"""Restore the probe plans (scripts/probe_plans/) as OCR read them and print every wrong line.

    .venv/bin/python scripts/probe_restore.py            # Tesseract eng (the archives' damage)
    .venv/bin/python scripts/probe_restore.py --vie      # Tesseract vie, post-corrected
    .venv/bin/python scripts/probe_restore.py --seed 7   # other page degradations

A development aid (see scripts/probe_plans/README.md): the plans are rendered into degraded
pages and read by Tesseract through the same code that makes the development split
(scripts/learn_confusion.py --eval-only) and the vie pages (scripts/make_ocr_eval.py), in a
temporary folder; each document's syllable accuracy is printed, then for each line with a
wrong word the gold, the OCR and the restored line and the wrong words.
"""

from __future__ import annotations

import argparse
import json
import lzma
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.api import load_restorer  # noqa: E402
from diacritics.evaluate import syllable_accuracy  # noqa: E402
from diacritics.restorer import RestoreConfig  # noqa: E402
from pipeline.quality import garbled_score  # noqa: E402

PLANS = ROOT / "scripts" / "probe_plans"


def write_source(folder: Path) -> None:
    """The probe plans as a corpus source folder (one xz text, "### name" before each)."""
    plans = sorted(PLANS.glob("*.txt"))
    text = "".join(f"### {p.name}\n{p.read_text(encoding='utf-8').rstrip()}\n" for p in plans)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "text.txt.xz").write_bytes(lzma.compress(text.encode("utf-8")))
    (folder / "SOURCE.md").write_text("scripts/probe_plans (written for this repository)\n")
    (folder / "INDEX.tsv").write_text("".join(f"{p.name}\tprobe\n" for p in plans))


def report(name: str, ocr: str, gold: str, out: str) -> None:
    a = syllable_accuracy(out, gold, keep_errors=10_000)
    b = syllable_accuracy(ocr, gold)
    print(f"{name}: {100 * b.accuracy:.2f}% as read -> {100 * a.accuracy:.2f}% restored")
    gl, il, ol = gold.split("\n"), ocr.split("\n"), out.split("\n")
    for ln in sorted({e[0] for e in a.errors}):
        print(f"  gold     {gl[ln - 1]}")
        print(f"  ocr      {il[ln - 1]}")
        print(f"  restored {ol[ln - 1]}")
        print(f"  wrong    {[(g, o) for k, g, o in a.errors if k == ln]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--vie", action="store_true", help="Tesseract vie and post-correction")
    ap.add_argument("--seed", type=int, default=5, help="page degradations (default 5)")
    args = ap.parse_args(argv)
    n = len(list(PLANS.glob("*.txt")))
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "source", Path(tmp) / "ocr"
        write_source(src)
        if args.vie:
            cmd = [
                str(ROOT / "scripts" / "make_ocr_eval.py"),
                *("--source", str(src), "--out", str(out / "pages.jsonl")),
                *("--pages", str(2 * n), "--seed", str(args.seed)),
            ]
        else:
            cmd = [
                str(ROOT / "scripts" / "learn_confusion.py"),
                *("--eval-only", "--eval-source", str(src), "--eval-dir", str(out)),
                *("--eval-sims", ",".join(["eng"] * n), "--eval-pages", str(2 * n)),
                *("--seed", str(args.seed)),
            ]
        rc = subprocess.call([sys.executable, *cmd], stdout=subprocess.DEVNULL)
        if rc:
            return rc
        if args.vie:
            # As `plans run` post-corrects a page Tesseract vie read: the heavier channel for
            # a page that looks garbled.
            light = load_restorer(config=RestoreConfig(channel="ocr"))
            heavy = light.with_config(RestoreConfig(channel="ocr-heavy"))
            for line in (out / "pages.jsonl").read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                ocr, gold = "\n".join(row["ocr"]), "\n".join(row["clean"])
                r = heavy if garbled_score(ocr) >= 0.03 else light
                report(f"{row['doc']} page {row['page']}", ocr, gold, r.restore(ocr).text)
        else:
            r = load_restorer()
            for f in sorted(out.glob("*.ocr.txt")):
                gold = f.with_name(f.name.replace(".ocr.", ".clean.")).read_text(encoding="utf-8")
                ocr = f.read_text(encoding="utf-8")
                report(f.name.split(".")[0], ocr, gold, r.restore(ocr).text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
