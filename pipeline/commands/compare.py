"""`plans compare`: what one plan asked for and what another planned."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.commands.search import DEFAULT_CATALOG
from pipeline.compare import compare_records, load_record, to_rich
from pipeline.errors import OutputError


@click.command(name="compare")
@click.argument("a")
@click.argument("b")
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CATALOG,
    show_default=True,
    help="Where to look up A and B when they are document ids, not record files.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML page to this file.",
)
def command(a: str, b: str, catalog: Path, as_json: bool, html_file: Path | None) -> None:
    """Compare plans A and B (record JSON files, or document ids in a catalog).

    \b
    Shows which one implements the other (it cites the other's number), both
    issuers and levels, criteria aligned pairwise (matched / only in A / only
    in B, with similarity), responsibilities by actor, deadlines on one
    timeline and quantities side by side.
    """
    cmp = compare_records(load_record(a, catalog), load_record(b, catalog))
    if html_file is not None:
        from pipeline.report_html import comparison_html

        try:
            html_file.write_text(comparison_html(cmp), encoding="utf-8")
        except OSError as e:
            raise OutputError(str(e), path=str(html_file), remedy="choose a writable path") from e
    if as_json:
        click.echo(json.dumps(cmp.to_json(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    console = Console()
    for part in to_rich(cmp):
        console.print(part)
