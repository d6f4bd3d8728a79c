"""`plans search`: find plans in a catalog by a phrase, with or without diacritics."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.catalog import LEVELS, Catalog

DEFAULT_CATALOG = Path("out") / "catalog.sqlite"


@click.command(name="search")
@click.argument("query")
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CATALOG,
    show_default=True,
    help="The catalog that `plans run -o OUT` wrote (OUT/catalog.sqlite).",
)
@click.option("--level", type=click.Choice(LEVELS), help="Only plans issued at this level.")
@click.option("--issuer", help="Only plans whose issuer contains this (accents optional).")
@click.option("--year", type=int, help="Only plans issued in this year.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Most hits (one per plan: its best line).",
)
@click.option("--json", "as_json", is_flag=True, help="Print {query, hits} as JSON.")
def command(
    query: str,
    catalog: Path,
    level: str | None,
    issuer: str | None,
    year: int | None,
    limit: int,
    as_json: bool,
) -> None:
    """Ranked hits for QUERY: document, page, line and a highlighted snippet.

    \b
    "dan van kheo", "Dân vận khéo" and "DÂN VẬN KHÉO" find the same plans,
    including plans whose only text is OCR-damaged. End a word with * for a
    prefix ("kheo*"). Exact phrase matches rank first, then OCR-tolerant ones.
    """
    with Catalog(catalog, create=False) as cat:
        hits = cat.search(query, level=level, issuer=issuer, year=year, limit=limit)
    if as_json:
        out = {"query": query, "hits": [h.to_json() for h in hits]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(hits)} hit(s) for {query!r}")
    for col in ("#", "document", "issuer", "page:line", "snippet", "score"):
        table.add_column(col)
    for i, h in enumerate(hits, start=1):
        snippet = Text(h.snippet_text)
        for a, b in h.spans:
            snippet.stylize("bold yellow", a, b)
        doc = Text(h.doc_id + (f"\n{h.title}" if h.title else ""))
        table.add_row(
            str(i), doc, Text(h.issuer or ""), f"{h.page}:{h.line}", snippet, f"{h.score:.2f}"
        )
    Console().print(table)
