"""OCR benchmark: accuracy per degradation, pages/s at --jobs 1 and 2, overhead vs bare tesseract.

Synthetic scans are rendered (tests/conftest.py: DejaVu Serif 12 pt, 300 dpi) from
clean corpus text: lines of corpora/phapdien_moj and corpora/viwiki_admin_subset
chosen with a fixed seed (never corpora/heldout, the samples or the dev gold).
Everything is measured in the same run, on the same machine.

    .venv/bin/python scripts/bench_ocr.py [--quick]

Prints one markdown section to stdout.
"""

from __future__ import annotations

import argparse
import difflib
import lzma
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
os.environ["OMP_THREAD_LIMIT"] = "1"

from conftest import phone_size, render_page  # noqa: E402

from pipeline.batch import BatchConfig, run_batch  # noqa: E402
from pipeline.ingest import IngestConfig, ingest  # noqa: E402
from pipeline.ocr import OcrConfig  # noqa: E402
from pipeline.quality import text_stats  # noqa: E402

SOURCES = ["corpora/phapdien_moj/text.txt.xz", "corpora/viwiki_admin_subset/text.txt.xz"]
DEGRADATIONS: dict[str, dict[str, object]] = {
    "clean 300 dpi": {},
    "photocopy-like": {"photocopy": True},
    "noisy (1% specks)": {"noise": 0.01},
    "rotated 2.5 deg": {"rotate": 2.5},
    # A phone photo or a hand-fed scanner: past the 5 degrees searched before session 20.
    "rotated 8 deg": {"rotate": 8.0},
    # Archives scan at 150-200 dpi too: small print there has strokes of 1-2 px.
    "10 pt at 200 dpi": {"size_pt": 10, "dpi": 200},
    "9 pt at 150 dpi": {"size_pt": 9, "dpi": 150},
    "noisy (1% specks) at 150 dpi": {"noise": 0.01, "dpi": 150},
    # A phone photo's light, a book's fold: the paper 60% darker down a band of the page.
    "shadowed": {"shade": 0.6},
    # A red seal (con dấu) stamped over the text, on a colour scan.
    "red seal over the text": {"seal": 0.2},
    # Web-size photos and scans (real-scans: 570-800 px wide, 70-110 dpi for their A4 page):
    # the 300 dpi page softened, shrunk, JPEG-compressed, no resolution in the file.
    "phone-size, 100 dpi": {"shrink": 3},
    "phone-size, 75 dpi": {"shrink": 4},
    # The other way round: big print (a 600 dpi scan, a 48-megapixel photo), shrunk first.
    "12 pt at 600 dpi": {"dpi": 600},
}


def cut_lines(paragraphs: Iterable[str]) -> list[str]:
    """The lines of 45-65 characters a page of these paragraphs would print (a paragraph's
    last, short line left out)."""
    pool: list[str] = []
    for para in paragraphs:
        words, line = para.split(), ""
        for w in words:
            if len(line) + len(w) + 1 > 65:
                if len(line) >= 45:
                    pool.append(line)
                line = ""
            line = f"{line} {w}".strip()
    return pool


def corpus_lines(n: int, seed: int = 7) -> list[str]:
    """``n`` lines of 45-70 characters cut from clean corpus sentences."""
    pool: list[str] = []
    for src in SOURCES:
        with lzma.open(REPO / src, "rt", encoding="utf-8") as f:
            text = f.read(2_000_000)
        pool += cut_lines(p for p in text.split("\n") if not p.startswith("###") and len(p) >= 80)
    random.Random(seed).shuffle(pool)
    return pool[:n]


