"""ZIP archives as inputs of `plans run`: their documents done like a folder's, safely."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import VI_LINES, cli, render_page
from test_ingest_docx import PLAN, make_docx

from pipeline.batch import BatchConfig, run_batch
from pipeline.errors import ExitCode

TEXT = "Kế hoạch triển khai thực hiện phong trào thi đua năm 2024 của Ủy ban nhân dân xã.\n"
CFG = BatchConfig(jobs=1, restore="never", extract=False)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _with_flags(data: bytes, name: str, *, set_bits: int = 0, clear_bits: int = 0) -> bytes:
    """``data`` (a ZIP) with the general purpose flags of member ``name`` changed in its local
    header and its central directory entry (bit 0: encrypted; bit 11: the name is UTF-8)."""
    out = bytearray(data)
    key = name.encode()
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = out.find(sig)
        while at >= 0:
            if out[at + name_at : at + name_at + len(key)] == key:
                flags = int.from_bytes(out[at + flag_at : at + flag_at + 2], "little")
                flags = (flags | set_bits) & ~clear_bits
                out[at + flag_at : at + flag_at + 2] = flags.to_bytes(2, "little")
            at = out.find(sig, at + 4)
    return bytes(out)


def _scan_png() -> bytes:
    buf = io.BytesIO()
    render_page(VI_LINES[:3]).save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


def _failures(out: Path) -> list[dict[str, str]]:
    text = (out / "errors.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_an_archives_documents_are_done_like_a_folders(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    docx = make_docx(tmp_path / "plan.docx", [[(line, None)] for line in PLAN]).read_bytes()
    inner = _zip({"inner/c.txt": TEXT.replace("2024", "2026").encode()})
    (src / "backlog.zip").write_bytes(
        _zip(
            {
                "2023/a.txt": TEXT.encode(),
                "2023/scan.png": _scan_png(),
                "2024/plan.docx": docx,
                "2024/older.zip": inner,
                "README.md": b"not a document",  # (skipped, as in folders)
                "__MACOSX/2023/._a.txt": b"\x00\x05\x16\x07",
                "2023/.hidden.txt": TEXT.encode(),
                # A name that climbs out of the archive: the copy stays in the run's folder.
                "../../escaped.txt": TEXT.replace("2024", "2027").encode(),
            }
        )
    )
    (src / "b.txt").write_text(TEXT.replace("2024", "2025"), encoding="utf-8")
    s = run_batch([src], out, CFG)
    assert (s.files, s.done, s.failed) == (6, 6, 0)
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    zipped = str(src / "backlog.zip")
    assert sorted(d["source"] for d in docs.values()) == sorted(
        [
            f"{zipped}/2023/a.txt",
            f"{zipped}/2023/scan.png",
            f"{zipped}/2024/plan.docx",
            f"{zipped}/2024/older.zip/inner/c.txt",
            f"{zipped}/../../escaped.txt",
            str(src / "b.txt"),
        ]
    )
    assert (out / "text" / "a.txt").read_text(encoding="utf-8") == TEXT
    assert "2026" in (out / "text" / "c.txt").read_text(encoding="utf-8")
    assert "Dân vận khéo" in (out / "text" / "plan.txt").read_text(encoding="utf-8")
    scan = json.loads((out / "pages" / "scan.json").read_text(encoding="utf-8"))
    assert scan["source"] == f"{zipped}/2023/scan.png" and scan["pages"][0]["method"] == "ocr"
    # Nothing written outside OUT, and the copies are gone with the run.
    assert (
        not (tmp_path / "escaped.txt").exists() and not (src.parent.parent / "escaped.txt").exists()
    )
    assert not (out / ".unpacked").exists()
    # A rerun skips every member already done (same content, same settings).
    again = run_batch([src], out, CFG)
    assert (again.done, again.skipped, again.failed) == (0, 6, 0)
    assert not (out / ".unpacked").exists()


def test_bad_archives_and_members_fail_one_line_each_and_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    good = _zip({"a.txt": TEXT.encode()})
    (src / "cut.zip").write_bytes(good[: len(good) // 2])
    (src / "sheet.zip").write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}))
    # A member with the password flag (zipfile cannot encrypt; the flag is what readers see).
    (src / "locked.zip").write_bytes(
        _with_flags(
            _zip({"secret.txt": TEXT.encode(), "open.txt": TEXT.replace("2024", "2025").encode()}),
            "secret.txt",
            set_bits=0x1,
        )
    )
    # 80 MB of zeros in a few dozen KB: a ZIP bomb is refused, not inflated.
    (src / "bomb.zip").write_bytes(_zip({"zeros.txt": bytes(80 << 20)}))
    deep = _zip({"d.txt": TEXT.encode()})
    for level in range(3):
        deep = _zip({f"level{level}.zip": deep})
    (src / "deep.zip").write_bytes(deep)
    (src / "ok.txt").write_text(TEXT, encoding="utf-8")
    s = run_batch([src], out, CFG)
    fails = {f["file"]: f for f in _failures(out)}
    assert s.done == 2 and s.failed == len(fails) == 5  # open.txt and ok.txt are done
    assert "corrupt or truncated ZIP" in fails[str(src / "cut.zip")]["message"]
    assert "no documents" in fails[str(src / "sheet.zip")]["message"]
    locked = fails[f"{src / 'locked.zip'}/secret.txt"]
    assert locked["error"] == "EncryptedError" and "password" in locked["message"]
    assert "ZIP bomb" in fails[f"{src / 'bomb.zip'}/zeros.txt"]["message"]
    deepest = f"{src / 'deep.zip'}/level2.zip/level1.zip/level0.zip"
    assert "not expanded" in fails[deepest]["message"]
    assert all(f["stage"] == "unpack" for f in fails.values())
    assert not (out / ".unpacked").exists()


def test_an_archive_named_on_the_command_line(tmp_path: Path) -> None:
    arc = tmp_path / "plans-2024.zip"
    arc.write_bytes(_zip({"a.txt": TEXT.encode(), "b.bin": b"\x00" * 10}))
    out = tmp_path / "out"
    proc = cli("run", str(arc), "-o", str(out), "--no-extract", timeout=300)
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "1 file(s): 1 done" in proc.stderr
    assert (out / "text" / "a.txt").exists()
    # A .docx named on the command line is a document, not an archive.
    docx = make_docx(tmp_path / "plan.docx", [[(line, None)] for line in PLAN])
    s = run_batch([docx], tmp_path / "out2", CFG)
    assert s.done == 1 and (tmp_path / "out2" / "text" / "plan.txt").exists()


def test_vietnamese_member_names_written_without_the_utf8_flag(tmp_path: Path) -> None:
    # Archivers that write UTF-8 names without saying so: read as code page 437 they would
    # be "Kß║┐ hoß║ích"; the outputs take the name meant.
    name = "Kế hoạch 12.txt"
    data = _with_flags(_zip({name: TEXT.encode()}), name, clear_bits=0x800)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() != [name]  # (what a reader without the repair sees)
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "x.zip").write_bytes(data)
    assert run_batch([src], out, CFG).done == 1
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert [d["source"] for d in docs.values()] == [f"{src / 'x.zip'}/{name}"]
    assert (out / "text" / "Kế-hoạch-12.txt").exists()
