"""`plans run`: process files and folders into OUT (a thin layer over pipeline.batch)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from pipeline.batch import (
    RESTORE_POLICIES,
    BatchConfig,
    BatchSummary,
    Events,
    Failure,
    Job,
    run_batch,
)
from pipeline.errors import ExitCode
from pipeline.ingest import IngestConfig
from pipeline.ocr import OcrConfig


class _Terminal(Events):
    """Rich progress bar (files, pages, ETA) on a terminal; failures as one line each."""

    def __init__(self, progress: bool):
        self.progress = None
        self.pages = 0
        if progress:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("[bold]files"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("pages {task.fields[pages]}"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[current]}"),
                transient=False,
            )
            self.task = self.progress.add_task("run", total=None, pages=0, current="")

    def start(self, files: int, skipped: int) -> None:
        if self.progress is not None:
            self.progress.start()
            self.progress.update(self.task, total=files, completed=skipped)
        if skipped:
            click.echo(f"{skipped} file(s) already done in OUT (use --force to redo)", err=True)

    def file_started(self, job: Job) -> None:
        if self.progress is not None:
            self.progress.update(self.task, current=Path(job.source).name)

    def page_done(self, doc_id: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, current=f"{doc_id} p.{done}/{total}")

    def _say(self, failure: Failure) -> None:
        msg = f"failed: {failure.file}: [{failure.stage}] {failure.error}: {failure.message}"
        if failure.remedy:
            msg += f" ({failure.remedy})"
        if self.progress is not None:
            self.progress.console.print(msg, markup=False, highlight=False, style="red")
        else:
            click.echo(msg, err=True)

    def input_failed(self, failure: Failure) -> None:
        self._say(failure)

    def file_done(self, job: Job, pages: int, failure: Failure | None) -> None:
        if failure is not None:
            self._say(failure)
        self.pages += pages
        if self.progress is not None:
            self.progress.update(self.task, advance=1, pages=self.pages)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _summary(s: BatchSummary, out: Path) -> str:
    line = (
        f"{s.files} file(s): {s.done} done, {s.skipped} already done, {s.failed} failed; "
        f"{s.pages} page(s), {s.ocr_pages} OCR'd, {s.restored_pages} restored; {s.seconds:.1f} s"
        + (f"; failures in {out / 'errors.jsonl'}" if s.failed else "")
    )
    if s.done:
        line += (
            f"\nreview: {out / 'review' / 'index.html'} ({s.to_check:,} word(s) to check "
            f"in the {s.done} document(s) done)"
        )
    return line


@click.command(name="run")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", "out", required=True, type=click.Path(path_type=Path), help="Output directory."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: CPU cores].",
)
@click.option("--force", is_flag=True, help="Redo documents already finished in OUT.")
@click.option(
    "--restore",
    type=click.Choice(RESTORE_POLICIES),
    default="auto",
    show_default=True,
    help="Restore diacritics: auto = pages that look garbled, and post-correct the marks of "
    "pages Tesseract read (never: keep every page as read).",
)
@click.option("--no-extract", is_flag=True, help="Do not extract records or update the catalog.")
@click.option(
    "--page-timeout",
    type=float,
    default=OcrConfig.timeout,
    show_default=True,
    help="Seconds of OCR per page before the page is skipped.",
)
@click.option(
    "--no-review-images",
    is_flag=True,
    help="Do not keep the page images beside the review pages' text (100-250 KB a page).",
)
@click.option(
    "--no-progress", is_flag=True, help="No progress bar (default when not on a terminal)."
)
def command(
    paths: tuple[Path, ...],
    out: Path,
    jobs: int | None,
    force: bool,
    restore: str,
    no_extract: bool,
    page_timeout: float,
    no_review_images: bool,
    no_progress: bool,
) -> None:
    """Process PDFs, scans, text files, Word/OpenDocument/RTF files (folders recursively) into OUT.

    \b
    Writes OUT/text/<doc>.txt (final text, pages separated by form feeds),
    OUT/pages/<doc>.json (per page: method, OCR confidence, garbled score,
    warnings, restoration changes), OUT/records/<doc>.json, OUT/catalog.sqlite,
    OUT/review/<doc>.html (the text with each restored word marked: green sure,
    orange to check, red unread, yellow a scan's word Tesseract was unsure of;
    hover for what OCR printed; a scanned page's image beside its text, the
    marked words boxed on it, in OUT/review/<doc>/page-N.jpg) and
    OUT/review/index.html (the backlog, most words to check first);
    failures go to OUT/errors.jsonl, one JSON line each. A rerun skips the files
    already done (same content, same settings); --force redoes them.

    \b
    In folders, files ending in .txt .docx .doc .odt .rtf .html .htm .pdf .png
    .jpg .jpeg .tif .tiff .bmp .webp .gif .avif .heic .heif are taken (hidden
    ones skipped); a file
    named on the command line is read whatever its name, by its content. A .zip
    archive is read like a folder: each document inside is named
    archive.zip/path/inside in the outputs. Text in
    the legacy fonts of old plans (TCVN3 .VnTime, VNI) is decoded in text files,
    Word and RTF documents (.doc from Word 6.0 on), web pages and PDF text layers.

    \b
    Exit code 0 when every file succeeded, 1 when some failed (the others are
    done), other codes (see `plans --help`) when the run could not proceed.
    """
    base = BatchConfig()
    cfg = replace(
        base,
        jobs=jobs or base.jobs,
        force=force,
        restore=restore,
        extract=not no_extract,
        ingest=replace(
            IngestConfig(),
            ocr=replace(
                OcrConfig(),
                timeout=page_timeout,
                review_image_width=0 if no_review_images else OcrConfig.review_image_width,
            ),
        ),
    )
    term = _Terminal(progress=not no_progress and sys.stderr.isatty())
    try:
        summary = run_batch(list(paths), out, cfg, events=term)
    finally:
        term.stop()
    click.echo(_summary(summary, out), err=True)
    if not summary.ok:
        sys.exit(ExitCode.SOME_FILES_FAILED)
