"""`plans extract FILE`: print the JSON plan record of one document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pipeline.records import Document


def _read(path: Path) -> Document:
    """The Document of ``path`` (text, PDF or image), read by the ingestion stage."""
    from pipeline.ingest import ingest

    return ingest(path)


def _restore(doc: Document, policy: str) -> Document:
    from pipeline import stages

    return stages.restore(doc, policy, stages.DEFAULT_RESTORE_THRESHOLD)


@click.command(name="extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--restore",
    "policy",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Restore diacritics first: when the text looks garbled or Tesseract read it "
    "(auto), always, or never.",
)
@click.option("--no-restore", is_flag=True, help="Same as --restore never.")
@click.option(
    "--pretty/--compact", default=True, show_default=True, help="Indented or one-line JSON."
)
@click.option("--no-items", is_flag=True, help="Leave out the per-item page/line provenance.")
def command(file: Path, policy: str, no_restore: bool, pretty: bool, no_items: bool) -> None:
    """Print the JSON plan record of FILE (text, PDF, image, Word or RTF), validated by the schema.

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
