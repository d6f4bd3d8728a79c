"""Not built yet."""

import click


@click.command(name="records")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
