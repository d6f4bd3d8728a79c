"""How far Tesseract's word confidences tell misread words: the review pages' "OCR unsure" marks.

Synthetic scans are rendered (tests/conftest.py render_page) from clean corpus lines (the same
pool as bench_ocr.py, another seed), at degradations from clean to hard, and read by the
pipeline's OCR (pipeline.ocr.ocr_image: its cleaning, psm 6, Tesseract ``vie``). Each word read
is aligned to the rendered words (difflib, exact words): a word with no exact counterpart is
misread. For each threshold: the share of words marked (confidence under it), the share of
marked words that were misread (precision) and the share of misread words marked (recall).
Then what the review page shows after the pipeline's post-correction (pipeline.stages.restore),
on pages rendered from the held-out plans (corpora/heldout: never learned from; rendered and
degraded here, not the eval set's pages): which final words are marked for a look (a flagged
change, a word left unread, a word left as OCR read it with low confidence) and which are
wrong, with and without the OCR-confidence marks. Then the share of words marked at the
default threshold on ../shared/real-scans (no ground truth there: only how many words an
archivist would be asked to check).

    .venv/bin/python scripts/bench_ocr_confidence.py [--quick]

Prints one markdown section to stdout.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))
os.environ["OMP_THREAD_LIMIT"] = "1"

from bench_ocr import corpus_lines, cut_lines  # noqa: E402
from bench_restore import heldout_docs  # noqa: E402
from conftest import render_page  # noqa: E402
from PIL import Image  # noqa: E402

from diacritics.changes import Change, Unresolved  # noqa: E402
from pipeline import stages  # noqa: E402
from pipeline.ingest import IngestConfig, ingest  # noqa: E402
from pipeline.ocr import OcrConfig, OcrResult, ocr_image  # noqa: E402
from pipeline.ocrwords import unsure_words  # noqa: E402
from pipeline.records import OcrWord, Page  # noqa: E402
from pipeline.review_html import review_marks  # noqa: E402

REAL_SCANS = REPO.parent / "shared" / "real-scans"
THRESHOLDS = (50.0, 60.0, 70.0, 80.0, 90.0)
DEGRADATIONS: dict[str, dict[str, object]] = {
    "clean 300 dpi": {},
    "photocopy-like": {"photocopy": True},
    "noisy (1% specks) at 150 dpi": {"noise": 0.01, "dpi": 150},
    "photocopy, 10 pt at 150 dpi": {"photocopy": True, "size_pt": 10, "dpi": 150},
    "photocopy, 9 pt at 150 dpi": {"photocopy": True, "size_pt": 9, "dpi": 150},
    "photocopy, 8 pt at 150 dpi": {"photocopy": True, "size_pt": 8, "dpi": 150},
}


def words_read(r: OcrResult) -> list[tuple[int, int, str]]:
    """(line, column, word) of every word Tesseract gave, in reading order."""
    return [
        (no, m.start(), m.group(0))
        for no, line in enumerate(r.text.split("\n"), start=1)
        for m in re.finditer(r"\S+", line)
    ]


def marked(r: OcrResult, below: float) -> set[tuple[int, int]]:
    """Where the product marks a word (pipeline.ocrwords.unsure_words) at threshold ``below``."""
    return {(w.line, w.col) for w in unsure_words(r.text, r.line_confidences, r.text, below)}


def misread(read: list[tuple[int, int, str]], ref: list[str]) -> list[bool]:
    """For each word read: True when no word of the reference is aligned to it exactly."""
    sm = difflib.SequenceMatcher(a=[w for *_, w in read], b=ref, autojunk=False)
    right: set[int] = set()
    for a, _, size in sm.get_matching_blocks():
        right.update(range(a, a + size))
    return [i not in right for i in range(len(read))]


def heldout_lines(n: int, seed: int) -> list[str]:
    """``n`` lines of 45-70 characters cut from the held-out plans' paragraphs."""
    pool = cut_lines(para for _name, body in heldout_docs() for para in body.split("\n"))
    random.Random(seed).shuffle(pool)
    return pool[:n]


def final_words(page: Page, with_unsure: bool) -> list[tuple[str, bool]]:
    """The page's final words, each with whether the review page marks it for a look: inside a
    flagged change, a word left unread, or (``with_unsure``) a word left as OCR read it with low
    confidence. A change's output is marked as a whole; the rest by the input's marks."""
    marks = [m for m in review_marks(page) if with_unsure or not isinstance(m, OcrWord)]
    by_line: dict[int, list[Change | Unresolved | OcrWord]] = {}
    for m in marks:
        by_line.setdefault(m.line, []).append(m)
    out: list[tuple[str, bool]] = []
    for no, line in enumerate(page.text.split("\n"), start=1):
        chars: list[tuple[str, bool]] = []  # the final line, each character with its flag
        at = 0
        for m in by_line.get(no, ()):  # (in reading order, none overlapping)
            chars += [(ch, False) for ch in line[at : m.col]]
            if isinstance(m, Change):
                chars += [(ch, m.flagged) for ch in m.after]
                at = m.col + len(m.before)
            else:
                chars += [(ch, True) for ch in m.word]
                at = m.col + len(m.word)
        chars += [(ch, False) for ch in line[at:]]
        word, flag = "", False
        for ch, f in [*chars, (" ", False)]:
            if ch.isspace():
                if word:
                    out.append((word, flag))
                word, flag = "", False
            else:
                word, flag = word + ch, flag or f
    return out


def review_risk(pages: int, per_page: int) -> list[str]:
    """The markdown table of what the review page marks after post-correction."""
    lines = heldout_lines(pages * per_page * len(DEGRADATIONS), seed=31)
    rows: dict[bool, list[tuple[bool, bool]]] = {True: [], False: []}  # (marked, wrong)
    k = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name_i, kw in enumerate(DEGRADATIONS.values()):
            for p in range(pages):
                text = lines[k : k + per_page]
                k += per_page
                f = Path(tmp) / f"d{name_i}p{p}.png"
                dpi = int(kw.get("dpi", 300))  # type: ignore[call-overload]
                render_page(text, seed=p, **kw).save(f, dpi=(dpi, dpi))  # type: ignore[arg-type]
                doc = ingest(f, IngestConfig())
                doc = stages.restore(doc, "auto", IngestConfig().quality.garbled_threshold)
                ref = " ".join(text).split()
                for with_unsure in (True, False):
                    words = final_words(doc.pages[0], with_unsure)
                    bad = misread([(0, 0, w) for w, _ in words], ref)
                    rows[with_unsure] += [(m, b) for (_, m), b in zip(words, bad, strict=True)]
    out = [
        "",
        "After post-correction, on pages rendered from the held-out plans (all six degradations, "
        f"{pages} page(s) of {per_page} lines each), the final words the review page marks:",
        "",
        "| marks | words marked | wrong words marked (of all wrong) | unmarked words wrong |",
        "|---|---|---|---|",
    ]
    for with_unsure, label in (
        (False, "flagged + unread"),
        (True, "flagged + unread + OCR-unsure"),
    ):
        seen = rows[with_unsure]
        n, bad = len(seen), sum(b for _, b in seen)
        hit = [b for m, b in seen if m]
        left = [b for m, b in seen if not m]
        out.append(
            f"| {label} | {len(hit) / n:.1%} | {sum(hit) / max(1, bad):.0%} of {bad} "
            f"({bad / n:.1%} of {n:,}) | {sum(left) / max(1, len(left)):.1%} |"
        )
    return out


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
    out += review_risk(pages, per_page)
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
