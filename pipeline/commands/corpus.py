"""`plans corpus`: not built yet."""

import click


@click.command(name="corpus")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
