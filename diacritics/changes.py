"""The record of what restoration changed: one :class:`Change` per word.

A restoration is explainable and replayable: applying its changes to the input
text (:func:`replay`) gives exactly the output text. Tests check that property.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Source(StrEnum):
    """Where the spelling of a changed word came from."""

    CORPUS = "corpus"  # a matching passage of the reference corpus
    LM = "lm"  # the noisy-channel decoder (confusion model + n-gram language model)
    LEXICON = "lexicon"  # a lexicon entry (gazetteer, user lexicon)


@dataclass(frozen=True)
class Change:
    """One word replaced by restoration.

    ``line`` is 1-based, ``col`` is the 0-based character offset of ``before`` in
    that line of the *input*. ``confidence`` is in [0, 1]; ``flagged`` is True when
    it is below the review threshold, so an archivist knows which words to check.
    ``before`` may span several input tokens (a split word) and ``after`` may
    contain spaces (a merged word pulled apart).
    """

    line: int
    col: int
    before: str
    after: str
    source: Source
    confidence: float
    flagged: bool = False
    alternatives: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["source"] = self.source.value
        d["alternatives"] = list(self.alternatives)
        return d

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Change:
        return cls(
            line=int(d["line"]),  # type: ignore[call-overload]
            col=int(d["col"]),  # type: ignore[call-overload]
            before=str(d["before"]),
            after=str(d["after"]),
            source=Source(str(d["source"])),
            confidence=float(d["confidence"]),  # type: ignore[arg-type]
            flagged=bool(d.get("flagged", False)),
            alternatives=tuple(d.get("alternatives", ()) or ()),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Unresolved:
    """A word of damaged text left as printed although it is no known Vietnamese syllable
    (OCR debris the restorer could not read, or a name the corpus does not know): for review,
    like a flagged change. ``line`` 1-based, ``col`` 0-based in the input."""

    line: int
    col: int
    word: str

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Restoration:
    """Restored text, the changes that turn the input into it, and the words it left as
    printed without vouching for them."""

    text: str
    changes: tuple[Change, ...] = field(default_factory=tuple)
    unresolved: tuple[Unresolved, ...] = field(default_factory=tuple)

    @property
    def flagged(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.flagged)


def replay(text: str, changes: tuple[Change, ...] | list[Change]) -> str:
    """Apply ``changes`` to ``text`` (the input of a restoration).

    Raises ValueError when a change does not match the text it claims to replace,
    so a corrupted or stale explanation is detected instead of silently applied.
    """
    lines = text.split("\n")
    by_line: dict[int, list[Change]] = {}
    for c in changes:
        by_line.setdefault(c.line, []).append(c)
    for ln, cs in by_line.items():
        if not 1 <= ln <= len(lines):
            raise ValueError(f"change on line {ln}, but the text has {len(lines)} lines")
        s = lines[ln - 1]
        # Right to left, so earlier offsets stay valid.
        for c in sorted(cs, key=lambda c: c.col, reverse=True):
            if s[c.col : c.col + len(c.before)] != c.before:
                raise ValueError(
                    f"line {ln} col {c.col}: expected {c.before!r}, "
                    f"found {s[c.col : c.col + len(c.before)]!r}"
                )
            s = s[: c.col] + c.after + s[c.col + len(c.before) :]
        lines[ln - 1] = s
    return "\n".join(lines)
