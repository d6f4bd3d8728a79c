"""ZIP archives of documents: a backlog often arrives as ``scans-2023.zip``.

``plans run`` takes an archive like a folder: each member with a supported extension is a
document, named ``archive.zip/folder/member.pdf`` in the outputs, the manifest and
``errors.jsonl``. Members are copied out, one at a time as the batch needs them, into a
folder of the run's own (``OUT/.unpacked``) under a name made of their index and their
file name's safe form, never under the name the archive gives (``../../etc/passwd`` stays
inside that folder), and that folder is removed when the run ends.

What is refused, one line each, the other members going on: a member with a password, a
member that does not inflate to what the archive says (a damaged archive), a member larger
than ``MAX_MEMBER_BYTES``, or one that inflates more than ``MAX_RATIO`` times past
``RATIO_FLOOR`` bytes (a ZIP bomb: scans hardly compress, text some 5-10 times). Archives
inside the archive are expanded in turn, ``MAX_DEPTH`` levels deep. Office documents are ZIP
files too; an archive is a ZIP that is no .docx or .odt (:func:`is_archive`).
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pipeline.atomic import output_error
from pipeline.errors import EncryptedError, InputFileError, OutputError, damaged
from pipeline.officezip import ZIP_ERRORS
from pipeline.wordfile import word_kind

MAX_MEMBER_BYTES = 4 << 30  # a 300-page scan at 300 dpi is well under 1 GiB
MAX_RATIO = 100
RATIO_FLOOR = 64 << 20
MAX_DEPTH = 3
ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # an archive with no members


@dataclass(frozen=True)
class Member:
    """A document inside an archive: where it was copied to (``path``), the name it has in
    the outputs (``source``: the archive's path, then the member's path inside it)."""

    path: Path
    source: str


def is_archive(path: Path) -> bool:
    """True when ``path`` is a ZIP archive that is no office document (.docx, .odt: by
    content, or by name for a damaged one)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    if path.suffix.lower() in (".docx", ".odt"):
        return False  # (a damaged one is a damaged document: the ingestion says why)
    if head == _EMPTY_ZIP_MAGIC:
        return True
    return head == ZIP_MAGIC and word_kind(path) is None and _is_zip(path)


def _is_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path):
            return True
    except ZIP_ERRORS:
        # A cut or damaged archive: a .zip is one all the same (its members fail one by one
        # or it fails as a whole, with the reason); other files keep the ingest's verdict.
        return path.suffix.lower() == ".zip"


