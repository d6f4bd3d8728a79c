"""How often changed words are right, by their confidence, on the development split.

Reads build/dev-split (scripts/make_dev_split.py) and restores its synthetic OCR damage with the
reduced corpus; prints, per confidence bin of the changes, how many output words they cover and
the share of those that match the gold. Used to choose RestoreConfig.confidence_temperature:

    .venv/bin/python scripts/calibration_dev_split.py '{"confidence_temperature": 1.5}'
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from difflib import SequenceMatcher

from bench_restore import DEV_SPLIT, change_spans, ocr_pairs, output_words, word_key

from diacritics.corpus import ensure_built
from diacritics.evaluate import eval_tokens
from diacritics.restorer import RestoreConfig, Restorer


def main() -> None:
    kw = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    r = Restorer(ensure_built(DEV_SPLIT / "corpus"), RestoreConfig(**kw))
    bins: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for inp, gold in ocr_pairs(sorted((DEV_SPLIT / "synthetic").glob("*.ocr.txt"))):
        res = r.restore(inp)
        spans = change_spans(res.changes)
        for ln, (o_line, g_line) in enumerate(
            zip(res.text.split("\n"), gold.split("\n"), strict=False), 1
        ):
            ot = output_words(o_line)
            gt = eval_tokens(g_line)
            right = [False] * len(ot)
            sm = SequenceMatcher(
                None, [word_key(m[0]) for m in ot], [word_key(t) for t in gt], autojunk=False
            )
            for a, b, n in sm.get_matching_blocks():
                for k in range(n):
                    right[a + k] = ot[a + k][0] == gt[b + k]
            for k, m in enumerate(ot):
                for s0, s1, c in spans.get(ln, ()):
                    if s0 <= m.start() < s1:
                        b = min(int(c.confidence * 10), 9)  # type: ignore[attr-defined]
                        bins[b][0] += 1
                        bins[b][1] += right[k]
    for b in sorted(bins):
        n, ok = bins[b]
        print(f"confidence {b / 10:.1f}-{(b + 1) / 10:.1f}: {n:5d} words, {ok / n:.1%} right")


if __name__ == "__main__":
    main()
