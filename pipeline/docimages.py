"""The pictures of an old Word (.doc) document: scans pasted into Word, to OCR."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.docfile import MAX_STREAM_BYTES, OLE_ERRORS, open_compound
from pipeline.errors import InputFileError

# Where a picture's bytes begin: PNG and JPEG, the forms a pasted scan takes ([MS-ODRAW] BLIPs
# hold them whole, after a header of their own).
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PNG_END = b"IEND\xaeB`\x82"
_PICTURE = re.compile(re.escape(_PNG) + b"|" + re.escape(_JPEG))


def doc_images(path: Path) -> list[bytes]:
    """The PNG and JPEG pictures of Word 97-2003 document ``path`` (scans pasted into Word),
    in the order they are stored (the order they were pasted): found by their signatures in
    the ``Data`` stream, where Word keeps pictures, each cut at its own end. A fallback for a
    body without text: [] when the file is damaged or has none."""
    try:
        with open_compound(path) as ole:
            if not ole.exists("Data") or ole.get_size("Data") > MAX_STREAM_BYTES:
                return []
            with ole.openstream("Data") as f:
                data = f.read()
    except (InputFileError, *OLE_ERRORS, RecursionError):
        return []
    out = []
    pos = 0
    while (m := _PICTURE.search(data, pos)) is not None:
        at = m.start()
        if m.group(0) == _PNG:
            end = data.find(_PNG_END, at)
            end = -1 if end < 0 else end + len(_PNG_END)
        else:
            end = _jpeg_end(data, at)
        if end < 0:  # (cut short: the reader takes what there is, or fails on it)
            end = len(data)
        out.append(data[at:end])
        pos = end
    return out


def _jpeg_end(data: bytes, at: int) -> int:
    """Where the JPEG starting at ``at`` ends (after its EOI marker), or -1: its segments are
    walked by their lengths (a thumbnail inside one is skipped with it), and the coded data
    after a start of scan up to the next marker that is no byte stuffing or restart."""
    i, n = at + 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return -1
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
        elif marker == 0xD9:
            return i + 2
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
        else:
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
            if marker == 0xDA:  # start of scan: coded data follows
                while True:
                    i = data.find(b"\xff", i)
                    if i < 0 or i + 1 >= n:
                        return -1
                    nxt = data[i + 1]
                    if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                        i += 1 if nxt == 0xFF else 2
                    else:
                        break
    return -1
