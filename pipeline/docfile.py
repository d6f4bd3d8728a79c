"""Old Word documents (.doc, Word 6.0 to 2003): the main text, read from the piece table.

Archives hold years of plans typed in Word before .docx (2007), many in TCVN3 or VNI fonts.
A .doc is an OLE compound file (read with olefile). Its ``WordDocument`` stream begins with
the File Information Block (FIB); the table stream it names (``1Table`` or ``0Table``) holds
the piece table, which maps the document's characters to byte ranges of ``WordDocument``,
each piece either 8-bit (Windows-1252) or UTF-16LE ([MS-DOC] 2.4.1 "Retrieving Text"). The
main document is its first ``ccpText`` characters; footnotes, headers and comments come after
them and are not read (as a .docx's headers are not). Word 6.0 and 95 files (the 1990s) have
an older FIB of fixed offsets and 8-bit text only, its piece table (when fast-saved) in the
``WordDocument`` stream itself; the offsets are those of wvWare's reader.

Word's marks become text as a .docx's elements do: paragraph and cell ends, line, page and
column breaks end a line; a field keeps its result ("3", a link's text), not its code
("PAGE", "HYPERLINK ..."); pictures and note marks are dropped. Text in a legacy font comes
out as the Western letters of its bytes ("kÕ ho¹ch"): a run whose formatting or style names
a legacy font (".VnTime": TCVN3, "VNI-Times": VNI) is decoded run by run, so that a paragraph
mixing Unicode and TCVN3 reads right, and tracked deletions and hidden text are left out
(:mod:`pipeline.docformat`); list numbers are written back (:mod:`pipeline.doclists`). In a
Word 6/95 file the caller decodes the text as a whole when that reads as Vietnamese
(:func:`pipeline.wordfile.read_word`). Pasted pictures: :mod:`pipeline.docimages`.

Files that are no readable Word document fail with one line: a Word 2.0 file, a password, an
Excel or PowerPoint file, a damaged compound file.
"""

from __future__ import annotations

import struct
from pathlib import Path

import olefile

from pipeline.docformat import Run, decode_runs, hidden_runs, legacy_runs, paragraph_props
from pipeline.doclists import list_markers
from pipeline.errors import EncryptedError, InputFileError, damaged
from pipeline.textfile import C1_AS_CP1252

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIB_IDENT = 0xA5EC
_NFIB_WORD97 = 0x00C1  # Word 97; later versions write larger numbers
_NFIB_WORD6 = 0x0065  # Word 6.0 (101); Word 95 writes 104
_F_COMPLEX = 0x0004  # (Word 6.0/95) fast-saved: the text is in pieces
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200  # set: the table stream is "1Table"
_CLX_INDEX = 33  # fcClx/lcbClx: the 34th pair of FibRgFcLcb97
_COMPRESSED = 0x40000000  # a piece's fc: 8-bit text at byte (fc & 0x3FFFFFFF) / 2
# Far more than any plan's text: a larger stream is refused rather than read into memory.
MAX_STREAM_BYTES = 200 * 1024 * 1024

# Word's marks in the text stream ([MS-DOC] 2.8.25 ff.): line ends, and what is dropped.
_LINE_ENDS = "\r\x07\x0b\x0c\x0e"  # paragraph, cell/row end, line, page/section, column break
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_MARKS = str.maketrans(
    {
        **{ch: "\n" for ch in _LINE_ENDS},
        "\x1e": "-",  # non-breaking hyphen
        # An optional hyphen, kept as the soft hyphen it is: in a TCVN3 font byte 0xAD is the
        # letter "ư" (a converted file stores it so); the caller drops the others.
        "\x1f": "\xad",
        **{chr(c): None for c in range(0x20) if chr(c) not in _LINE_ENDS + "\t\x1e\x1f"},
    }
)

# What olefile and struct raise on a damaged compound file.
OLE_ERRORS = (OSError, ValueError, struct.error, IndexError, KeyError, EOFError, TypeError)


