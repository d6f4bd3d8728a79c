"""Decode a text file whose encoding nobody wrote down.

Order (first that applies wins):

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. UTF-16 without BOM (every other byte NUL in ASCII-heavy text);
3. UTF-8: strict, or with its few invalid byte sequences replaced by U+FFFD where nearly all
   of its non-ASCII characters are valid UTF-8 (``max_invalid_utf8_share``): one stray byte
   (a Windows editor's non-breaking space, a copy cut inside a character) must not send a
   whole UTF-8 file to the 8-bit decoders below, which read any bytes and made mojibake of it
   ("Káº¿ hoáº¡ch");
4. the 8-bit candidates Windows-1258 (``cp1258``, decomposes: NFC after), TCVN3
   (ABC) and VNI-Windows, all of which decode any byte string: the one whose
   result scores best as Vietnamese (:func:`pipeline.quality.garbled_score`) wins.

Binary content (NUL bytes that are not UTF-16, many control characters) is an
:class:`~pipeline.errors.InputFileError`; readable text that is not Vietnamese is a
:class:`~pipeline.errors.NotVietnameseError`.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from diacritics.orthography import split_tone
from pipeline.errors import InputFileError, NotVietnameseError
from pipeline.quality import DEFAULT as QUALITY_DEFAULT
from pipeline.quality import QualityConfig, garbled_score, looks_vietnamese, text_stats

DATA = Path(__file__).resolve().parent / "data"
REPLACEMENT = "\ufffd"  # what UTF-8 decoding puts for an invalid byte sequence
TONE_MARKS = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


@dataclass(frozen=True)
class TextFileConfig:
    """How text files are decoded.

    * ``max_control_share`` = 0.05: share of control characters (other than tab,
      newline, carriage return, form feed) above which the content is binary.
    * ``max_invalid_utf8_share`` = 0.05: a file that is not valid UTF-8 is read as UTF-8 with
      its invalid sequences replaced (U+FFFD) when they are at most this share of its non-ASCII
      characters; the 8-bit encodings Vietnamese files use are almost never valid UTF-8 beyond
      a chance pair of bytes, so they stay far above it.
    * ``check_vietnamese`` = True: refuse text that is not Vietnamese
      (:func:`pipeline.quality.looks_vietnamese`).
    * ``quality``: thresholds used to tell Vietnamese from not.
    """

    max_control_share: float = 0.05
    max_invalid_utf8_share: float = 0.05
    check_vietnamese: bool = True
    quality: QualityConfig = QUALITY_DEFAULT


def _load_table(name: str) -> list[tuple[str, str]]:
    rows = []
    with open(DATA / name, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            k, v = line.rstrip("\n").split("\t")
            rows.append((bytes.fromhex(k).decode("latin-1"), v))
    return rows


@functools.cache
def _tcvn3_map() -> dict[int, str]:
    # Bytes are read as latin-1 (one char per byte); the table maps 0x80-0xFF.
    return {ord(k): v for k, v in _load_table("tcvn3.tsv")}


@functools.cache
def _vni_re() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = _load_table("vni.tsv")
    table = dict(rows)
    # Longest first so "ôù" (ớ) wins over "ô" (ơ).
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), table


def decode_tcvn3(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_tcvn3_map()))


def encode_tcvn3(text: str) -> bytes:
    """Inverse of :func:`decode_tcvn3` (for tests): NFC letters without a code raise."""
    inv = {v: k for k, v in _tcvn3_map().items() if len(v) == 1 and k >= 0xA1}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in inv:
            out.append(inv[ch])
        else:
            raise ValueError(f"{ch!r} has no TCVN3 code")
    return bytes(out)


# Windows-1252's characters for bytes 0x80-0x9F (a str.translate table; the five bytes it
# leaves undefined keep their Latin-1 control characters).
C1_AS_CP1252 = {b: ch for b in range(0x80, 0xA0) for ch in bytes([b]).decode("cp1252", "ignore")}


def decode_vni(data: bytes) -> str:
    pat, table = _vni_re()
    # latin-1, not cp1252: bytes 0x81/0x8D/... are undefined in cp1252 but harmless here,
    # and every VNI code byte is in 0xC0-0xFF where the two agree. Bytes 0x80-0x9F are
    # Windows punctuation a VNI text was typed with (curly quotes, dashes, "…"), not controls.
    s = data.decode("latin-1").translate(C1_AS_CP1252)
    return unicodedata.normalize("NFC", pat.sub(lambda m: table[m.group(0)], s))


def encode_vni(text: str) -> bytes:
    """Inverse of :func:`decode_vni` (for tests)."""
    _, table = _vni_re()
    inv = {v: k for k, v in table.items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(inv.get(ch, ch))
    return "".join(out).encode("latin-1")


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does (for tests): a letter it lacks becomes base + tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, tone = split_tone(ch)
            out += base.encode("cp1258") + TONE_MARKS[tone].encode("cp1258")
    return bytes(out)


def _decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


LEGACY = {"cp1258": _decode_cp1258, "tcvn3": decode_tcvn3, "vni": decode_vni}


# What an 8-bit font's bytes come out as in a PDF text layer: Windows-1252's characters, and
# Latin-1's for the five bytes Windows-1252 leaves undefined.
_FONT_CHARS = {chr(b): bytes([b]) for b in range(256)}
_FONT_CHARS.update((ch, bytes([b])) for b, ch in C1_AS_CP1252.items())


def legacy_encoding(font: str | None) -> str | None:
    """The 8-bit encoding a font name says its text is in: "tcvn3", "vni" or None."""
    if not font:
        return None
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def in_font(text: str, enc: str | None, notes: set[str]) -> str:
    """``text`` (a run a document says is in a font of legacy encoding ``enc``; None: none)
    decoded from the bytes it shows, ``notes`` told so; as it is when it holds a character no
    8-bit font shows."""
    if enc is None or not text:
        return text
    raw = font_bytes(text)
    if raw is None:
        return text
    notes.add(f"text in {enc.upper()} fonts, decoded")
    return LEGACY[enc](raw)


def font_bytes(text: str) -> bytes | None:
    """The bytes an 8-bit font showed as ``text``, or None when a character is none of them."""
    try:
        return b"".join(_FONT_CHARS[ch] for ch in text)
    except KeyError:
        return None


def decode_legacy_font(
    text: str, quality: QualityConfig = QUALITY_DEFAULT
) -> tuple[str, str, float]:
    """``text`` as a PDF text layer in a legacy Vietnamese font shows it, decoded: the
    reading of the encoding (TCVN3 or VNI) that scores best as Vietnamese, the encoding, and
    that reading's :func:`~pipeline.quality.garbled_score`.

    Old plans were typed in TCVN3 (".VnTime") or VNI fonts, whose glyphs sit on the bytes
    of Windows-1252: pdfplumber returns each byte's Western character ("kÕ ho¹ch" for "kế
    hoạch" in TCVN3, "Keá hoaïch" in VNI). Characters no 8-bit font shows are kept as they
    are. A document often mixes the fonts (a Unicode letterhead over a body pasted from an
    old file): a line with a letter no 8-bit font shows ("ộ", "ư") is Unicode text and kept
    whole, and so is a line whose decoding has no more Vietnamese syllables than it ("Hà Nam",
    all Latin-1, would read "HỔ Nam")."""
    lines = text.split("\n")
    typed = [_unicode_line(line) for line in lines]
    valid: dict[int, int] = {}  # Vietnamese syllables of line k as it is (counted once)
    best: tuple[float, str, str] | None = None
    for name in ("tcvn3", "vni"):
        out = []
        for k, (line, unicode_line) in enumerate(zip(lines, typed, strict=True)):
            decoded = line if unicode_line else _decode_runs(line, LEGACY[name])
            if decoded != line:
                if k not in valid:
                    valid[k] = text_stats(line).valid
                if text_stats(decoded).valid <= valid[k]:
                    decoded = line
            out.append(decoded)
        cand = "\n".join(out)
        score = garbled_score(cand, quality)
        if best is None or score < best[0]:
            best = (score, name, cand)
    assert best is not None
    return best[2], best[1], best[0]


def _unicode_line(line: str) -> bool:
    return any(ch.isalpha() and ch not in _FONT_CHARS for ch in line)


def _decode_runs(line: str, decode: Callable[[bytes], str]) -> str:
    """``line`` with its runs of 8-bit font characters decoded (the others kept)."""
    parts = []
    for legacy, chars in itertools.groupby(line, key=lambda ch: ch in _FONT_CHARS):
        run = "".join(chars)
        parts.append(decode(font_bytes(run) or b"") if legacy else run)
    return unicodedata.normalize("NFC", "".join(parts))


def _looks_utf16(data: bytes) -> str | None:
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return bad / len(text)


def _mostly_utf8(data: bytes, max_invalid_share: float) -> str | None:
    """``data`` decoded as UTF-8 with its invalid sequences replaced by U+FFFD, when they are
    at most ``max_invalid_share`` of its non-ASCII characters; else None."""
    text = data.decode("utf-8", errors="replace")
    invalid = invalid_utf8_count(text)
    valid = sum(1 for ch in text if ord(ch) > 127) - invalid
    return text if valid and invalid <= max_invalid_share * (valid + invalid) else None


def invalid_utf8_count(text: str) -> int:
    """How many invalid byte sequences UTF-8 decoding replaced in ``text`` (U+FFFD count)."""
    return text.count(REPLACEMENT)


def decode_bytes(
    data: bytes, path: str | None = None, config: TextFileConfig | None = None
) -> tuple[str, str]:
    """Return ``(text, encoding)``; the text is NFC, line ends as in the file."""
    cfg = config or TextFileConfig()
    if not data:
        raise InputFileError("empty file", path=path, remedy="check the file was copied completely")
    text: str | None = None
    enc = ""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            enc = name
            break
    if not enc:
        enc = _looks_utf16(data) or ""
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise InputFileError(
                f"not valid {enc} text ({e.reason})", path=path, remedy="re-save it as UTF-8"
            ) from e
    elif b"\x00" in data:
        raise _binary(path)
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = _mostly_utf8(data, cfg.max_invalid_utf8_share)
            enc = "utf-8"
        if text is None:
            best: tuple[float, str, str] | None = None
            for name, fn in LEGACY.items():
                cand = fn(data)
                if _control_share(cand) > cfg.max_control_share:
                    continue
                s = garbled_score(cand, cfg.quality)
                if best is None or s < best[0]:
                    best = (s, name, cand)
            if best is None:
                raise _binary(path)
            _, enc, text = best
    if _control_share(text) > cfg.max_control_share:
        raise _binary(path)
    text = unicodedata.normalize("NFC", text)
    if cfg.check_vietnamese and not any(ch.isalpha() for ch in text):
        # (Not "does not look Vietnamese": there is nothing to look at.)
        what = "only whitespace" if text.isspace() else "no letters: digits or punctuation only"
        raise InputFileError(
            f"no text ({what})", path=path, remedy="check the file was copied completely"
        )
    if cfg.check_vietnamese and not looks_vietnamese(text, cfg.quality):
        raise NotVietnameseError(
            f"the text ({enc}) does not look Vietnamese",
            path=path,
            remedy="only Vietnamese documents are supported; check the file or its encoding",
        )
    return text, enc


def _binary(path: str | None) -> InputFileError:
    return InputFileError(
        "unsupported file type: binary content in a text file",
        path=path,
        remedy="give a .txt, .docx, .pdf or image file",
    )


def read_text_file(path: Path, config: TextFileConfig | None = None) -> tuple[str, str]:
    """Read and decode ``path``: ``(text, encoding)``."""
    return decode_bytes(path.read_bytes(), str(path), config)
