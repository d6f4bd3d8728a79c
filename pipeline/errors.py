"""Errors that say what went wrong, with which file, and what to do about it.

The library raises these; only the CLI turns them into exit codes and terminal
messages (see :class:`ExitCode`). Every error renders as one line.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``plans`` command. Scripts may rely on them."""

    OK = 0
    SOME_FILES_FAILED = 1  # a batch finished, but at least one input failed (see errors.jsonl)
    BAD_ARGS = 2  # wrong usage (click uses 2 as well)
    INPUT_FILE = 3  # an input could not be read or understood
    MISSING_DEPENDENCY = 4  # tesseract, a language model or the built corpus is missing
    ENCRYPTED_PDF = 5  # a PDF or Word document with a password
    OUTPUT_ERROR = 6  # cannot write the output (permission, full disk)
    LOCKED = 7  # another run holds the output directory
    INVALID_RECORD = 8  # a record failed schema validation
    INTERRUPTED = 130


class PlansError(Exception):
    """Base error: a message, the file it concerns, and a remedy."""

    exit_code = ExitCode.INPUT_FILE
    stage = "ingest"

    def __init__(self, message: str, *, path: str | None = None, remedy: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.remedy = remedy

    def one_line(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}:")
        parts.append(self.message)
        if self.remedy:
            parts.append(f"({self.remedy})")
        return " ".join(parts).replace("\n", " ")

    def __str__(self) -> str:
        return self.one_line()


class InputFileError(PlansError):
    """The file is empty, binary, corrupt, of an unsupported type, or unreadable."""


class EncryptedError(InputFileError):
    """The file has a password (a PDF, a Word document)."""

    exit_code = ExitCode.ENCRYPTED_PDF


class EncryptedPDFError(EncryptedError):
    pass


def damaged(path: object, message: str) -> InputFileError:
    """The error for a file that cannot be read or rendered (a PDF, a Word document, an image
    inside one): only a new copy helps."""
    return InputFileError(message, path=str(path), remedy="get a complete copy of the file")


class NotVietnameseError(InputFileError):
    """The text is readable but is not Vietnamese."""


class PageTimeoutError(InputFileError):
    stage = "ocr"


class MissingDependencyError(PlansError):
    exit_code = ExitCode.MISSING_DEPENDENCY
    stage = "setup"


class OutputError(PlansError):
    exit_code = ExitCode.OUTPUT_ERROR
    stage = "write"


class LockedError(OutputError):
    exit_code = ExitCode.LOCKED


class InvalidRecordError(PlansError):
    exit_code = ExitCode.INVALID_RECORD
    stage = "extract"
