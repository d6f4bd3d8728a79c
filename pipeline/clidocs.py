"""The CLI reference (docs/cli.md), generated from the commands' own --help.

The docs cannot drift: tests/test_cli_docs.py fails when docs/cli.md differs
from what this produces. Regenerate with ``python scripts/gen_cli_docs.py``.
"""

from __future__ import annotations

import click

from pipeline.cli import cli

HEADER = """# `plans` command reference

Generated from `plans --help` by `python scripts/gen_cli_docs.py`; do not edit by hand
(tests/test_cli_docs.py fails when this file is out of date).
"""


def _walk(cmd: click.Command, path: list[str], ctx_parent: click.Context | None) -> list[str]:
    name = " ".join(path)
    # The command's own context settings (help_option_names), as `plans --help` would use them;
    # without them the text depends on which context first asked click for the help option.
    settings = {"terminal_width": 100, **cmd.context_settings}
    ctx = click.Context(cmd, info_name=path[-1], parent=ctx_parent, **settings)
    help_text = cmd.get_help(ctx)
    out = [f"\n## `{name}`\n", "```text", help_text.rstrip(), "```"]
    if isinstance(cmd, click.Group):
        for sub in cmd.list_commands(ctx):
            subcmd = cmd.get_command(ctx, sub)
            if subcmd is not None:
                out += _walk(subcmd, path + [sub], ctx)
    return out


def cli_reference() -> str:
    """Markdown for every command and sub-command, in the order --help lists them."""
    return HEADER + "\n".join(_walk(cli, ["plans"], None)) + "\n"
