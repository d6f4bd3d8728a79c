"""PDF pages: the text layer through pdfplumber, or a 300 dpi raster for OCR.

A page's text layer is used only when it is there *and* reads as Vietnamese:
scanners write garbage layers ("CONG Hcok xA HQI CHiJ NGHiA"), which
:func:`pipeline.quality.garbled_score` catches; those pages are OCR'd and say why. A layer
typed in a legacy Vietnamese font (TCVN3 ".VnTime", VNI), whose bytes come out as Western
letters ("kÕ ho¹ch"), is decoded instead (:func:`pipeline.textfile.decode_legacy_font`) when
the decoded text reads as Vietnamese: the exact text, without OCR.
"""

from __future__ import annotations

import logging
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
from pipeline.textfile import decode_legacy_font

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


def judge_layer(text: str | None, config: PdfConfig) -> LayerVerdict:
    if not config.use_text_layer:
        return LayerVerdict(None, "text layer ignored (--ocr-all)", 1.0)
    if not text or text_stats(text).tokens < config.min_words:
        return LayerVerdict(None, "no text layer", 1.0)
    score = garbled_score(text, config.quality)
    if score > config.quality.garbled_threshold:
        # Typed in a legacy Vietnamese font (TCVN3 ".VnTime", VNI): its bytes came out as
        # Western letters ("kÕ ho¹ch"); decoded, the layer is the exact text, no OCR needed.
        decoded, enc, fixed = decode_legacy_font(text, config.quality)
        if fixed <= config.quality.garbled_threshold and fixed < score:
            return LayerVerdict(decoded, f"text layer in a {enc.upper()} font, decoded", fixed)
        return LayerVerdict(None, f"garbled text layer (score {score:.2f})", score)
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
    try:
        return pdf.pages[index].extract_text() or None  # type: ignore[no-any-return]
    except Exception as e:  # a damaged content stream: OCR the page instead
        log.warning("page %d: text layer unreadable (%s)", index + 1, e)
        return None


def rasterize(path: Path, index: int, dpi: int = 300) -> Image.Image:
    """Render page ``index`` (0-based) at ``dpi`` with pdfium."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        img = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        doc.close()
    img.info["dpi"] = (dpi, dpi)
    return img
