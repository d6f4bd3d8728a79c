"""`plans restore FILE|-`: print the text with its Vietnamese diacritics restored."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from pipeline.errors import InputFileError

# What damaged a text, for --channel (shared by `plans eval restore`).
channel_option = click.option(
    "--channel",
    type=click.Choice(["auto", "garbled", "font", "stripped", "clean", "ocr"]),
    default="auto",
    show_default=True,
    help="What damaged the text: auto = judged from how its words look; garbled = an OCR "
    "engine without Vietnamese; font = an engine or font that could not print the marked "
    "vowels (dropped: 'huyn', or Latin-1 letters: 'cüa'); stripped = marks removed; "
    "clean = correctly marked (only non-words are repaired); ocr = Tesseract's Vietnamese "
    "model on a degraded scan (marks of valid words questioned too).",
)


# What `plans restore` says of the documents that are `plans run`'s to read.
_DOCUMENTS = {
    "zip": "a Word document or ZIP archive",
    "doc": "an old Office document (.doc)",
    "rtf": "an RTF document",
    "html": "a web page (HTML)",
}


@click.command(name="restore")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus directory to use (default: $PLANS_CORPUS or the repository's corpora/).",
)
@click.option(
    "--explain", is_flag=True, help="Write every change as a JSON line (stderr by default)."
)
@click.option(
    "--explain-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON lines of --explain to this file instead of stderr (implies --explain).",
)
@click.option(
    "--review",
    "review_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the review page (HTML: the restored text, each change marked, hover for "
    "what OCR printed and why), as `plans run` writes for each document.",
)
@click.option(
    "--flag-threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Changes with a confidence below this are flagged for review (default 0.6).",
)
@channel_option
def command(
    file: str,
    corpus_dir: Path | None,
    explain: bool,
    explain_file: Path | None,
    review_file: Path | None,
    flag_threshold: float | None,
    channel: str,
) -> None:
    """Restore the diacritics of FILE (or - for stdin); prints the text, same line count.

    \b
    Examples:
      plans restore samples/dang-uy-phuong-binh-dinh-2025.txt > restored.txt
      plans restore garbled.txt --explain-file changes.jsonl
      plans restore garbled.txt --review garbled.html > restored.txt
      echo "Ke hoach trien khai" | plans restore -
      plans restore tesseract-vie-output.txt --channel ocr
    """
    from diacritics.api import RestoreConfig, load_restorer
    from pipeline.atomic import write_atomic
    from pipeline.ingest import sniff_document
    from pipeline.textfile import TextFileConfig, decode_bytes

    if file == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            data, name = Path(file).read_bytes(), file
        except OSError as e:
            raise InputFileError(f"cannot read ({e.strerror})", path=file) from e
    # A PDF, an image or a Word or RTF document is `plans run`'s to read (text layer, OCR,
    # fonts ...): its bytes are no text to restore.
    kind = sniff_document(data[:2048])
    what = _DOCUMENTS.get(kind, f"{kind.upper()} content") if kind else None
    if what is not None:
        raise InputFileError(
            f"{what}: `plans restore` reads text (a text file or stdin)",
            path=name,
            remedy=f"extract and restore it with: plans run {file} -o OUT",
        )
    # The decoding of `plans run` (empty and binary input refused, legacy encodings read);
    # garbled text is what this command is for, so it is not asked to look Vietnamese.
    text, _ = decode_bytes(data, name, TextFileConfig(check_vietnamese=False))
    config = RestoreConfig()
    if flag_threshold is not None:
        config = replace(config, flag_threshold=flag_threshold)
    if channel != "auto":
        config = replace(config, channel=channel)
    result = load_restorer(corpus_dir, config).restore(text)
    click.echo(result.text, nl=False)
    if explain or explain_file:
        lines = "".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in result.changes)
        if explain_file:
            write_atomic(explain_file, lines)  # a failed write leaves the old file whole
        else:
            click.echo(lines, err=True, nl=False)
    if review_file:
        import hashlib

        from pipeline.records import Document, Method, Page
        from pipeline.review_html import review_page

        # One page, as restored (a text's form feeds stay inside it, as its line numbers do).
        page = Page(number=1, text=text, method=Method.TEXT_FILE).with_restoration(
            result.text, tuple(result.changes), result.unresolved
        )
        sha = hashlib.sha256(data).hexdigest()
        doc = Document(Path(name).stem or "document", name, sha, "txt", (page,))
        write_atomic(review_file, review_page(doc))
