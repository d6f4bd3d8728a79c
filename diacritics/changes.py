"""The record of what restoration changed: one :class:`Change` per word.

A restoration is explainable and replayable: applying its changes to the input
text (:func:`replay`) gives exactly the output text. Tests check that property.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum


class Source(StrEnum):
    """Where the spelling of a changed word came from."""

    CORPUS = "corpus"  # a matching passage of the reference corpus
    LM = "lm"  # the noisy-channel decoder (confusion model + n-gram language model)
    LEXICON = "lexicon"  # a lexicon entry (gazetteer, user lexicon)
    # the document's own reading of a name it abbreviates (diacritics/initials.py)
    DOCUMENT = "document"


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


def compose(
    text: str,
    first: tuple[Change, ...] | list[Change],
    then: tuple[Change, ...] | list[Change],
    flag_threshold: float,
) -> tuple[Change, ...]:
    """The changes that take ``text`` where ``first`` and then ``then`` take it: ``then`` is
    a restoration of ``replay(text, first)``, its offsets in that text.

    A change of ``then`` that touches no change of ``first`` moves back to the input's
    offsets; changes that overlap (in the intermediate text) become one change of the input's
    span, with the source and confidence of the least sure of them (the final spelling is only
    as sure as its least sure step) and the alternatives of a later change that covers it all.
    A span that comes back to what the input had is no change."""
    lines = text.split("\n")
    by_line: dict[int, tuple[list[Change], list[Change]]] = {}
    for c in first:
        by_line.setdefault(c.line, ([], []))[0].append(c)
    for c in then:
        by_line.setdefault(c.line, ([], []))[1].append(c)
    out: list[Change] = []
    for ln, (ones, twos) in by_line.items():
        line0 = lines[ln - 1]
        # Spans in the intermediate line: (start, end, 0 for first / 1 for then, change).
        spans = []
        shift = 0
        for c in sorted(ones, key=lambda c: c.col):
            start = c.col + shift
            spans.append((start, start + len(c.after), 0, c))
            shift += len(c.after) - len(c.before)
        spans += [(c.col, c.col + len(c.before), 1, c) for c in twos]
        spans.sort(key=lambda s: (s[0], s[1]))
        groups: list[list[tuple[int, int, int, Change]]] = []
        end = -1
        for s in spans:
            # Overlapping spans join (touching ones replay as they are, right to left).
            if groups and s[0] < end:
                groups[-1].append(s)
                end = max(end, s[1])
            else:
                groups.append([s])
                end = s[1]
        shift = 0  # intermediate offset - input offset, before the current group
        for g in groups:
            a, b = g[0][0], max(s[1] for s in g)
            olds = [s[3] for s in g if s[2] == 0]
            news = [s[3] for s in g if s[2] == 1]
            grown = sum(len(c.after) - len(c.before) for c in olds)
            a0 = a - shift
            shift += grown
            if not news:
                out.extend(olds)
                continue
            if not olds and len(news) == 1:
                out.append(replace(news[0], col=a0))
                continue
            before = line0[a0 : a0 + (b - a) - grown]
            middle = replay(before, [replace(c, line=1, col=c.col - a0) for c in olds])
            after = replay(middle, [replace(c, line=1, col=c.col - a) for c in news])
            if after == before:
                continue
            least = min(olds + news, key=lambda c: c.confidence)
            # A later change's alternatives are readings of the whole span only if it covers it.
            whole = len(news) == 1 and (news[0].col, news[0].col + len(news[0].before)) == (a, b)
            out.append(
                Change(
                    line=ln,
                    col=a0,
                    before=before,
                    after=after,
                    source=least.source,
                    confidence=least.confidence,
                    flagged=least.confidence < flag_threshold,
                    alternatives=news[0].alternatives if whole else (),
                )
            )
    out.sort(key=lambda c: (c.line, c.col))
    return tuple(out)


def moved_back(
    words: tuple[Unresolved, ...], first: tuple[Change, ...] | list[Change]
) -> tuple[Unresolved, ...]:
    """``words`` (at offsets of ``replay(text, first)``) at the offsets of ``text``; a word
    inside the span of one of ``first``'s changes is left out: only that change made it, and
    the change answers for it."""
    by_line: dict[int, list[Change]] = {}
    for c in first:
        by_line.setdefault(c.line, []).append(c)
    for cs in by_line.values():
        cs.sort(key=lambda c: c.col)
    out = []
    for u in words:
        grown, inside = 0, False  # (intermediate - input offset, before the word)
        for c in by_line.get(u.line, ()):
            start = c.col + grown  # that change's start in the intermediate line
            if start + len(c.after) <= u.col:
                grown += len(c.after) - len(c.before)
            elif start < u.col + len(u.word):
                inside = True
                break
        if not inside:
            out.append(Unresolved(u.line, u.col - grown, u.word))
    return tuple(out)


def still_unresolved(
    words: tuple[Unresolved, ...],
    first: tuple[Change, ...] | list[Change],
    then: tuple[Change, ...] | list[Change],
) -> tuple[Unresolved, ...]:
    """The words of ``words`` (unresolved by ``first``, at the input's offsets) that ``then``
    (a restoration of ``replay(text, first)``, its offsets in that text) left alone: still as
    printed, so still to review. A word one of ``then``'s changes touches is left out: that
    change answers for it.

    Without this, a document read a second time (after merges and splits) kept only the second
    reading's unresolved words, and that reading sees repaired text, which has none: a
    development page lost all 32 of its review marks for unread words."""
    shift_by_line: dict[int, list[Change]] = {}
    for c in first:
        shift_by_line.setdefault(c.line, []).append(c)
    spans: dict[int, list[tuple[int, int]]] = {}
    for c in then:
        spans.setdefault(c.line, []).append((c.col, c.col + len(c.before)))
    out = []
    for u in words:
        # The word's start in the intermediate text: the changes of ``first`` before it moved it.
        col = u.col + sum(
            len(c.after) - len(c.before) for c in shift_by_line.get(u.line, ()) if c.col < u.col
        )
        end = col + len(u.word)
        if not any(a < end and col < b for a, b in spans.get(u.line, ())):
            out.append(u)
    return tuple(out)
