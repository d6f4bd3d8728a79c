"""Batch runs: whole folders in, ``OUT/text``, ``OUT/pages``, ``OUT/records`` out.

* Inputs are files and folders (recursive; hidden files skipped), in sorted order.
* One worker process per job; each worker ingests one file, restores and
  extracts, and writes that document's outputs atomically. The main process owns
  the progress bar, ``OUT/manifest.json``, ``OUT/errors.jsonl`` and the catalog.
* A bad file never stops the batch: it gets one line in ``OUT/errors.jsonl``
  ``{file, stage, error, message, remedy}``. Only an unwritable output (permission,
  full disk) or a missing dependency stops it, since every later file would fail too.
* Resume: the manifest (``OUT/manifest.json``, with the journal ``OUT/manifest.jsonl`` of the
  documents finished since it was last written) maps each finished document to the sha256 of its source
  and the settings it was made with; a rerun skips those whose content and
  settings are unchanged and whose outputs exist (``force`` redoes them). Files
  that failed are tried again; ``errors.jsonl`` holds the failures of the last run.
* ``OUT/.lock`` keeps a second run out of the same directory (:mod:`pipeline.lock`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import queue
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline import archives, stages
from pipeline.atomic import ensure_dir, output_error, write_atomic
from pipeline.errors import MissingDependencyError, OutputError, PlansError
from pipeline.ingest import (
    SUPPORTED_SUFFIXES,
    IngestConfig,
    ingest,
    layer_images,
    safe_id,
    sha256_file,
)
from pipeline.lock import OutputLock
from pipeline.records import Document
from pipeline.review_html import (
    image_name,
    review_counts,
    review_index,
    review_page,
    words_to_check,
)

log = logging.getLogger(__name__)
RESTORE_POLICIES = ("auto", "always", "never")


@dataclass(frozen=True)
class BatchConfig:
    """Settings of ``plans run``.

    * ``jobs`` = number of CPU cores: worker processes (one file each at a time).
    * ``force`` = False: redo documents already finished in OUT.
    * ``restore`` = "auto": restore diacritics of pages whose garbled score is above
      ``ingest.quality.garbled_threshold``; "always" every page; "never" none.
    * ``extract`` = True: write ``OUT/records/<doc>.json`` and update the catalog.
    * ``ingest``: see :class:`pipeline.ingest.IngestConfig` (OCR, page timeout ...).
    """

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    restore: str = "auto"
    extract: bool = True
    ingest: IngestConfig = field(default_factory=IngestConfig)


@dataclass
class Failure:
    file: str
    stage: str
    error: str
    message: str
    remedy: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class BatchSummary:
    files: int = 0  # inputs found
    done: int = 0  # processed in this run
    skipped: int = 0  # already finished in an earlier run
    failed: int = 0
    pages: int = 0
    ocr_pages: int = 0
    restored_pages: int = 0
    to_check: int = 0  # words the review pages of this run's documents ask a look at
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0


@dataclass(frozen=True)
class Job:
    """A document to do: read from ``path``, named ``source`` in the outputs (the path, or
    for a member of a ZIP archive ``archive.zip/its/path.pdf``)."""

    path: Path
    doc_id: str
    sha256: str
    source: str = ""

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", str(self.path))


class Events:
    """What the batch tells its caller (progress bar, terminal); all optional."""

    def start(self, files: int, skipped: int) -> None: ...
    def file_started(self, job: Job) -> None: ...
    def page_done(self, doc_id: str, done: int, total: int) -> None: ...
    def file_done(self, job: Job, pages: int, failure: Failure | None) -> None: ...
    def input_failed(self, failure: Failure) -> None: ...  # a path that could not be listed or read


# --- inputs -----------------------------------------------------------------------


def collect_inputs(
    paths: Iterable[Path], failures: list[Failure], skip: Path | None = None
) -> list[Path]:
    """Files under ``paths`` (recursive), sorted; unreadable folders become failures.

    A file named on the command line is always taken (its content decides its type);
    inside folders only names ending in a supported extension (or .zip) are, so a README or
    a spreadsheet next to the scans is not a failure. A folder ``skip`` (the run's own
    output folder, when it lies inside an input folder) is not walked: a rerun would read its
    own outputs as inputs.
    """
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir() and skip is not None and _same_file_key(p) == _same_file_key(skip):
            failures.append(
                Failure(
                    str(p),
                    "collect",
                    "InputFileError",
                    "is the output folder: its outputs are no inputs",
                    "give the folder of the documents, and another -o",
                )
            )
        elif p.is_dir():
            found.update(_walk(p, failures, skip))
        elif p.exists() or p.is_symlink():
            found.add(p)
        else:
            failures.append(
                Failure(str(p), "collect", "InputFileError", "no such file or directory")
            )
    return sorted(found, key=lambda q: str(q))


def _walk(root: Path, failures: list[Failure], skip: Path | None = None) -> Iterable[Path]:
    skipped = _same_file_key(skip) if skip is not None else None

    def onerror(e: OSError) -> None:
        failures.append(
            Failure(
                str(e.filename or root),
                "collect",
                "InputFileError",
                f"cannot read directory ({e.strerror})",
                "check its permissions",
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and (skipped is None or _same_file_key(Path(dirpath) / d) != skipped)
        )
        for name in sorted(filenames):
            suffix = Path(name).suffix.lower()
            taken = suffix in SUPPORTED_SUFFIXES or suffix == ".zip"
            if not name.startswith(".") and taken:
                yield Path(dirpath) / name


def _same_file_key(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, None when it cannot be read: the same folder by any name."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def unpack(files: list[Path], into: Path, failures: list[Failure]) -> list[tuple[Path, str]]:
    """(where to read it, its name in the outputs) of each document: ``files`` as they are,
    the ZIP archives among them replaced by their members, copied into folder ``into``
    (:mod:`pipeline.archives`); an archive or member that cannot be read becomes a failure."""
    out: list[tuple[Path, str]] = []
    for f in files:
        if not archives.is_archive(f):
            out.append((f, str(f)))
            continue
        ensure_dir(into)
        for m in archives.members(f, str(f), into, SUPPORTED_SUFFIXES):
            if isinstance(m, archives.Member):
                out.append((m.path, m.source))
            else:
                failures.append(
                    Failure(m.path or str(f), "unpack", type(m).__name__, m.message, m.remedy)
                )
    return out


def assign_ids(files: list[Path]) -> dict[Path, str]:
    """Safe, unique doc ids from file names; a clash gets a short hash of the path."""
    ids: dict[Path, str] = {}
    taken: set[str] = set()
    for f in files:
        base = safe_id(f.stem)
        doc_id = base
        if doc_id.lower() in taken:
            doc_id = f"{base}-{hashlib.sha1(str(f).encode()).hexdigest()[:8]}"
        taken.add(doc_id.lower())
        ids[f] = doc_id
    return ids


# --- worker -----------------------------------------------------------------------

_progress_q: Any = None


def _init_worker(q: Any) -> None:
    global _progress_q
    _progress_q = q
    # Ctrl-C goes to the main process, which shuts the pool down.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_one(job: Job, out: Path, config: BatchConfig) -> dict[str, Any]:
    """Ingest, restore, extract and write one document (runs in a worker)."""

    def on_page(done: int, total: int) -> None:
        if _progress_q is not None:
            _progress_q.put((job.doc_id, done, total))

    stage = "ingest"
    try:
        doc = ingest(
            job.path,
            config.ingest,
            doc_id=job.doc_id,
            sha256=job.sha256,
            on_page=on_page,
            source=job.source,
        )
        original = doc.text
        stage = "restore"
        doc = stages.restore(doc, config.restore, config.ingest.quality.garbled_threshold)
        doc = layer_images(doc, job.path, config.ingest)
        record = None
        if config.extract:
            stage = "extract"
            record = stages.extract(doc)
        stage = "write"
        write_outputs(out, doc, record)
        # (The page images are written: the main process needs none of their bytes.)
        doc = replace(doc, pages=tuple(replace(p, image=None, boxes=()) for p in doc.pages))
    except PlansError as e:
        if stage != "ingest" and e.stage == "ingest":
            e.stage = stage
        raise
    except OSError as e:
        if stage == "write":
            raise output_error(e, out) from e
        e.plans_stage = stage  # type: ignore[attr-defined]
        raise
    except Exception as e:
        # Kept through pickling (exceptions carry their __dict__), for errors.jsonl.
        e.plans_stage = stage  # type: ignore[attr-defined]
        raise
    return {"doc": doc, "record": record, "original": original}


def pages_json(doc: Document) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "sha256": doc.sha256,
        "kind": doc.kind,
        "encoding": doc.encoding,
        "metadata": doc.metadata,
        "pages": [
            {
                "number": p.number,
                "method": p.method.value,
                "ocr_model": p.ocr_model,
                "confidence": p.confidence,
                "garbled": p.garbled,
                "lines": p.text.count("\n") + 1,
                "warnings": list(p.warnings),
                "restored": p.restored is not None,
                "changes": [c.to_json() for c in p.changes],
                "unresolved": [u.to_json() for u in p.unresolved],
                "ocr_unsure": [w.to_json() for w in p.unsure],
            }
            for p in doc.pages
        ],
    }


def write_outputs(out: Path, doc: Document, record: dict[str, Any] | None) -> None:
    write_atomic(out / "text" / f"{doc.doc_id}.txt", doc.text)
    write_atomic(
        out / "pages" / f"{doc.doc_id}.json",
        json.dumps(pages_json(doc), ensure_ascii=False, indent=1),
    )
    # The page images first: the review page never names an image not yet there.
    images = {image_name(doc.doc_id, p.number): p.image for p in doc.pages if p.image}
    if images:
        ensure_dir(out / "review" / doc.doc_id)
    for name, img in images.items():
        write_atomic(out / "review" / name, img.jpeg)
    folder = out / "review" / doc.doc_id
    if folder.is_dir():  # (images of an earlier run of the document with more pages)
        for old in folder.glob("page-*.jpg"):
            if f"{doc.doc_id}/{old.name}" not in images:
                old.unlink(missing_ok=True)
    write_atomic(out / "review" / f"{doc.doc_id}.html", review_page(doc))
    if record is not None:
        write_atomic(
            out / "records" / f"{doc.doc_id}.json",
            json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True),
        )


# --- main process -----------------------------------------------------------------


class _Manifest:
    """The finished documents: ``OUT/manifest.json``, and the journal of those finished since
    it was last written (``OUT/manifest.jsonl``, a line each, flushed to disk before the
    document counts as done). Rewriting the whole manifest after every document cost 100 ms a
    document at 10,000 (3.7 MB each time), quadratic over a backlog; the journal is folded in
    every ``COMPACT_EVERY`` documents and at the end of the run, and read back after a kill."""

    COMPACT_EVERY = 500

    def __init__(self, out: Path):
        self.path = out / "manifest.json"
        self.journal = out / "manifest.jsonl"
        self.docs: dict[str, dict[str, Any]] = {}
        self.pending = 0
        if self.path.exists():
            try:
                self.docs = json.loads(self.path.read_text(encoding="utf-8")).get("documents", {})
            except (ValueError, OSError):
                log.warning("%s is unreadable; every file will be redone", self.path)
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        except (OSError, UnicodeError):
            log.warning("%s is unreadable; its documents will be redone", self.journal)
            lines = []
        for line in lines:
            try:
                entry = json.loads(line)
                self.docs[str(entry["doc_id"])] = entry["entry"]
            except (ValueError, KeyError, TypeError):
                continue  # (a line cut by a kill: that document is redone)
            self.pending += 1

    def finished(self, job: Job, out: Path, settings: str) -> bool:
        d = self.docs.get(job.doc_id)
        return bool(
            d
            and d.get("sha256") == job.sha256
            and d.get("settings") == settings
            and (out / "text" / f"{job.doc_id}.txt").exists()
            and (out / "pages" / f"{job.doc_id}.json").exists()
            # (A document done before review pages were written is done again, once.)
            and (out / "review" / f"{job.doc_id}.html").exists()
        )

    def add(
        self, job: Job, doc: Document, settings: str, record: dict[str, Any] | None = None
    ) -> None:
        entry: dict[str, Any] = {
            "source": job.source,
            "sha256": job.sha256,
            "settings": settings,
            "pages": len(doc.pages),
            "review": review_counts(doc),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        if record is not None:
            # (What the document is, for the review index: the backlog read by its titles.)
            entry["title"] = record.get("title")
            entry["issuer"] = record.get("issuer")
        self.docs[job.doc_id] = entry
        line = json.dumps({"doc_id": job.doc_id, "entry": entry}, ensure_ascii=False) + "\n"
        try:
            with open(self.journal, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as e:
            raise output_error(e, self.journal) from e
        self.pending += 1
        if self.pending >= self.COMPACT_EVERY:
            self.compact()

    def compact(self) -> None:
        """Write the whole manifest, then empty the journal (a kill between the two leaves
        entries in both: the same ones). Nothing new since the last write: nothing to do."""
        if not self.pending and self.path.exists():
            return
        write_atomic(
            self.path,
            json.dumps({"version": 1, "documents": self.docs}, ensure_ascii=False, indent=1),
        )
        if self.journal.exists():
            write_atomic(self.journal, "")
        self.pending = 0


def _failure(source: str, e: BaseException, stage: str | None = None) -> Failure:
    if isinstance(e, PlansError):
        return Failure(source, stage or e.stage, type(e).__name__, e.message, e.remedy)
    where = str(stage or getattr(e, "plans_stage", "ingest"))
    return Failure(source, where, type(e).__name__, str(e) or repr(e))


# The output folders (OUT/text, ...), each written file by file, atomically.
_OUTPUT_DIRS = ("text", "pages", "records", "review")


def run_batch(
    paths: Iterable[Path],
    out_dir: Path,
    config: BatchConfig | None = None,
    events: Events | None = None,
) -> BatchSummary:
    """Process every file under ``paths`` into ``out_dir``; see the module docstring.

    Raises :class:`LockedError` when another run holds ``out_dir``,
    :class:`OutputError` when it cannot be written, and
    :class:`MissingDependencyError` when OCR is needed but not installed.
    """
    cfg = config or BatchConfig()
    if cfg.restore not in RESTORE_POLICIES:
        raise ValueError(f"restore must be one of {RESTORE_POLICIES}")
    ev = events or Events()
    out = ensure_dir(Path(out_dir))
    t0 = time.monotonic()
    with OutputLock(out):
        for sub in _OUTPUT_DIRS:
            ensure_dir(out / sub)
        # Temporary files of a run that was killed mid-write (outputs, and the manifest at the
        # top): never a finished output, and this run holds the lock, so no writer owns them.
        image_dirs = [d for d in (out / "review").iterdir() if d.is_dir()]
        for folder in (out, *(out / sub for sub in _OUTPUT_DIRS), *image_dirs):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        summary = BatchSummary()
        errors_path = out / "errors.jsonl"
        # Failures of earlier runs are retried, so the log starts afresh.
        write_atomic(errors_path, "")
        collect_fail: list[Failure] = []
        # Members of ZIP archives are copied here as the run needs them; the folder is the
        # run's (it holds the lock), so one left by a killed run goes.
        unpacked = out / ".unpacked"
        archives.remove(unpacked)
        inputs = unpack(collect_inputs(paths, collect_fail, skip=out), unpacked, collect_fail)
        ids = assign_ids([Path(source) for _, source in inputs])
        manifest = _Manifest(out)
        # A document done with other settings (say --restore never, now auto) is redone.
        settings = f"restore={cfg.restore};extract={cfg.extract}"
        catalog = stages.open_catalog(out / "catalog.sqlite") if cfg.extract else None
        jobs: list[Job] = []
        for f, source in inputs:
            try:
                sha = sha256_file(f)
            except OSError as e:
                collect_fail.append(
                    Failure(source, "collect", "InputFileError", f"cannot read ({e.strerror})")
                )
                continue
            job = Job(f, ids[Path(source)], sha, source)
            if not cfg.force and manifest.finished(job, out, settings):
                summary.skipped += 1
                _forget_copy(job, unpacked)
                continue
            jobs.append(job)
        # (Files that could not be read count as files; archives as their members.)
        summary.files = len(jobs) + summary.skipped + len(collect_fail)
        ev.start(len(jobs) + summary.skipped, summary.skipped)

        def record_failure(fail: Failure) -> None:
            summary.failed += 1
            summary.failures.append(fail)
            try:
                with open(errors_path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(fail.to_json(), ensure_ascii=False) + "\n")
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as e:
                raise output_error(e, errors_path) from e
            stages.catalog_failure(catalog, fail.file, fail.stage, fail.error, fail.message)

        for fail in collect_fail:
            record_failure(fail)
            ev.input_failed(fail)

        def finish(job: Job, result: dict[str, Any] | None, exc: BaseException | None) -> None:
            _forget_copy(job, unpacked)
            if exc is not None:
                if isinstance(exc, OutputError | MissingDependencyError):
                    raise exc
                fail = _failure(job.source, exc)
                record_failure(fail)
                ev.file_done(job, 0, fail)
                return
            assert result is not None
            doc: Document = result["doc"]
            try:
                stages.catalog_upsert(catalog, doc, result["record"], result["original"])
            except PlansError as e:
                fail = _failure(job.source, e, "catalog")
                record_failure(fail)
                ev.file_done(job, len(doc.pages), fail)
                return
            manifest.add(job, doc, settings, result["record"])
            summary.done += 1
            summary.pages += len(doc.pages)
            summary.ocr_pages += sum(1 for p in doc.pages if p.method.value == "ocr")
            summary.restored_pages += sum(1 for p in doc.pages if p.restored is not None)
            summary.to_check += words_to_check(manifest.docs[job.doc_id])
            ev.file_done(job, len(doc.pages), None)

        try:
            if cfg.jobs <= 1:
                _run_inline(jobs, out, cfg, ev, finish)
            else:
                _run_pool(jobs, out, cfg, ev, finish)
        finally:
            archives.remove(unpacked)
            if catalog is not None:
                # Merges the full-text index segments: search latency on a large
                # backlog depends on it (docs/benchmarks.md, catalog section).
                if summary.done:
                    catalog.optimize()
                catalog.close()
        manifest.compact()
        # The backlog's review index, from the manifest: every document done so far (an
        # interrupted run leaves the last one; the next run writes it again).
        try:
            write_atomic(out / "review" / "index.html", review_index(manifest.docs))
        except OSError as e:
            raise output_error(e, out / "review" / "index.html") from e
    summary.seconds = round(time.monotonic() - t0, 2)
    return summary


def _forget_copy(job: Job, unpacked: Path) -> None:
    """Remove a finished archive member's copy (a file of the run's own folder only)."""
    if job.path.parent == unpacked:
        job.path.unlink(missing_ok=True)


_Finish = Callable[[Job, "dict[str, Any] | None", "BaseException | None"], None]


def _run_inline(jobs: list[Job], out: Path, cfg: BatchConfig, ev: Events, finish: _Finish) -> None:
    global _progress_q
    q: queue.SimpleQueue[tuple[str, int, int]] = queue.SimpleQueue()
    _progress_q = q
    try:
        for job in jobs:
            ev.file_started(job)
            try:
                res = process_one(job, out, cfg)
            except Exception as e:
                _drain(q, ev)
                finish(job, None, e)
                continue
            _drain(q, ev)
            finish(job, res, None)
    finally:
        _progress_q = None


def _drain(q: Any, ev: Events) -> None:
    while True:
        try:
            doc_id, done, total = q.get_nowait()
        except queue.Empty:
            return
        ev.page_done(doc_id, done, total)


def _run_pool(jobs: list[Job], out: Path, cfg: BatchConfig, ev: Events, finish: _Finish) -> None:
    ctx = (
        mp.get_context("forkserver")
        if "forkserver" in mp.get_all_start_methods()
        else mp.get_context()
    )
    q = ctx.Queue()
    pending = list(reversed(jobs))
    while pending:
        with ProcessPoolExecutor(
            max_workers=cfg.jobs, mp_context=ctx, initializer=_init_worker, initargs=(q,)
        ) as pool:
            running: dict[Future[dict[str, Any]], Job] = {}
            broken = False
            try:
                while pending or running:
                    while pending and len(running) < cfg.jobs * 2 and not broken:
                        job = pending.pop()
                        ev.file_started(job)
                        running[pool.submit(process_one, job, out, cfg)] = job
                    done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                    _drain(q, ev)
                    for fut in done:
                        job = running.pop(fut)
                        try:
                            res = fut.result()
                        except BrokenProcessPool as e:
                            # A worker died (killed, out of memory, a crash in a C library):
                            # the file it held fails; the others start again in a new pool.
                            broken = True
                            finish(job, None, RuntimeError(f"worker process died ({e})"))
                            continue
                        except Exception as e:
                            finish(job, None, e)
                            continue
                        finish(job, res, None)
                    if broken and not running:
                        break
            except BaseException:
                for f in running:
                    f.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
