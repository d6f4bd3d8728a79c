"""Load the extraction patterns and lexicons kept as data in ``pipeline/patterns/``.

Three JSONL files, one object per line, each opening with a ``source`` line that
says where the data came from:

* ``lexicon.jsonl``: ``{"kind", "text", ["code" | "value"]}`` word lists;
* ``matcher.jsonl``: spaCy Matcher token patterns ``{"label", "id", "pattern", "comment"}``;
* ``regex.jsonl``: named regular expressions ``{"name", "regex", "comment"}`` over folded text.

Loading validates every line: an unknown or missing key, a bad regex, a pattern
spaCy rejects or a reference to an unknown lexicon kind raises
:class:`PatternFileError` with a code ``[Pnnn]``, the file and the line, so a
misspelt key fails loudly instead of silently matching nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import PlansError
from pipeline.extract.text import fold

PATTERN_DIR = Path(__file__).resolve().parent.parent / "patterns"

LEXICON_KINDS = {
    "source",
    "agency_type",
    "doc_type",
    "doc_code",
    "level",
    "city_abbrev",
    "phrase",
    "acronym",
    "signer_title",
    "surname",
    "rank",
    "unit",
    "actor_head",
    "task_verb",
    "assign_cue",
    "deadline_cue",
    "recurring_cue",
    "preamble_opener",
    "section_role",
    "target",
    "issuing_verb",
    "citation_cue",
    "not_actor",
    "abbreviation",
}
_LEXICON_KEYS = {"kind": True, "text": True, "code": False, "value": False, "comment": False}
_MATCHER_KEYS = {"label": True, "id": True, "pattern": True, "comment": False}
_REGEX_KEYS = {"name": True, "regex": True, "comment": False}
_MATCHER_LABELS = {"DATE_DMY", "DATE_MY", "DATE_DM", "DATE_Q", "DATE_YEAR_END", "QTY", "QTY_RANGE"}


class PatternFileError(PlansError):
    """A pattern or lexicon file is malformed (a bug in the data, not in the input)."""

    stage = "setup"


@dataclass(frozen=True)
class LexEntry:
    kind: str
    text: str
    code: str | None = None
    value: str | None = None

    @property
    def folded(self) -> str:
        return fold(self.text)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.exists():
        raise PatternFileError(
            "[P000] pattern file missing", path=str(path), remedy="reinstall the package"
        )
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as e:
            raise PatternFileError(
                f"[P001] line {n} is not JSON: {e.msg}", path=str(path), remedy="fix the line"
            ) from e
        if not isinstance(row, dict):
            raise PatternFileError(f"[P001] line {n} is not an object", path=str(path))
        if "source" in row and len(row) == 1:
            continue  # the provenance line
        yield n, row


def _check_keys(path: Path, n: int, row: dict[str, Any], keys: dict[str, bool]) -> None:
    unknown = sorted(set(row) - set(keys))
    if unknown:
        raise PatternFileError(
            f"[P002] line {n}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(keys))})",
            path=str(path),
            remedy="fix the spelling of the key",
        )
    missing = [k for k, required in keys.items() if required and k not in row]
    if missing:
        raise PatternFileError(
            f"[P003] line {n}: missing key {missing[0]!r}", path=str(path), remedy="add the key"
        )


def load_lexicon(path: Path | None = None) -> tuple[LexEntry, ...]:
    path = path or PATTERN_DIR / "lexicon.jsonl"
    out: list[LexEntry] = []
    for n, row in _rows(path):
        if row.get("kind") == "source":
            continue
        _check_keys(path, n, row, _LEXICON_KEYS)
        if row["kind"] not in LEXICON_KINDS:
            raise PatternFileError(
                f"[P004] line {n}: unknown lexicon kind {row['kind']!r}",
                path=str(path),
                remedy=f"use one of: {', '.join(sorted(LEXICON_KINDS))}",
            )
        if not isinstance(row["text"], str) or not row["text"].strip():
            raise PatternFileError(f"[P005] line {n}: empty text", path=str(path))
        out.append(LexEntry(row["kind"], row["text"], row.get("code"), row.get("value")))
    return tuple(out)


def load_regexes(path: Path | None = None) -> dict[str, re.Pattern[str]]:
    path = path or PATTERN_DIR / "regex.jsonl"
    out: dict[str, re.Pattern[str]] = {}
    for n, row in _rows(path):
        _check_keys(path, n, row, _REGEX_KEYS)
        if row["name"] in out:
            raise PatternFileError(
                f"[P006] line {n}: duplicate name {row['name']!r}", path=str(path)
            )
        try:
            out[row["name"]] = re.compile(row["regex"])
        except re.error as e:
            raise PatternFileError(
                f"[P007] line {n}: bad regex {row['name']!r}: {e}", path=str(path)
            ) from e
    return out


def load_matcher_patterns(
    path: Path | None = None, lexicon: tuple[LexEntry, ...] | None = None
) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(label, id, token pattern) triples, with ``"@kind"`` lists expanded from the lexicon."""
    path = path or PATTERN_DIR / "matcher.jsonl"
    lexicon = lexicon if lexicon is not None else load_lexicon()
    out = []
    for n, row in _rows(path):
        _check_keys(path, n, row, _MATCHER_KEYS)
        if row["label"] not in _MATCHER_LABELS:
            raise PatternFileError(
                f"[P008] line {n}: unknown label {row['label']!r}",
                path=str(path),
                remedy=f"use one of: {', '.join(sorted(_MATCHER_LABELS))}",
            )
        if not isinstance(row["pattern"], list) or not row["pattern"]:
            raise PatternFileError(
                f"[P009] line {n}: pattern must be a non-empty list", path=str(path)
            )
        pattern = [_expand(tok, lexicon, path, n) for tok in row["pattern"]]
        out.append((row["label"], row["id"], pattern))
    _validate_with_spacy(out, path)
    return out


def _expand(tok: Any, lexicon: tuple[LexEntry, ...], path: Path, n: int) -> Any:
    if isinstance(tok, dict):
        return {k: _expand(v, lexicon, path, n) for k, v in tok.items()}
    if isinstance(tok, str) and tok.startswith("@"):
        kind = tok[1:]
        if kind not in LEXICON_KINDS:
            raise PatternFileError(
                f"[P010] line {n}: unknown lexicon reference {tok!r}", path=str(path)
            )
        # A token matches the first word of a (possibly multi-word) entry; the caller
        # extends the match to the longest entry.
        return sorted({e.folded.split()[0] for e in lexicon if e.kind == kind})
    return tok


def _validate_with_spacy(rows: list[tuple[str, str, list[dict[str, Any]]]], path: Path) -> None:
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher

    from pipeline.extract.nlp import make_nlp

    matcher = Matcher(make_nlp().vocab, validate=True)
    for label, pid, pattern in rows:
        try:
            matcher.add(f"{label}:{pid}", [pattern])
        except (MatchPatternError, ValueError) as e:
            raise PatternFileError(
                f"[P011] pattern {pid!r} rejected by spaCy: {e}".replace("\n", " "),
                path=str(path),
            ) from e


@cache
def lexicon() -> tuple[LexEntry, ...]:
    return load_lexicon()


@cache
def regexes() -> dict[str, re.Pattern[str]]:
    return load_regexes()


def lex(kind: str) -> tuple[LexEntry, ...]:
    """Entries of one kind, longest first (so the longest phrase wins a match)."""
    return tuple(sorted((e for e in lexicon() if e.kind == kind), key=lambda e: -len(e.text)))
