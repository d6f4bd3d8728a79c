"""`plans lineage`: which plan cites which across the backlog, and what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.commands.search import DEFAULT_CATALOG
from pipeline.errors import OutputError
from pipeline.lineage import lineage_from_catalog, lineage_from_records, render_svg


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise OutputError(str(e), path=str(path), remedy="choose a writable path") from e


@click.command(name="lineage")
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CATALOG,
    show_default=True,
    help="The catalog to read (OUT/catalog.sqlite).",
)
@click.option(
    "--records",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read a folder of record JSON files (OUT/records) instead of a catalog.",
)
@click.option("--json", "json_file", help="Write the graph as JSON to this file (- for stdout).")
@click.option(
    "--svg", "svg_file", type=click.Path(dir_okay=False, path_type=Path), help="Draw it (Graphviz)."
)
@click.option(
    "--dot",
    "dot_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the DOT source.",
)
def command(
    catalog: Path,
    records: Path | None,
    json_file: str | None,
    svg_file: Path | None,
    dot_file: Path | None,
) -> None:
    """The graph of which plan cites which (commune -> district -> province).

    Documents cited but not in the backlog are "missing" nodes, printed as a
    to-do list for the archivist.
    """
    ctx = click.get_current_context()
    if records and ctx.get_parameter_source("catalog") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("give --catalog or --records, not both")
    graph = lineage_from_records(records) if records else lineage_from_catalog(catalog)
    if dot_file is not None:
        _write(dot_file, graph.to_dot())
    if svg_file is not None:
        _write(svg_file, render_svg(graph.to_dot()))
    if json_file == "-":
        click.echo(json.dumps(graph.to_json(), ensure_ascii=False, indent=2))
        return
    if json_file:
        _write(Path(json_file), json.dumps(graph.to_json(), ensure_ascii=False, indent=2))
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    docs = sum(1 for n in graph.nodes if n.kind == "document")
    console = Console()
    console.print(
        f"{docs} document(s), {len(graph.edges)} citation(s), {len(graph.missing)} cited document(s) missing"
    )
    if graph.missing:
        table = Table(title="Missing from the backlog (to find and add)")
        for col in ("number", "type", "issuer", "date", "cited by"):
            table.add_column(col)
        for n in graph.missing:
            table.add_row(
                *(Text(x or "") for x in (n.number, n.doc_type, n.issuer, n.date)),
                Text(", ".join(n.cited_by)),
            )
        console.print(table)
