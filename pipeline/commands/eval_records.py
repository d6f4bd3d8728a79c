"""`plans eval records PRED.json --gold GOLD.json`: score a record field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from pipeline.errors import InputFileError


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputFileError(
            f"not a JSON record ({e})", path=str(path), remedy="pass a record file"
        ) from e
    if not isinstance(data, dict):
        raise InputFileError("not a JSON object", path=str(path), remedy="pass a record file")
    return data


@click.command(name="records")
@click.argument("pred", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--threshold",
    type=float,
    default=85.0,
    show_default=True,
    help="Fuzzy match threshold (0-100).",
)
def command(pred: Path, gold: Path, as_json: bool, threshold: float) -> None:
    """Compare the record PRED with the hand-written GOLD: per-field scores and macro average.

    \b
    exact: number, issued_date, issuer_level, signer.name; fuzzy: issuer, title, movement;
    F1: references, dates, deadlines, quantities, criteria, responsibilities (actors, tasks),
    recipients, sections.
    """
    from pipeline.extract.evaluate import EvalConfig, compare

    c = compare(_load(pred), _load(gold), EvalConfig(fuzzy_threshold=threshold))
    if as_json:
        click.echo(json.dumps(c.to_json(), indent=2))
        return
    width = max(len(f) for f in c.fields)
    for name, s in c.fields.items():
        extra = f"  tp={s.tp} fp={s.fp} fn={s.fn}" if s.kind == "f1" else ""
        click.echo(f"{name:<{width}}  {s.score:.3f}  ({s.kind}){extra}")
    click.echo(f"{'macro':<{width}}  {c.macro:.3f}")
