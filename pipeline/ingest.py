"""Read one input file into a :class:`~pipeline.records.Document` of normalized pages.

The type comes from the content (magic bytes), not the extension: a PDF named
``.txt`` is read as a PDF, with a warning on its pages. Text files are decoded by
:mod:`pipeline.textfile`, Word documents (.docx, .odt, .doc, .rtf) and web pages read by
:mod:`pipeline.wordfile`, PDFs by :mod:`pipeline.pdf` (text layer, or OCR when it is missing
or garbage), images (PNG, JPEG, TIFF multi-page, BMP, WebP, GIF) by OCR.
Every page is normalized (:mod:`pipeline.normalize`) and scored
(:func:`pipeline.quality.garbled_score`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline import pdf as pdfmod
from pipeline.docfile import OLE_MAGIC
from pipeline.docimages import doc_images
from pipeline.errors import InputFileError, NotVietnameseError, PageTimeoutError, damaged
from pipeline.htmlfile import looks_html
from pipeline.normalize import NormalizeConfig, normalize_text, strip_running_lines
from pipeline.ocr import OcrConfig, check_tesseract, ocr_image, small_image
from pipeline.ocrwords import Box, unsure_words, word_boxes
from pipeline.odtfile import odt_images
from pipeline.quality import DEFAULT as QUALITY_DEFAULT
from pipeline.quality import QualityConfig, garbled_score, looks_vietnamese, text_stats
from pipeline.records import LOW_RESOLUTION, Document, Method, Page, PageImage
from pipeline.rtffile import rtf_images
from pipeline.textfile import TextFileConfig, invalid_utf8_count, read_text_file
from pipeline.wordfile import docx_images, read_word, word_kind

log = logging.getLogger(__name__)

# Extensions each content type is expected under (anything else gets a warning).
EXTENSIONS = {
    "txt": {".txt", ".text"},
    "docx": {".docx"},
    "odt": {".odt"},
    "doc": {".doc"},
    "rtf": {".rtf"},
    "html": {".html", ".htm"},
    "pdf": {".pdf"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg", ".jpe"},
    "tiff": {".tif", ".tiff"},
    "bmp": {".bmp"},
    "webp": {".webp"},
    "gif": {".gif"},
    "avif": {".avif"},
    "heic": {".heic", ".heif"},
}
SUPPORTED_SUFFIXES = frozenset().union(*EXTENSIONS.values())


@functools.cache
def _heic_readable() -> bool:
    """Let Pillow open HEIC photos (an iPhone's format) through pillow-heif; False without it.
    Asked when a HEIC file comes (the import costs ~60 ms: not for every start-up)."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


@dataclass(frozen=True)
class IngestConfig:
    """Everything ingestion needs; each part documents its own defaults.

    * ``max_image_pixels`` = 178,956,970: Pillow's own bomb limit (2 x its warning
      limit); an image above it is refused as an image bomb.
    * ``on_page``: not a setting, a hook: called with (pages done, pages total)
      after each page, for progress bars. Not pickled into workers.
    * ``allow_ocr`` = True; False: a page that would need OCR (an image, a PDF page
      without a usable text layer, a scan pasted into Word) fails the file instead
      (``plans corpus add``: the reference corpus takes born-digital text only).
    """

    text: TextFileConfig = field(default_factory=TextFileConfig)
    pdf: pdfmod.PdfConfig = field(default_factory=pdfmod.PdfConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    quality: QualityConfig = QUALITY_DEFAULT
    max_image_pixels: int = 178_956_970
    allow_ocr: bool = True


def sniff(head: bytes) -> str | None:
    """Content type from the first bytes, or None when it is no known binary format."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM") and len(head) > 14:
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return _isobmff_brand(head) if head[4:8] == b"ftyp" else None


def _isobmff_brand(head: bytes) -> str | None:
    """ "avif" or "heic" for an ISO media file (ftyp box) holding an AVIF or HEIC image, by its
    major brand, or by its compatible brands under the generic ones ("mif1", "msf1")."""
    major = head[8:12]
    if major in (b"avif", b"avis"):
        return "avif"
    if major in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"):
        return "heic"
    if major in (b"mif1", b"msf1"):
        size = int.from_bytes(head[:4], "big")
        brands = head[16 : min(max(size, 16), 64)]
        if b"avif" in brands or b"avis" in brands:
            return "avif"
        return "heic"
    return None


# Documents read by pipeline.wordfile (its word_kind names the ZIP ones; an OLE compound
# file is taken for a .doc, and pipeline.docfile says when it is none; RTF and web pages by
# their first bytes).
_WORD_KINDS = ("docx", "odt", "doc", "rtf", "html")


def sniff_document(head: bytes) -> str | None:
    """:func:`sniff`, and the documents known by their first bytes too: "zip" (a .docx, an
    .odt or another ZIP: :func:`pipeline.wordfile.word_kind` tells), "doc" (an OLE compound
    file), "rtf", "html"; None for text (or anything else)."""
    kind = sniff(head)
    if kind is not None:
        return kind
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return "html" if looks_html(head) else None


_UNSUPPORTED = {
    b"PK\x03\x04": "a ZIP archive (plans run reads the documents inside a .zip; of office "
    "documents .docx and .odt are read, not .xlsx, .ods ...)",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\x7fELF": "a program",
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_id(name: str) -> str:
    """A file-name-safe id: NFC, no path parts, only letters, digits, '.', '-', '_'."""
    stem = Path(name).name
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip(".-_")
    return stem[:120] or "document"


def _read_head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(2048)
    except IsADirectoryError as e:
        raise InputFileError("is a directory", path=str(path)) from e
    except PermissionError as e:
        raise InputFileError(
            "permission denied", path=str(path), remedy="check its permissions"
        ) from e
    except OSError as e:
        raise InputFileError(f"cannot read ({e.strerror})", path=str(path)) from e


def ingest(
    path: Path,
    config: IngestConfig | None = None,
    *,
    doc_id: str | None = None,
    sha256: str | None = None,
    on_page: Callable[[int, int], None] | None = None,
    source: str | None = None,
) -> Document:
    """Read ``path`` into a Document of normalized, scored pages (its ``source`` is
    ``source``, default the path: a member of an archive is named by the archive).

    Raises :class:`~pipeline.errors.InputFileError` (or a subclass) for input that
    cannot be read, :class:`~pipeline.errors.MissingDependencyError` when OCR is
    needed and Tesseract or its ``vie`` model is missing.
    """
    cfg = config or IngestConfig()
    path = Path(path)
    head = _read_head(path)
    if not head:
        raise InputFileError(
            "empty file (0 bytes)", path=str(path), remedy="check the file was copied completely"
        )
    kind = sniff_document(head)
    doc_warnings: list[str] = []
    suffix = path.suffix.lower()
    if kind == "zip":
        kind = word_kind(path)
        if kind is None and suffix in (".docx", ".odt"):
            raise damaged(path, "corrupt or truncated Word document (no readable body)")
    if kind == "heic" and not _heic_readable():
        raise InputFileError(
            "unsupported file type: a HEIC photo (an iPhone's format)",
            path=str(path),
            remedy="install pillow-heif (make setup does), or export it as JPEG",
        )
    if kind is None:
        for magic, what in _UNSUPPORTED.items():
            if head.startswith(magic):
                raise InputFileError(
                    f"unsupported file type: {what}",
                    path=str(path),
                    remedy="convert it to PDF or plain text",
                )
        kind = "txt"
    if suffix not in EXTENSIONS[kind]:
        msg = f"content is {kind.upper()} but the name ends in '{suffix or '(none)'}'"
        doc_warnings.append(msg)
        log.warning("%s: %s", path, msg)
    meta: dict[str, Any] = {}
    encoding = None
    if kind == "txt":
        text, encoding = read_text_file(path, cfg.text)
        bad = invalid_utf8_count(text) if encoding == "utf-8" else 0
        if bad:
            msg = f"{bad} byte sequence(s) not valid UTF-8, replaced by U+FFFD"
            doc_warnings.append(msg)
            log.warning("%s: %s", path, msg)
        pages_raw = [_Raw(text, Method.TEXT_FILE)]
        # A .txt from an earlier OCR often holds several pages separated by form feeds;
        # it stays one page so line numbers match the file.
    elif kind in _WORD_KINDS:
        pages_raw = _word_pages(path, kind, cfg, on_page)
    elif kind == "pdf":
        pages_raw = list(_pdf_pages(path, cfg, on_page))
    elif not cfg.allow_ocr:
        raise _needs_ocr(path, "an image")
    else:
        pages_raw = list(_image_pages(path, cfg, on_page))
    # (Text files and a Word document's text were checked as they were read.)
    scanned = kind not in ("txt", *_WORD_KINDS) or any(
        raw.method is Method.OCR for raw in pages_raw
    )
    pages = _finish(pages_raw, cfg, meta, multi_page=kind != "txt")
    body = "\n".join(p.text for p in pages)
    if scanned and text_stats(body).tokens >= 20 and not looks_vietnamese(body, cfg.quality):
        # OCR with the vie model always returns *something*; say when it is not Vietnamese
        # (a foreign document, an upside-down scan) instead of failing the file.
        doc_warnings.append(
            "the text does not look Vietnamese (foreign document or unreadable scan?)"
        )
    if doc_warnings:
        pages = tuple(replace(p, warnings=tuple(doc_warnings) + p.warnings) for p in pages)
        meta["warnings"] = doc_warnings
    return Document(
        doc_id=doc_id or safe_id(path.stem),
        source=source or str(path),
        # The batch hashed the file already for its manifest: no second read.
        sha256=sha256 or sha256_file(path),
        kind=kind if kind in ("txt", "pdf", *_WORD_KINDS) else "image",
        pages=pages,
        encoding=encoding,
        metadata=meta,
    )


class _Raw(NamedTuple):
    """A page as read, before normalization."""

    text: str
    method: Method
    model: str | None = None
    confidence: float | None = None
    warnings: Sequence[str] = ()
    line_confidences: tuple[tuple[float, ...], ...] = ()
    line_boxes: tuple[tuple[Box, ...], ...] = ()
    image: PageImage | None = None


def _needs_ocr(path: Path, what: str) -> InputFileError:
    return InputFileError(
        f"a scan, not text ({what})",
        path=str(path),
        remedy="read it with `plans run`, check the text, and give that text file",
    )


def layer_images(doc: Document, path: Path, config: IngestConfig | None = None) -> Document:
    """``doc`` with an image of each PDF page whose text layer was restored (a layer another
    OCR engine garbled), for the review page: the archivist checks the restored words against
    the page, each marked word boxed on it (:func:`pipeline.pdf.layer_word_boxes`). Pages
    OCR'd here have theirs already; a clean layer needs none. A page that cannot be rendered
    goes without (its text was read)."""
    cfg = config or IngestConfig()
    width = cfg.ocr.review_image_width
    todo = [
        p
        for p in doc.pages
        if p.method is Method.TEXT_LAYER and p.restored is not None and p.image is None
    ]
    if doc.kind != "pdf" or width <= 0 or not todo:
        return doc
    done: dict[int, Page] = {}
    with ExitStack() as stack:
        try:
            pdf = stack.enter_context(pdfmod.open_pdf(path))  # (once for all its pages)
        except InputFileError as e:  # (read before: a failure now costs the review images)
            log.warning("%s: not rendered for review (%s)", path, e.message)
            return doc
        for page in todo:
            try:
                img = pdfmod.rasterize(path, page.number - 1, _REVIEW_DPI)
            except Exception as e:  # (pdfium on a damaged page: the review shows the text)
                log.warning("%s: page %d not rendered for review (%s)", path, page.number, e)
                continue
            read = pdfmod.layer_word_boxes(pdf, page.number - 1, img.width)
            boxes = word_boxes(read[0], read[1], page.text) if read else ()
            done[page.number] = replace(page, image=small_image(img, width), boxes=boxes)
    return replace(doc, pages=tuple(done.get(p.number, p) for p in doc.pages))


# Resolution pages are rendered at for a review image (A4 at 120 dpi: about 1,000 px wide).
_REVIEW_DPI = 120


def clean_text(path: Path, config: IngestConfig | None = None) -> str:
    """The text of a born-digital document (a text file, a Word or RTF document, a PDF's text
    layer), for the reference corpus: what would need OCR, and text that looks garbled (OCR
    output, marks stripped), fail with an InputFileError, since the corpus teaches the
    restorer its spelling."""
    cfg = replace(config or IngestConfig(), allow_ocr=False)
    doc = ingest(path, cfg)
    for page in doc.pages:
        if page.garbled > cfg.quality.garbled_threshold:
            where = f"page {page.number}" if len(doc.pages) > 1 else "the text"
            raise InputFileError(
                f"{where} looks garbled (score {page.garbled:.2f} > "
                f"{cfg.quality.garbled_threshold}): the corpus takes correctly marked text only",
                path=str(path),
                remedy="restore it (plans restore), check it, and give that text",
            )
    return "\n".join(page.text for page in doc.pages)


def _ocr_page(img: Image.Image, cfg: IngestConfig, number: int) -> _Raw:
    try:
        r = ocr_image(img, cfg.ocr)
    except PageTimeoutError as e:
        log.warning("page %d skipped: %s", number, e.message)
        return _Raw("", Method.OCR, cfg.ocr.lang, None, [f"skipped: {e.message}"])
    w = [f"deskewed {r.skew:+.1f} deg"] if abs(r.skew) >= 0.2 else []
    if r.rotated:
        w.append(f"turned {r.rotated} deg clockwise (orientation detection)")
    if r.red_dropped:
        w.append("red ink (a seal) left out of the OCR")
    if r.scale > 1.0:
        # (What an archivist can act on: the page is worth scanning again.)
        w.append(f"{LOW_RESOLUTION} {r.scale:.1f}x before OCR (a scan at 300 dpi reads better)")
    return _Raw(
        r.text, Method.OCR, cfg.ocr.lang, r.confidence, w, r.line_confidences, r.line_boxes, r.image
    )


def _word_pages(
    path: Path, kind: str, cfg: IngestConfig, on_page: Callable[[int, int], None] | None
) -> list[_Raw]:
    """A Word document's text as one page (like a text file: Word's page breaks depend on its
    fonts and printer), or, where its body has no letters but shows images (scans pasted into
    Word), each image OCR'd as a page."""
    text, notes = read_word(path, kind, cfg.text.quality)
    if any(ch.isalpha() for ch in text):
        if cfg.text.check_vietnamese and not looks_vietnamese(text, cfg.text.quality):
            raise NotVietnameseError(
                "the document's text does not look Vietnamese",
                path=str(path),
                remedy="only Vietnamese documents are supported",
            )
        return [_Raw(text, Method.TEXT_FILE, warnings=notes)]
    readers = {"docx": docx_images, "odt": odt_images, "doc": doc_images, "rtf": rtf_images}
    images = readers[kind](path) if kind in readers else []  # (a web page's are files apart)
    if not images:
        raise InputFileError(
            "no text (the document has no letters and no images)",
            path=str(path),
            remedy="check the file was copied completely",
        )
    if not cfg.allow_ocr:
        raise _needs_ocr(path, "scans pasted into a Word document")
    check_tesseract(cfg.ocr.lang)
    pages: list[_Raw] = []
    for i, data in enumerate(images):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data))
                img.load()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ) as e:
            msg = f"image {i + 1} of the document unreadable ({e})"
            raise damaged(path, msg) from e
        raw = _ocr_page(
            img.convert("RGB") if img.mode not in ("1", "L", "RGB") else img, cfg, i + 1
        )
        pages.append(raw._replace(warnings=["OCR: a scan inside a Word document", *raw.warnings]))
        if on_page:
            on_page(i + 1, len(images))
    return pages