def members(
    archive: Path, source: str, into: Path, suffixes: frozenset[str], depth: int = 1
) -> Iterator[Member | InputFileError]:
    """The documents of ``archive`` (named ``source``) whose names end in one of ``suffixes``,
    each copied into folder ``into`` as it is reached; an :class:`InputFileError` in place of
    a member that cannot be copied, or of the whole archive when it cannot be read. Archives
    inside are expanded in turn (``depth`` levels so far)."""
    try:
        z = zipfile.ZipFile(archive)
    except ZIP_ERRORS as e:
        yield damaged(source, f"corrupt or truncated ZIP archive ({_why(e)})")
        return
    except OSError as e:
        yield InputFileError(f"cannot read ({e.strerror})", path=source)
        return
    with z:
        infos = [
            i
            for i in z.infolist()
            if not i.is_dir() and _wanted(i.filename) and _suffix(i) in (*suffixes, ".zip")
        ]
        if not infos:
            yield InputFileError(
                "a ZIP archive with no documents to read (no .pdf, image, text or Word file)",
                path=source,
                remedy="check it is the archive meant; a spreadsheet (.xlsx, .ods) is a ZIP too",
            )
            return
        for n, info in enumerate(infos, start=1):
            name = PurePosixPath(member_name(info))
            where = f"{source}/{name}"
            suffix = _suffix(info)
            target = into / f"{_tag(source)}-{n:06d}{_safe_suffix(name)}"
            try:
                _copy(z, info, target, where)
            except InputFileError as e:
                target.unlink(missing_ok=True)
                yield e
                continue
            if suffix == ".zip" or is_archive(target):
                if depth >= MAX_DEPTH:
                    target.unlink(missing_ok=True)
                    yield InputFileError(
                        f"an archive {depth} archives deep: not expanded further",
                        path=where,
                        remedy="unzip it first",
                    )
                    continue
                try:
                    yield from members(target, where, into, suffixes, depth + 1)
                finally:
                    target.unlink(missing_ok=True)
                continue
            yield Member(target, where)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its archiver meant it. Without the UTF-8 flag, ZIP names are read
    as code page 437; many archivers (and Windows' own for Vietnamese names) write UTF-8 all
    the same, and "Kß║┐ hoß║ích.pdf" is "Kế hoạch.pdf"."""
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except UnicodeError:
        return name


def _suffix(info: zipfile.ZipInfo) -> str:
    return PurePosixPath(info.filename).suffix.lower()


def _wanted(name: str) -> bool:
    # Hidden files and macOS resource forks are no documents (as in folders).
    # (".." is no hidden name: such a member is read too, its copy named by the run.)
    parts = PurePosixPath(name).parts
    return not any(p.startswith(".") and p != ".." or p == "__MACOSX" for p in parts)


def _tag(source: str) -> str:
    """A short tag of the archive's name: members of two archives never share a file."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


def _safe_suffix(name: PurePosixPath) -> str:
    s = name.suffix.lower()
    return s if s.isascii() and s[1:].isalnum() else ""


def _copy(z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, where: str) -> None:
    """Copy member ``info`` to ``target``, refusing passwords, bombs and damage."""
    if info.flag_bits & 0x1:
        raise EncryptedError(
            "the member has a password", path=where, remedy="unzip it with its password first"
        )
    if info.file_size > MAX_MEMBER_BYTES:
        raise _too_big(where, info.file_size)
    limit = min(MAX_MEMBER_BYTES, max(RATIO_FLOOR, MAX_RATIO * max(1, info.compress_size)))
    written = 0
    try:
        with z.open(info) as src, _open_output(target) as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise _too_big(where, written, bomb=limit < MAX_MEMBER_BYTES)
                try:
                    dst.write(chunk)
                except OSError as e:
                    raise output_error(e, target) from e
    except (InputFileError, OutputError):
        raise
    except RuntimeError as e:  # (zipfile: "File ... is encrypted, password required")
        raise EncryptedError(
            "the member has a password", path=where, remedy="unzip it with its password first"
        ) from e
    except NotImplementedError as e:
        raise InputFileError(
            f"compressed in a way that cannot be read here ({_why(e)})",
            path=where,
            remedy="unzip it with another tool first",
        ) from e
    except ZIP_ERRORS as e:
        raise damaged(where, f"the archive's copy of it is damaged ({_why(e)})") from e


def _open_output(target: Path) -> BinaryIO:
    try:
        return open(target, "wb")
    except OSError as e:
        raise output_error(e, target) from e


def _why(e: BaseException) -> str:
    """An exception's message, or its kind where it has none (zlib and EOF errors may not)."""
    return str(e) or type(e).__name__


def _too_big(where: str, size: int, bomb: bool = False) -> InputFileError:
    if bomb:
        return InputFileError(
            f"inflates to over {size:,} bytes, far more than its compressed size (a ZIP bomb?)",
            path=where,
            remedy="unzip it yourself if you trust it",
        )
    return InputFileError(
        f"too large to read ({size:,} bytes inflated, limit {MAX_MEMBER_BYTES:,})",
        path=where,
        remedy="split the document",
    )


def remove(folder: Path) -> None:
    """Remove a run's folder of copied members (it is the run's own: nothing else is in it)."""
    shutil.rmtree(folder, ignore_errors=True)
