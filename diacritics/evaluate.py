"""Syllable accuracy of a restored text against a hand-restored gold text.

Definition (shared/dev-gold/README.md): tokens are runs of word characters that contain a letter;
each line of the output is aligned to the same line of the gold on the tokens' accent-free
lowercase forms; a gold token is right only when the aligned output token is identical to it
(case included). Accuracy = right / gold tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from diacritics.orthography import strip_marks

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def eval_tokens(line: str) -> list[str]:
    return [t for t in _TOKEN_RE.findall(line) if any(c.isalpha() for c in t)]


@dataclass
class Accuracy:
    """Counts of a syllable-accuracy evaluation; ``errors`` holds (line, gold, output) samples."""

    right: int = 0
    total: int = 0
    lines_mismatch: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def _key(t: str) -> str:
    return strip_marks(t).lower()


def syllable_accuracy(output: str, gold: str, *, keep_errors: int = 0) -> Accuracy:
    """Align ``output`` to ``gold`` line by line and count the gold tokens reproduced exactly."""
    out_lines = output.split("\n")
    gold_lines = gold.split("\n")
    acc = Accuracy(lines_mismatch=abs(len(out_lines) - len(gold_lines)))
    for ln, g in enumerate(gold_lines, start=1):
        gt = eval_tokens(g)
        ot = eval_tokens(out_lines[ln - 1]) if ln <= len(out_lines) else []
        acc.total += len(gt)
        sm = SequenceMatcher(None, [_key(t) for t in ot], [_key(t) for t in gt], autojunk=False)
        matched: set[int] = set()  # gold tokens aligned to an output token, right or wrong
        for a, b, size in sm.get_matching_blocks():
            for k in range(size):
                matched.add(b + k)
                if ot[a + k] == gt[b + k]:
                    acc.right += 1
                elif len(acc.errors) < keep_errors:
                    acc.errors.append((ln, gt[b + k], ot[a + k]))
        if keep_errors:
            for b, t in enumerate(gt):
                if b not in matched and len(acc.errors) < keep_errors:
                    acc.errors.append((ln, t, ""))
    return acc


def unchanged_rate(original: str, restored: str) -> tuple[int, int]:
    """(words left unchanged, words) when restoring text that was correct to begin with."""
    acc = syllable_accuracy(restored, original)
    return acc.right, acc.total
