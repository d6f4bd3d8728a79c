"""How far Tesseract's word confidences tell misread words: the review pages' "OCR unsure" marks.

Synthetic scans are rendered (tests/conftest.py render_page) from clean corpus lines (the same
pool as bench_ocr.py, another seed), at degradations from clean to hard, and read by the
pipeline's OCR (pipeline.ocr.ocr_image: its cleaning, psm 6, Tesseract ``vie``). Each word read
is aligned to the rendered words (difflib, exact words): a word with no exact counterpart is
misread. For each threshold: the share of words marked (confidence under it), the share of
marked words that were misread (precision) and the share of misread words marked (recall).
Then the share of words marked at the default threshold on ../shared/real-scans (no ground
truth there: only how many words an archivist would be asked to check).

    .venv/bin/python scripts/bench_ocr_confidence.py [--quick]

Prints one markdown section to stdout.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))
os.environ["OMP_THREAD_LIMIT"] = "1"

from bench_ocr import corpus_lines  # noqa: E402
from conftest import render_page  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.ocr import OcrConfig, OcrResult, ocr_image, unsure_words  # noqa: E402

REAL_SCANS = REPO.parent / "shared" / "real-scans"
THRESHOLDS = (50.0, 60.0, 70.0, 80.0, 90.0)
DEGRADATIONS: dict[str, dict[str, object]] = {
    "clean 300 dpi": {},
    "photocopy-like": {"photocopy": True},
    "noisy (2% specks)": {"noise": 0.02},
    "10 pt at 150 dpi": {"size_pt": 10, "dpi": 150},
    "9 pt at 150 dpi": {"size_pt": 9, "dpi": 150},
    "photocopy, 9 pt at 150 dpi": {"photocopy": True, "size_pt": 9, "dpi": 150},
}


def words_read(r: OcrResult) -> list[tuple[int, int, str]]:
    """(line, column, word) of every word Tesseract gave, in reading order."""
    return [
        (no, m.start(), m.group(0))
        for no, line in enumerate(r.text.split("\n"), start=1)
        for m in re.finditer(r"\S+", line)
    ]


def marked(r: OcrResult, below: float) -> set[tuple[int, int]]:
    """Where the product marks a word (pipeline.ocr.unsure_words) at threshold ``below``."""
    return {(w.line, w.col) for w in unsure_words(r.text, r.line_confidences, r.text, below)}


def misread(read: list[tuple[int, int, str]], ref: list[str]) -> list[bool]:
    """For each word read: True when no word of the reference is aligned to it exactly."""
    sm = difflib.SequenceMatcher(a=[w for *_, w in read], b=ref, autojunk=False)
    right: set[int] = set()
    for a, _, size in sm.get_matching_blocks():
        right.update(range(a, a + size))
    return [i not in right for i in range(len(read))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1 page of 12 lines per degradation")
    args = ap.parse_args()
    pages, per_page = (1, 12) if args.quick else (3, 24)
    lines = corpus_lines(pages * per_page * len(DEGRADATIONS), seed=23)
    default = OcrConfig().unsure_below
    cmd = "python scripts/bench_ocr_confidence.py" + (" --quick" if args.quick else "")
    levels = sorted({*THRESHOLDS, default})
    # Per word read: (the lowest threshold that marks it, or 101 = none; misread?)
    rows: list[tuple[str, list[tuple[float, bool]]]] = []
    k = 0
    for name, kw in DEGRADATIONS.items():
        seen: list[tuple[float, bool]] = []
        for p in range(pages):
            text = lines[k : k + per_page]
            k += per_page
            r = ocr_image(render_page(text, seed=p, **kw))  # type: ignore[arg-type]
            read = words_read(r)
            bad = misread(read, " ".join(text).split())
            marks = {t: marked(r, t) for t in levels}
            for (no, col, _), b in zip(read, bad, strict=True):
                first = min((t for t in levels if (no, col) in marks[t]), default=101.0)
                seen.append((first, b))
        rows.append((name, seen))
    every = [x for _, seen in rows for x in seen]
    out = [
        "## OCR word confidence (review marks)",
        "",
        f"Command: `{cmd}`. {pages} synthetic page(s) of {per_page} corpus lines per "
        "degradation (another seed than the OCR section's), read by the pipeline's OCR; a word "
        "read is misread when no rendered word is aligned to it exactly (marks and case "
        "included). A word is *marked* when Tesseract's confidence is under the threshold; "
        "precision = marked words misread / marked, recall = misread words marked / misread; "
        "the last column is the archivist's risk: how often a word left unmarked is misread.",
        "",
        f"| degradation | words | misread | marked at {default:g} | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for name, seen in [*rows, ("all", every)]:
        n, bad = len(seen), sum(b for _, b in seen)
        hit = [b for t, b in seen if t <= default]
        prec = f"{sum(hit) / len(hit):.0%}" if hit else "-"
        rec = f"{sum(hit) / bad:.0%}" if bad else "-"
        out.append(f"| {name} | {n:,} | {bad / n:.1%} | {len(hit) / n:.1%} | {prec} | {rec} |")
    out += [
        "",
        "Over all degradations, by threshold:",
        "",
        "| threshold | words marked | precision | recall | unmarked words misread |",
        "|---|---|---|---|---|",
    ]
    bad_all = sum(b for _, b in every)
    for t in levels:
        hit = [b for first, b in every if first <= t]
        left = [b for first, b in every if first > t]
        prec = f"{sum(hit) / len(hit):.0%}" if hit else "-"
        rec = f"{sum(hit) / bad_all:.0%}" if bad_all else "-"
        star = " (default)" if t == default else ""
        out.append(
            f"| {t:g}{star} | {len(hit) / len(every):.1%} | {prec} | {rec} | "
            f"{sum(left) / max(1, len(left)):.1%} |"
        )
    scans = sorted(
        p for p in REAL_SCANS.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png")
    )
    if scans:
        out += [
            "",
            f"Real scans (../shared/real-scans, no ground truth): words marked at {default:g}.",
            "",
            "| scan | words | mean confidence | marked |",
            "|---|---|---|---|",
        ]
        for path in scans:
            with Image.open(path) as img:
                img.load()
                r = ocr_image(img)
            n = len(words_read(r))
            if not n or r.confidence is None:
                continue
            out.append(
                f"| {path.relative_to(REAL_SCANS)} | {n:,} | {r.confidence:.0f} | "
                f"{len(marked(r, default)) / n:.0%} |"
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()
