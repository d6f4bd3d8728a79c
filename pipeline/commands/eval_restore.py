"""Not built yet."""

import click


@click.command(name="restore")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