def doc_text(path: Path) -> tuple[str, list[str]]:
    """The main text of Word 6.0-2003 document ``path``, one line per paragraph (table cells
    too), with Word's marks resolved, and notes on how it was read (legacy fonts decoded by
    name). Raises InputFileError for a file that is none or is damaged, EncryptedError for one
    with a password."""
    try:
        with open_compound(path) as ole:
            word, table = _streams(ole, path)
    except InputFileError:
        raise
    except RecursionError as e:
        raise damaged(path, "corrupt Office document (its directory loops)") from e
    except OLE_ERRORS as e:
        raise damaged(path, f"corrupt or truncated Office document ({type(e).__name__})") from e
    try:
        return _main_text(word, table)
    except (struct.error, ValueError, IndexError) as e:
        raise damaged(path, f"corrupt Word document ({e})") from e


def open_compound(path: Path) -> olefile.OleFileIO:
    """The compound file ``path``, its header's sizes checked first: olefile allocates what a
    damaged header claims (a sector shift of 200 is a MemoryError, not an error message)."""
    with open(path, "rb") as f:
        header = f.read(0x50)
    if len(header) == 0x50:
        sector_shift, mini_shift = struct.unpack_from("<HH", header, 0x1E)
        fat_sectors = struct.unpack_from("<I", header, 0x2C)[0]
        size = path.stat().st_size
        if (
            sector_shift not in (9, 12)
            or mini_shift != 6
            or fat_sectors << sector_shift > size + (1 << sector_shift)
        ):
            raise damaged(path, "corrupt Office document (its header claims impossible sizes)")
    return olefile.OleFileIO(str(path))


def _streams(ole: olefile.OleFileIO, path: Path) -> tuple[bytes, bytes]:
    """The ``WordDocument`` stream and the table stream the FIB names."""
    if ole.exists("EncryptedPackage"):
        # (A .docx with a password is saved as a compound file holding it.)
        raise EncryptedError(
            "password-protected Office document",
            path=str(path),
            remedy="save a copy without the password",
        )
    if not ole.exists("WordDocument"):
        raise InputFileError(
            "unsupported file type: an old Office document that is not Word (.xls, .ppt ...)",
            path=str(path),
            remedy="convert it to PDF or plain text",
        )
    word = _read(ole, "WordDocument", path)
    if len(word) < 0x20 or struct.unpack_from("<H", word, 0)[0] != _FIB_IDENT:
        raise damaged(path, "corrupt Word document (no file information block)")
    nfib, flags = struct.unpack_from("<H", word, 2)[0], struct.unpack_from("<H", word, 0x0A)[0]
    if nfib < _NFIB_WORD6:
        raise InputFileError(
            "unsupported file type: a Word for Windows 2.0 (or older) document",
            path=str(path),
            remedy="save it in a later Word as .docx",
        )
    if flags & _F_ENCRYPTED:  # (encrypted or, with fObfuscated, XOR-obfuscated: a password)
        raise EncryptedError(
            "password-protected Word document",
            path=str(path),
            remedy="save a copy without the password",
        )
    if nfib < _NFIB_WORD97:
        return word, word  # (Word 6.0/95 keep their tables in the WordDocument stream)
    name = "1Table" if flags & _F_WHICH_TABLE else "0Table"
    if not ole.exists(name):
        raise damaged(path, f"corrupt Word document (its {name} stream is missing)")
    return word, _read(ole, name, path)


def _read(ole: olefile.OleFileIO, name: str, path: Path) -> bytes:
    size = ole.get_size(name)
    if size > MAX_STREAM_BYTES:
        raise InputFileError(
            f"Word document too large ({size:,} bytes of text and formatting)",
            path=str(path),
            remedy="split the document",
        )
    with ole.openstream(name) as f:
        data = f.read()
    if len(data) < size:  # (olefile returns what the file still holds of a cut stream)
        raise damaged(path, f"corrupt or truncated Office document (its {name} stream is cut)")
    return data


def _fib_fields(word: bytes) -> tuple[int, int, int]:
    """(ccpText, fcClx, lcbClx) of the FIB (see :func:`_fib_pairs`)."""
    ccp_text, blob, pairs = _fib_pairs(word)
    if pairs <= _CLX_INDEX:
        raise ValueError("no piece table in the file information block")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, blob + 8 * _CLX_INDEX)
    return ccp_text, fc_clx, lcb_clx


