"""Learn the token table of Tesseract's Vietnamese model, for the post-correction of scans.

    .venv/bin/python scripts/learn_confusion_vie.py [--pages 640] [--jobs 2] [--seed 3]
    .venv/bin/python scripts/learn_confusion_vie.py --simulation font --pages 400

With ``--simulation font``: the same model printing Latin-1 only (learn_confusion.py's "font"
simulation: the second damage kind, vowels it cannot print dropped whole), written to
diacritics/data/confusion_tokens_font.tsv, which the restorer's "font" channel reads.

The training pages of scripts/learn_confusion.py (the same clean paragraphs of
corpora/phapdien_moj and corpora/viwiki_admin_subset, layouts and degradations, fixed seed;
never corpora/heldout, samples/ or the dev gold) read back by Tesseract `vie` instead of the
Latin models, aligned, counted. Writes diacritics/data/confusion_tokens_vie.tsv
(ocr<TAB>clean<TAB>count, rows with count >= --min-count), which the "ocr" channels of the
restorer read (diacritics.channel.OCR_VIE: what Tesseract vie printed, and for what).
Raw OCR is cached per page in build/confusion/ like the Latin models' pages.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import learn_confusion as lc  # noqa: E402
from make_ocr_eval import VIE  # noqa: E402

OUTS = {
    "vie": ROOT / "diacritics" / "data" / "confusion_tokens_vie.tsv",
    "font": ROOT / "diacritics" / "data" / "confusion_tokens_font.tsv",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=640)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--simulation", choices=sorted(OUTS), default="vie")
    args = ap.parse_args(argv)
    t0 = time.time()
    lc.SIMULATIONS = (*lc.SIMULATIONS, VIE)
    sim = args.simulation
    out = OUTS[sim]
    tasks = [replace(t, simulation=sim) for t in lc.plan_training_pages(args.pages, args.seed)]
    pages = lc.ocr_pages(tasks, args.jobs, lc.CACHE / f"pages-{sim}-{args.seed}.jsonl")
    c = lc.count(pages)
    rows = sorted(
        ((o, cl, n) for (o, cl), n in c.tokens.items() if n >= args.min_count),
        key=lambda r: (-r[2], r[1], r[0]),
    )
    tmp = out.with_suffix(".tmp")
    what = "Tesseract vie" if sim == "vie" else "Tesseract vie printing Latin-1 only"
    option = "" if sim == "vie" else f" --simulation {sim}"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(
            f"# {what} token counts, learned from synthetic OCR of clean corpus text.\n"
            f"# Regenerate: .venv/bin/python scripts/learn_confusion_vie.py{option} --pages"
            f" {args.pages} --seed {args.seed} (deterministic for a Tesseract version and fonts)\n"
            f"# pages: {c.pages}; lines: {c.lines}; clean word tokens: {c.clean_tokens}; "
            f"read exactly: {c.exact}; rows with count >= {args.min_count}\n"
            "# corpus sources: corpora/phapdien_moj, corpora/viwiki_admin_subset (never "
            "corpora/heldout/admin_luongminh, samples/ or the dev gold)\n"
        )
        fh.write("ocr\tclean\tcount\n")
        for o, cl, n in rows:
            fh.write(f"{o}\t{cl}\t{n}\n")
    tmp.replace(out)
    print(
        f"{c.pages} pages, {c.clean_tokens} clean words, {c.exact / max(1, c.clean_tokens):.1%} "
        f"read exactly; {len(rows)} rows -> {out} in {time.time() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
