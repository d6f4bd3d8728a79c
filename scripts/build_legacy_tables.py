"""Regenerate pipeline/data/tcvn3.tsv and pipeline/data/vni.tsv (legacy Vietnamese font encodings).

TCVN3 (ABC, fonts .VnTime...): one byte per letter. Bytes 0xA1-0xFF are taken from
glibc's iconv table TCVN5712-1 (VN3 is the lower-case subset of TCVN 5712:1993, plus
the seven upper-case base letters Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xA7; where VN1 fills gaps
with upper-case composites we keep them, they do not clash with VN3). 0x80-0x9F are
Windows-1252, which is what a .VnTime document saved as "plain text" carries there.

VNI (VNI-Windows fonts): a base letter followed by a mark byte, read as Windows-1252
characters. Built from the VNI layout (as in xvnkb's vni.h): tone marks on plain
vowels ù ø û õ ï, circumflex â, breve ê, circumflex+tone á à å ã ä, breve+tone
é è ú ü ë; ơ = ô, ư = ö, đ = ñ; i and ỵ have single bytes í ì æ ó ò, î.

Run: .venv/bin/python scripts/build_legacy_tables.py   (needs the `iconv` command)
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "pipeline" / "data"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]  # none, sắc, huyền, hỏi, ngã, nặng
PLAIN_TONE = ["", "ù", "ø", "û", "õ", "ï"]
CIRC_TONE = ["â", "á", "à", "å", "ã", "ä"]  # after a/e/o: â ê ô with tone
BREVE_TONE = ["ê", "é", "è", "ú", "ü", "ë"]  # after a: ă with tone
I_TONE = ["i", "í", "ì", "æ", "ó", "ò"]


def tcvn3() -> list[tuple[str, str]]:
    rows = []
    for b in range(0x80, 0x100):
        if b >= 0xA1:
            r = subprocess.run(
                ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([b]), capture_output=True
            )
            ch = r.stdout.decode("utf-8") if r.returncode == 0 else ""
        else:
            try:
                ch = bytes([b]).decode("cp1252")
            except UnicodeDecodeError:
                ch = ""
        if ch:
            rows.append((f"{b:02x}", ch))
    return rows


def vni() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for t in range(6):
        for base, code in [
            ("a", "a" + PLAIN_TONE[t]),
            ("â", "a" + CIRC_TONE[t]),
            ("ă", "a" + BREVE_TONE[t]),
            ("e", "e" + PLAIN_TONE[t]),
            ("ê", "e" + CIRC_TONE[t]),
            ("o", "o" + PLAIN_TONE[t]),
            ("ô", "o" + CIRC_TONE[t]),
            ("ơ", "ô" + PLAIN_TONE[t]),
            ("u", "u" + PLAIN_TONE[t]),
            ("ư", "ö" + PLAIN_TONE[t]),
            ("i", I_TONE[t]),
            ("y", "y" + PLAIN_TONE[t] if t != 5 else "î"),
        ]:
            uni = unicodedata.normalize("NFC", base + TONES[t])
            if uni == code:
                continue
            rows.append((code, uni))
            rows.append((code.upper(), uni.upper()))
    rows += [("ñ", "đ"), ("Ñ", "Đ")]
    # Longest codes first: the decoder tries them in this order.
    rows.sort(key=lambda r: -len(r[0]))
    return [(c.encode("cp1252").hex(), u) for c, u in rows]


def write(name: str, header: str, rows: list[tuple[str, str]]) -> None:
    with open(DATA / name, "w", encoding="utf-8") as f:
        f.write(header)
        for k, v in rows:
            f.write(f"{k}\t{v}\n")


def main() -> None:
    DATA.mkdir(exist_ok=True)
    gen = "# regenerate: .venv/bin/python scripts/build_legacy_tables.py\n"
    write(
        "tcvn3.tsv",
        "# TCVN3 (ABC) byte -> Unicode. Source: glibc iconv TCVN5712-1 for 0xA1-0xFF, Windows-1252 for 0x80-0xA0.\n"
        + gen
        + "# columns: byte (hex), character\n",
        tcvn3(),
    )
    write(
        "vni.tsv",
        "# VNI-Windows byte sequence -> Unicode. Source: the VNI layout (see xvnkb vni.h), bytes as Windows-1252.\n"
        + gen
        + "# columns: bytes (hex, longest first), character\n",
        vni(),
    )


if __name__ == "__main__":
    main()
