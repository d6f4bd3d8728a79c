"""Benchmark: restoration when the user has added the plan a damaged plan copies from.

    .venv/bin/python scripts/bench_parent.py

Prints one markdown section. The issue asks that "a user who adds the parent plan to the
corpus should get its sentences back exactly". Here the upper bound of that case: the held-out
plans' synthetic OCR damage (eval/synthetic, eval/synthetic-eng) restored with a corpus that
also holds each plan's own clean text, added as a user adds a document (`plans corpus add`,
`diacritics.corpus.add_texts`) to a copy of corpora/ built anew. A real parent plan shares
only some of its sentences with the plan that cites it: the figures bound what that sharing
can give. Side by side in the same run: the shipped corpus (the held-out figure), and which
share of the words the corpus passages spelled.

This is no held-out measurement: the documents are in the corpus on purpose, in a temporary
copy that nothing else reads.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_restore import ocr_pairs, score  # noqa: E402

from diacritics.changes import Restoration  # noqa: E402
from diacritics.corpus import add_texts, build, default_corpus_dir, ensure_built  # noqa: E402
from diacritics.restorer import Restorer  # noqa: E402

SETS = {
    "2. synthetic OCR damage, held-out plans (eng, fra, por, mixed)": ROOT / "eval" / "synthetic",
    "2c. the same plans, every page read by Tesseract eng": ROOT / "eval" / "synthetic-eng",
}


def corpus_share(done: dict[str, Restoration]) -> float:
    """Share of the input words (``done``: input -> its restoration) whose change came from a
    corpus passage or line."""
    words = sum(len(text.split()) for text in done)
    corpus = sum(1 for r in done.values() for c in r.changes if c.source.value == "corpus")
    return corpus / words if words else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="the first set only")
    args = ap.parse_args()
    sets = {name: ocr_pairs(sorted(d.glob("*.ocr.txt"))) for name, d in SETS.items() if d.is_dir()}
    if args.quick:
        sets = dict(list(sets.items())[:1])
    shipped = Restorer(ensure_built(default_corpus_dir()))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(
            default_corpus_dir(), corpus, ignore=shutil.ignore_patterns(".build*", "heldout")
        )
        # Each plan once (the sets share their documents), named by its file.
        clean = sorted(SETS[next(iter(sets))].glob("*.clean.txt"))
        add_texts(
            [(p.name.removesuffix(".clean.txt"), p.read_text("utf-8")) for p in clean], corpus
        )
        t = time.perf_counter()
        build(corpus)
        built_s = time.perf_counter() - t
        parent = Restorer(ensure_built(corpus))
        rows = []
        for name, pairs in sets.items():
            acc0, n = score(pairs, lambda text: shipped.restore(text).text)
            done = {text: parent.restore(text) for text, _gold in pairs}  # (each once)
            acc1, _ = score(pairs, lambda text, done=done: done[text].text)
            share = corpus_share(done)
            rows.append((name, n, acc0, acc1, share))
    print("## Restoration with the parent plan in the corpus (upper bound)\n")
    print(
        "Command: `python scripts/bench_parent.py`. The held-out plans' synthetic OCR damage "
        "restored with the shipped corpus, and with a copy of it to which each plan's own clean "
        "text was added as a user adds a document (`plans corpus add`; the copy built in "
        f"{built_s:.0f} s). A real parent plan shares only some sentences with the plan that "
        "cites it: this bounds what adding it can give. Not a held-out figure: the plans are "
        "in that corpus on purpose.\n"
    )
    print("| test set | gold words | shipped corpus | plan added | words spelled by the corpus |")
    print("|---|---|---|---|---|")
    for name, n, acc0, acc1, share in rows:
        print(f"| {name} | {n} | {100 * acc0:.2f}% | {100 * acc1:.2f}% | {100 * share:.1f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