def _pdf_pages(
    path: Path, cfg: IngestConfig, on_page: Callable[[int, int], None] | None
) -> Iterator[_Raw]:
    n = pdfmod.check_pdf(path)
    with pdfmod.open_pdf(path) as pdf:
        for i in range(n):
            text, decoded = pdfmod.page_layer(pdf, i)
            verdict = pdfmod.judge_layer(text, cfg.pdf, decoded)
            if verdict.text is not None:
                # (A layer decoded from a legacy font says so; a plain one says nothing.)
                note = [] if verdict.reason == "text layer" else [verdict.reason]
                yield _Raw(verdict.text, Method.TEXT_LAYER, warnings=note)
            else:
                if not cfg.allow_ocr:
                    raise _needs_ocr(path, f"page {i + 1}: {verdict.reason}")
                check_tesseract(cfg.ocr.lang)
                try:
                    img = pdfmod.rasterize(path, i, cfg.ocr.dpi, color=cfg.ocr.drop_red)
                except Exception as e:
                    raise damaged(
                        path, f"page {i + 1} cannot be rendered ({type(e).__name__})"
                    ) from e
                read = _ocr_page(img, cfg, i + 1)
                yield read._replace(warnings=[f"OCR: {verdict.reason}", *read.warnings])
            if on_page:
                on_page(i + 1, n)


