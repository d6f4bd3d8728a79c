"""Write docs/cli.md from the commands' --help (see pipeline/clidocs.py)."""

from pathlib import Path

from pipeline.clidocs import cli_reference

out = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
out.write_text(cli_reference(), encoding="utf-8")
print(f"wrote {out}")
