"""The stages after ingestion, called by the batch through one small module.

Restoration (:mod:`diacritics.api`), extraction (:mod:`pipeline.extract`) and the
catalog (:mod:`pipeline.catalog`) are separate areas; the batch only calls the
functions here, so their integration is in one place.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.records import Document

log = logging.getLogger(__name__)
_restorer: Any = None
_warned: set[str] = set()


def _available(module: str, attr: str) -> bool:
    # TODO(lead): remove guard at integration
    try:
        ok = importlib.util.find_spec(module) is not None
        ok = ok and hasattr(importlib.import_module(module), attr)
    except ImportError:
        ok = False
    if not ok and module not in _warned:
        _warned.add(module)
        log.warning("stage skipped: %s is not available yet", module)
    return ok


def restore(doc: Document, policy: str, threshold: float) -> Document:
    """Restore diacritics of the pages ``policy`` selects: never | always | auto.

    ``auto`` restores pages whose garbled score is above ``threshold``. One
    restorer per process (it loads the built corpus once).
    """
    global _restorer
    if policy == "never":
        return doc
    pages = {p.number for p in doc.pages if policy == "always" or p.garbled > threshold}
    if not pages or not _available("diacritics.api", "load_restorer"):
        return doc
    if _restorer is None:
        _restorer = importlib.import_module("diacritics.api").load_restorer()
    new = []
    for p in doc.pages:
        if p.number in pages and p.text.strip():
            r = _restorer.restore(p.text)
            p = p.with_restoration(r.text, tuple(r.changes))
        new.append(p)
    return replace(doc, pages=tuple(new))


def extract(doc: Document) -> dict[str, Any] | None:
    """The validated plan record of ``doc``, or None when extraction is not available."""
    if not _available("pipeline.extract", "extract_record"):
        return None
    mod = importlib.import_module("pipeline.extract")
    record: dict[str, Any] = mod.extract_record(doc)
    mod.validate_record(record)
    return record


def open_catalog(db: Path) -> Any | None:
    """The catalog at ``db`` (main process only), or None when it is not available."""
    if not _available("pipeline.catalog", "Catalog"):
        return None
    return importlib.import_module("pipeline.catalog").Catalog(db)


def catalog_upsert(
    cat: Any, doc: Document, record: dict[str, Any] | None, original_text: str
) -> None:
    """Add or replace ``doc`` in the catalog ``cat`` (from :func:`open_catalog`)."""
    if cat is not None:
        cat.upsert(doc, record, original_text)


def catalog_failure(cat: Any, source: str, stage: str, error: str, message: str) -> None:
    if cat is not None and hasattr(cat, "record_failure"):
        cat.record_failure(source, stage, error, message)
