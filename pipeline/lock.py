"""One run per output directory at a time: an advisory lock on ``OUT/.lock``.

``fcntl.flock`` is released by the kernel when the process dies, so a killed run
never leaves a stale lock behind (a pid file would).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from pipeline.atomic import output_error
from pipeline.errors import LockedError


class OutputLock:
    """``with OutputLock(out_dir):`` holds the directory or raises :class:`LockedError`."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / ".lock"
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise output_error(e, self.path) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise LockedError(
                f"another run (pid {holder or '?'}) is writing to this output directory",
                path=str(self.path.parent),
                remedy="wait for it to finish or choose another -o",
            ) from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