def _fib_pairs(word: bytes) -> tuple[int, int, int]:
    """(ccpText, where the FIB's (fc, lcb) pairs begin, how many there are): its
    variable-length parts are walked by their counts (csw, cslw, cbRgFcLcb) rather than by
    Word 97's fixed offsets."""
    off = 0x20
    csw = struct.unpack_from("<H", word, off)[0]
    off += 2 + 2 * csw
    cslw = struct.unpack_from("<H", word, off)[0]
    if cslw < 4:
        raise ValueError("no character count in the file information block")
    ccp_text = struct.unpack_from("<i", word, off + 2 + 12)[0]  # (after cbMac and two ids)
    off += 2 + 4 * cslw
    return ccp_text, off + 2, struct.unpack_from("<H", word, off)[0]


def _word6_pieces(word: bytes) -> list[tuple[int, int, int]]:
    """The pieces of a Word 6.0/95 document, as (first character, end, FcCompressed): its FIB
    has fixed offsets (ccpText at 0x34, fcClx/lcbClx at 0x160; wvWare's FIB6), its text is
    8-bit, one piece from fcMin unless fast-saved (fComplex: a piece table, in this stream)."""
    flags, fc_min = struct.unpack_from("<H", word, 0x0A)[0], struct.unpack_from("<I", word, 0x18)[0]
    ccp_text = struct.unpack_from("<i", word, 0x34)[0]
    if not flags & _F_COMPLEX:
        pieces = [(0, ccp_text, fc_min)]
    else:
        pieces = _pieces(word, *struct.unpack_from("<II", word, 0x160))
    # (Written as Word 97's 8-bit pieces, at byte fc: fc * 2 with the compression bit.)
    return [(a, min(b, ccp_text), (fc * 2) | _COMPRESSED) for a, b, fc in pieces]


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int]]:
    """(first character, last character + 1, raw FcCompressed) of each piece of the Clx."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx:
        raise ValueError("the piece table lies beyond the end of its stream")
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: formatting of fast-saved pieces, skipped
        i += 3 + struct.unpack_from("<h", clx, i + 1)[0]
    if i >= len(clx) or clx[i] != 0x02:
        raise ValueError("no piece table in the Clx")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5 : i + 5 + lcb]
    n = (lcb - 4) // 12
    if n < 1 or len(plc) != lcb or lcb != 4 + 12 * n:
        raise ValueError("a piece table of the wrong size")
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    return [
        (cps[k], cps[k + 1], struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0])
        for k in range(n)
    ]


def _main_text(word: bytes, table: bytes) -> tuple[str, list[str]]:
    """The main text, and notes on the legacy fonts decoded by name (Word 97 on). The text of
    text boxes (their own story, after the main text, footnotes, headers, comments and
    endnotes) is put where the first drawing anchors in the main text, else after it: a
    letterhead or motto in a box stays in the document."""
    runs: list[Run] = []
    deleted: list[tuple[int, int]] = []
    markers: dict[int, str] = {}
    boxes = (0, 0)
    if struct.unpack_from("<H", word, 2)[0] < _NFIB_WORD97:
        pieces = _word6_pieces(word)
        ccp_text = max((b for _, b, _ in pieces), default=0)
    else:
        ccp_text, fc_clx, lcb_clx = _fib_fields(word)
        pieces = _pieces(table, fc_clx, lcb_clx)
        _, blob, pairs = _fib_pairs(word)
        runs = legacy_runs(word, table, blob, pairs)
        deleted = hidden_runs(word, table, blob, pairs)
        counts = _story_counts(word)
        markers = _list_markers(word, table)
        boxes = (sum(counts[:6]), sum(counts[:7]))  # (the text boxes' story)
    # Each character is stored once: pieces that claim more text than the stream holds point
    # at the same bytes again and again (a damaged table, or a bomb).
    if sum(min(b, ccp_text) - a for a, b, _ in pieces if a < b) > len(word):
        raise ValueError("its pieces claim more text than the WordDocument stream holds")
    used: set[str] = set()
    main = _story(word, pieces, 0, ccp_text, runs, deleted, used, markers)
    if boxes[1] > boxes[0]:
        box = _story(word, pieces, *boxes, runs, deleted, used, markers).strip("\r")
        anchor = main.find("\x08")
        main = f"{main[:anchor]}\r{box}\r{main[anchor:]}" if anchor >= 0 else f"{main}\r{box}\r"
    notes = [f"text in {enc.upper()} fonts, decoded" for enc in sorted(used)]
    return _visible(main).removesuffix("\n"), notes


def _story(
    word: bytes,
    pieces: list[tuple[int, int, int]],
    first: int,
    end: int,
    runs: list[Run],
    deleted: list[tuple[int, int]],
    used: set[str],
    markers: dict[int, str],
) -> str:
    """The characters ``first`` to ``end`` of the document (a story: the main text, the text
    boxes' ...), read from the pieces that hold them, deletions dropped, legacy runs decoded,
    and the list numbers (``markers``, by the byte a paragraph starts at) put back."""
    if end - first > len(word):
        raise ValueError("a story claims more text than the WordDocument stream holds")
    parts = []
    for a, b, fc in pieces:
        lo, hi = max(a, first), min(b, end)
        if lo >= hi:
            continue
        n, skip = hi - lo, lo - a
        if fc & _COMPRESSED:  # 8-bit characters at byte fc / 2, Windows-1252
            at, width = (fc & 0x3FFFFFFF) // 2 + skip, 1
            data = word[at : at + n]
            text = data.decode("latin-1").translate(C1_AS_CP1252)
        else:
            at, width = fc + 2 * skip, 2
            data = word[at : at + 2 * n]
            text = data.decode("utf-16-le", "replace")
        if len(data) != n * width:
            raise ValueError("a piece lies beyond the end of the WordDocument stream")
        # Cut where a numbered paragraph starts: its number goes before it.
        cuts = sorted(
            (f - at) // width for f in markers if at <= f < at + n * width and (f - at) % width == 0
        )
        for k, (lo_k, hi_k) in enumerate(zip([0, *cuts], [*cuts, n], strict=True)):
            if lo_k >= hi_k:
                continue
            if k:
                parts.append(markers[at + lo_k * width])
            segment = text[lo_k:hi_k]
            if runs or deleted:
                segment = decode_runs(segment, at + lo_k * width, width, runs, deleted, used)
            parts.append(segment)
    return "".join(parts)


def _list_markers(word: bytes, table: bytes) -> dict[int, str]:
    """The list numbers of the paragraphs, by the byte each starts at (:mod:`pipeline.doclists`);
    {} when none or the tables are damaged."""
    try:
        _, blob, pairs = _fib_pairs(word)
        paragraphs = [(a, z, props) for a, z, _, props in paragraph_props(word, table, blob, pairs)]
    except (struct.error, IndexError, ValueError):
        return {}
    return list_markers(word, table, blob, pairs, paragraphs)


def _story_counts(word: bytes) -> tuple[int, ...]:
    """The FIB's character counts of the stories, in their order: main text, footnotes,
    headers, (macros), comments, endnotes, text boxes ([MS-DOC] FibRgLw97 ccpText...)."""
    off = 0x20
    off += 2 + 2 * struct.unpack_from("<H", word, off)[0]
    cslw = struct.unpack_from("<H", word, off)[0]
    if cslw < 10:
        return (0,) * 7
    return tuple(max(n, 0) for n in struct.unpack_from("<7i", word, off + 2 + 12))


def _visible(text: str) -> str:
    """Word's text with fields reduced to their results and marks resolved (see the module)."""
    # A table row ends with a mark of its own right after its last cell's: one line end.
    text = text.replace("\x07\x07", "\x07")
    if _FIELD_BEGIN not in text:
        return text.translate(_MARKS)
    out = []
    fields: list[bool] = []  # per open field, nested: still in its code
    start = 0
    for k, ch in enumerate(text):
        if ch not in (_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END):
            continue
        if not any(fields):
            out.append(text[start:k])
        start = k + 1
        if ch == _FIELD_BEGIN:
            fields.append(True)
        elif fields and ch == _FIELD_SEPARATOR:
            fields[-1] = False
        elif fields:
            fields.pop()
    if not any(fields):
        out.append(text[start:])
    return "".join(out).translate(_MARKS)