def syllable_accuracy(ref: str, hyp: str) -> float:
    r, h = ref.split(), hyp.split()
    sm = difflib.SequenceMatcher(a=r, b=h, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / max(1, len(r))


def bare_tesseract(paths: list[Path], psm: int) -> float:
    t = time.perf_counter()
    for p in paths:
        subprocess.run(
            ["tesseract", str(p), "-", "-l", "vie", "--psm", str(psm)],
            check=True,
            capture_output=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="2 pages of 8 lines per degradation (default: 4 pages of 28 lines)",
    )
    args = ap.parse_args()
    pages, per_page = (2, 8) if args.quick else (4, 28)
    lines = corpus_lines(pages * per_page)
    texts = [lines[i * per_page : (i + 1) * per_page] for i in range(pages)]
    cmd = "python scripts/bench_ocr.py" + (" --quick" if args.quick else "")
    out: list[str] = [
        "## OCR (ingestion)",
        "",
        f"Command: `{cmd}`. Machine: {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), Tesseract `vie`, `OMP_THREAD_LIMIT=1`. {pages} synthetic pages per "
        f"degradation, {per_page} lines each (DejaVu Serif 12 pt, 300 dpi), from corpora/ text.",
        "",
        "### Syllable accuracy per degradation",
        "",
        "Exact syllables (aligned, case-sensitive, with diacritics) / reference syllables.",
        "`pipeline` = our defaults (psm 6, red ink left out, flatten, despeckle, deskew, small print enlarged);",
        "`no cleaning` = same without those; `psm 3` = our cleaning with Tesseract's automatic segmentation;",
        "`vote on specks alone` = the despeckle rule before session 20 (the vote wherever the",
        "speck count says, even where it erodes the text: small print at 150-200 dpi);",
        "`not rescaled` = without the enlarging of small print and the shrinking of big print",
        "(both session 23); the last column: seconds of OCR for the degradation's pages, ours /",
        "not rescaled.",
        "",
        "| degradation | pipeline | no cleaning | psm 3 | vote on specks alone | not rescaled | mean confidence | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    variants = {
        "pipeline": OcrConfig(),
        "no cleaning": OcrConfig(
            despeckle=False, deskew=False, flatten=False, drop_red=False, upscale_text_px=0
        ),
        "psm 3": OcrConfig(psm=3),
        # (The despeckle rule before session 20: the vote wherever the specks say.)
        "vote on specks alone": OcrConfig(despeckle_max_erosion=1.0, despeckle_min_text_px=0),
        "not rescaled": OcrConfig(upscale_text_px=0, downscale_above_px=0),
    }
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        speed_pages: list[Path] = []
        speed_kind: list[str] = []
        for d_i, (name, kw) in enumerate(DEGRADATIONS.items()):
            files = []
            for p_i, page in enumerate(texts):
                f = tmp / f"d{d_i}p{p_i}.png"
                dpi = int(kw.get("dpi", 300))  # type: ignore[call-overload]
                shrink = int(kw.get("shrink", 0))  # type: ignore[call-overload]
                if shrink:
                    phone_size(render_page(page, seed=p_i), shrink).save(f)
                else:
                    render_page(page, seed=p_i, **kw).save(f, dpi=(dpi, dpi))  # type: ignore[arg-type]
                files.append(f)
            if d_i < 2:
                speed_pages += files
                speed_kind += [name] * len(files)
            cells, conf = [], []
            seconds: dict[str, float] = {}
            for vname, ocfg in variants.items():
                ok = total = 0.0
                for f, page in zip(files, texts, strict=True):
                    t0 = time.perf_counter()
                    doc = ingest(f, IngestConfig(ocr=ocfg))
                    seconds[vname] = seconds.get(vname, 0.0) + time.perf_counter() - t0
                    ref = " ".join(page)
                    n = len(ref.split())
                    ok += syllable_accuracy(ref, doc.pages[0].text) * n
                    total += n
                    if vname == "pipeline":
                        conf.append(doc.pages[0].confidence or 0.0)
                cells.append(f"{100 * ok / total:.2f}%")
            out.append(
                f"| {name} | {' | '.join(cells)} | {sum(conf) / len(conf):.1f} | "
                f"{seconds['pipeline']:.1f} / {seconds['not rescaled']:.1f} |"
            )

        # Speed. Per page, interleaved (bare, ours, bare, ours ...) and the best of
        # `reps` runs each, so load from other processes hits both sides alike.
        n = len(speed_pages)
        reps = 1 if args.quick else 3
        bare_t: dict[str, float] = {}
        ours_t: dict[str, float] = {}
        ingest(speed_pages[0])  # warm: imports, syllable list, tesseract check
        for f, kind in zip(speed_pages, speed_kind, strict=True):
            b = o = float("inf")
            for _ in range(reps):
                b = min(b, bare_tesseract([f], OcrConfig().psm))
                t = time.perf_counter()
                ingest(f)
                o = min(o, time.perf_counter() - t)
            bare_t[kind] = bare_t.get(kind, 0.0) + b
            ours_t[kind] = ours_t.get(kind, 0.0) + o
        src = tmp / "speed"
        src.mkdir()
        for f in speed_pages:
            os.link(f, src / f.name)
        cfg = BatchConfig(restore="never", extract=False)
        load0 = os.getloadavg()[0]
        timings = {}
        for jobs in (1, 2):
            t = time.perf_counter()
            s = run_batch([src], tmp / f"out{jobs}", replace(cfg, jobs=jobs))
            timings[jobs] = time.perf_counter() - t
            assert s.done == n, s.failures
        load1 = os.getloadavg()[0]
        out += [
            "",
            "### Speed",
            "",
            f"{n} pages (the clean and photocopy-like pages above). Load average of the",
            f"machine during the batch runs: {load0:.1f} -> {load1:.1f} (on {os.cpu_count()} cores).",
            "",
            "`ingest()` = read, clean (flatten uneven light, despeckle only on speckled pages where the vote keeps the text, deskew), OCR with TSV,",
            "normalize, score. On the photocopy-like pages the despeckle filter runs (a 3x3",
            "majority vote of the binarized page; Tesseract reads its output a little faster",
            "than the raw page).",
            "",
            "| measure | seconds | pages/s | ratio |",
            "|---|---|---|---|",
            *[
                f"| {kind}: bare `tesseract IMG - -l vie --psm 6` / our per-page `ingest()` "
                f"(best of {reps}, interleaved) | {bare_t[kind]:.2f} / {ours_t[kind]:.2f} | "
                f"{k_n / bare_t[kind]:.2f} / {k_n / ours_t[kind]:.2f} | "
                f"**{ours_t[kind] / bare_t[kind]:.2f}x** bare |"
                for kind, k_n in ((k, speed_kind.count(k)) for k in bare_t)
            ],
            f"| `plans run --jobs 1` (whole batch, incl. start-up, writes, manifest) | {timings[1]:.2f} | {n / timings[1]:.2f} | {timings[1] / sum(bare_t.values()):.2f}x bare |",
            f"| `plans run --jobs 2` | {timings[2]:.2f} | {n / timings[2]:.2f} | speed-up **{timings[1] / timings[2]:.2f}x** vs --jobs 1 |",
        ]

    # The figures behind pipeline.quality.QualityConfig.
    out += [
        "",
        "### Garbled score inputs (pipeline.quality)",
        "",
        "| text | valid syllables | marked share |",
        "|---|---|---|",
    ]
    for src_name in SOURCES:
        with lzma.open(REPO / src_name, "rt", encoding="utf-8") as fh:
            chunk = fh.read(300_000)
        st = text_stats(chunk)
        out.append(
            f"| {src_name} (first 300k chars) | {st.valid_share:.3f} | {st.marked_share:.3f} |"
        )
    for sample in sorted((REPO / "samples").glob("*.txt")):
        st = text_stats(sample.read_text(encoding="utf-8"))
        out.append(
            f"| samples/{sample.name} (garbled OCR) | {st.valid_share:.3f} | {st.marked_share:.3f} |"
        )
    print("\n".join(out))


if __name__ == "__main__":
    main()
