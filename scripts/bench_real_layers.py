"""Real garbled text layers: restoration measured against an unverified reference.

Run:  .venv/bin/python scripts/bench_real_layers.py

Two PDFs of ../shared/real-scans (used in place, never copied) carry text layers that another
OCR engine garbled: vietadmin/1.pdf (the scanner's OCR, "CONG Hcok xA HQI CHiJ NGHiA") and
vietadmin/3.pdf (OmniPage, "Két 1un cüa ThuOrig trrc Thành üy"). Real damage of other engines
than the dev gold's, so a second look at how restoration generalizes. There is no verified
gold: the reference is Tesseract's Vietnamese model on the same pages rendered at 300 dpi,
which makes errors of its own, so the figure is an *agreement*, and 100% is out of reach for
any system. The layer's lines do not follow the reference's, so each page's words are aligned
as one sequence on their accent-free forms (difflib), and a reference word counts as agreed
when the aligned output word is the same, marks and case included (as the syllable metric).

Prints one markdown section; imports the systems of scripts/bench_restore.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_restore import systems  # noqa: E402

from diacritics.api import load_restorer  # noqa: E402
from diacritics.evaluate import eval_tokens  # noqa: E402
from diacritics.orthography import strip_marks  # noqa: E402
from pipeline import pdf as pdfmod  # noqa: E402
from pipeline.normalize import normalize_text  # noqa: E402
from pipeline.ocr import OcrConfig, ocr_image  # noqa: E402

REAL = ROOT.parent / "shared" / "real-scans"
LAYERS = ["vietadmin/1.pdf", "vietadmin/3.pdf"]


def words(text: str) -> list[str]:
    return [w for line in text.split("\n") for w in eval_tokens(line)]


def agreement(output: str, reference: str) -> tuple[int, int, int]:
    """(reference words the output reproduces, reference words aligned with an output word,
    reference words), aligned on their accent-free forms."""
    out, ref = words(output), words(reference)
    sm = SequenceMatcher(
        None,
        [strip_marks(w).lower() for w in out],
        [strip_marks(w).lower() for w in ref],
        autojunk=False,
    )
    blocks = sm.get_matching_blocks()
    right = sum(out[a + k] == ref[b + k] for a, b, size in blocks for k in range(size))
    return right, sum(size for _a, _b, size in blocks), len(ref)


def pages() -> list[tuple[str, str, str]]:
    """(name, text layer, reference) of the PDFs' pages, both normalized as the pipeline does;
    the reference is the pipeline's own OCR of the page (pipeline.ocr, Tesseract vie)."""
    out = []
    cfg = OcrConfig(lang="vie")
    for rel in LAYERS:
        path = REAL / rel
        n = pdfmod.check_pdf(path)
        with pdfmod.open_pdf(path) as pdf:
            for i in range(n):
                layer = pdfmod.page_text(pdf, i) or ""
                ref = ocr_image(pdfmod.rasterize(path, i, 300), cfg).text
                out.append((f"{rel} p{i + 1}", normalize_text(layer)[0], normalize_text(ref)[0]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="(accepted; the set is small already)")
    ap.parse_args()
    if not all((REAL / rel).exists() for rel in LAYERS):
        print("## Real garbled text layers\n\n../shared/real-scans is not present in this run.")
        return 0
    t0 = time.perf_counter()
    docs = pages()
    ocr_s = time.perf_counter() - t0
    syst = systems(load_restorer())
    # document -> system -> [agreed, aligned, reference words]
    counts: dict[str, dict[str, list[int]]] = {}
    for name, layer, ref in docs:
        doc = name.split(" p")[0]
        for sname, fn in syst.items():
            got = agreement(fn(layer), ref)
            for key in (doc, f"all ({len(docs)} pages)"):
                c = counts.setdefault(key, {}).setdefault(sname, [0, 0, 0])
                for k in range(3):
                    c[k] += got[k]
    print("## Real garbled text layers (no verified gold)\n")
    print(
        "Command: `python scripts/bench_real_layers.py`. Text layers that other OCR engines "
        "garbled (a scanner's OCR in vietadmin/1.pdf, OmniPage in vietadmin/3.pdf; "
        "../shared/real-scans, used in place). Reference: Tesseract `vie` on the same pages at "
        "300 dpi, itself unverified: it drops marks of its own ('phô', 'triên', 'đâu' for "
        "'phố', 'triển', 'đầu' on these scans), so this is agreement, not accuracy, and no "
        "system can reach 100%. Words are aligned per page on their accent-free forms; a "
        "reference word agrees when the aligned output word is the same, marks and case "
        "included; one left unaligned (lost by the layer, or its letters not repaired) "
        "disagrees.\n"
    )
    print(
        "| text layer | reference words | "
        + " | ".join(syst)
        + " | ours: aligned, agreed of aligned |"
    )
    print("|---|---|" + "---|" * (len(syst) + 1))
    for doc, by_sys in sorted(counts.items(), key=lambda kv: kv[0].startswith("all")):
        n = next(iter(by_sys.values()))[2]
        r, a, _n = by_sys["ours"]
        print(
            f"| {doc} | {n} | "
            + " | ".join(f"{100 * r_ / max(t, 1):.1f}%" for r_, _a, t in by_sys.values())
            + f" | {100 * a / max(n, 1):.1f}%, {100 * r / max(a, 1):.1f}% |"
        )
    print(f"\n(Reference OCR of {len(docs)} pages: {ocr_s:.0f} s.)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
