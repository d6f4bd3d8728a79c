"""RTF documents (.rtf): their text, read as a .docx's is, legacy fonts decoded by font name.

Plans were sent and archived as RTF too ("Save as RTF", and the mail merges of older office
software). RTF is text: groups in braces, control words, and the document's characters,
either ASCII, bytes written ``\\'hh`` in the code page of the current font (its ``\\fcharset``,
163 being Vietnamese Windows-1258) or of the document (``\\ansicpg``), or ``\\uN`` with a
fallback the reader skips (``\\ucN`` characters). Paragraphs, line breaks, table cells and rows
end a line, as in a .docx; a field keeps its result, not its code; destinations that are no
body text are skipped: the font, color and style tables, document information, pictures,
objects, headers and footers, footnotes, and every ``{\\*\\...}`` group this reader does not know.
Bytes in a TCVN3 or VNI font (".VnTime", "VNI-Times") are decoded by that encoding, by the
font's name, as in a .docx.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.textfile import LEGACY, legacy_encoding

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
_LINE_END = frozenset("par line cell row page sect column".split())
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
    __slots__ = ("font", "uc", "skip")

    def __init__(self, font: int | None, uc: int, skip: bool) -> None:
        self.font, self.uc, self.skip = font, uc, skip


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
    fonts: dict[int, tuple[str, str | None]] = {}  # number -> (name, code page from charset)
    names: dict[int, list[str]] = {}  # font names being read in the font table
    codepage = "cp1252"
    out: list[str] = []
    pending = bytearray()  # bytes of the current font, decoded together (VNI needs the run)
    pending_codec = "cp1252"
    notes: set[str] = set()
    stack = [_Group(None, 1, False)]
    in_fonttbl = 0  # depth of the font table's group, 0 outside it
    skip_chars = 0  # fallback characters still to skip after a \uN
    expect_dest = False  # just after "{": the group's first control word names it
    pos = 0

    def codec() -> str:
        font = fonts.get(stack[-1].font) if stack[-1].font is not None else None
        if font is None:
            return codepage
        enc = legacy_encoding(font[0])
        return enc or font[1] or codepage

    def flush() -> None:
        if pending:
            if pending_codec in LEGACY:
                out.append(LEGACY[pending_codec](bytes(pending)))
                if pending_codec in ("tcvn3", "vni"):
                    notes.add(f"text in {pending_codec.upper()} fonts, decoded")
            else:
                out.append(bytes(pending).decode(pending_codec, "replace"))
            pending.clear()

    def put_bytes(raw: bytes) -> None:
        nonlocal pending_codec
        c = codec()
        if c != pending_codec:
            flush()
            pending_codec = c
        pending.extend(raw)

    def put_text(text: str) -> None:
        flush()
        out.append(text)

    while pos < len(data):
        m = _TOKEN.match(data, pos)
        if m is None:  # (a lone backslash at the end)
            break
        pos = m.end()
        word, param, hexbyte, symbol, brace, text = m.groups()
        group = stack[-1]
        if brace == b"{":
            stack.append(_Group(group.font, group.uc, group.skip))
            expect_dest = True
            continue
        first, expect_dest = expect_dest, False
        if brace == b"}":
            if len(stack) > 1:
                stack.pop()
            if in_fonttbl and len(stack) < in_fonttbl:
                in_fonttbl = 0
            continue
        if word is not None:
            w = word.decode()
            if w == "bin":  # binary data follows: skipped whatever the group
                pos += max(int(param or 0), 0)
                continue
            if first and (w in _SKIPPED):
                if w == "fonttbl":
                    in_fonttbl = len(stack)
                group.skip = True
                continue
            if in_fonttbl:
                if w == "f" and param is not None:
                    group.font = int(param)
                    names[group.font] = []
                    fonts[group.font] = ("", None)
                elif w == "fcharset" and param is not None and group.font is not None:
                    name = fonts.get(group.font, ("", None))[0]
                    fonts[group.font] = (name, _CHARSETS.get(int(param)))
                continue
            if group.skip:
                continue
            if w == "ansicpg" and param is not None:
                codepage = f"cp{int(param)}"
                try:
                    "".encode(codepage)
                except LookupError:
                    codepage = "cp1252"
            elif w == "f" and param is not None:
                group.font = int(param)
            elif w == "deff" and param is not None and group.font is None:
                group.font = int(param)  # (the font of text before any \f)
            elif w == "uc" and param is not None:
                group.uc = max(int(param), 0)
            elif w == "u" and param is not None:
                put_text(chr(int(param) % 0x10000 if int(param) < 0 else min(int(param), 0x10FFFF)))
                skip_chars = group.uc
            elif w in _LINE_END:
                put_text("\n")
            elif w in _WORDS:
                put_text(_WORDS[w])
            continue
        if symbol is not None:
            if symbol == b"*" and first:
                group.skip = True
            elif not group.skip and not in_fonttbl:
                if skip_chars:
                    skip_chars -= 1
                elif symbol in (b"\r", b"\n"):  # (a backslash before a line end: \par)
                    put_text("\n")
                elif symbol in _SYMBOLS:
                    put_text(_SYMBOLS[symbol])
            continue
        if hexbyte is not None:
            if in_fonttbl:
                if group.font is not None and len(stack) <= in_fonttbl + 1:
                    names.setdefault(group.font, []).append(chr(int(hexbyte, 16)))
            elif not group.skip:
                if skip_chars:
                    skip_chars -= 1
                else:
                    put_bytes(bytes([int(hexbyte, 16)]))
            continue
        if text is not None:
            if in_fonttbl:
                # A font's name is the text of its entry, not of the groups inside it
                # ({\*\panose ...}, {\*\falt ...}).
                if group.font is not None and len(stack) <= in_fonttbl + 1:
                    names.setdefault(group.font, []).append(text.decode("latin-1"))
                    name = "".join(names[group.font]).split(";")[0].strip()
                    fonts[group.font] = (name, fonts.get(group.font, ("", None))[1])
            elif not group.skip:
                if skip_chars:
                    n = min(skip_chars, len(text))
                    skip_chars -= n
                    text = text[n:]
                if text:
                    put_bytes(text)
    flush()
    # Characters beyond the BMP come as two \u (a surrogate pair): joined; a lone one is
    # replaced.
    text = "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.removesuffix("\n"), sorted(notes)
