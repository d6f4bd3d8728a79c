"""Office documents that are ZIP packages (.docx, .odt): reading their parts safely.

A part too large to be a plan's, a damaged archive or member, or a part that is no XML is
not read: the callers fall back (a missing styles part) or fail with one line (a missing
body).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

# What reading a damaged ZIP member raises: a bad archive, a cut or corrupt deflate stream
# (zlib.error), an encrypted member (RuntimeError), a compression method zipfile lacks.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
    ValueError,
)
# Far more than any plan's text: a larger part is refused rather than read into memory.
MAX_XML_BYTES = 200 * 1024 * 1024


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def read_part(path: Path, name: str) -> ElementTree.Element | None:
    """The part ``name`` of the document's package (its styles, its numbering), parsed; None
    when it has none or it is damaged (the body is then read without it)."""
    try:
        with zipfile.ZipFile(path) as z:
            if name not in z.namelist() or z.getinfo(name).file_size > MAX_XML_BYTES:
                return None
            return ElementTree.fromstring(z.read(name))
    except (*ZIP_ERRORS, ElementTree.ParseError, LookupError, RecursionError):
        return None


def zip_images(z: zipfile.ZipFile, names: set[str], members: list[str]) -> list[bytes]:
    """The image files among ``members`` of ``z`` that it holds, read."""
    out = []
    for name in members:
        # (A member bigger than any page scan is no page: skipped, not inflated.)
        if (
            name.lower().endswith(IMAGE_SUFFIXES)
            and name in names
            and z.getinfo(name).file_size <= MAX_XML_BYTES
        ):
            out.append(z.read(name))
    return out


def attr_int(text: str | None, default: int = 0) -> int:
    """An XML attribute's integer (a list level, a start number), ``default`` when it is
    missing or no number."""
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
