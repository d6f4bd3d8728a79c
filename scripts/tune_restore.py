"""Compare restorer settings the way they are chosen here: on the development split first.

    .venv/bin/python scripts/tune_restore.py '{}' '{"lm_weight": 0.65}' '{"token_table_trust": 30}'
    .venv/bin/python scripts/tune_restore.py --test '{}' '{"token_table_trust": 30}'

Each argument is a JSON object of ``RestoreConfig`` fields ('{}' = the defaults). For each, one
line: syllable accuracy on the development split (synthetic damage of three plans left out of a
reduced corpus, made by scripts/make_dev_split.py; its corpus is built on first use) and the
time it took, then on the same plans read by the other Latin models (mixed, por) and by
Tesseract vie printing Latin-1 only ("font damage"), where the split has those sets. With
``--test`` the line goes on with the test sets, measured once a setting was chosen on the
development split: synthetic damage of the held-out documents (eval/synthetic, and
eval/synthetic-font as "font", eval/synthetic-eng, read by Tesseract eng alone, as "eng"), the dev gold (real damage; only when ../shared/dev-gold is
there), marks stripped and correct text left unchanged. Reading the test sets' errors, or choosing among settings by them, would tune on
the test: say so where it happened.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from unidecode import unidecode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_restore import GOLD, SAMPLE, heldout_docs, ocr_pairs, score  # noqa: E402

from diacritics.corpus import build as build_corpus  # noqa: E402
from diacritics.corpus import default_corpus_dir, ensure_built  # noqa: E402
from diacritics.restorer import RestoreConfig, Restorer  # noqa: E402

DEV_SPLIT = ROOT / "build" / "dev-split"

Pairs = list[tuple[str, str]]


def _pairs(folder: Path) -> Pairs:
    """The (OCR, clean) pairs of a synthetic set's folder (none when it is absent)."""
    return ocr_pairs(sorted(folder.glob("*.ocr.txt")))


def accuracy(r: Restorer, pairs: Pairs) -> float:
    """Syllable accuracy (%) of ``r`` over (input, gold) pairs, pooled over their words."""
    return 100.0 * score(pairs, lambda text: r.restore(text).text)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("configs", nargs="+", help="RestoreConfig fields as JSON, '{}' = defaults")
    ap.add_argument("--test", action="store_true", help="also measure the test sets")
    args = ap.parse_args(argv)
    configs = {}
    for arg in args.configs:  # (all checked before the minutes of measuring)
        try:
            configs[arg] = RestoreConfig(**json.loads(arg))
        except (ValueError, TypeError) as e:  # (bad JSON, or no such field)
            print(f"tune_restore: {arg!r} is no RestoreConfig: {e}", file=sys.stderr)
            return 2
    if not (DEV_SPLIT / "synthetic").is_dir():
        print("no development split: run scripts/make_dev_split.py first", file=sys.stderr)
        return 2
    dev = _pairs(DEV_SPLIT / "synthetic")
    # The same documents read by the other Latin models (made by make_dev_split.py since
    # session 12; absent from older splits).
    dev_latin = _pairs(DEV_SPLIT / "synthetic-latin")
    # And read by Tesseract vie printing Latin-1 only (the second damage kind; session 13).
    dev_font = _pairs(DEV_SPLIT / "synthetic-font")
    build_corpus(DEV_SPLIT / "corpus")  # (cached: a no-op once built and unchanged)
    dev_build = ensure_built(DEV_SPLIT / "corpus")
    tests: dict[str, Pairs] = {}
    if args.test:
        docs = heldout_docs()
        tests["synthetic"] = _pairs(ROOT / "eval" / "synthetic")
        if (ROOT / "eval" / "synthetic-font").is_dir():
            tests["font"] = _pairs(ROOT / "eval" / "synthetic-font")
        if (ROOT / "eval" / "synthetic-eng").is_dir():  # (the set 2: eng alone)
            tests["eng"] = _pairs(ROOT / "eval" / "synthetic-eng")
        if GOLD.exists():
            tests["real"] = [(SAMPLE.read_text(encoding="utf-8"), GOLD.read_text(encoding="utf-8"))]
        tests["stripped"] = [(unidecode(d), d) for _, d in docs]
        tests["unchanged"] = [(d, d) for _, d in docs]
    build = ensure_built(default_corpus_dir()) if args.test else None
    for arg in args.configs:
        config = configs[arg]
        t = time.perf_counter()
        dev_r = Restorer(dev_build, config)
        line = f"{arg}  development split {accuracy(dev_r, dev):.2f}"
        line += f" ({time.perf_counter() - t:.1f} s)"
        if dev_latin:
            line += f"  other Latin models {accuracy(dev_r, dev_latin):.2f}"
        if dev_font:
            line += f"  font damage {accuracy(dev_r, dev_font):.2f}"
        if build is not None:
            r = Restorer(build, config)
            line += "".join(f"  {name} {accuracy(r, pairs):.3f}" for name, pairs in tests.items())
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
