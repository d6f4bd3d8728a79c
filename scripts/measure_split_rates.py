"""How often Tesseract split one word in two or merged two words, on the synthetic training pages.

The restorer prices reading two tokens as one word (``RestoreConfig.split_cost``) and one token
as two words (``merge_cost``) at -log of these shares (diacritics/resegment.py). The pages are
those OCR'd by scripts/learn_confusion.py (its cache, build/confusion/pages-<seed>.jsonl: corpus
text only, never held-out documents, samples or the dev gold).

Run:  .venv/bin/python scripts/measure_split_rates.py [build/confusion/pages-3.jsonl]

Each clean line is aligned with its OCR line on accent-free lowercase tokens; a 1 clean : 2 OCR
replacement whose joined OCR tokens resemble the clean word (difflib ratio >= 0.6) is a split,
2 clean : 1 OCR a merge.
"""

from __future__ import annotations

import json
import math
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.evaluate import eval_tokens  # noqa: E402
from diacritics.orthography import strip_marks  # noqa: E402


def _key(t: str) -> str:
    return strip_marks(t).lower()


def _line(x: str | list[str]) -> str:
    return " ".join(x) if isinstance(x, list) else x


def measure(pages: Path) -> tuple[int, int, int]:
    """(clean words, splits, merges) over the pages of a learn_confusion cache file."""
    words = splits = merges = 0
    with open(pages, encoding="utf-8") as f:
        for row in f:
            page = json.loads(row)
            for clean, ocr in zip(page["lines"], page["ocr"], strict=False):
                ct, ot = eval_tokens(_line(clean)), eval_tokens(_line(ocr))
                words += len(ct)
                sm = SequenceMatcher(None, [_key(t) for t in ot], [_key(t) for t in ct], False)
                for tag, a1, a2, b1, b2 in sm.get_opcodes():
                    if tag != "replace":
                        continue
                    o = "".join(_key(t) for t in ot[a1:a2])
                    c = "".join(_key(t) for t in ct[b1:b2])
                    similar = SequenceMatcher(None, o, c).ratio() >= 0.6
                    if (b2 - b1, a2 - a1) == (1, 2) and similar:
                        splits += 1
                    elif (b2 - b1, a2 - a1) == (2, 1) and similar:
                        merges += 1
    return words, splits, merges


def main() -> None:
    pages = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/confusion/pages-3.jsonl"
    if not pages.exists():
        sys.exit(f"{pages}: not found; run scripts/learn_confusion.py first (make confusion)")
    words, splits, merges = measure(pages)
    for name, n in (("split", splits), ("merge", merges)):
        share = n / words
        print(f"{name}: {n} of {words} words = {100 * share:.3f}% -> {-math.log(share):.2f} nats")


if __name__ == "__main__":
    main()
