"""`plans eval restore`: syllable accuracy of a restored text against a gold text."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.restore import channel_option


@click.command(name="restore")
@click.argument("output", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--gold",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Hand-restored text, line-aligned with OUTPUT.",
)
@click.option(
    "--restore", "do_restore", is_flag=True, help="OUTPUT is the garbled input: restore it first."
)
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--errors", type=int, default=0, help="Print up to N wrong words (line, gold, output)."
)
@channel_option
def command(
    output: Path, gold: Path, do_restore: bool, corpus_dir: Path | None, errors: int, channel: str
) -> None:
    """Print the syllable accuracy of OUTPUT against GOLD (definition: diacritics/evaluate.py).

    \b
    Examples:
      plans eval restore restored.txt --gold gold.clean.txt
      plans eval restore samples/x.txt --gold gold.clean.txt --restore
      plans eval restore tesseract-vie.txt --gold gold.clean.txt --restore --channel ocr
    """
    from diacritics.evaluate import syllable_accuracy

    text = output.read_text(encoding="utf-8")
    if do_restore:
        from diacritics.api import RestoreConfig, restore

        config = RestoreConfig(channel=None if channel == "auto" else channel)
        text = restore(text, corpus_dir=corpus_dir, config=config).text
    acc = syllable_accuracy(text, gold.read_text(encoding="utf-8"), keep_errors=errors)
    click.echo(f"syllable accuracy: {100 * acc.accuracy:.1f}% ({acc.right}/{acc.total})")
    if acc.lines_mismatch:
        click.echo(f"warning: line counts differ by {acc.lines_mismatch}", err=True)
    for ln, g, o in acc.errors:
        click.echo(f"  line {ln}: {g!r} -> {o!r}")
