"""OCR post-correction: held-out pages read by Tesseract `vie`, as read and as corrected.

Run:  .venv/bin/python scripts/bench_ocr_postcorrect.py [--pages FILE]

Scans go through Tesseract with its Vietnamese model (pipeline.ocr), which drops or swaps marks
on degraded pages ("đại biếu", "báu cử"). `plans run` post-corrects such pages
(pipeline.stages.restore: the garbled channel from a garbled score of 0.03 on, else the "ocr"
channel). The set: eval/ocr-vie/pages.jsonl (scripts/make_ocr_eval.py: the held-out documents
rendered, degraded like photocopies and scans, read back by Tesseract vie; learn nothing from
it). Syllable accuracy per page as for the other restoration sets, summed. Systems: the pages
as read; the previous policy (only pages whose garbled score is above the --restore auto
threshold restored, with the channel the restorer judges); pyvi's add_accents on the read
text; and the post-correction, through the pipeline's own stage function.

Prints one markdown section.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_ocr import syllable_accuracy as found_in_order  # noqa: E402
from bench_restore import flag_calibration, pyvi_restore  # noqa: E402

from diacritics.api import load_restorer  # noqa: E402
from diacritics.evaluate import syllable_accuracy  # noqa: E402
from pipeline import stages  # noqa: E402
from pipeline.normalize import normalize_text  # noqa: E402
from pipeline.quality import garbled_score  # noqa: E402
from pipeline.records import Document, Method, Page  # noqa: E402

PAGES = Path("eval/ocr-vie/pages.jsonl")
REAL = ROOT.parent / "shared" / "real-scans" / "vietadmin"


def real_scans() -> None:
    """The two real phone-size images with a ground truth (LLM-made, unverified): as read and
    post-corrected, with and without the enlarging of small print (OcrConfig.upscale_text_px)."""
    from pipeline.ingest import IngestConfig, ingest
    from pipeline.ocr import OcrConfig

    if not REAL.is_dir():
        print("\n(../shared/real-scans absent: no real-scan rows.)")
        return
    print(
        "\nReal phone-size images with a ground truth (../shared/real-scans/vietadmin, 576 x 960 "
        "px; the ground truth was made by an LLM and is unverified, its header read block by "
        "block): share of its words found in order in our text.\n"
    )
    print(
        "| image | words | as read, not enlarged | post-corrected, not enlarged | as read | post-corrected |"
    )
    print("|---|---|---|---|---|---|")
    for name in ("4_1", "4_2"):
        gold = (REAL / f"{name}_gt.txt").read_text(encoding="utf-8")
        cells = []
        for ocr in (OcrConfig(upscale_text_px=0), OcrConfig()):
            doc = ingest(REAL / f"{name}.jpg", IngestConfig(ocr=ocr))
            done = stages.restore(doc, "auto", stages.DEFAULT_RESTORE_THRESHOLD)
            cells.append(found_in_order(gold, "\n".join(p.text for p in doc.pages)))
            cells.append(found_in_order(gold, "\n".join(p.final_text for p in done.pages)))
        print(
            f"| vietadmin/{name}.jpg | {len(gold.split())} | "
            + " | ".join(f"{100 * c:.1f}%" for c in cells)
            + " |"
        )


class _Done:
    """The pages as the pipeline's stage post-corrected them, by their text, in the shape
    flag_calibration reads from a restorer (``restore(text)`` with text, changes, unresolved)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}

    def restore(self, text: str) -> SimpleNamespace:
        p = self.pages[text]
        return SimpleNamespace(text=p.final_text, changes=p.changes, unresolved=p.unresolved)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=PAGES)
    ap.add_argument("--quick", action="store_true", help="(accepted; the set is small already)")
    args = ap.parse_args()
    rows = [
        json.loads(line) for line in (ROOT / args.pages).read_text(encoding="utf-8").splitlines()
    ]
    base = load_restorer()
    th = stages.DEFAULT_RESTORE_THRESHOLD
    names = ["as read", "previous policy", "pyvi add_accents", "post-corrected"]
    totals = {n: [0, 0] for n in names}
    by_band: dict[str, dict[str, list[int]]] = {}
    stages.restore(  # (loads the restorers, outside the timing)
        Document("w", "w", "", "image", (Page(1, "x", Method.OCR, "vie"),)), "auto", th
    )
    spent = 0.0
    done = _Done()
    pairs = []
    for row in rows:
        text = normalize_text("\n".join(row["ocr"]))[0]
        gold = "\n".join(row["clean"])
        g = garbled_score(text)
        page = Page(number=1, text=text, method=Method.OCR, ocr_model="vie", garbled=g)
        doc = Document(doc_id=row["doc"], source=row["doc"], sha256="", kind="image", pages=(page,))
        outs = {
            "as read": text,
            "previous policy": base.restore(text).text if g > th else text,
            "pyvi add_accents": pyvi_restore(text),
        }
        t0 = time.process_time()
        corrected = done.pages[text] = stages.restore(doc, "auto", th).pages[0]
        spent += time.process_time() - t0
        outs["post-corrected"] = corrected.final_text
        pairs.append((text, gold))
        band = "pages read well (garbled < 0.03)" if g < 0.03 else "other pages"
        for n, out in outs.items():
            a = syllable_accuracy(out, gold)
            for acc in (totals[n], by_band.setdefault(band, {}).setdefault(n, [0, 0])):
                acc[0] += a.right
                acc[1] += a.total
    print("## OCR post-correction (Tesseract vie output)\n")
    print(
        "Command: `python scripts/bench_ocr_postcorrect.py`. Held-out documents rendered, "
        "degraded (blur, noise, 150-300 dpi, JPEG, threshold, rotation) and read back by "
        f"Tesseract `vie` ({args.pages}, {len(rows)} pages, made by "
        "scripts/make_ocr_eval.py); syllable accuracy as for the other restoration sets. "
        "'previous policy': only pages above the --restore auto threshold restored "
        f"({th}), as `plans run` did before post-correction.\n"
    )
    print("| pages | gold words | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, t in [(f"all ({len(rows)})", totals), *sorted(by_band.items())]:
        n = next(iter(t.values()))[1]
        print(
            f"| {label} | {n} | "
            + " | ".join(f"{100 * r / max(tot, 1):.2f}%" for r, tot in t.values())
            + " |"
        )
    # Words for review on the post-corrected pages (as for the restoration sets).
    for with_unresolved, (n, flagged, wrong, caught) in flag_calibration(done, pairs).items():
        what = "flagged changes + unresolved words" if with_unresolved else "flagged changes"
        print(
            f"\nPost-corrected pages, {what}: {100 * flagged / max(n, 1):.1f}% of words; they hold "
            f"{100 * caught / max(wrong, 1):.0f}% of the {wrong} wrong words; "
            f"{100 * (n - flagged - (wrong - caught)) / max(n - flagged, 1):.2f}% of the other "
            "words are right.",
            end="",
        )
    print()
    words = totals["as read"][1]
    print(
        f"\nPost-correction time: {spent:.1f} s of CPU for the {len(rows)} pages "
        f"({words / max(spent, 1e-9):,.0f} gold words/s on one core; Tesseract itself takes "
        "seconds a page, see the OCR section)."
    )
    real_scans()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
