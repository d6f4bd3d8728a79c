"""Run every benchmark (scripts/bench_*.py) and write docs/benchmarks.md.

Each benchmark script prints one markdown section that names the command that
made it; this script adds the machine it ran on and writes the file atomically,
so a failed benchmark never leaves a half-written report.

    python scripts/bench.py --out docs/benchmarks.md          # full run (make bench)
    python scripts/bench.py --quick --only restore,catalog    # a quick look
    python scripts/bench.py --only ocr                        # rerun one section in place

With ``--only``, an existing report keeps its other sections: each section rerun replaces
the one with the same heading, and says it was rerun alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Order: the cheap ones first, so a broken expensive one still leaves figures behind.
ORDER = [
    "restore",
    "parent",
    "ocr_postcorrect",
    "real_layers",
    "extract",
    "catalog",
    "ocr",
    "ocr_confidence",
]
# The restoration section also reports the development split when it was made
# (scripts/make_dev_split.py; it is skipped otherwise).
EXTRA = {"restore": ["--dev-split"]}


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
        tess = tess.splitlines()[0] if tess else "tesseract: not found"
    except OSError:
        tess = "tesseract: not found"
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {tess}, "
        f"{platform.system()} {platform.release()}"
    )


def splice(report: str, sections: list[str]) -> str:
    """``report`` with each of ``sections`` in place of the section under the same "## "
    heading (appended where there is none)."""
    parts = report.rstrip("\n").split("\n## ")
    head, old = parts[0], ["## " + p.rstrip("\n") for p in parts[1:]]
    for sec in sections:
        title = sec.split("\n", 1)[0]
        hits = [i for i, o in enumerate(old) if o.split("\n", 1)[0] == title]
        if hits:
            old[hits[0]] = sec.rstrip("\n")
        else:
            old.append(sec.rstrip("\n"))
    return "\n\n".join([head.rstrip("\n"), *old]) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a fast look")
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(ORDER))
    args = ap.parse_args()

    wanted = [n for n in ORDER if not args.only or n in args.only.split(",")]
    sections = []
    failed = []
    for name in wanted:
        script = ROOT / "scripts" / f"bench_{name}.py"
        if not script.exists():
            continue
        cmd = [sys.executable, str(script.relative_to(ROOT))] + (["--quick"] if args.quick else [])
        cmd += EXTRA.get(name, [])
        print(f"== {' '.join(cmd)}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        sys.stderr.write(proc.stderr[-4000:])
        if proc.returncode != 0:
            failed.append(name)
            sections.append(
                f"## {name}\n\nThe benchmark failed (exit {proc.returncode}) after {dt:.0f} s:\n\n"
                f"```\n{proc.stderr[-2000:]}\n```\n"
            )
        else:
            note = f"section took {dt:.0f} s" + (" with --quick" if args.quick else "")
            if args.only:
                note += (
                    f"; rerun alone on {time.strftime('%Y-%m-%d')} with "
                    f"`python scripts/bench.py --only {name}`; the other sections are from "
                    "earlier runs"
                )
            sections.append(proc.stdout.strip() + f"\n\n_({note})_\n")

    head = (
        "# Benchmarks\n\n"
        f"Made by `make bench` (`python scripts/bench.py{' --quick' if args.quick else ''}`) on "
        f"{time.strftime('%Y-%m-%d')}, on {_machine()}.\n"
        "Every figure below was measured in that run; speeds are given as ratios against a "
        "reference measured in the same run. Each section names the command that made it.\n"
    )
    text = head + "\n" + "\n".join(sections)
    if args.only and args.out.exists():  # (the other sections stay as they were measured)
        text = splice(args.out.read_text(encoding="utf-8"), sections)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
