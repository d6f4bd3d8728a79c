"""`plans corpus build|add`: build the restoration artifacts; add the user's clean documents."""

from __future__ import annotations

from pathlib import Path

import click

_CORPUS = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus directory (default: $PLANS_CORPUS or the repository's corpora/).",
)


@click.group(name="corpus")
def command() -> None:
    """The clean reference corpus that restoration matches against.

    \b
    Examples:
      plans corpus build                       # cached: rebuilt only when a source changed
      plans corpus add parent-plan.txt         # a clean plan of your own, then rebuild
    """


@command.command(name="build")
@_CORPUS
@click.option("--force", is_flag=True, help="Rebuild even when the sources did not change.")
def build_cmd(corpus_dir: Path | None, force: bool) -> None:
    """Build the syllable inventory, language model and span index into <corpus>/.build."""
    from diacritics.corpus import build, default_corpus_dir

    stats = build(corpus_dir, force=force)
    where = corpus_dir or default_corpus_dir()
    if stats.get("cached"):
        click.echo(f"corpus {where}: up to date ({stats['tokens']:,} tokens)", err=True)
    else:
        click.echo(
            f"corpus {where}: built {stats['tokens']:,} tokens, vocabulary {stats['vocab']:,}, "
            f"{stats['trigrams']:,} trigrams in {stats['build_seconds']} s "
            f"(peak {stats['peak_rss_mb']} MB)",
            err=True,
        )


@command.command(name="add")
@_CORPUS
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def add_cmd(corpus_dir: Path | None, files: tuple[str, ...]) -> None:
    """Copy clean plain-text FILES into <corpus>/user/ (normalized) and rebuild.

    Your own plans are in the register of the documents being restored: the language model
    counts them ten times (as it does the commune plans shipped), and their sentences are
    taken back exactly where a damaged passage matches one."""
    from diacritics.corpus import add_documents, build

    written = add_documents([Path(f) for f in files], corpus_dir)
    for w in written:
        click.echo(f"added {w}", err=True)
    stats = build(corpus_dir)
    click.echo(f"rebuilt: {stats['tokens']:,} tokens", err=True)
