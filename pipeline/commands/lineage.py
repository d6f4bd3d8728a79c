"""`plans lineage`: not built yet."""

import click


@click.command(name="lineage")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