def _image_pages(
    path: Path, cfg: IngestConfig, on_page: Callable[[int, int], None] | None
) -> Iterator[_Raw]:
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = cfg.max_image_pixels // 2  # Pillow errors at 2x this
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                img = Image.open(path)
                img.load()
            except Image.DecompressionBombError as e:
                raise InputFileError(
                    f"image bomb refused: {e}",
                    path=str(path),
                    remedy="split or downscale the image; it is far larger than any page scan",
                ) from e
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
                raise InputFileError(
                    f"corrupt or truncated image ({e})",
                    path=str(path),
                    remedy="get a complete copy of the file",
                ) from e
            check_tesseract(cfg.ocr.lang)
            n = getattr(img, "n_frames", 1)
            for i, frame in enumerate(ImageSequence.Iterator(img)):
                page = frame.copy()
                if "dpi" in img.info:  # unknown stays unknown: OCR then judges by size
                    page.info.setdefault("dpi", img.info["dpi"])
                yield _ocr_page(page, cfg, i + 1)
                if on_page:
                    on_page(i + 1, n)
    finally:
        Image.MAX_IMAGE_PIXELS = old


def _finish(
    raw: list[_Raw], cfg: IngestConfig, meta: dict[str, Any], *, multi_page: bool
) -> tuple[Page, ...]:
    texts: list[str] = []
    steps: dict[int, list[str]] = {}
    for no, read in enumerate(raw, start=1):
        t, m = normalize_text(read.text, cfg.normalize)
        texts.append(t)
        steps[no] = m["steps"]
        for s in m.get("signatures", []):
            meta.setdefault("signatures", []).append({"page": no, **s})
    if multi_page:
        texts, removed = strip_running_lines(texts, cfg.normalize)
        if removed:
            meta["removed_lines"] = removed
    meta["normalize_steps"] = {str(k): v for k, v in steps.items() if v}
    pages = []
    for no, (read, text) in enumerate(zip(raw, texts, strict=True), start=1):
        pages.append(
            Page(
                number=no,
                text=text,
                method=read.method,
                ocr_model=read.model,
                confidence=read.confidence,
                garbled=round(garbled_score(text, cfg.quality), 4),
                warnings=tuple(read.warnings),
                unsure=unsure_words(read.text, read.line_confidences, text, cfg.ocr.unsure_below),
                image=read.image,
                boxes=word_boxes(read.text, read.line_boxes, text) if read.image else (),
            )
        )
    return tuple(pages)
