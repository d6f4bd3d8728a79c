"""`plans corpus build|add`: build the restoration artifacts; add the user's clean documents."""

from __future__ import annotations

import sys
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
      plans corpus add parent-plan.docx        # a clean plan of your own, then rebuild
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
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
def add_cmd(corpus_dir: Path | None, files: tuple[str, ...]) -> None:
    """Add clean plans of your own (FILES, or folders of them) to <corpus>/user/, and rebuild.

    Your own plans are in the register of the documents being restored: the language model
    counts them ten times (as it does the commune plans shipped), and their sentences are
    taken back exactly where a damaged passage matches one: add the plans that the damaged
    ones implement or copy.

    \b
    FILES are born-digital: text files (UTF-8 or a legacy encoding), Word (.docx, .doc),
    OpenDocument (.odt), RTF, web pages (.html) or PDFs with a text layer; old TCVN3/VNI
    fonts are decoded.
    In folders (recursively), the files `plans run` takes are taken; ZIP archives
    are read like folders.
    Scans, and text that looks garbled (OCR output, marks stripped), are refused, one line
    each: the corpus teaches the restorer its spelling. The others are added.

    \b
    Examples:
      plans corpus add parent-plan.docx district-plan.pdf
      plans corpus add --corpus my-corpus/ born-digital-plans/

    \b
    Exit code 0 when every file was added, 1 when some were refused (the others were
    added and the corpus rebuilt), 3 when none could be added.
    """
    import tempfile
    from pathlib import PurePosixPath

    from diacritics.corpus import add_texts, build
    from pipeline.batch import Failure, collect_inputs, unpack
    from pipeline.errors import ExitCode, InputFileError
    from pipeline.ingest import clean_text

    unlisted: list[Failure] = []
    docs, refused = [], 0
    with tempfile.TemporaryDirectory(prefix="plans-corpus-") as tmp:
        inputs = unpack(collect_inputs([Path(f) for f in files], unlisted), Path(tmp), unlisted)
        for failure in unlisted:
            click.echo(f"error: {failure.file}: {failure.message}", err=True)
        refused = len(unlisted)
        for path, source in inputs:
            try:
                docs.append((PurePosixPath(source).stem, clean_text(path)))
            except InputFileError as e:
                e.path = source  # (an archive's member by its name, not its copy's)
                click.echo(f"error: {e.one_line()}", err=True)
                refused += 1
    if not docs:
        raise InputFileError(
            f"none of the {len(inputs)} file(s) could be added", remedy="see the errors above"
        )
    for w in add_texts(docs, corpus_dir):
        click.echo(f"added {w}", err=True)
    stats = build(corpus_dir)
    click.echo(f"rebuilt: {stats['tokens']:,} tokens", err=True)
    if refused:
        sys.exit(ExitCode.SOME_FILES_FAILED)
