"""`plans run` over folders: outputs, errors.jsonl, exit codes, resume, lock, output errors."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import VI_LINES, cli, render_page

from pipeline.batch import BatchConfig, Events, assign_ids, run_batch
from pipeline.errors import ExitCode, LockedError, OutputError
from pipeline.ingest import IngestConfig
from pipeline.lock import OutputLock
from pipeline.ocr import OcrConfig
from pipeline.textfile import encode_vni

TEXT = "Kế hoạch triển khai thực hiện phong trào thi đua năm 2024 của Ủy ban nhân dân xã.\n"
CFG = BatchConfig(jobs=1, restore="never", extract=False)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "sub" / "b-vni.txt").write_bytes(encode_vni(TEXT))
    (root / "sub" / "a.txt").write_text(TEXT.replace("2024", "2025"), encoding="utf-8")  # same name
    (root / "empty.txt").write_bytes(b"")
    (root / "junk.txt").write_bytes(bytes(range(256)) * 16)
    (root / "notes.md").write_text("not an input", encoding="utf-8")  # ignored in folders
    (root / ".hidden.txt").write_text(TEXT, encoding="utf-8")  # ignored
    return root


def test_folder_run(tmp_path: Path, inputs: Path) -> None:
    out = tmp_path / "out"
    s = run_batch([inputs], out, CFG)
    assert (s.files, s.done, s.failed, s.pages) == (5, 3, 2, 3)
    texts = sorted(p.name for p in (out / "text").iterdir())
    assert len(texts) == 3 and "a.txt" in texts and "b-vni.txt" in texts
    assert (out / "text" / "b-vni.txt").read_text(encoding="utf-8") == TEXT
    pages = json.loads((out / "pages" / "b-vni.json").read_text(encoding="utf-8"))
    assert pages["encoding"] == "vni"
    (p,) = pages["pages"]
    assert {
        "number",
        "method",
        "ocr_model",
        "confidence",
        "garbled",
        "warnings",
        "changes",
        "unresolved",
        "restored",
    } <= set(p)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert sorted(Path(e["file"]).name for e in errors) == ["empty.txt", "junk.txt"]
    assert all(set(e) >= {"file", "stage", "error", "message"} for e in errors)
    assert not list(out.rglob(".*.tmp"))


def test_resume_skips_finished_and_force_redoes(tmp_path: Path, inputs: Path) -> None:
    out = tmp_path / "out"
    run_batch([inputs], out, CFG)
    before = (out / "text" / "a.txt").stat().st_mtime_ns
    s = run_batch([inputs], out, CFG)
    assert (s.skipped, s.done, s.failed) == (3, 0, 2)
    assert (out / "text" / "a.txt").stat().st_mtime_ns == before
    (inputs / "a.txt").write_text(TEXT.replace("xã", "phường"), encoding="utf-8")  # content changed
    s = run_batch([inputs], out, CFG)
    assert (s.skipped, s.done) == (2, 1)
    s = run_batch([inputs], out, replace(CFG, force=True))
    assert (s.skipped, s.done) == (0, 3)


def test_a_killed_runs_temporary_files_are_removed(tmp_path: Path, inputs: Path) -> None:
    # What SIGKILL leaves when it lands inside write_atomic: the manifest's temporary file at
    # the top of the output folder, an output's in its folder.
    out = tmp_path / "out"
    run_batch([inputs], out, CFG)
    stale = [out / ".manifest.json.99999.tmp", out / "text" / ".a.txt.99999.tmp"]
    for p in stale:
        p.write_text("half", encoding="utf-8")
    s = run_batch([inputs], out, CFG)
    assert (s.skipped, s.failed) == (3, 2)
    assert not list(out.rglob(".*.tmp"))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_doc_ids_are_unique_and_safe(tmp_path: Path) -> None:
    files = [Path("x/Plan.txt"), Path("y/plan.txt"), Path("z/../Plan.pdf"), Path("w/..txt")]
    ids = assign_ids(files)
    assert len({i.lower() for i in ids.values()}) == 4
    assert all("/" not in i and not i.startswith(".") for i in ids.values())


def test_cli_exit_codes_and_summary(tmp_path: Path, inputs: Path) -> None:
    r = cli(
        "run",
        str(inputs),
        "-o",
        str(tmp_path / "out"),
        "--restore",
        "never",
        "--no-extract",
        "-j",
        "2",
    )
    assert r.returncode == ExitCode.SOME_FILES_FAILED, r.stderr
    assert "5 file(s): 3 done, 0 already done, 2 failed" in r.stderr
    # Where to look next: the review index, with the words the run's documents ask a look at.
    assert f"review: {tmp_path / 'out' / 'review' / 'index.html'} (0 word(s) to check" in r.stderr
    assert "failed: " in r.stderr and "junk.txt" in r.stderr
    ok = cli(
        "run",
        str(inputs / "a.txt"),
        "-o",
        str(tmp_path / "out2"),
        "--restore",
        "never",
        "--no-extract",
    )
    assert ok.returncode == ExitCode.OK, ok.stderr


def test_lock_refuses_a_second_run(tmp_path: Path, inputs: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with OutputLock(out):
        with pytest.raises(LockedError):
            run_batch([inputs], out, CFG)
        r = cli("run", str(inputs), "-o", str(out), "--restore", "never", "--no-extract")
        assert r.returncode == ExitCode.LOCKED
        assert "another run" in r.stderr
    assert run_batch([inputs], out, CFG).done == 3  # released


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (needs root and mount rights; skipped otherwise)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_full_disk_is_an_output_error(tmp_path: Path, small_disk: Path) -> None:
    src = tmp_path / "big"
    src.mkdir()
    for i in range(4):
        (src / f"d{i}.txt").write_text(TEXT * 400, encoding="utf-8")  # ~40 KB of text each
    with pytest.raises(OutputError, match="disk full"):
        run_batch([src], small_disk / "out", CFG)
    assert not list((small_disk / "out").rglob(".*.tmp"))


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "ro"
    d.mkdir()
    if os.geteuid() != 0:
        d.chmod(0o555)
        yield d
        d.chmod(0o755)
        return
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(d)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip("root without mount rights: cannot make an unwritable directory")
    try:
        yield d
    finally:
        subprocess.run(["umount", str(d)], check=False)


def test_unwritable_output(readonly_dir: Path, inputs: Path) -> None:
    r = cli(
        "run", str(inputs), "-o", str(readonly_dir / "out"), "--restore", "never", "--no-extract"
    )
    assert r.returncode == ExitCode.OUTPUT_ERROR
    assert "no permission to write" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every directory")
def test_unreadable_directory(tmp_path: Path, inputs: Path) -> None:
    locked = inputs / "locked"
    locked.mkdir()
    (locked / "c.txt").write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    try:
        s = run_batch([inputs], tmp_path / "out", CFG)
    finally:
        locked.chmod(0o755)
    assert s.done == 3 and any(f.stage == "collect" for f in s.failures)


@pytest.mark.slow
def test_page_timeout_skips_pages_not_the_file(tmp_path: Path) -> None:
    pages = [render_page([s]) for s in VI_LINES[:2]]
    path = tmp_path / "scan.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    cfg = replace(CFG, ingest=IngestConfig(ocr=OcrConfig(timeout=0.01)))
    s = run_batch([path], tmp_path / "out", cfg)
    assert (s.done, s.failed, s.pages) == (1, 0, 2)
    info = json.loads((tmp_path / "out" / "pages" / "scan.json").read_text())
    assert all(
        w.startswith("skipped: OCR took longer") for p in info["pages"] for w in p["warnings"]
    )


@pytest.mark.slow
def test_kill_and_resume(tmp_path: Path) -> None:
    src = tmp_path / "scans"
    src.mkdir()
    # Ten pages of three lines: enough work that a loaded machine (CI runs tests two at a time
    # on two cores) cannot finish them all between the first output and the kill.
    n = 10
    for i in range(n):
        lines = [VI_LINES[(i + k) % len(VI_LINES)] for k in range(3)]
        render_page(lines, seed=i).save(src / f"p{i}.png", dpi=(300, 300))
    out = tmp_path / "out"
    args = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(src),
        "-o",
        str(out),
        "-j",
        "1",
        "--restore",
        "never",
        "--no-extract",
    ]
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("text/*.txt")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = list((out / "text").glob("*.txt"))
    assert 1 <= len(finished) < n, "kill came too late to test a resume"
    for p in (out / "pages").glob("*.json"):
        json.loads(p.read_text())  # complete, never half-written
    r = cli("run", str(src), "-o", str(out), "-j", "1", "--restore", "never", "--no-extract")
    assert r.returncode == 0, r.stderr
    m = re.search(rf"{n} file\(s\): (\d+) done, (\d+) already done, 0 failed", r.stderr)
    assert m, r.stderr
    # A file killed between its outputs and the manifest entry is redone: at most one.
    assert int(m[1]) + int(m[2]) == n and int(m[2]) >= len(finished) - 1
    assert sorted(p.stem for p in (out / "text").glob("*.txt")) == sorted(f"p{i}" for i in range(n))
    assert not list(out.rglob(".*.tmp"))


def test_missing_tesseract_stops_with_the_package_name(tmp_path: Path) -> None:
    img = tmp_path / "scan.png"
    render_page(VI_LINES[:1]).save(img)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(img),
            "-o",
            str(tmp_path / "out"),
            "--restore",
            "never",
            "--no-extract",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(tmp_path / "no-bin")},
        timeout=120,
    )
    assert r.returncode == ExitCode.MISSING_DEPENDENCY, r.stderr
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-vie" in r.stderr


@pytest.mark.slow
def test_300_page_scan_finishes_with_per_page_timeouts(tmp_path: Path) -> None:
    # 300 small frames; a 20 ms budget makes Tesseract time out on most pages.
    frame = render_page(VI_LINES[:1], size_pt=6, margin=10)
    path = tmp_path / "long.tif"
    frame.save(path, save_all=True, append_images=[frame] * 299)
    seen: list[int] = []

    class Count(Events):
        def page_done(self, doc_id: str, done: int, total: int) -> None:
            seen.append(done)
            assert total == 300

    cfg = replace(
        CFG, ingest=IngestConfig(ocr=OcrConfig(timeout=0.02, despeckle=False, deskew=False))
    )
    s = run_batch([path], tmp_path / "out", cfg, events=Count())
    assert (s.done, s.failed, s.pages) == (1, 0, 300)
    assert seen == list(range(1, 301))
    info = json.loads((tmp_path / "out" / "pages" / "long.json").read_text())
    skipped = [p for p in info["pages"] if any(w.startswith("skipped") for w in p["warnings"])]
    assert skipped, "no page hit the timeout"


def test_other_settings_redo_the_document(tmp_path: Path, inputs: Path) -> None:
    out = tmp_path / "out"
    run_batch([inputs], out, CFG)
    s = run_batch([inputs], out, replace(CFG, restore="auto"))  # clean text: nothing to restore
    assert (s.skipped, s.done) == (0, 3)


def test_an_output_folder_inside_the_input_folder_is_not_read_as_input(tmp_path: Path) -> None:
    # `plans run . -o out`, twice: the second run must not take out/text/*.txt (or the
    # review pages) for new documents.
    (tmp_path / "plan.txt").write_text(TEXT, encoding="utf-8")
    first = run_batch([tmp_path], tmp_path / "out", CFG)
    second = run_batch([tmp_path], tmp_path / "out", CFG)
    assert (first.files, first.done) == (1, 1)
    assert (second.files, second.done, second.skipped, second.failed) == (1, 0, 1, 0)
    assert sorted(p.name for p in (tmp_path / "out" / "text").iterdir()) == ["plan.txt"]
    # The output folder given as the input: refused, one line.
    third = run_batch([tmp_path / "out"], tmp_path / "out", CFG)
    assert (third.done, third.failed) == (0, 1)
    assert "output folder" in third.failures[0].message


def test_the_manifest_journal_keeps_what_a_kill_left_unfolded(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for k in range(3):
        (src / f"p{k}.txt").write_text(TEXT.replace("2024", str(2020 + k)), encoding="utf-8")
    run_batch([src], out, CFG)
    # At the end of a run the journal is folded into the manifest.
    assert (out / "manifest.jsonl").read_text(encoding="utf-8") == ""
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert sorted(docs) == ["p0", "p1", "p2"]
    # A run killed before folding: the manifest lacks two documents, the journal has them (the
    # last line cut mid-write); a rerun skips the documents the journal vouches for.
    journal = [json.dumps({"doc_id": d, "entry": docs[d]}) for d in ("p1", "p2")]
    (out / "manifest.json").write_text(
        json.dumps({"version": 1, "documents": {"p0": docs["p0"]}}), encoding="utf-8"
    )
    (out / "manifest.jsonl").write_text(journal[0] + "\n" + journal[1][:40], encoding="utf-8")
    again = run_batch([src], out, CFG)
    assert (again.done, again.skipped) == (1, 2)
    assert sorted(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]) == [
        "p0",
        "p1",
        "p2",
    ]
