"""Plan records: turn a (restored) plan into a JSON record valid against the schema.

Public API::

    extract_record(doc: Document, config: ExtractConfig | None = None) -> dict
    extract_from_text(text, doc_id="document", source="<text>") -> dict
    validate_record(record) -> None   # raises InvalidRecordError naming the field

The record's keys are the product's public contract (issue 4,
``schemas/plan-record.schema.json``). Every item keeps the page and line it came
from in ``provenance.items``. Extraction is deterministic: the same text gives
the same record, byte for byte once serialised with sorted keys.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import InvalidRecordError
from pipeline.extract.actors import find_criteria, find_deadlines, find_responsibilities
from pipeline.extract.dates import find_dates
from pipeline.extract.header import find_movement, find_period, parse_header
from pipeline.extract.quantities import find_quantities
from pipeline.extract.references import dedupe, find_references
from pipeline.extract.sections import parse_outline
from pipeline.extract.signer import parse_closing
from pipeline.extract.text import Line, document_lines, layout
from pipeline.records import Document, Method, Page

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "plan-record.schema.json"
SCHEMA_ID = "https://plans.example/schemas/plan-record.schema.json"
RECORD_VERSION = "1.0"

__all__ = [
    "ExtractConfig",
    "extract_record",
    "extract_from_text",
    "validate_record",
    "load_schema",
    "SCHEMA_PATH",
]


@dataclass(frozen=True)
class ExtractConfig:
    """Options of record extraction.

    ``item_provenance`` (default True): list the page and line of every extracted
    item in ``provenance.items`` (turn off for smaller records).
    ``validate`` (default True): validate the record against the schema before
    returning it; an invalid record raises :class:`InvalidRecordError`.
    """

    item_provenance: bool = True
    validate: bool = True


def _where(line: Line | None) -> dict[str, int] | None:
    return None if line is None else {"page": line.page, "line": line.number}


def extract_record(doc: Document, config: ExtractConfig | None = None) -> dict[str, Any]:
    """The plan record of ``doc``, read from each page's final (restored) text."""
    config = config or ExtractConfig()
    lines = document_lines(doc)
    lay = layout(lines)
    items: list[dict[str, Any]] = []

    def note(field: str, index: int | None, line: Line | None) -> None:
        if line is not None:
            items.append({"field": field, "index": index, "page": line.page, "line": line.number})

    h = parse_header(lay)
    closing = parse_closing(lay)
    closing_start = closing.start if closing.start is not None else len(lines)
    body_end = next(
        (k for k, p in enumerate(lay.paragraphs) if p.first.index >= closing_start),
        len(lay.paragraphs),
    )
    body_start = h.body_start
    # "Trên đây là Kế hoạch ..." closes the body: what follows is no task or heading.
    body_end = next(
        (
            k
            for k in range(body_start, body_end)
            if lay.paragraphs[k].folded.lstrip().startswith("tren day la")
        ),
        body_end,
    )
    outline = parse_outline(
        lay, _outline_start(lay, body_start, body_end), body_end, skip=h.addressees
    )

    # Dates: every paragraph, in order.
    dates = []
    for p in lay.paragraphs:
        dates += find_dates(p, h.issued_line, closing_start if closing.start is not None else None)
    # References: from the title on (the header's own number is not a citation).
    refs = []
    for p in lay.paragraphs[max(0, body_start - 1) : body_end]:
        refs += find_references(p, h.number)
    refs = dedupe(refs)
    quantities = []
    for p in lay.paragraphs[body_start:body_end]:
        quantities += find_quantities(p)
    responsibilities = find_responsibilities(outline, lay)
    criteria = find_criteria(outline, lay)
    deadlines = find_deadlines(dates, responsibilities, lay)
    movement = find_movement(lay)
    issued_year = next(
        (int(d.iso[:4]) for d in dates if d.role == "issued" and d.iso[:1] != "-"), None
    )
    period = find_period(h.title, lay, issued_year)

    record: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "doc_type": h.doc_type,
        "title": h.title,
        "number": h.number,
        "issued_date": h.issued_date,
        "issued_place": h.issued_place,
        "issuer": h.issuer,
        "issuer_level": h.issuer_level,
        "movement": movement,
        "period": period,
        "signer": {"name": closing.name, "title": closing.title, "capacity": closing.capacity},
        "references": [
            {"doc_type": r.doc_type, "number": r.number, "date": r.date, "issuer": r.issuer}
            | ({"title": r.title} if r.title else {})
            for r in refs
        ],
        "dates": [{"text": d.text, "iso": d.iso, "role": d.role} for d in dates],
        "deadlines": [
            {"task": d.task, "date": d.date, "recurring": d.recurring, "actor": d.actor}
            for d in deadlines
        ],
        "quantities": [
            {"text": q.text, "value": q.value, "unit": q.unit}
            | ({"total": q.total} if q.total is not None else {})
            | ({"value_max": q.value_max} if q.value_max is not None else {})
            for q in quantities
        ],
        "criteria": [{"target": c.target, "text": c.text} for c in criteria],
        "responsibilities": [{"actor": r.actor, "tasks": r.tasks} for r in responsibilities],
        "recipients": [t for t, _ in closing.recipients],
        "sections": [n.title for n in outline.headings()],
    }
    for f, ln in (
        ("doc_type", h.doc_type_line),
        ("title", h.title_lines[1] if len(h.title_lines) > 1 else h.doc_type_line),
        ("number", h.number_line if h.number else None),
        ("issued_date", h.issued_line),
        ("issuer", h.issuer_line),
        ("signer.capacity", closing.capacity_line),
        ("signer.title", closing.title_line),
        ("signer.name", closing.name_line),
    ):
        note(f, None, ln)
    for name, seq in (
        ("references", [r.line for r in refs]),
        ("dates", [d.line for d in dates]),
        ("deadlines", [d.line for d in deadlines]),
        ("quantities", [q.line for q in quantities]),
        ("criteria", [c.line for c in criteria]),
        ("responsibilities", [r.line for r in responsibilities]),
        ("recipients", [ln for _, ln in closing.recipients]),
        ("sections", [n.line for n in outline.headings()]),
    ):
        for i, ln in enumerate(seq):
            note(name, i, ln)
    record["provenance"] = _provenance(doc, items if config.item_provenance else [])
    if config.validate:
        validate_record(record)
    return record


