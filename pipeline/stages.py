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
from pipeline.records import Document, Method, Page

# Pages whose garbled score is above this are restored under --restore auto.
DEFAULT_RESTORE_THRESHOLD = QualityConfig().garbled_threshold
# A page Tesseract read with a Vietnamese model is post-corrected (--restore auto or always):
# from this garbled score on with the "ocr-heavy" channel (the garbled channel's prices with the
# token table of Tesseract vie, scripts/learn_confusion_vie.py; capitals judged from context
# since session 21, as on every OCR channel), below
# it with the "ocr" channel (marks of valid words questioned at 3 nats; diacritics.channel.
# OCR_VIE). Chosen on the development split's degraded pages read by Tesseract vie
# (build/dev-split/ocr-vie.jsonl, scripts/make_ocr_eval.py): as read 93.85%, "ocr" on every
# page 96.55%, "ocr-heavy" on every page 97.13% (with the Latin models' token table 96.87%),
# this split 97.21% (thresholds 0.02-0.15: 97.17-97.21%). No page was above
# DEFAULT_RESTORE_THRESHOLD: --restore auto used to leave them all as read. (The split made
# again in session 21, with vie's capitals judged from context: as read 91.98%, this policy
# 97.04%, "ocr-heavy" on every page 97.06%: the split is kept.)
OCR_GARBLED_FROM = 0.03


def restorer_for(channel: str | None) -> Any:
    """The restorer of ``channel`` (None: it judges each text), loaded once per process and
    channel by diacritics.api.load_restorer; all share the loaded corpus."""
    from diacritics.api import RestoreConfig, load_restorer

    return load_restorer(None, RestoreConfig(channel=channel))


def ocr_channel(page: Page) -> str | None:
    """The channel that post-corrects ``page``: "ocr-heavy" or "ocr" for a page Tesseract read
    with a Vietnamese model, None (the restorer judges) for any other."""
    if page.method is not Method.OCR or "vie" not in (page.ocr_model or "").split("+"):
        return None
    return "ocr-heavy" if page.garbled >= OCR_GARBLED_FROM else "ocr"


def restore(doc: Document, policy: str, threshold: float) -> Document:
    """Restore diacritics of the pages ``policy`` selects: never | always | auto.

    ``auto`` restores pages whose garbled score is above ``threshold``, and post-corrects the
    pages Tesseract read with its Vietnamese model (:func:`ocr_channel`); ``always`` restores
    every page. One restorer per process and channel (the built corpus is loaded once).
    """
    if policy == "never":
        return doc
    new = []
    for p in doc.pages:
        channel = ocr_channel(p)
        chosen = policy == "always" or p.garbled > threshold or channel is not None
        if chosen and p.text.strip():
            r = restorer_for(channel).restore(p.text)
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
