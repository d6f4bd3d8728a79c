"""Lines the corpus writes again and again, and the damaged lines that are one of them.

Every administrative document carries the same short lines: the state's name and motto
("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"), a signer's block
("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), "Nơi nhận:". OCR damages them like any other line
("Doc lp = tu do - Fanh phu"), and where too few words of such a line survive for the
corpus passages (an exact run of five accent-free words) or the language model to read it,
the whole line still looks like the formula. So the corpus build counts its short lines
without numbers by their accent-free words (``lines.tsv``: key, the spelling most lines
with that key have, count), and a damaged line whose reading is near a frequent one (fuzzy
ratio of the accent-free words, rapidfuzz) with as many words takes the formula's spelling,
word by word, where OCR could have printed that word so (the restorer checks).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

from diacritics.orthography import strip_marks

# A line worth keeping: 2 to 12 words, no digit (dates and numbers change from one document
# to the next), seen this many times at least.
MIN_WORDS, MAX_WORDS, MIN_COUNT = 2, 12, 3
_WORD_RE = re.compile(r"[^\W\d_]+")
# A list item's number or letter before its text ("IV. TỔ CHỨC THỰC HIỆN", "a) Có tổ chức"):
# it changes from one document to the next, the text after it is the formula.
_ENUMERATOR_RE = re.compile(r"\s*(?:[IVXLC]+|[^\W\d_])[.)]\s")


def line_key(words: Iterable[str]) -> str:
    """The accent-free, lowercase words of a line, one space apart."""
    return " ".join(strip_marks(w).lower() for w in words)


class LineCounts:
    """The corpus's short lines by key, counted while the build reads the corpus."""

    def __init__(self) -> None:
        self.spellings: dict[str, Counter[str]] = {}

    def add(self, text: str, normalize: Callable[[str], str]) -> None:
        for line in text.split("\n"):
            if any(c.isdigit() for c in line):
                continue
            m = _ENUMERATOR_RE.match(line)
            words = _WORD_RE.findall(line[m.end() :] if m else line)
            if not MIN_WORDS <= len(words) <= MAX_WORDS:
                continue
            spelled = normalize(" ".join(words))
            self.spellings.setdefault(line_key(words), Counter())[spelled] += 1

    def write(self, path: Path) -> int:
        """Write the lines seen MIN_COUNT times or more (sorted, so builds are reproducible);
        returns how many."""
        rows = []
        for key, forms in self.spellings.items():
            n = sum(forms.values())
            if n >= MIN_COUNT:
                # The spelling most of them share; on a tie, the first in sorted order.
                best = min(forms.items(), key=lambda f: (-f[1], f[0]))[0]
                rows.append((key, best, n))
        rows.sort()
        with open(path, "w", encoding="utf-8") as f:
            f.write(
                "# short lines the corpus repeats: key, spelling, count; `plans corpus build`\n"
            )
            for key, best, n in rows:
                f.write(f"{key}\t{best}\t{n}\n")
        return len(rows)


class Formulas:
    """The frequent lines of a build (``lines.tsv``), by number of words."""

    def __init__(self, path: Path):
        self.by_len: dict[int, tuple[list[str], list[str]]] = {}
        if not path.exists():
            return
        for row in path.read_text(encoding="utf-8").splitlines():
            if row.startswith("#"):
                continue
            key, spelled, _n = row.split("\t")
            keys, spells = self.by_len.setdefault(len(key.split()), ([], []))
            keys.append(key)
            spells.append(spelled)

    def match(self, words: list[str], cutoff: float) -> list[str] | None:
        """The spelling (its words) of the frequent line with as many words as ``words`` whose
        key is nearest to theirs, at a fuzzy ratio of ``cutoff`` or more; None if none is."""
        keys, spells = self.by_len.get(len(words), ([], []))
        if not keys:
            return None
        hit = process.extractOne(line_key(words), keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        return None if hit is None else spells[hit[2]].split(" ")
