"""How often changed words are right, by their confidence, on the development split.

Reads build/dev-split (scripts/make_dev_split.py) and restores its synthetic OCR damage with the
reduced corpus; prints, per confidence bin of the changes, how many output words they cover and
the share of those that match the gold. Used to choose RestoreConfig.confidence_temperature:

    .venv/bin/python scripts/calibration_dev_split.py '{"confidence_temperature": 1.5}'
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.corpus import ensure_built  # noqa: E402
from diacritics.evaluate import eval_tokens  # noqa: E402
from diacritics.orthography import strip_marks  # noqa: E402
from diacritics.restorer import RestoreConfig, Restorer  # noqa: E402

SPLIT = ROOT / "build" / "dev-split"


def key(t: str) -> str:
    return strip_marks(t).lower()


def main() -> None:
    kw = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    r = Restorer(ensure_built(SPLIT / "corpus"), RestoreConfig(**kw))
    bins: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for p in sorted((SPLIT / "synthetic").glob("*.ocr.txt")):
        gold = p.with_name(p.name.replace(".ocr.txt", ".clean.txt")).read_text(encoding="utf-8")
        res = r.restore(p.read_text(encoding="utf-8"))
        spans: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        by_line = defaultdict(list)
        for c in res.changes:
            by_line[c.line].append(c)
        for ln, cs in by_line.items():
            shift = 0
            for c in sorted(cs, key=lambda c: c.col):
                spans[ln].append((c.col + shift, c.col + shift + len(c.after), c.confidence))
                shift += len(c.after) - len(c.before)
        for ln, (o_line, g_line) in enumerate(
            zip(res.text.split("\n"), gold.split("\n"), strict=False), 1
        ):
            ot = [m for m in re.finditer(r"\w+", o_line) if any(ch.isalpha() for ch in m[0])]
            gt = eval_tokens(g_line)
            right = [False] * len(ot)
            sm = SequenceMatcher(
                None, [key(m[0]) for m in ot], [key(t) for t in gt], autojunk=False
            )
            for a, b, n in sm.get_matching_blocks():
                for k in range(n):
                    right[a + k] = ot[a + k][0] == gt[b + k]
            for k, m in enumerate(ot):
                for s0, s1, conf in spans.get(ln, ()):
                    if s0 <= m.start() < s1:
                        b = min(int(conf * 10), 9)
                        bins[b][0] += 1
                        bins[b][1] += right[k]
    for b in sorted(bins):
        n, ok = bins[b]
        print(f"confidence {b / 10:.1f}-{(b + 1) / 10:.1f}: {n:5d} words, {ok / n:.1%} right")


if __name__ == "__main__":
    main()
