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

import pdfplumber
import pypdf
import pypdfium2 as pdfium
from PIL import Image

from pipeline.errors import EncryptedPDFError, InputFileError, damaged
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
        text = page.extract_text() or None
    except Exception as e:  # a damaged content stream: OCR the page instead
        log.warning("page %d: text layer unreadable (%s)", index + 1, e)
        return None, ()
    if not marked or text is None:
        return text, ()
    used: set[str] = set()

    def decode(m: re.Match[str]) -> str:
        enc = "tcvn3" if ord(m.group(0)[0]) < _PRIVATE["vni"] else "vni"
        used.add(enc)
        return LEGACY[enc](bytes(ord(c) - _PRIVATE[enc] for c in m.group(0)))

    text = _MARKED.sub(decode, text)
    return unicodedata.normalize("NFC", text), tuple(sorted(used))


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
