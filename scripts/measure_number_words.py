"""Numbers OCR printed for words, on the synthetic training pages: "6" for "ở", "14" for "là".

Tesseract's Latin models read some marked syllables as digits ("ở" -> "6", "là" -> "14",
"lộ"/"tổ" -> "16"). Such a token is a number to the tokenizer, and a number is never changed;
this table lets the restorer read it as a word where the language model wants one. Counted
over the pages that scripts/learn_confusion.py OCR'd (its cache, build/confusion/pages-<seed>.jsonl:
corpus text only, never held-out documents, samples or the dev gold): for each OCR token of
one or two digits standing alone between two tokens with letters on its line, what the clean
text had in its place (the number itself, written `<keep>`, or a word), aligned like
scripts/measure_split_rates.py aligns lines (accent-free tokens, one-for-one replacements).

Run:  .venv/bin/python scripts/measure_number_words.py [build/confusion/pages-3.jsonl [N]]
      (N: only the first N pages; the committed table used the 1000 of the confusion tables)

Writes diacritics/data/number_words.tsv: `ocr<TAB>clean<TAB>count` for the tokens read as a
word at least MIN_WORD times, every reading seen at least twice.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.orthography import strip_marks  # noqa: E402
from diacritics.render import cached_page_lines  # noqa: E402

MIN_WORD = 5
_TOKEN = re.compile(r"[^\s.,;:()\"“”]+")
_LETTER = re.compile(r"[^\W\d_]")
_SHORT_NUMBER = re.compile(r"\d{1,2}|&")


def _key(t: str) -> str:
    return strip_marks(t).lower()


def count(pages: Path, first: int | None = None) -> Counter[tuple[str, str]]:
    """(OCR number, clean reading) -> count; the reading is `<keep>` for a number."""
    seen: Counter[tuple[str, str]] = Counter()
    for clean, ocr in cached_page_lines(pages, first):
        ct, ot = _TOKEN.findall(clean), _TOKEN.findall(ocr)
        sm = SequenceMatcher(None, [_key(t) for t in ot], [_key(t) for t in ct], False)
        aligned: dict[int, str] = {}
        for tag, a1, a2, b1, b2 in sm.get_opcodes():
            if tag == "equal" or (tag == "replace" and a2 - a1 == b2 - b1):
                for k in range(a2 - a1):
                    aligned[a1 + k] = ct[b1 + k]
        for i, t in enumerate(ot):
            if not _SHORT_NUMBER.fullmatch(t) or not 0 < i < len(ot) - 1:
                continue
            if not (_LETTER.search(ot[i - 1]) and _LETTER.search(ot[i + 1])):
                continue
            c = aligned.get(i)
            if c is None:
                continue
            if c.isdigit() or c == t:
                seen[(t, "<keep>")] += 1
            elif _LETTER.fullmatch(c[:1]) and c.isalpha():
                seen[(t, c.lower())] += 1
    return seen


def main() -> None:
    pages = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/confusion/pages-3.jsonl"
    if not pages.exists():
        sys.exit(f"{pages}: not found; run scripts/learn_confusion.py first")
    first = int(sys.argv[2]) if len(sys.argv) > 2 else None
    seen = count(pages, first)
    words: Counter[str] = Counter()
    for (o, c), n in seen.items():
        if c != "<keep>":
            words[o] += n
    out = ROOT / "diacritics/data/number_words.tsv"
    rows = sorted(
        ((o, c, n) for (o, c), n in seen.items() if words[o] >= MIN_WORD and n >= 2),
        key=lambda r: (r[0], -r[2], r[1]),
    )
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("# numbers Tesseract printed for words, standing alone between words, on the\n")
        f.write(f"# synthetic training pages: {pages.name}, first {first or 'all'} pages\n")
        f.write(
            "# made by: .venv/bin/python scripts/measure_number_words.py "
            f"{pages.relative_to(ROOT) if pages.is_relative_to(ROOT) else pages} {first or ''}\n"
        )
        f.write("ocr\tclean\tcount\n")
        for o, c, n in rows:
            f.write(f"{o}\t{c}\t{n}\n")
    tmp.replace(out)
    for o, c, n in rows:
        print(o, c, n)


if __name__ == "__main__":
    main()
