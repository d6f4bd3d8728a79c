"""The list numbers of an old Word (.doc) document: "I.", "1.", "a)" as Word shows them.

Word makes a list paragraph's number from the list's definition; the number is not in the text
stream. A paragraph's formatting (its PAPX) names its list instance (sprmPIlfo, 1-based into
the PlfLfo of the table stream) and level (sprmPIlvl); the instance names a list (its lsid) in
the PlfLst, whose levels (LVL, after the list of LSTFs) give the start, the number format (nfc)
and the level's text, in which characters 0 to 8 stand for the levels' numbers ([MS-DOC]
2.9.150 ff.). Counters run per list, a deeper level restarting when a higher one counts, a
list instance's overrides (LFOLVL) restarting it where it is first used.
"""

from __future__ import annotations

import struct

from pipeline.numbering import format_number

_LST_INDEX, _LFO_INDEX = 73, 74  # fcPlfLst, fcPlfLfo in FibRgFcLcb97
_SPRM_P_ILFO, _SPRM_P_ILVL = 0x460B, 0x260A
_SPRM_T_DEF_TABLE = 0xD608  # (a table row's definition, in its paragraphs' properties)
# Word's number format codes (nfc) in the names pipeline.numbering knows.
_NFC = {0: "decimal", 1: "upperRoman", 2: "lowerRoman", 3: "upperLetter", 4: "lowerLetter",
        22: "decimalZero", 23: "bullet", 255: "none"}  # fmt: skip
_SPRA_SIZES = (1, 1, 2, 4, 2, 2, None, 3)

_Level = tuple[int, str, str, int]  # start, number format, level text, what follows (0 tab)


def list_markers(
    word: bytes, table: bytes, blob: int, pairs: int, paragraphs: list[tuple[int, int, bytes]]
) -> dict[int, str]:
    """The number (or bullet) before each list paragraph, by the byte where the paragraph
    starts: ``paragraphs`` are (first byte, end byte, PAPX properties), in document order.
    {} when the document has no lists, or its list tables are damaged."""
    try:
        lists = _lists(word, table, blob, pairs)
        if not lists:
            return {}
        instances = _instances(word, table, blob)
    except (struct.error, IndexError, ValueError):
        return {}
    counters: dict[int, list[int]] = {}
    started: set[int] = set()
    out = {}
    for start, _end, grpprl in paragraphs:
        ilfo, ilvl = _list_of(grpprl)
        if not ilfo or not 0 < ilfo <= len(instances) or not 0 <= ilvl < 9:
            continue
        lsid, overrides = instances[ilfo - 1]
        levels = lists.get(lsid)
        if not levels or ilvl >= len(levels):
            continue
        count = counters.setdefault(lsid, [0] * 9)
        if ilfo not in started:
            started.add(ilfo)
            for lvl, first in overrides.items():
                if 0 <= lvl < 9:
                    count[lvl] = first - 1
        first, style, text, follow = levels[ilvl]
        count[ilvl] = count[ilvl] + 1 if count[ilvl] else first
        count[ilvl + 1 :] = [0] * (8 - ilvl)
        if style == "bullet":
            mark = "".join("•" if 0xE000 <= ord(ch) <= 0xF8FF else ch for ch in text)
        elif style == "none":
            mark = ""
        else:
            mark = "".join(
                format_number(count[ord(ch)] or levels[ord(ch)][0], levels[ord(ch)][1])
                if ord(ch) < 9 and ord(ch) < len(levels)
                else ch
                for ch in text
            )
        mark = mark.strip()
        if mark:
            out[start] = mark + ("" if follow == 2 else " ")
    return out


def _lists(word: bytes, table: bytes, blob: int, pairs: int) -> dict[int, list[_Level]]:
    """lsid -> its levels, from the PlfLst and the LVLs that follow it."""
    if pairs <= _LFO_INDEX:
        return {}
    fc, lcb = struct.unpack_from("<II", word, blob + 8 * _LST_INDEX)
    if not lcb:
        return {}
    count = struct.unpack_from("<H", table, fc)[0]
    at = fc + 2 + 28 * count  # (the LVLs follow the LSTFs, list by list)
    lists = {}
    for k in range(count):
        lstf = table[fc + 2 + 28 * k : fc + 2 + 28 * (k + 1)]
        lsid, simple = struct.unpack_from("<i", lstf, 0)[0], lstf[26] & 1
        levels = []
        for _ in range(1 if simple else 9):
            start, nfc = struct.unpack_from("<iB", table, at)
            follow = table[at + 15]
            cb_chpx, cb_papx = table[at + 24], table[at + 25]
            at += 28 + cb_papx + cb_chpx
            cch = struct.unpack_from("<H", table, at)[0]
            text = table[at + 2 : at + 2 + 2 * cch].decode("utf-16-le", "replace")
            at += 2 + 2 * cch
            levels.append((start, _NFC.get(nfc, "decimal"), text, follow))
        lists[lsid] = levels
    return lists


def _instances(word: bytes, table: bytes, blob: int) -> list[tuple[int, dict[int, int]]]:
    """The list instances (LFO), each its list's lsid and the levels it restarts (LFOLVL with
    fStartAt: level -> start)."""
    fc, lcb = struct.unpack_from("<II", word, blob + 8 * _LFO_INDEX)
    if not lcb:
        return []
    count = struct.unpack_from("<I", table, fc)[0]
    if count > 10_000:
        raise ValueError("too many list instances")
    heads = [struct.unpack_from("<iIIB", table, fc + 4 + 16 * k) for k in range(count)]
    at = fc + 4 + 16 * count  # (then one LFOData each: a cp and its LFOLVLs)
    out = []
    for lsid, _u1, _u2, clfolvl in heads:
        at += 4
        overrides = {}
        for _ in range(clfolvl):
            start, flags = struct.unpack_from("<iI", table, at)
            at += 8
            if flags & 0x10:  # fStartAt
                overrides[flags & 0xF] = start
            if flags & 0x20:  # fFormatting: a whole LVL follows, skipped
                cb_chpx, cb_papx = table[at + 24], table[at + 25]
                at += 28 + cb_papx + cb_chpx
                at += 2 + 2 * struct.unpack_from("<H", table, at)[0]
        out.append((lsid, overrides))
    return out


def _list_of(grpprl: bytes) -> tuple[int, int]:
    """(sprmPIlfo, sprmPIlvl) of a paragraph's properties (0 where absent)."""
    ilfo = ilvl = 0
    i = 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, i)[0]
        i += 2
        if sprm == _SPRM_P_ILFO and i + 2 <= len(grpprl):
            ilfo = struct.unpack_from("<h", grpprl, i)[0]
        elif sprm == _SPRM_P_ILVL and i < len(grpprl):
            ilvl = grpprl[i]
        size = _SPRA_SIZES[sprm >> 13]
        if sprm == _SPRM_T_DEF_TABLE and i + 2 <= len(grpprl):  # (a 2-byte size, plus one)
            size = 1 + struct.unpack_from("<H", grpprl, i)[0]
        elif size is None:  # variable: a size byte first
            size = 1 + (grpprl[i] if i < len(grpprl) else 0)
        i += size
    return ilfo, ilvl
