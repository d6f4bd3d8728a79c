"""Typed records that flow between the stages of the pipeline.

A document is read into a :class:`Document` (ingestion), each :class:`Page`
keeps how its text was obtained and how trustworthy it is; restoration adds the
restored text and its word changes to each page; extraction turns the document
into a plan record (a plain dict valid against ``schemas/plan-record.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from diacritics.changes import Change, Unresolved


class Method(StrEnum):
    """How the text of a page was obtained."""

    TEXT_FILE = "text-file"  # a .txt input (often the output of an earlier OCR)
    TEXT_LAYER = "text-layer"  # the text layer of a PDF, read with pdfplumber
    OCR = "ocr"  # Tesseract on the page image


# How a page whose small print OCR enlarged says so (pipeline.ingest); the review index counts
# such pages, the ones worth a rescan.
LOW_RESOLUTION = "low resolution: small print enlarged"


@dataclass(frozen=True)
class OcrWord:
    """A word Tesseract read with a low confidence (0-100): ``line`` 1-based and ``col``
    0-based in the page's ``text``, as the restorer's changes are."""

    line: int
    col: int
    word: str
    confidence: float

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "col": self.col,
            "word": self.word,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class WordBox:
    """Where a word of a page's ``text`` (``line`` 1-based, ``col`` 0-based) stands on the page
    image OCR read: its box in that image's pixels."""

    line: int
    col: int
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class PageImage:
    """The page image OCR read (deskewed, turned upright), made small for the review page:
    ``jpeg`` bytes of ``width`` x ``height`` pixels; ``scale`` = its size / the size read, so
    that a :class:`WordBox` times ``scale`` falls on it."""

    jpeg: bytes
    width: int
    height: int
    scale: float


@dataclass(frozen=True)
class Page:
    """One page of a document.

    ``number`` is 1-based. ``text`` is the normalized text *before* restoration.
    ``confidence`` is Tesseract's mean word confidence (0-100) for OCR'd pages,
    None otherwise. ``garbled`` in [0, 1] says how far the text is from well-formed
    Vietnamese (0 = clean). ``restored``, ``changes`` and ``unresolved`` (words left as
    printed that are no known syllable or a damaged abbreviation, for review)
    are filled by restoration.
    ``unsure`` lists the words of an OCR'd page that Tesseract read with a confidence under
    ``OcrConfig.unsure_below``, for review: on degraded pages most of them are misread.
    ``image`` is the OCR'd page made small, and ``boxes`` where its words stand on it, for the
    review page (they are not kept past it).
    """

    number: int
    text: str
    method: Method
    ocr_model: str | None = None
    confidence: float | None = None
    garbled: float = 0.0
    restored: str | None = None
    changes: tuple[Change, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    warnings: tuple[str, ...] = ()
    unsure: tuple[OcrWord, ...] = ()
    image: PageImage | None = None
    boxes: tuple[WordBox, ...] = ()

    @property
    def final_text(self) -> str:
        return self.restored if self.restored is not None else self.text

    def with_restoration(
        self, text: str, changes: tuple[Change, ...], unresolved: tuple[Unresolved, ...] = ()
    ) -> Page:
        return replace(self, restored=text, changes=changes, unresolved=unresolved)


@dataclass(frozen=True)
class Document:
    """A source file read into pages."""

    doc_id: str
    source: str
    sha256: str
    kind: str  # "txt" | "docx" | "doc" | "odt" | "rtf" | "html" | "pdf" | "image"
    pages: tuple[Page, ...]
    encoding: str | None = None  # for text files: the encoding detected
    metadata: dict[str, Any] = field(default_factory=dict)  # e.g. digital-signature stamps

    @property
    def text(self) -> str:
        """Final text of the whole document, pages separated by form feeds."""
        return "\f".join(p.final_text for p in self.pages)
