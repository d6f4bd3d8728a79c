"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Write to a temporary file in the same directory, fsync it, ``os.replace`` it over
the target, fsync the directory. A run killed at any moment leaves at most a
stray ``.*.tmp`` file, which the next write of the same target replaces.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from pipeline.errors import OutputError

_FULL = {errno.ENOSPC, errno.EDQUOT}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def output_error(e: OSError, path: Path) -> OutputError:
    """Turn an OSError on an output path into a one-line :class:`OutputError`."""
    if e.errno in _FULL:
        return OutputError(
            "disk full", path=str(path), remedy="free some space or choose another -o"
        )
    if e.errno in _DENIED:
        return OutputError(
            "no permission to write", path=str(path), remedy="choose a writable -o directory"
        )
    return OutputError(f"cannot write ({e.strerror or e})", path=str(path))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (str as UTF-8) to ``path`` atomically and durably."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise output_error(e, path) from e


def ensure_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(e, path) from e
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(
            "no permission to write", path=str(path), remedy="choose a writable -o directory"
        )
    return path
