"""RTF documents (.rtf): their text, read as a .docx's is, legacy fonts decoded by font name.

Plans were sent and archived as RTF too ("Save as RTF", and the mail merges of older office
software). RTF is text: groups in braces, control words, and the document's characters,
either ASCII, bytes written ``\\'hh`` in the code page of the current font (its ``\\fcharset``,
163 being Vietnamese Windows-1258) or of the document (``\\ansicpg``), or ``\\uN`` with a
fallback the reader skips (``\\ucN`` characters). Paragraphs, line breaks, table cells and rows
end a line, as in a .docx; a field keeps its result, not its code; destinations that are no
body text are skipped: the font, color and style tables, document information, pictures,
objects, headers and footers, footnotes, and every ``{\\*\\...}`` group this reader does not know
(a body without letters gives its PNG and JPEG pictures instead: :func:`rtf_images`).
Bytes in a TCVN3 or VNI font (".VnTime", "VNI-Times") are decoded by that encoding, by the
font's name, as in a .docx.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.textfile import LEGACY, font_bytes, legacy_encoding

# Far more than any plan's text with its pictures: a larger file is refused, not read.
MAX_RTF_BYTES = 200 * 1024 * 1024

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, its parameter, one space eaten
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\([^a-zA-Z'])"  # control symbol
    rb"|([{}])"
    rb"|[\r\n]+"  # (line ends in the file are not text)
    rb"|([^\\{}\r\n]+)",
    re.S,
)
# Groups whose text is not the body's (besides every {\*\...} group).
_SKIPPED = frozenset(
    """fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer
    footerl footerr footerf footnote fldinst bkmkstart bkmkend listtable listoverridetable
    revtbl rsidtbl generator xmlnstbl themedata colorschememapping datastore latentstyles
    filetbl pgdsctbl shpinst nonshppict annotation atnid atnauthor""".split()
)
_FONT_ENCODINGS = ("tcvn3", "vni")  # (the legacy fonts' codecs, as legacy_encoding names them)
# (A table row ends with \row after its last \cell, which ended the line already.)
_LINE_END = frozenset("par line cell page sect column".split())
_SYMBOLS = {b"~": "\u00a0", b"_": "-", b"\\": "\\", b"{": "{", b"}": "}", b"\t": "\t"}
_WORDS = {
    "tab": "\t",
    "emdash": "\u2014",
    "endash": "\u2013",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
}
# \fcharset -> code page ([MS-RTF] 1.9.1), the ones a Vietnamese archive may meet.
_CHARSETS = {
    0: "cp1252",
    161: "cp1253",
    162: "cp1254",
    163: "cp1258",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
    128: "cp932",
    129: "cp949",
    134: "gbk",
    136: "big5",
}


class _Group:
    """What a group inherits from the one around it, and may change for itself."""

    __slots__ = ("font", "uc", "skip", "deleted")

    def __init__(self, font: int | None, uc: int, skip: bool, deleted: bool = False) -> None:
        self.font, self.uc, self.skip, self.deleted = font, uc, skip, deleted


def rtf_text(path: Path) -> tuple[str, list[str]]:
    """The text of RTF document ``path``, one line per paragraph (table cells too), and notes
    on how it was read (legacy fonts decoded). Raises InputFileError for a file too large."""
    size = path.stat().st_size
    if size > MAX_RTF_BYTES:
        raise InputFileError(
            f"RTF document too large ({size:,} bytes)", path=str(path), remedy="split the document"
        )
    return rtf_to_text(path.read_bytes())


def rtf_to_text(data: bytes) -> tuple[str, list[str]]:
    """See :func:`rtf_text`."""
    return _Reader().read(data)


def rtf_images(path: Path) -> list[bytes]:
    """The PNG and JPEG pictures of RTF document ``path`` (scans pasted into Word, saved as
    RTF), in document order; other kinds (metafiles) are left out."""
    if path.stat().st_size > MAX_RTF_BYTES:
        return []
    reader = _Reader()
    reader.read(path.read_bytes())
    return reader.images


class _Reader:
    """One pass over the tokens, with a stack of groups (no recursion: nesting is free)."""

    def __init__(self) -> None:
        self.fonts: dict[int, tuple[str, str | None]] = {}  # number -> (name, charset's page)
        self.names: dict[int, list[str]] = {}  # font names as the font table spells them
        self.codepage = "cp1252"  # the document's (\ansicpg)
        self.out: list[str] = []
        self.pending = bytearray()  # bytes of one font, decoded together (VNI needs the run)
        self.pending_codec = "cp1252"
        self.notes: set[str] = set()
        self.stack = [_Group(None, 1, False)]
        self.fonttbl = 0  # depth of the font table's group, 0 outside it
        self.skip_chars = 0  # fallback characters still to skip after a \uN
        # The pictures (PNG, JPEG) of {\pict} groups, skipped or not ({\*\shppict} holds
        # Word's): the depth of the one being read, its kind and its hex digits or bytes.
        self.images: list[bytes] = []
        self.pict = 0
        self.pict_kind: str | None = None
        self.pict_data: list[bytes] = []

    def read(self, data: bytes) -> tuple[str, list[str]]:
        pos = 0
        first = False  # the token right after "{": a control word there names the group
        while pos < len(data):
            m = _TOKEN.match(data, pos)
            if m is None:  # (a lone backslash at the end)
                break
            pos = m.end()
            word, param, hexbyte, symbol, brace, text = m.groups()
            if brace is not None:
                self._brace(brace)
                first = brace == b"{"
                continue
            if word is not None:
                if word == b"bin":  # binary data follows: skipped whatever the group
                    n = max(int(param or 0), 0)
                    if self.pict and len(self.stack) == self.pict:
                        self.pict_data.append(data[pos : pos + n].hex().encode())
                    pos += n
                else:
                    self._word(word.decode(), None if param is None else int(param), first)
            elif symbol is not None:
                self._symbol(symbol, first)
            elif hexbyte is not None:
                self._chars(bytes([int(hexbyte, 16)]))
            elif text is not None:
                self._chars(text)
            first = False
        self._flush()
        # Characters beyond the BMP come as two \u (a surrogate pair): joined; a lone one is
        # replaced.
        out = "".join(self.out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return out.removesuffix("\n"), sorted(self.notes)

    def _brace(self, brace: bytes) -> None:
        stack = self.stack
        if brace == b"{":
            g = stack[-1]
            stack.append(_Group(g.font, g.uc, g.skip, g.deleted))
        elif len(stack) > 1:
            stack.pop()
            if len(stack) < self.fonttbl:
                self.fonttbl = 0
            if len(stack) < self.pict:
                self._end_picture()

    def _end_picture(self) -> None:
        if self.pict_kind is not None:
            digits = re.sub(rb"[^0-9a-fA-F]", b"", b"".join(self.pict_data))
            self.images.append(bytes.fromhex(digits[: len(digits) // 2 * 2].decode()))
        self.pict, self.pict_kind, self.pict_data = 0, None, []

    def _word(self, w: str, param: int | None, first: bool) -> None:
        group = self.stack[-1]
        if w == "pict" and first and not self.pict:
            self.pict = len(self.stack)
        elif self.pict and w in ("pngblip", "jpegblip"):
            self.pict_kind = w
        if first and w in _SKIPPED:
            if w == "fonttbl":
                self.fonttbl = len(self.stack)
            group.skip = True
        elif self.fonttbl:
            if w == "f" and param is not None:
                group.font = param
                self.names[param] = []
                self.fonts[param] = ("", None)
            elif w == "fcharset" and param is not None and group.font is not None:
                name = self.fonts.get(group.font, ("", None))[0]
                self.fonts[group.font] = (name, _CHARSETS.get(param))
        elif group.skip or param is None and w in ("ansicpg", "f", "deff", "uc", "u"):
            return
        elif w == "ansicpg":
            self.codepage = f"cp{param}"
            try:
                "".encode(self.codepage)
            except LookupError:
                self.codepage = "cp1252"
        elif w == "f":
            group.font = param
        elif w in ("deleted", "v"):  # (a tracked deletion, hidden text: not shown; 0 ends it)
            group.deleted = param != 0
        elif w == "plain":
            group.deleted = False
        elif w == "deff":
            if group.font is None:
                group.font = param  # (the font of text before any \f)
        elif w == "uc":
            group.uc = max(param or 0, 0)
        elif w == "u" and group.deleted:
            self.skip_chars = group.uc
        elif w == "u":
            n = param or 0
            ch = chr(n % 0x10000 if n < 0 else min(n, 0x10FFFF))
            raw = font_bytes(ch) if self._codec() in _FONT_ENCODINGS else None
            if raw is not None:
                # A legacy font's byte written as the Western letter it shows (LibreOffice:
                # "\u213\'d5" for TCVN3's "ế"): decoded with its run.
                self._bytes(raw)
            else:
                self._put(ch)
            self.skip_chars = group.uc
        elif w in _LINE_END:
            self._put("\n")
        elif w in _WORDS:
            self._put(_WORDS[w])

    def _symbol(self, symbol: bytes, first: bool) -> None:
        group = self.stack[-1]
        if symbol == b"*" and first:
            group.skip = True
        elif group.skip or self.fonttbl:
            return
        elif self.skip_chars:
            self.skip_chars -= 1
        elif symbol in (b"\r", b"\n"):  # (a backslash before a line end: \par)
            self._put("\n")
        elif group.deleted:
            return
        elif symbol in _SYMBOLS:
            self._put(_SYMBOLS[symbol])
        elif symbol == b"-" and self._codec() in _FONT_ENCODINGS:
            # An optional hyphen, but in a TCVN3 font byte 0xAD is the letter "ư" (LibreOffice
            # writes it so: "l\-\u238\'eeng" for "lượng"); elsewhere it is invisible.
            self._bytes(b"\xad")

    def _chars(self, raw: bytes) -> None:
        """Characters of the document, in the current font's code page (or a font's name)."""
        group = self.stack[-1]
        if self.pict:
            if len(self.stack) == self.pict:  # (not {\*\picprop ...} or {\*\blipuid ...})
                self.pict_data.append(raw)
            return
        if self.fonttbl:
            # A font's name is the text of its entry, not of the groups inside it
            # ({\*\panose ...}, {\*\falt ...}).
            if group.font is not None and len(self.stack) <= self.fonttbl + 1:
                spelled = self.names.setdefault(group.font, [])
                spelled.append(raw.decode("latin-1"))
                name = "".join(spelled).split(";")[0].strip()
                self.fonts[group.font] = (name, self.fonts.get(group.font, ("", None))[1])
            return
        if group.skip:
            return
        if self.skip_chars:
            n = min(self.skip_chars, len(raw))
            self.skip_chars -= n
            raw = raw[n:]
        if raw and not group.deleted:
            self._bytes(raw)

    def _bytes(self, raw: bytes) -> None:
        """Bytes of the document in the current font, decoded with the run they belong to."""
        codec = self._codec()
        if codec != self.pending_codec:
            self._flush()
            self.pending_codec = codec
        self.pending.extend(raw)

    def _codec(self) -> str:
        font = self.fonts.get(self.stack[-1].font)  # type: ignore[arg-type]
        if font is None:
            return self.codepage
        return legacy_encoding(font[0]) or font[1] or self.codepage

    def _put(self, text: str) -> None:
        self._flush()
        self.out.append(text)

    def _flush(self) -> None:
        if not self.pending:
            return
        codec, data = self.pending_codec, bytes(self.pending)
        if codec in LEGACY:
            self.out.append(LEGACY[codec](data))
            if codec in _FONT_ENCODINGS:
                self.notes.add(f"text in {codec.upper()} fonts, decoded")
        else:
            self.out.append(data.decode(codec, "replace"))
        self.pending.clear()
