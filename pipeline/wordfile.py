"""Word documents (.docx) and the reading of every office document: text, legacy fonts decoded.

Archives keep born-digital plans next to their scans. A .docx is a ZIP whose
``word/document.xml`` holds the body: each paragraph (``w:p``, table cells and text boxes
included, in document order) becomes one line, its runs' text (``w:t``) joined, tabs and line
breaks kept, list numbers written back from ``word/numbering.xml``, tracked deletions and
hidden text left out. Plans typed before Unicode used fonts whose glyphs sit on
Windows-1252 bytes: ".VnTime" and the other ".Vn" fonts (TCVN3), "VNI-Times" and the other
"VNI-" fonts (VNI); Word stores their text as the Western letters of those bytes ("kÕ
ho¹ch"). A run in such a font (its own, or its styles', ``word/styles.xml``) is decoded by its
encoding; a document whose legacy font no run or style names is decoded as a whole, line by
line, when the decoding reads as Vietnamese (as a PDF text layer is). A body without text but
with images (scans pasted into Word) is OCR'd image by image, one page each
(:func:`docx_images`). :func:`read_word` reads the other office documents through their own
modules: OpenDocument (:mod:`pipeline.odtfile`), old Word (:mod:`pipeline.docfile`), RTF
(:mod:`pipeline.rtffile`) and web pages (:mod:`pipeline.htmlfile`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from pipeline.docfile import doc_text
from pipeline.errors import InputFileError, damaged
from pipeline.htmlfile import html_text
from pipeline.numbering import format_number
from pipeline.odtfile import ODT_BODY, ODT_MIME, ODT_STYLES, odt_lines
from pipeline.officezip import MAX_XML_BYTES, ZIP_ERRORS, attr_int, read_part, zip_images
from pipeline.quality import QualityConfig, garbled_score
from pipeline.rtffile import rtf_text
from pipeline.textfile import decode_legacy_font, in_font, legacy_encoding

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = "word/document.xml"
DOCX_STYLES = "word/styles.xml"
DOCX_NUMBERING = "word/numbering.xml"
# A .docx paragraph's elements whose runs are not its text: nested paragraphs (a text box's,
# read as lines of their own), tracked deletions, and the old place of moved text.
_NOT_TEXT = frozenset({_W + "p", _W + "del", _W + "moveFrom"})


def word_kind(path: Path) -> str | None:
    """What office document ``path`` is: "docx" (a ZIP holding a Word body part), "odt" (an
    OpenDocument text), or None."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if BODY in names:
                return "docx"
            if (
                ODT_BODY in names
                and "mimetype" in names
                and z.getinfo("mimetype").file_size < 100
                and z.read("mimetype").strip() == ODT_MIME
            ):
                return "odt"
    except ZIP_ERRORS:
        pass
    return None


_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def docx_images(path: Path) -> list[bytes]:
    """The images the body of Word document ``path`` shows, in document order (a scan pasted
    into Word, one image a page): the files its ``r:embed`` references name. Damaged or
    missing parts are skipped: this is a fallback for a body without text."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            rels_name = "word/_rels/document.xml.rels"
            if rels_name not in names:
                return []
            targets = {
                rel.get("Id"): rel.get("Target", "")
                for rel in ElementTree.fromstring(z.read(rels_name)).iter(_PKG_REL + "Relationship")
            }
            members = []
            for el in ElementTree.fromstring(z.read(BODY)).iter():
                target = targets.get(el.get(_REL + "embed"))
                if target:
                    members.append("word/" + target.lstrip("/").removeprefix("word/"))
            return zip_images(z, names, members)
    except (*ZIP_ERRORS, ElementTree.ParseError, LookupError):
        return []


def _run_text(run: ElementTree.Element) -> str:
    parts = []
    for el in run:
        tag = el.tag
        if tag == _W + "t":
            parts.append(el.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "softHyphen":  # ("ư" in a TCVN3 run: see _decoded_as_a_whole)
            parts.append("\xad")
        elif tag == _W + "noBreakHyphen":  # ("2021-2025" kept on one line)
            parts.append("-")
    return "".join(parts)


def _runs(para: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The runs of paragraph ``para`` in order, inside hyperlinks, insertions and fields too,
    but not those of paragraphs nested in it (a text box's: those are lines of their own), nor
    tracked deletions and the old places of moved text (not the document's text)."""
    for child in para:
        if child.tag == _W + "r":
            yield child
        elif child.tag not in _NOT_TEXT:
            yield from _runs(child)


