"""How often Tesseract split one word in two or merged two words, on the synthetic training pages.

The restorer prices reading two tokens as one word (``RestoreConfig.split_cost``) and one token
as two words (``merge_cost``) at -log of these shares (diacritics/resegment.py). The pages are
those OCR'd by scripts/learn_confusion.py (its cache, build/confusion/pages-<seed>.jsonl: corpus
text only, never held-out documents, samples or the dev gold).

Run:  .venv/bin/python scripts/measure_split_rates.py [build/confusion/pages-3.jsonl [N]]

N: count only the first N pages (by index). The cache only grows, so a run of learn_confusion.py
with more pages leaves more in it than the committed tables were learned from (1000 pages, see
diacritics/data/CONFUSION.md); the restorer's defaults were measured with N = 1000 (640, the tables'
size until session 11, gave nearly the same).

Each clean line is aligned with its OCR line on accent-free lowercase tokens; a 1 clean : 2 OCR
replacement whose joined OCR tokens resemble the clean word (difflib ratio >= 0.6) is a split,
2 clean : 1 OCR a merge.

Two shares are printed for each: among all words, and among the tokens the resegmentation step
actually considers (the prices it uses): a pair of neighbours that ``resegment._mergeable``
accepts, a token that ``resegment._splittable`` accepts and that has a cut into two
syllables (``resegment.syllable_cuts``; ``_try_split`` proposes nothing otherwise), and one
whose only cuts leave a half without a vowel (``resegment.lost_vowel_cut``: the price
``lost_vowel_cost``). The second needs the corpus build (``make setup``).
"""

from __future__ import annotations

import math
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics import resegment  # noqa: E402
from diacritics.api import load_restorer  # noqa: E402
from diacritics.evaluate import eval_tokens  # noqa: E402
from diacritics.orthography import strip_marks  # noqa: E402
from diacritics.render import cached_page_lines  # noqa: E402
from diacritics.restorer import Restorer  # noqa: E402
from diacritics.tokens import Token  # noqa: E402


def _key(t: str) -> str:
    return strip_marks(t).lower()


def _considered(r: Restorer, ot: list[str]) -> tuple[list[bool], list[bool], list[bool]]:
    """Per OCR token: does the resegmentation step consider merging it with the next token,
    splitting it at a cut with a vowel on each side, and splitting it only at a cut that
    leaves a vowel-less half (the restorer's own predicates, on a one-line text of the
    tokens)."""
    line = " ".join(ot)
    toks, col = [], 0
    for t in ot:
        toks.append(Token(t, 1, col))
        col += len(t) + 1
    merge = [
        i + 1 < len(toks) and resegment._mergeable(r, toks, [line], i) for i in range(len(toks))
    ]
    split = [
        resegment._splittable(r, t) and bool(resegment.syllable_cuts(r, t.text, False))
        for t in toks
    ]
    # Tokens whose only cuts leave a vowel-less half (RestoreConfig.lost_vowel_cost).
    lost = [
        resegment._splittable(r, t) and not split[k] and bool(resegment.syllable_cuts(r, t.text))
        for k, t in enumerate(toks)
    ]
    return merge, split, lost


def measure(
    pages: Path, first: int | None = None
) -> tuple[int, int, int, tuple[int, int, int, int, int, int]]:
    """(clean words, splits, merges, (mergeable pairs, of them split words, splittable
    tokens, of them merged words, tokens splittable only where a vowel was lost, of them
    merged words)) over the pages of a learn_confusion cache file (those with an index below
    ``first`` when given)."""
    words = splits = merges = 0
    pairs = pairs_split = singles = singles_merged = lost = lost_merged = 0
    r = load_restorer()
    for clean, ocr in cached_page_lines(pages, first):
        ct, ot = eval_tokens(clean), eval_tokens(ocr)
        words += len(ct)
        sm = SequenceMatcher(None, [_key(t) for t in ot], [_key(t) for t in ct], False)
        at_split, at_merge = set(), set()
        for tag, a1, a2, b1, b2 in sm.get_opcodes():
            if tag != "replace":
                continue
            o = "".join(_key(t) for t in ot[a1:a2])
            c = "".join(_key(t) for t in ct[b1:b2])
            similar = SequenceMatcher(None, o, c).ratio() >= 0.6
            if (b2 - b1, a2 - a1) == (1, 2) and similar:
                splits += 1
                at_split.add(a1)
            elif (b2 - b1, a2 - a1) == (2, 1) and similar:
                merges += 1
                at_merge.add(a1)
        mergeable, splittable, vowel_lost = _considered(r, ot)
        for i in range(len(ot)):
            pairs += mergeable[i]
            pairs_split += mergeable[i] and i in at_split
            singles += splittable[i]
            singles_merged += splittable[i] and i in at_merge
            lost += vowel_lost[i]
            lost_merged += vowel_lost[i] and i in at_merge
    return words, splits, merges, (pairs, pairs_split, singles, singles_merged, lost, lost_merged)


def main() -> None:
    pages = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/confusion/pages-3.jsonl"
    if not pages.exists():
        sys.exit(f"{pages}: not found; run scripts/learn_confusion.py first (make confusion)")
    first = int(sys.argv[2]) if len(sys.argv) > 2 else None
    words, splits, merges, (pairs, pairs_split, singles, singles_merged, lost, lost_merged) = (
        measure(pages, first)
    )
    for name, n in (("split", splits), ("merge", merges)):
        share = n / words
        print(f"{name}: {n} of {words} words = {100 * share:.3f}% -> {-math.log(share):.2f} nats")
    for name, n, of, what in (
        ("split_cost", pairs_split, pairs, "neighbours the step may merge"),
        ("merge_cost", singles_merged, singles, "tokens the step may split"),
        ("lost_vowel_cost", lost_merged, lost, "tokens it may split only where a vowel was lost"),
    ):
        share = n / of
        print(f"{name}: {n} of {of} {what} = {100 * share:.2f}% -> {-math.log(share):.2f} nats")


if __name__ == "__main__":
    main()