def _outline_start(lay: Any, start: int, end: int) -> int:
    """First paragraph of the outline: the first roman heading or article, else the first
    numbered one; the authority line and "QUYẾT ĐỊNH:" of a decision come before it."""
    from pipeline.extract.sections import classify

    kinds = [(k, classify(lay.paragraphs[k], 1)) for k in range(start, end)]
    for wanted in (("roman", "article"), ("arabic",)):
        k = next((k for k, c in kinds if c is not None and c[0] in wanted), None)
        if k is not None:
            return k
    return start


def _provenance(doc: Document, items: list[dict[str, Any]]) -> dict[str, Any]:
    changed = sum(len(p.changes) for p in doc.pages)
    flagged = sum(1 for p in doc.pages for c in p.changes if c.flagged)
    return {
        "source": doc.source,
        "sha256": doc.sha256,
        "kind": doc.kind,
        "record_version": RECORD_VERSION,
        "pages": [
            {
                "number": p.number,
                "method": p.method.value,
                "ocr_model": p.ocr_model,
                "confidence": p.confidence,
                "garbled": round(p.garbled, 4),
                "restored": p.restored is not None,
            }
            for p in doc.pages
        ],
        "restoration": {
            "restored": any(p.restored is not None for p in doc.pages),
            "words_changed": changed,
            "words_flagged": flagged,
            "words_unresolved": sum(len(p.unresolved) for p in doc.pages),
            "words_ocr_unsure": sum(len(p.unsure) for p in doc.pages),
        },
        "items": items,
    }


def document_from_text(text: str, doc_id: str = "document", source: str = "<text>") -> Document:
    """A text-file Document (pages split on form feeds) for :func:`extract_from_text`."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    pages = tuple(
        Page(number=i, text=t, method=Method.TEXT_FILE)
        for i, t in enumerate(text.split("\f"), start=1)
    )
    return Document(doc_id=doc_id, source=source, sha256=sha, kind="txt", pages=pages)


def extract_from_text(
    text: str, doc_id: str = "document", source: str = "<text>", config: ExtractConfig | None = None
) -> dict[str, Any]:
    """The record of a plain text (already restored or clean)."""
    return extract_record(document_from_text(text, doc_id, source), config)


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate_record(record: dict[str, Any]) -> None:
    """Raise :class:`InvalidRecordError` naming the first invalid field (a JSON path)."""
    errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    e = errors[0]
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
    raise InvalidRecordError(
        f"record field {path} is invalid: {e.message}",
        path=str(record.get("provenance", {}).get("source") or record.get("doc_id") or ""),
        remedy="this is a bug in extraction; report it with the input file",
    )
