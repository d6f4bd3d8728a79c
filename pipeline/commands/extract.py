"""`plans extract FILE`: print the JSON plan record of one document."""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any

import click

log = logging.getLogger(__name__)


def _read(path: Path) -> Any:
    """The Document of ``path``: through ingestion (txt, PDF, images) when it is there."""
    try:
        ingest = importlib.import_module("pipeline.ingest").ingest
    except (ImportError, AttributeError):  # TODO(lead): remove fallback at integration
        from pipeline.extract import document_from_text

        return document_from_text(path.read_text(encoding="utf-8"), path.stem, str(path))
    return ingest(path)


def _restore(doc: Any, policy: str) -> Any:
    try:
        stages = importlib.import_module("pipeline.stages")
        quality = importlib.import_module("pipeline.quality")
    except ImportError:  # TODO(lead): remove fallback at integration
        log.warning("restoration is not available yet: extracting from the text as it is")
        return doc
    threshold = quality.QualityConfig().garbled_threshold
    return stages.restore(doc, policy, threshold)


@click.command(name="extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--restore",
    "policy",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Restore diacritics first: when the text looks garbled (auto), always, or never.",
)
@click.option("--no-restore", is_flag=True, help="Same as --restore never.")
@click.option(
    "--pretty/--compact", default=True, show_default=True, help="Indented or one-line JSON."
)
@click.option("--no-items", is_flag=True, help="Leave out the per-item page/line provenance.")
def command(file: Path, policy: str, no_restore: bool, pretty: bool, no_items: bool) -> None:
    """Print the JSON plan record of FILE (text, PDF or image), validated against the schema.

    \b
    Examples:
      plans extract samples/dang-uy-phuong-binh-dinh-2025.txt
      plans extract plan.txt --no-restore --compact
    """
    from pipeline.extract import ExtractConfig, extract_record

    if no_restore and policy == "always":
        raise click.UsageError("--no-restore and --restore always contradict each other")
    doc = _read(file)
    doc = _restore(doc, "never" if no_restore else policy)
    record = extract_record(doc, ExtractConfig(item_provenance=not no_items))
    click.echo(
        json.dumps(record, ensure_ascii=False, indent=2 if pretty else None, sort_keys=False)
    )
