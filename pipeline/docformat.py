"""The formatting of an old Word (.doc) document that decides what its text is.

The character formatting (PlcBteChpx and its ChpxFkp pages), the paragraph formatting
(PlcBtePapx, PapxFkp), the style sheet (STSH) and the font table (SttbfFfn) of [MS-DOC] say,
for each stretch of the WordDocument stream: which font it is in (a legacy font, ".VnTime"
or "VNI-Times", means its letters are the bytes of TCVN3 or VNI: :func:`legacy_runs`),
whether it is shown at all (a tracked deletion, hidden text: :func:`hidden_runs`), and which
paragraph properties it has (its style, its list: :func:`paragraph_props`).
:func:`decode_runs` applies the first two to a piece of text. Positions are bytes of the
WordDocument stream (FCs), as the pieces give them.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterator

from pipeline.quality import text_stats
from pipeline.textfile import LEGACY, font_bytes, legacy_encoding

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


# A stretch of the WordDocument stream in a legacy font: (first byte, end byte, encoding,
# whether its own formatting names the font; if not, the document's default font is assumed,
# which a character style may have overridden: see _decode_runs).
Run = tuple[int, int, str, bool]


def decode_runs(
    text: str,
    at: int,
    width: int,
    runs: list[Run],
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


def hidden_runs(word: bytes, table: bytes, blob: int, pairs: int) -> list[tuple[int, int]]:
    """(first byte, end byte) of the runs not shown: tracked deletions (sprmCFRMarkDel: text a
    reviewer struck out, still in the stream until the changes are accepted) and hidden text
    (sprmCFVanish); [] when none or damaged."""
    try:
        if pairs <= _CHPX_INDEX:
            return []
        return sorted((a, z) for a, z, font, _ in _chpx(word, table, blob) if font == _DELETED)
    except (struct.error, IndexError, ValueError):
        return []


def legacy_runs(word: bytes, table: bytes, blob: int, pairs: int) -> list[Run]:
    """The stretches of ``word`` whose characters are in a legacy font (".VnTime": TCVN3,
    "VNI-Times": VNI), sorted. A run's font is the one its character formatting names
    ([MS-DOC] PlcBteChpx, its ChpxFkp pages: sprmCRgFtc0, an index into the font table
    SttbfFfn), else its character style's (sprmCIstd), else its paragraph's style's (PlcBtePapx),
    else the style sheet's default, assumed (see _decode_runs). [] when no legacy font is in
    play, or the tables are damaged (the caller's decoding as a whole then covers the text)."""
    try:
        fonts = _font_names(word, table, blob, pairs)
        legacy = {k: enc for k, name in enumerate(fonts) if (enc := legacy_encoding(name))}
        if not legacy or pairs <= _CHPX_INDEX:
            return []
        styles = _Styles(table, *struct.unpack_from("<II", word, blob + 8 * _STSH_INDEX))
        paragraphs = _paragraph_styles(word, table, blob, pairs)
        starts = [p[0] for p in paragraphs]
        runs: list[Run] = []
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
    return [(start, end, istd) for start, end, istd, _ in paragraph_props(word, table, blob, pairs)]


def paragraph_props(
    word: bytes, table: bytes, blob: int, pairs: int
) -> list[tuple[int, int, int, bytes]]:
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


def _font_names(word: bytes, table: bytes, blob: int, pairs: int) -> list[str]:
    """The font table (SttbfFfn): each font's name, by index."""
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
