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
_DIGIT_RE = re.compile(r"\d")
_PASSAGE_WORD_RE = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")
# A list item's number or letter before its text ("IV. TỔ CHỨC THỰC HIỆN", "a) Có tổ chức"):
# it changes from one document to the next, the text after it is the formula.
_ENUMERATOR_RE = re.compile(r"\s*(?:[IVXLC]+|[^\W\d_])[.)]\s")


def line_key(words: Iterable[str]) -> str:
    """The accent-free, lowercase words of a line, one space apart."""
    return " ".join(strip_marks(w).lower() for w in words)


class LineCounts:
    """The corpus's short lines by key, counted while the build reads the corpus."""

    def __init__(self) -> None:
        # key -> spelling as the corpus writes it -> count (normalized when written: most
        # short lines are seen once and never kept).
        self.spellings: dict[str, Counter[str]] = {}

    def add(self, text: str) -> None:
        # (Over every line of the corpus: regular expressions first, Python loops over letters
        # only for the short lines; "²" is a digit to isdigit, not to \d.)
        for line in text.split("\n"):
            if _DIGIT_RE.search(line):
                continue
            m = _ENUMERATOR_RE.match(line)
            words = _WORD_RE.findall(line, m.end() if m else 0)
            if not MIN_WORDS <= len(words) <= MAX_WORDS or any(c.isdigit() for c in line):
                continue
            self.spellings.setdefault(line_key(words), Counter())[" ".join(words)] += 1

    def write(self, path: Path, normalize: Callable[[str], str]) -> int:
        """Write the lines seen MIN_COUNT times or more (sorted, so builds are reproducible),
        each with the spelling most of them share once ``normalize``d (NFC, one tone
        placement); returns how many."""
        rows = []
        for key, forms in self.spellings.items():
            n = sum(forms.values())
            if n >= MIN_COUNT:
                merged: Counter[str] = Counter()
                for form, k in forms.items():
                    merged[normalize(form)] += k
                # The spelling most of them share; on a tie, the first in sorted order.
                best = min(merged.items(), key=lambda f: (-f[1], f[0]))[0]
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


class Passages:
    """The user's own documents (``plans corpus add``: a parent plan) as one stream of words,
    for lines that copy them: a damaged line of the child plan is a window of the parent's
    words, wherever the two documents break their lines (``passages.txt`` of the build: one
    source line per line). Windows are found by the accent-free word pairs they share with
    the line, then compared whole (fuzzy ratio of the accent-free words)."""

    def __init__(self, path: Path):
        self.words: list[str] = []
        self.keys: list[str] = []
        if path.exists():
            for row in path.read_text(encoding="utf-8").splitlines():
                # Words as the restorer's tokens are, a symbol's part whole ("UBTVQH15"); no
                # numbers (a damaged line's numbers are left out of its match).
                for w in _PASSAGE_WORD_RE.findall(row):
                    self.words.append(w)
                    self.keys.append(strip_marks(w).lower())
        self._pairs: dict[tuple[str, str], list[int]] = {}
        for k in range(len(self.keys) - 1):
            self._pairs.setdefault((self.keys[k], self.keys[k + 1]), []).append(k)

    def match(self, words: list[str], cutoff: float, tries: int = 5) -> list[str] | None:
        """The words of the window of as many words as ``words`` nearest to them (accent-free
        fuzzy ratio ``cutoff`` or more) among the ``tries`` windows sharing the most word pairs
        with them; None if none is near enough."""
        n = len(words)
        query = line_key(words)
        keys = query.split(" ")
        votes: Counter[int] = Counter()
        for j in range(n - 1):
            for at in self._pairs.get((keys[j], keys[j + 1]), ()):
                if 0 <= at - j <= len(self.keys) - n:
                    votes[at - j] += 1
        starts = [s for s, _v in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:tries]]
        windows = [" ".join(self.keys[s : s + n]) for s in starts]
        # (The first of the nearest, as extractOne keeps it.)
        hit = process.extractOne(query, windows, scorer=fuzz.ratio, score_cutoff=cutoff)
        return None if hit is None else self.words[starts[hit[2]] : starts[hit[2]] + n]
