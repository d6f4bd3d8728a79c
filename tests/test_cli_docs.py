"""The CLI reference in docs/ is generated from --help and must be current."""

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import COMMANDS, cli
from pipeline.clidocs import cli_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is out of date: run `python scripts/gen_cli_docs.py`"
    )


def test_every_command_is_documented_and_has_help():
    doc = DOC.read_text(encoding="utf-8")
    runner = CliRunner()
    for name in COMMANDS:
        assert f"## `plans {name}`" in doc, f"plans {name} is not in docs/cli.md"
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0, res.output
        assert "Not built yet" not in res.output, f"plans {name} is a stub"
