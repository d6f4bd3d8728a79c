"""PDF pages: the text layer through pdfplumber, or a 300 dpi raster for OCR.

A page's text layer is used only when it is there *and* reads as Vietnamese:
scanners write garbage layers ("CONG Hcok xA HQI CHiJ NGHiA"), which
:func:`pipeline.quality.garbled_score` catches; those pages are OCR'd and say why. A layer
typed in a legacy Vietnamese font (TCVN3 ".VnTime", VNI), whose bytes come out as Western
letters ("kÕ ho¹ch"), is decoded instead: by the fonts' names where they say it
(:func:`page_layer`), else as a whole (:func:`pipeline.textfile.decode_legacy_font`) when the
decoded text reads as Vietnamese: the exact text, without OCR.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pypdfium2 as pdfium
from PIL import Image

from pipeline.errors import EncryptedPDFError, InputFileError, damaged
from pipeline.ocrwords import Box
from pipeline.quality import DEFAULT as QUALITY_DEFAULT
from pipeline.quality import QualityConfig, garbled_score, text_stats
from pipeline.textfile import LEGACY, decode_legacy_font, font_bytes, legacy_encoding

log = logging.getLogger(__name__)
# pdfminer and pypdf warn about damaged files on stderr; we turn the damage into our
# own one-line errors and page warnings instead, so their chatter is noise.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class PdfConfig:
    """How PDF pages are read.

    * ``min_words`` = 5: a text layer with fewer letter tokens counts as missing.
    * ``quality``: a text layer scoring above ``quality.garbled_threshold`` is
      garbage and the page is OCR'd instead.
    * ``use_text_layer`` = True: False OCRs every page.
    """

    min_words: int = 5
    quality: QualityConfig = QUALITY_DEFAULT
    use_text_layer: bool = True


@dataclass(frozen=True)
class LayerVerdict:
    text: str | None  # the text layer to use, or None: OCR the page
    reason: str  # why: "text-layer", "no text layer", "garbled text layer (score 0.99)"
    score: float


def check_pdf(path: Path) -> int:
    """Refuse encrypted and unreadable PDFs; return the page count."""
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            # An owner password alone (empty user password) still lets us read it.
            try:
                ok = bool(reader.decrypt(""))
            except Exception:  # pypdf raises several types for unsupported crypto
                ok = False
            if not ok:
                raise EncryptedPDFError(
                    "the PDF is encrypted",
                    path=str(path),
                    remedy=f"decrypt it first: qpdf --decrypt --password=PASSWORD {path} OUT.pdf",
                )
        n = len(reader.pages)
    except EncryptedPDFError:
        raise
    except Exception as e:
        raise damaged(path, f"corrupt or truncated PDF ({type(e).__name__}: {e})") from e
    if n == 0:
        raise InputFileError("the PDF has no pages", path=str(path), remedy="check the file")
    return n


def judge_layer(text: str | None, config: PdfConfig, decoded: tuple[str, ...] = ()) -> LayerVerdict:
    """Whether page text ``text`` is a usable layer; ``decoded``: the legacy encodings its
    characters were decoded from by their fonts' names (:func:`page_layer`)."""
    if not config.use_text_layer:
        return LayerVerdict(None, "text layer ignored (--ocr-all)", 1.0)
    if not text or text_stats(text).tokens < config.min_words:
        return LayerVerdict(None, "no text layer", 1.0)
    score = garbled_score(text, config.quality)
    if score > config.quality.garbled_threshold:
        # Typed in a legacy Vietnamese font (TCVN3 ".VnTime", VNI): its bytes came out as
        # Western letters ("kÕ ho¹ch"); decoded, the layer is the exact text, no OCR needed.
        reading, enc, fixed = decode_legacy_font(text, config.quality)
        if fixed <= config.quality.garbled_threshold and fixed < score:
            return LayerVerdict(reading, f"text layer in a {enc.upper()} font, decoded", fixed)
        return LayerVerdict(None, f"garbled text layer (score {score:.2f})", score)
    if decoded:
        fonts = " and ".join(enc.upper() for enc in decoded)
        return LayerVerdict(text, f"text layer in {fonts} fonts, decoded", score)
    return LayerVerdict(text, "text layer", score)


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as e:
        raise damaged(path, f"corrupt or truncated PDF ({type(e).__name__})") from e
    try:
        yield pdf
    finally:
        pdf.close()


def page_text(pdf: pdfplumber.PDF, index: int) -> str | None:
    """Page ``index``'s text layer (see :func:`page_layer`)."""
    return page_layer(pdf, index)[0]


def page_layer(pdf: pdfplumber.PDF, index: int) -> tuple[str | None, tuple[str, ...]]:
    """Page ``index``'s text layer (None: none, or unreadable), its characters in a legacy
    font decoded by the font's name (".VnTime", "VNI-Times", after a subset's "ABCDEF+"),
    and the encodings so decoded. Each such character is marked (a private-use code point
    per byte) before pdfplumber lays the text out, and its runs decoded after: a line that
    mixes Unicode and TCVN3 words reads right, as the font says, not as a guess."""
    try:
        page = pdf.pages[index]
        marked = _mark_legacy_chars(page)
        text = page.extract_text() or None
    except Exception as e:  # a damaged content stream: OCR the page instead
        log.warning("page %d: text layer unreadable (%s)", index + 1, e)
        return None, ()
    if not marked or text is None:
        return text, ()
    return _decoded(text)


