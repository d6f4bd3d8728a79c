"""`plans eval`: measure restoration and extraction against gold files."""

from __future__ import annotations

import importlib

import click

SUB = {
    "restore": "pipeline.commands.eval_restore",  # restoration accuracy (diacritics)
    "records": "pipeline.commands.eval_records",  # record extraction, field by field
}


class _Lazy(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUB)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        mod = SUB.get(name)
        return importlib.import_module(mod).command if mod else None  # type: ignore[no-any-return]


@click.group(name="eval", cls=_Lazy)
def command() -> None:
    """Measure restoration accuracy or record extraction against gold files.

    \b
    Examples:
      plans eval restore samples/dang-uy-phuong-binh-dinh-2025.txt \\
          --gold ../shared/dev-gold/dang-uy-phuong-binh-dinh-2025.clean.txt
      plans eval records out/records/dang-uy-phuong-binh-dinh-2025.json \\
          --gold ../shared/dev-gold/dang-uy-phuong-binh-dinh-2025.record.json
    """