def _docx_lines(
    root: ElementTree.Element, notes: set[str], fonts: _DocxFonts, numbers: _DocxNumbers
) -> list[str]:
    lines = []
    for para in root.iter(_W + "p"):
        style = para.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(_W + "val") if style is not None else None
        para_font = fonts.of(style_id, paragraph=True)
        parts = [numbers.marker(para, style_id)]
        for run in _runs(para):
            if _hidden(run):
                continue
            text = in_font(_run_text(run), legacy_encoding(fonts.run(run, para_font)), notes)
            parts.append(text)
        lines.append("".join(parts))
    return lines


class _DocxNumbers:
    """The numbers Word puts before list paragraphs ("I. ", "1. ", "a) ", "- "): a
    paragraph's ``w:numPr`` (its own, or its style's) names a list (``w:numId``) and a level
    (``w:ilvl``); ``word/numbering.xml`` gives the list's levels (start, number style, the
    level's text, "%1.%2." standing for the counters) and any restart. Counters run per
    abstract list, as Word continues a list across its instances; a level's counter restarts
    when a higher level counts."""

    def __init__(
        self, numbering: ElementTree.Element | None, styles: ElementTree.Element | None
    ) -> None:
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.started: set[str] = set()
        self.style_num: dict[str, tuple[str, int]] = {}
        if numbering is not None:
            for abstract in numbering.iter(_W + "abstractNum"):
                levels = {}
                for lvl in abstract.iter(_W + "lvl"):
                    levels[attr_int(lvl.get(_W + "ilvl"))] = (
                        attr_int(_val(lvl, "start"), 1),
                        _val(lvl, "numFmt") or "decimal",
                        _val(lvl, "lvlText") or "",
                        _val(lvl, "suff") or "tab",
                    )
                self.levels[abstract.get(_W + "abstractNumId") or ""] = levels
            for num in numbering.iter(_W + "num"):
                restarts = {
                    attr_int(o.get(_W + "ilvl")): attr_int(_val(o, "startOverride"), 1)
                    for o in num.iter(_W + "lvlOverride")
                    if o.find(_W + "startOverride") is not None
                }
                self.nums[num.get(_W + "numId") or ""] = (
                    _val(num, "abstractNumId") or "",
                    restarts,
                )
        if styles is not None:
            for style in styles.iter(_W + "style"):
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None and _val(num_pr, "numId"):
                    sid = style.get(_W + "styleId") or ""
                    self.style_num[sid] = (
                        _val(num_pr, "numId") or "",
                        attr_int(_val(num_pr, "ilvl")),
                    )

    def marker(self, para: ElementTree.Element, style: str | None) -> str:
        num_pr = para.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_id, level = _val(num_pr, "numId") or "", attr_int(_val(num_pr, "ilvl"))
        elif style in self.style_num:
            num_id, level = self.style_num[style]
        else:
            return ""
        if num_id not in self.nums:  # (numId 0: numbering removed)
            return ""
        abstract, restarts = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if level not in levels or not 0 <= level < 9:
            return ""
        counters = self.counters.setdefault(abstract, [0] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in restarts.items():
                if 0 <= lvl < 9:
                    counters[lvl] = start - 1
        start, style_name, text, suffix = levels[level]
        counters[level] = counters[level] + 1 if counters[level] else start
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        if style_name == "bullet":
            # (Symbol and Wingdings bullets sit in the private-use area: shown as a bullet.)
            mark = "".join("•" if 0xE000 <= ord(ch) <= 0xF8FF else ch for ch in text)
        else:
            mark = text
            for k in range(9, 0, -1):
                if f"%{k}" in mark:
                    n = counters[k - 1] or levels.get(k - 1, (1,))[0]
                    fmt = levels.get(k - 1, (1, "decimal"))[1]
                    mark = mark.replace(f"%{k}", format_number(n, fmt))
        mark = mark.strip()
        return f"{mark}{'' if suffix == 'nothing' else ' '}" if mark else ""


def _val(el: ElementTree.Element, child: str) -> str | None:
    """The ``w:val`` of ``el``'s child ``w:<child>``."""
    found = el.find(_W + child)
    return found.get(_W + "val") if found is not None else None


class _DocxFonts:
    """The font a .docx run is in: its own (``w:rFonts``), else its character style's, else
    its paragraph's style's, else the document's default (``w:docDefaults``); a style without
    a font takes its ``w:basedOn`` style's."""

    def __init__(self, styles: ElementTree.Element | None) -> None:
        self.own: dict[str, str | None] = {}
        self.based: dict[str, str] = {}
        self.default_font: str | None = None
        self.default_para: str | None = None
        if styles is None:
            return
        defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        if defaults is not None:
            self.default_font = _rfonts(defaults)
        for style in styles.iter(_W + "style"):
            sid = style.get(_W + "styleId") or ""
            rpr = style.find(_W + "rPr")
            self.own[sid] = _rfonts(rpr) if rpr is not None else None
            based = style.find(_W + "basedOn")
            if based is not None:
                self.based[sid] = based.get(_W + "val") or ""
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true"):
                self.default_para = sid

    def of(self, style: str | None, paragraph: bool = False) -> str | None:
        """The font style ``style`` gives (through its basedOn chain), or None; a paragraph
        without a style has the default paragraph style's, then the document default."""
        if style is None and paragraph:
            style = self.default_para
        for _ in range(32):  # (a chain that loops stops)
            if style is None:
                break
            font = self.own.get(style)
            if font:
                return font
            style = self.based.get(style)
        return self.default_font if paragraph else None

    def run(self, run: ElementTree.Element, para_font: str | None) -> str | None:
        rpr = run.find(_W + "rPr")
        if rpr is None:
            return para_font
        own = _rfonts(rpr)
        if own:
            return own
        style = rpr.find(_W + "rStyle")
        return (self.of(style.get(_W + "val")) if style is not None else None) or para_font


def _hidden(run: ElementTree.Element) -> bool:
    """Whether a .docx run is hidden text (``w:vanish``): in the file, not on the page."""
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val", "true") not in ("0", "false", "off")


def _rfonts(rpr: ElementTree.Element) -> str | None:
    fonts = rpr.find(_W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi")


def read_word(path: Path, kind: str, quality: QualityConfig) -> tuple[str, list[str]]:
    """The text of the Word document ``path`` (``kind`` "docx", "odt": see :func:`word_kind`;
    "doc", Word 6.0-2003: :mod:`pipeline.docfile`; "rtf": :mod:`pipeline.rtffile`; "html":
    :mod:`pipeline.htmlfile`), one line
    per paragraph, and notes on how it was read (legacy fonts decoded). Raises InputFileError
    for a damaged file."""
    if kind in ("doc", "rtf", "html"):
        text, found = {"doc": doc_text, "rtf": rtf_text, "html": html_text}[kind](path)
        return _decoded_as_a_whole(text, set(found), quality, "")
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(BODY if kind == "docx" else ODT_BODY)
            if info.file_size > MAX_XML_BYTES:
                raise InputFileError(
                    f"Word body part too large ({info.file_size:,} bytes)",
                    path=str(path),
                    remedy="split the document",
                )
            xml = z.read(info)
    except InputFileError:
        raise
    except ZIP_ERRORS as e:
        raise damaged(path, f"corrupt or truncated Word document ({type(e).__name__})") from e
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, LookupError, ValueError) as e:  # (LookupError: the XML
        # declaration names an unknown encoding)
        raise damaged(path, f"corrupt Word document (its body is not XML: {e})") from e
    notes: set[str] = set()
    styles = read_part(path, DOCX_STYLES if kind == "docx" else ODT_STYLES)
    try:
        if kind == "docx":
            numbers = _DocxNumbers(read_part(path, DOCX_NUMBERING), styles)
            lines = _docx_lines(root, notes, _DocxFonts(styles), numbers)
        else:
            lines = odt_lines(root, styles, notes)
    except RecursionError as e:  # (spans nested thousands deep: no editor writes that)
        raise damaged(path, "corrupt document (its body is nested too deeply)") from e
    return _decoded_as_a_whole("\n".join(lines), notes, quality, " (from its styles)")


def _decoded_as_a_whole(
    text: str, notes: set[str], quality: QualityConfig, where: str
) -> tuple[str, list[str]]:
    """``text`` and ``notes``, the text decoded from a legacy font when no run's font said so
    (``notes`` empty) but it reads as Vietnamese only once decoded."""
    score = garbled_score(text, quality)
    if not notes and score > quality.garbled_threshold:
        decoded, enc, fixed = decode_legacy_font(text, quality)
        if fixed <= quality.garbled_threshold:
            text = decoded
            notes.add(f"text in a {enc.upper()} font{where}, decoded")
    # Soft hyphens left (optional hyphens in Unicode text; in a TCVN3 run they were "ư" and
    # are decoded by now) are invisible: dropped.
    return text.replace("\xad", ""), sorted(notes)
