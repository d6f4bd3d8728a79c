"""Old Word (.doc) files made by the tests: an OLE compound file ([MS-CFB], version 3) holding a
Word 97 ``WordDocument`` stream and its ``1Table`` piece table ([MS-DOC]), written from the
specifications. Only what a text reader needs is written: no styles, fonts or formatting
tables (catdoc, which reads the text between the FIB's fcMin and fcMac, reads a one-piece file
made here as written; antiword wants the formatting tables too)."""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
TEXT_AT = 0x800  # where the text begins in WordDocument (after the FIB)

Piece = tuple[str, bool]  # text, stored as 8-bit Windows-1252 (True) or UTF-16LE


def make_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file holding ``streams`` (at most three, each stored in regular sectors:
    padded to the 4096-byte mini-stream cutoff; up to 109 FAT sectors, about 7 MB)."""
    assert 1 <= len(streams) <= 3
    datas = {name: data.ljust(max(len(data), 4096), b"\0") for name, data in streams.items()}
    counts = [-(-len(data) // SECTOR) for data in datas.values()]
    nfat = 1
    while nfat * (SECTOR // 4) < nfat + 1 + sum(counts):
        nfat += 1
    assert nfat <= 109, "the header's DIFAT lists 109 FAT sectors"
    chains: list[tuple[int, int]] = []  # (first sector, count) per stream
    nxt = nfat + 1  # sectors 0 .. nfat - 1: the FAT; then the directory
    for count in counts:
        chains.append((nxt, count))
        nxt += count
    fat = [FATSECT] * nfat + [END]
    for first, count in chains:
        fat += [first + k + 1 for k in range(count - 1)] + [END]
    fat += [FREE] * (nfat * SECTOR // 4 - len(fat))

    def entry(
        name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, color, left, right, child)
            + bytes(16 + 4 + 16)  # CLSID, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    # The children form a red-black tree ordered by (name length, upper-case name): the first
    # (in that order) at the root, the others to its right, each red under a black parent.
    names = sorted(datas, key=lambda n: (len(n), n.upper()))
    directory = entry("Root Entry", 5, 1, NOSTREAM, NOSTREAM, 1, END, 0)
    for k, name in enumerate(names):  # (entry k + 1; each one's right sibling the next)
        right = k + 2 if k + 1 < len(names) else NOSTREAM
        first, _ = chains[list(datas).index(name)]
        directory += entry(
            name, 2, 1 if k % 2 == 0 else 0, NOSTREAM, right, NOSTREAM, first, len(datas[name])
        )
    directory = directory.ljust(SECTOR, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, nfat, nfat, 0, 4096, END, 0, END, 0)
        + struct.pack(f"<{nfat}I", *range(nfat))  # the DIFAT: where the FAT sectors are
        + struct.pack("<I", FREE) * (109 - nfat)
    )
    assert len(header) == SECTOR
    body = b"".join(d.ljust(-(-len(d) // SECTOR) * SECTOR, b"\0") for d in datas.values())
    path.write_bytes(header + struct.pack(f"<{len(fat)}I", *fat) + directory + body)
    return path


def word_streams(
    pieces: list[Piece], *, nfib: int = 0x00C1, flags: int = 0, tail: str = ""
) -> dict[str, bytes]:
    """The streams of a Word 97 document whose main text is ``pieces`` joined (Word's marks
    as they are: "\\r" ends a paragraph, "\\x07" a cell, "\\x13...\\x14...\\x15" a field);
    ``tail``: text after the main document (a footnote's, which readers skip)."""
    text = bytearray()
    pcds = []
    cps = [0]
    for chunk, compressed in [*pieces, (tail, False)] if tail else pieces:
        at = TEXT_AT + len(text)
        if compressed:
            text += chunk.encode("cp1252")
            pcds.append(struct.pack("<HIH", 0, (at * 2) | 0x40000000, 0))
        else:
            text += chunk.encode("utf-16-le")
            pcds.append(struct.pack("<HIH", 0, at, 0))
        cps.append(cps[-1] + len(chunk))
    ccp_text = sum(len(chunk) for chunk, _ in pieces)
    plc = struct.pack(f"<{len(cps)}i", *cps) + b"".join(pcds)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    # FibBase, then csw = 14 words, cslw = 22 longs, cbRgFcLcb = 93 (fc, lcb) pairs, cswNew = 0.
    fib = bytearray(0x9A + 93 * 8 + 2)
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, nfib, 0, 0x0409, 0, flags | 0x0200 | 0x1000)
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<II", fib, 0x18, TEXT_AT, TEXT_AT + len(text))  # (fcMin, fcMac: old readers)
    struct.pack_into("<H", fib, 0x20, 14)
    struct.pack_into("<H", fib, 0x3E, 22)
    struct.pack_into("<i", fib, 0x40, TEXT_AT + len(text))  # cbMac
    struct.pack_into("<i", fib, 0x4C, ccp_text)
    struct.pack_into("<i", fib, 0x50, len(tail))  # ccpFtn
    struct.pack_into("<H", fib, 0x98, 93)
    struct.pack_into("<II", fib, 0x9A + 33 * 8, 0, len(clx))  # fcClx, lcbClx
    word = bytes(fib).ljust(TEXT_AT, b"\0") + bytes(text)
    return {"WordDocument": word, "1Table": clx}


def make_doc(path: Path, pieces: list[Piece], **kw: object) -> Path:
    return make_cfb(path, word_streams(pieces, **kw))  # type: ignore[arg-type]


def word6_streams(
    text: str, pieces: list[int] | None = None, *, nfib: int = 0x0065
) -> dict[str, bytes]:
    """The WordDocument stream of a Word 6.0 document (its FIB at wvWare's offsets) whose main
    text is ``text``, 8-bit: one run from fcMin, or, with ``pieces`` (the lengths of its
    parts), fast-saved: the parts stored in reverse order and a piece table in the stream
    putting them back."""
    fib = bytearray(0x300)
    raw = text.encode("cp1252")
    parts, at = [], 0
    for n in pieces or [len(raw)]:
        parts.append(raw[at : at + n])
        at += n
    stored = b"".join(reversed(parts)) if pieces else raw
    flags = 0x0004 if pieces else 0
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, nfib, 0, 0x0409, 0, flags)
    struct.pack_into("<II", fib, 0x18, len(fib), len(fib) + len(stored))  # fcMin, fcMac
    struct.pack_into("<i", fib, 0x34, len(raw))  # ccpText
    word = bytes(fib) + stored
    if pieces:
        # (Stored backwards: part k begins after the parts that follow it.)
        offsets = [len(fib) + sum(len(p) for p in parts[k + 1 :]) for k in range(len(parts))]
        cps = [0]
        for part in parts:
            cps.append(cps[-1] + len(part))
        plc = struct.pack(f"<{len(cps)}i", *cps) + b"".join(
            struct.pack("<HIH", 0, fc, 0) for fc in offsets
        )
        clx = b"\x02" + struct.pack("<I", len(plc)) + plc
        word = bytearray(word)
        struct.pack_into("<II", word, 0x160, len(word), len(clx))  # fcClx, lcbClx
        word = bytes(word) + clx
    return {"WordDocument": word}
