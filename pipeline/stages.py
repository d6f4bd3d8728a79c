"""The stages after ingestion, called by the batch through one small module.

Restoration (:mod:`diacritics.api`), extraction (:mod:`pipeline.extract`) and the
catalog (:mod:`pipeline.catalog`) are separate areas; the batch only calls the
functions here, so their integration is in one place.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.quality import QualityConfig
from pipeline.records import Document

# Pages whose garbled score is above this are restored under --restore auto.
DEFAULT_RESTORE_THRESHOLD = QualityConfig().garbled_threshold

_restorer: Any = None


def restore(doc: Document, policy: str, threshold: float) -> Document:
    """Restore diacritics of the pages ``policy`` selects: never | always | auto.

    ``auto`` restores pages whose garbled score is above ``threshold``. One
    restorer per process (it loads the built corpus once).
    """
    global _restorer
    if policy == "never":
        return doc
    pages = {p.number for p in doc.pages if policy == "always" or p.garbled > threshold}
    if not pages:
        return doc
    if _restorer is None:
        from diacritics.api import load_restorer

        _restorer = load_restorer()
    new = []
    for p in doc.pages:
        if p.number in pages and p.text.strip():
            r = _restorer.restore(p.text)
            p = p.with_restoration(r.text, tuple(r.changes), r.unresolved)
        new.append(p)
    return replace(doc, pages=tuple(new))


def extract(doc: Document) -> dict[str, Any] | None:
    """The plan record of ``doc``, validated against the schema."""
    from pipeline.extract import extract_record, validate_record

    record = extract_record(doc)
    validate_record(record)
    return record


def open_catalog(db: Path) -> Any:
    """The catalog at ``db`` (main process only: SQLite has one writer)."""
    from pipeline.catalog import Catalog

    return Catalog(db)


def catalog_upsert(
    cat: Any, doc: Document, record: dict[str, Any] | None, original_text: str
) -> None:
    """Add or replace ``doc`` in the catalog ``cat`` (from :func:`open_catalog`)."""
    if cat is not None:
        cat.upsert(doc, record, original_text)


def catalog_failure(cat: Any, source: str, stage: str, error: str, message: str) -> None:
    if cat is not None:
        cat.record_failure(source, stage, error, message)
