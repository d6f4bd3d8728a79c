"""A development split for error analysis, so that the evaluation sets stay unread.

The restorer's figures are measured on the dev gold (real damage) and on synthetic damage of
the held-out documents; reading their errors to decide what to build would tune on the test.
This script makes a third set that may be read freely:

- ``build/dev-split/corpus``: a copy of corpora/ (sources copied: they are small) whose
  admin_luongminh source leaves out the development documents (default doc_03, doc_05,
  doc_06). The held-out folder is left out too.
- ``build/dev-split/source``: those documents, as a corpus source folder.
- ``build/dev-split/synthetic``: their synthetic OCR damage, made by the same code as the
  evaluation set (scripts/learn_confusion.py --eval-source), line-aligned clean/ocr pairs.
- ``build/dev-split/synthetic-latin``: the same documents read by the other Latin models
  (``--latin-sims``, default mixed,por,mixed): the damage kinds the first set lacks.
- ``build/dev-split/synthetic-font``: the same documents read by Tesseract vie printing Latin-1
  only (``--font-sims``, default font,font,font): vowels dropped whole ("huyn" for "huyện").

Then build the reduced corpus, measure on it and read its errors, e.g.::

    .venv/bin/python scripts/make_dev_split.py
    PLANS_CORPUS=build/dev-split/corpus .venv/bin/plans corpus build
    .venv/bin/python scripts/bench_restore.py --dev-split     # its row 0
    .venv/bin/plans eval restore build/dev-split/synthetic/doc_03.ocr.txt --restore \
        --gold build/dev-split/synthetic/doc_03.clean.txt --corpus build/dev-split/corpus --errors 50

The confusion tables are not rebuilt: they are learned from phapdien_moj and viwiki only.
Needs Tesseract's French and Portuguese models besides eng and vie (``apt-get install
tesseract-ocr-fra tesseract-ocr-por``; the product itself does not).
"""

from __future__ import annotations

import argparse
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "dev-split"


def split_source(src: Path, dev_docs: set[str], keep: Path, dev: Path) -> None:
    """Write src's documents to keep/ or dev/ (each a corpus source folder)."""
    parts: dict[Path, list[str]] = {keep: [], dev: []}
    target = keep
    with lzma.open(src / "text.txt.xz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("### "):
                target = dev if Path(line[4:].strip()).stem in dev_docs else keep
            parts[target].append(line)
    for folder, lines in parts.items():
        folder.mkdir(parents=True, exist_ok=True)
        with lzma.open(folder / "text.txt.xz", "wt", encoding="utf-8", preset=6) as fh:
            fh.writelines(lines)
        shutil.copy(src / "SOURCE.md", folder / "SOURCE.md")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="doc_03,doc_05,doc_06", help="development documents")
    ap.add_argument("--sims", default="eng,fra,eng", help="damage simulation per document")
    ap.add_argument("--latin-sims", default="mixed,por,mixed", help="the second set's simulations")
    ap.add_argument("--font-sims", default="font,font,font", help="the third set's simulations")
    ap.add_argument("--pages", type=int, default=30, help="synthetic pages in all")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    corpora = ROOT / "corpora"
    for sub in ("corpus", "source", "synthetic", "synthetic-latin", "synthetic-font"):
        shutil.rmtree(OUT / sub, ignore_errors=True)
    corpus = OUT / "corpus"
    corpus.mkdir(parents=True)
    for p in sorted(corpora.iterdir()):
        if p.name in ("heldout", "admin_luongminh") or p.name.startswith("."):
            continue
        shutil.copytree(p, corpus / p.name)
    split_source(
        corpora / "admin_luongminh",
        set(args.docs.split(",")),
        corpus / "admin_luongminh",
        OUT / "source",
    )
    for folder, sims in (
        ("synthetic", args.sims),
        ("synthetic-latin", args.latin_sims),
        ("synthetic-font", args.font_sims),
    ):
        cmd = [
            sys.executable,
            str(ROOT / "scripts" / "learn_confusion.py"),
            "--eval-only",
            "--eval-source",
            str(OUT / "source"),
            "--eval-dir",
            str(OUT / folder),
            "--eval-sims",
            sims,
            "--eval-pages",
            str(args.pages),
            "--seed",
            str(args.seed),
        ]
        rc = subprocess.call(cmd)
        if rc:
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
