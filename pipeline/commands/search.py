"""`plans search`: not built yet."""

import click


@click.command(name="search")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