def _mark_legacy_chars(page: pdfplumber.page.Page) -> bool:
    """Mark the page's characters in a legacy font (see :func:`page_layer`); whether any was."""
    encodings: dict[str, str | None] = {}
    marked = False
    for ch in page.chars:
        name = ch.get("fontname") or ""
        if name not in encodings:
            encodings[name] = _font_encoding(name)
        enc = encodings[name]
        raw = font_bytes(ch["text"]) if enc else None
        if enc and raw is not None and len(raw) == 1:
            ch["text"] = chr(_PRIVATE[enc] + raw[0])
            marked = True
    return marked


def _decoded(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` with its marked runs decoded (NFC), and the encodings met."""
    used: set[str] = set()

    def decode(m: re.Match[str]) -> str:
        enc = "tcvn3" if ord(m.group(0)[0]) < _PRIVATE["vni"] else "vni"
        used.add(enc)
        return LEGACY[enc](bytes(ord(c) - _PRIVATE[enc] for c in m.group(0)))

    text = _MARKED.sub(decode, text)
    return unicodedata.normalize("NFC", text), tuple(sorted(used))


def layer_word_boxes(
    pdf: pdfplumber.PDF, index: int, width: int
) -> tuple[str, list[list[Box]]] | None:
    """Page ``index``'s text layer as :func:`page_layer` reads it, and the box of each of its
    words, line by line, in pixels of the page rendered ``width`` pixels wide (as
    :func:`rasterize` renders it): the review page draws the restored words on the page.
    A word's box spans its characters (pdfplumber's layout of the text, character by
    character). None where the page is turned (/Rotate: its boxes would need turning too) or
    its layer cannot be read; a decoded legacy layer has a line's words as the layer laid
    them out, so :func:`pipeline.ocrwords.placed` drops the lines where decoding changed them."""
    try:
        page = pdf.pages[index]
        if page.rotation % 360 or page.width <= 0:
            return None
        marked = _mark_legacy_chars(page)
        pairs = page.get_textmap().tuples
        x0, top0 = page.bbox[0], page.bbox[1]
        k = width / page.width
    except Exception as e:  # (the page was read before: a failure here only costs the boxes)
        log.warning("page %d: word boxes not read (%s)", index + 1, e)
        return None
    text = "".join(t for t, _ in pairs)
    lines: list[list[Box]] = [[]]
    chars: list[dict[str, Any]] = []  # the current word's characters
    in_word = False

    def close() -> None:
        # (A word none of whose characters has a box keeps its place with an empty box.)
        box = (0, 0, 0, 0)
        if chars:
            left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
            top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
            box = (
                round((left - x0) * k),
                round((top - top0) * k),
                round((right - left) * k),
                round((bottom - top) * k),
            )
        lines[-1].append(box)
        chars.clear()

    for t, ch in pairs:
        if _unmarked(t).isspace():  # (a legacy font's space is marked like its letters)
            if in_word:
                close()
                in_word = False
            if "\n" in t:
                lines.append([])
        else:
            in_word = True
            if ch is not None:
                chars.append(ch)
    if in_word:
        close()
    return (_decoded(text)[0] if marked else text), lines


def _unmarked(t: str) -> str:
    """``t`` with each marked character back as the byte it was (as Latin-1)."""
    return "".join(
        chr((ord(c) - _PRIVATE["tcvn3"]) & 0xFF)
        if _PRIVATE["tcvn3"] <= ord(c) < _PRIVATE["vni"] + 256
        else c
        for c in t
    )


# A legacy font's byte b, marked while pdfplumber lays the page out: _PRIVATE[enc] + b.
_PRIVATE = {"tcvn3": 0xF0000, "vni": 0xF0100}
_MARKED = re.compile("[\U000f0000-\U000f00ff]+|[\U000f0100-\U000f01ff]+")
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _font_encoding(fontname: str) -> str | None:
    """The legacy encoding a PDF font's name says ("ABCDEF+.VnTime": tcvn3), or None; a name
    "VnTime..." whose producer dropped the dot is TCVN3 too."""
    name = _SUBSET.sub("", fontname)
    enc = legacy_encoding(name)
    if enc is None and re.match(r"(?i)vn(?!i)[a-z]", name):
        enc = "tcvn3"
    return enc


def rasterize(path: Path, index: int, dpi: int = 300, color: bool = False) -> Image.Image:
    """Render page ``index`` (0-based) at ``dpi`` with pdfium, in gray or (``color``) in
    colour: a colour scan's red seal can then be left out before OCR (~30 ms more a page)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        img = page.render(scale=dpi / 72, grayscale=not color).to_pil()
        page.close()
    finally:
        doc.close()
    img.info["dpi"] = (dpi, dpi)
    return img
