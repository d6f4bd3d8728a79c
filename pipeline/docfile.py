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
out as the Western letters of its bytes ("kÕ ho¹ch"): a run whose font the character
formatting names (".VnTime": TCVN3, "VNI-Times": VNI) is decoded here, run by run, so that a
paragraph mixing Unicode and TCVN3 reads right; where the font comes from a style (or in a
Word 6/95 file) the caller decodes the text as a whole when that reads as Vietnamese
(:func:`pipeline.wordfile.read_word`).

Files that are no readable Word document fail with one line: a Word 2.0 file, a password, an
Excel or PowerPoint file, a damaged compound file.
"""

from __future__ import annotations

import bisect
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import olefile

from pipeline.doclists import list_markers
from pipeline.errors import EncryptedError, InputFileError, damaged
from pipeline.quality import text_stats
from pipeline.textfile import C1_AS_CP1252, LEGACY, font_bytes, legacy_encoding

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIB_IDENT = 0xA5EC
_NFIB_WORD97 = 0x00C1  # Word 97; later versions write larger numbers
_NFIB_WORD6 = 0x0065  # Word 6.0 (101); Word 95 writes 104
_F_COMPLEX = 0x0004  # (Word 6.0/95) fast-saved: the text is in pieces
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200  # set: the table stream is "1Table"
_CLX_INDEX = 33  # fcClx/lcbClx: the 34th pair of FibRgFcLcb97
_STSH_INDEX = 1  # fcStshf: the style sheet (its STSHI names the default fonts)
_CHPX_INDEX = 12  # fcPlcfBteChpx: the character formatting's pages
_PAPX_INDEX = 13  # fcPlcfBtePapx: the paragraph formatting's pages
_FFN_INDEX = 15  # fcSttbfFfn: the font table
_SPRM_C_RG_FTC0 = 0x4A4F  # a run's font (ASCII characters), an index into the font table
_SPRM_C_ISTD = 0x4A30  # a run's character style
# Runs that are not the document's shown text (operand 1, or 0x81: on): a tracked deletion
# (sprmCFRMarkDel), hidden text (sprmCFVanish).
_NOT_SHOWN_SPRMS = (0x0800, 0x083C)
_DELETED = -1  # (what _sprm_values says of such a run's font)
# Operand sizes by a sprm's top three bits (spra); None: variable, a size byte first.
_SPRA_SIZES = (1, 1, 2, 4, 2, 2, None, 3)
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
_OLE_ERRORS = (OSError, ValueError, struct.error, IndexError, KeyError, EOFError, TypeError)


def doc_text(path: Path) -> tuple[str, list[str]]:
    """The main text of Word 6.0-2003 document ``path``, one line per paragraph (table cells
    too), with Word's marks resolved, and notes on how it was read (legacy fonts decoded by
    name). Raises InputFileError for a file that is none or is damaged, EncryptedError for one
    with a password."""
    try:
        with _open(path) as ole:
            word, table = _streams(ole, path)
    except InputFileError:
        raise
    except RecursionError as e:
        raise damaged(path, "corrupt Office document (its directory loops)") from e
    except _OLE_ERRORS as e:
        raise damaged(path, f"corrupt or truncated Office document ({type(e).__name__})") from e
    try:
        return _main_text(word, table)
    except (struct.error, ValueError, IndexError) as e:
        raise damaged(path, f"corrupt Word document ({e})") from e


def _open(path: Path) -> olefile.OleFileIO:
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
        with _open(path) as ole:
            if not ole.exists("Data") or ole.get_size("Data") > MAX_STREAM_BYTES:
                return []
            with ole.openstream("Data") as f:
                data = f.read()
    except (InputFileError, *_OLE_ERRORS, RecursionError):
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
    runs: list[_Run] = []
    deleted: list[tuple[int, int]] = []
    markers: dict[int, str] = {}
    boxes = (0, 0)
    if struct.unpack_from("<H", word, 2)[0] < _NFIB_WORD97:
        pieces = _word6_pieces(word)
        ccp_text = max((b for _, b, _ in pieces), default=0)
    else:
        ccp_text, fc_clx, lcb_clx = _fib_fields(word)
        pieces = _pieces(table, fc_clx, lcb_clx)
        runs = _legacy_runs(word, table)
        deleted = _deleted_runs(word, table)
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
    runs: list[_Run],
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
                segment = _decode_runs(segment, at + lo_k * width, width, runs, deleted, used)
            parts.append(segment)
    return "".join(parts)


def _list_markers(word: bytes, table: bytes) -> dict[int, str]:
    """The list numbers of the paragraphs, by the byte each starts at (:mod:`pipeline.doclists`);
    {} when none or the tables are damaged."""
    try:
        _, blob, pairs = _fib_pairs(word)
        paragraphs = [(a, z, props) for a, z, _, props in _papx(word, table, blob, pairs)]
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


# A stretch of the WordDocument stream in a legacy font: (first byte, end byte, encoding,
# whether its own formatting names the font; if not, the document's default font is assumed,
# which a character style may have overridden: see _decode_runs).
_Run = tuple[int, int, str, bool]


def _decode_runs(
    text: str,
    at: int,
    width: int,
    runs: list[_Run],
    deleted: list[tuple[int, int]],
    used: set[str],
) -> str:
    """``text`` (a piece whose character k sits at byte ``at + k * width``) without its tracked
    deletions, and with the parts in a legacy font decoded from the bytes they show (an
    optional hyphen there is TCVN3's "ư"). A part in the default font only is decoded when
    that gives more Vietnamese syllables ("Hà Nam" in a Unicode character style stays: "HỔ
    Nam" is no better)."""
    out = []
    k = 0
    starts, cuts = [r[0] for r in runs], [d[0] for d in deleted]

    def chars_to(fc: int, stop: int) -> int:  # (the piece's position of byte ``stop``)
        return min(len(text), k + -(-(stop - fc) // width))

    while k < len(text):
        fc = at + k * width
        d = bisect.bisect_right(cuts, fc) - 1
        if d >= 0 and fc < deleted[d][1]:
            k = max(chars_to(fc, deleted[d][1]), k + 1)
            continue
        j = bisect.bisect_right(starts, fc) - 1
        inside = j >= 0 and fc < runs[j][1]
        stops = [runs[j][1]] if inside else starts[j + 1 : j + 2]
        stops += cuts[d + 1 : d + 2]  # (the next deletion)
        end = chars_to(fc, min(stops)) if stops else len(text)
        part = text[k:end]
        if inside:
            enc, named = runs[j][2], runs[j][3]
            raw = font_bytes(part.replace("\x1f", "\xad"))
            decoded = LEGACY[enc](raw) if raw is not None else part
            if decoded != part and (named or text_stats(decoded).valid > text_stats(part).valid):
                part = decoded
                used.add(enc)
        out.append(part)
        k = max(end, k + 1)
    return "".join(out)


def _deleted_runs(word: bytes, table: bytes) -> list[tuple[int, int]]:
    """(first byte, end byte) of the runs not shown: tracked deletions (sprmCFRMarkDel: text a
    reviewer struck out, still in the stream until the changes are accepted) and hidden text
    (sprmCFVanish); [] when none or damaged."""
    try:
        _, blob, pairs = _fib_pairs(word)
        if pairs <= _CHPX_INDEX:
            return []
        return sorted((a, z) for a, z, font, _ in _chpx(word, table, blob) if font == _DELETED)
    except (struct.error, IndexError, ValueError):
        return []


def _legacy_runs(word: bytes, table: bytes) -> list[_Run]:
    """The stretches of ``word`` whose characters are in a legacy font (".VnTime": TCVN3,
    "VNI-Times": VNI), sorted. A run's font is the one its character formatting names
    ([MS-DOC] PlcBteChpx, its ChpxFkp pages: sprmCRgFtc0, an index into the font table
    SttbfFfn), else its character style's (sprmCIstd), else its paragraph's style's (PlcBtePapx),
    else the style sheet's default, assumed (see _decode_runs). [] when no legacy font is in
    play, or the tables are damaged (the caller's decoding as a whole then covers the text)."""
    try:
        fonts = _font_names(word, table)
        legacy = {k: enc for k, name in enumerate(fonts) if (enc := legacy_encoding(name))}
        if not legacy:
            return []
        _, blob, pairs = _fib_pairs(word)
        if pairs <= _CHPX_INDEX:
            return []
        styles = _Styles(table, *struct.unpack_from("<II", word, blob + 8 * _STSH_INDEX))
        paragraphs = _paragraph_styles(word, table, blob, pairs)
        starts = [p[0] for p in paragraphs]
        runs: list[_Run] = []
        for start, end, ftc, istd in _chpx(word, table, blob):
            if ftc == _DELETED:
                continue
            if ftc is None:
                ftc = styles.font(istd)  # (the run's character style's, if any)
            if ftc is None:
                pieces = _by_paragraph(start, end, paragraphs, starts, styles)
            else:
                pieces = [(start, end, ftc, True)]
            runs += [(a, z, legacy[f], named) for a, z, f, named in pieces if f in legacy]
        return sorted(runs)
    except (struct.error, IndexError, ValueError):
        return []


def _by_paragraph(
    start: int,
    end: int,
    paragraphs: list[tuple[int, int, int]],
    starts: list[int],
    styles: _Styles,
) -> list[tuple[int, int, int | None, bool]]:
    """A run that names no font, cut at the paragraphs it spans: (first, end, font, whether
    a paragraph style gave it); where no paragraph style gives one, the default font."""
    out: list[tuple[int, int, int | None, bool]] = []
    at = start
    j = max(bisect.bisect_right(starts, start) - 1, 0)
    while at < end:
        para = paragraphs[j] if j < len(paragraphs) else None
        if para is not None and at >= para[1]:
            j += 1
            continue
        if para is not None and para[0] <= at:
            stop, font = min(end, para[1]), styles.font(para[2])
            j += 1
        else:  # (no paragraph there: up to the next one, or the run's end)
            stop, font = (min(end, para[0]) if para is not None else end), None
        out.append(
            (at, stop, font, True) if font is not None else (at, stop, styles.default, False)
        )
        at = stop
    return out


def _chpx(
    word: bytes, table: bytes, blob: int
) -> Iterator[tuple[int, int, int | None, int | None]]:
    """(first byte, end byte, font, character style) of each run of the character formatting
    (ChpxFkp pages): what its Chpx sets, None where nothing (font _DELETED: not shown)."""
    for page in _fkp_pages(word, table, blob, _CHPX_INDEX):
        crun = page[511]
        for r in range(crun):
            start, end = struct.unpack_from("<II", page, 4 * r)
            b = page[4 * (crun + 1) + r]
            yield (start, end, *(_font_of(page, 2 * b) if b else (None, None)))


def _fkp_pages(word: bytes, table: bytes, blob: int, index: int) -> Iterator[bytes]:
    """The 512-byte FKP pages a PlcBte of the FIB's pair ``index`` lists (PlcBteChpx: character
    formatting; PlcBtePapx: paragraph formatting)."""
    fc, lcb = struct.unpack_from("<II", word, blob + 8 * index)
    plc = table[fc : fc + lcb]
    n = (len(plc) - 4) // 8
    for k in range(n):
        pn = struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * k)[0] & 0x3FFFFF
        page = word[pn * 512 : pn * 512 + 512]
        if len(page) == 512:
            yield page


def _paragraph_styles(
    word: bytes, table: bytes, blob: int, pairs: int
) -> list[tuple[int, int, int]]:
    """(first byte, end byte, style) of each paragraph, sorted (see :func:`_papx`)."""
    return [(start, end, istd) for start, end, istd, _ in _papx(word, table, blob, pairs)]


def _papx(word: bytes, table: bytes, blob: int, pairs: int) -> list[tuple[int, int, int, bytes]]:
    """(first byte, end byte, style, properties) of each paragraph, sorted: from the
    paragraph formatting's FKP pages (PapxFkp: each paragraph's PapxInFkp, its style, istd,
    then its property modifiers)."""
    if pairs <= _PAPX_INDEX:
        return []
    out = []
    for page in _fkp_pages(word, table, blob, _PAPX_INDEX):
        cpara = page[511]
        for r in range(cpara):
            start, end = struct.unpack_from("<II", page, 4 * r)
            at = 2 * page[4 * (cpara + 1) + 13 * r]  # (BX: bOffset, then a 12-byte PHE)
            if not at:
                continue
            cb = page[at]
            size = 2 * cb - 1 if cb else 2 * page[at + 1]  # (cb 0: the size is in the next byte)
            at += 1 if cb else 2
            istd = int(struct.unpack_from("<H", page, at)[0])
            out.append((start, end, istd, page[at + 2 : at + size]))
    return sorted(out)


def _font_of(page: bytes, at: int) -> tuple[int | None, int | None]:
    """(font index, character style) that the Chpx at ``at`` in an FKP page sets
    (sprmCRgFtc0, sprmCIstd), each None where it sets none."""
    return _sprm_values(page[at + 1 : at + 1 + page[at]])


def _sprm_values(grpprl: bytes) -> tuple[int | None, int | None]:
    """(sprmCRgFtc0, sprmCIstd) of a list of property modifiers, None where absent."""
    font = style = None
    i = 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, i)[0]
        i += 2
        if sprm in _NOT_SHOWN_SPRMS and i < len(grpprl) and grpprl[i] in (1, 0x81):
            return _DELETED, None
        if sprm in (_SPRM_C_RG_FTC0, _SPRM_C_ISTD) and i + 2 <= len(grpprl):
            value = int(struct.unpack_from("<H", grpprl, i)[0])
            if sprm == _SPRM_C_RG_FTC0:
                font = value
            else:
                style = value
        size = _SPRA_SIZES[sprm >> 13]
        if size is None:  # variable: a size byte first
            size = 1 + (grpprl[i] if i < len(grpprl) else 0)
        i += size
    return font, style


class _Styles:
    """The fonts the style sheet ([MS-DOC] STSH) gives: each style's own (sprmCRgFtc0 in its
    character properties, else its base style's), and the default for a run whose formatting
    names none: the Normal style's font, else the STSHI's default (ftcAsci). Paragraph styles
    other than Normal are not looked up (a run in one counts as in Normal: see
    _decode_runs's check)."""

    def __init__(self, table: bytes, fc: int, lcb: int) -> None:
        self.own: dict[int, int | None] = {}
        self.base: dict[int, int] = {}
        stsh = table[fc : fc + lcb]
        cb_stshi = struct.unpack_from("<H", stsh, 0)[0]
        count, cb_base = struct.unpack_from("<HH", stsh, 2)
        default = struct.unpack_from("<H", stsh, 2 + 12)[0] if cb_stshi >= 14 else None
        at = 2 + cb_stshi
        for istd in range(count):
            cb_std = struct.unpack_from("<H", stsh, at)[0]
            std = stsh[at + 2 : at + 2 + cb_std]
            at += 2 + cb_std
            if len(std) < 10:
                continue
            stk_base = struct.unpack_from("<H", std, 2)[0]
            stk, base = stk_base & 0xF, stk_base >> 4
            if base != 0xFFF:
                self.base[istd] = base
            cch = struct.unpack_from("<H", std, cb_base)[0]
            i = cb_base + 2 + 2 * cch + 2  # (the name, and its terminating null)
            upx_chpx = None
            for k in range(2 if stk == 1 else 1 if stk == 2 else 0):
                cb_upx = struct.unpack_from("<H", std, i)[0]
                upx = std[i + 2 : i + 2 + cb_upx]
                i += 2 + cb_upx + (cb_upx & 1)
                if (stk == 1 and k == 1) or stk == 2:
                    upx_chpx = upx
            self.own[istd] = _sprm_values(upx_chpx)[0] if upx_chpx is not None else None
        self.default = self.font(0) if self.font(0) is not None else default

    def font(self, istd: int | None) -> int | None:
        for _ in range(32):  # (a chain that loops stops)
            if istd is None:
                return None
            if self.own.get(istd) is not None:
                return self.own[istd]
            istd = self.base.get(istd)
        return None


def _font_names(word: bytes, table: bytes) -> list[str]:
    """The font table (SttbfFfn): each font's name, by index."""
    _, blob, pairs = _fib_pairs(word)
    if pairs <= _FFN_INDEX:
        return []
    fc, lcb = struct.unpack_from("<II", word, blob + 8 * _FFN_INDEX)
    sttb = table[fc : fc + lcb]
    count, extra = struct.unpack_from("<HH", sttb, 0)
    at = 4
    if count == 0xFFFF:  # (extended: the count follows)
        count, extra = struct.unpack_from("<HH", sttb, 2)
        at = 6
    names = []
    for _ in range(count):
        size = sttb[at] + 1  # cbFfnM1: the entry's size less one
        entry = sttb[at : at + size]
        name = entry[40:].decode("utf-16-le", "replace").split("\x00")[0]
        names.append(name)
        at += size + extra
    return names


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
