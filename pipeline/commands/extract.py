"""`plans extract`: not built yet."""

import click


@click.command(name="extract")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
