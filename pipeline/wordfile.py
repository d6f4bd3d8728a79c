"""Word documents (.docx, and OpenDocument .odt): their paragraphs' text, legacy fonts decoded.

Archives keep born-digital plans next to their scans. A .docx is a ZIP whose
``word/document.xml`` holds the body: each paragraph (``w:p``, table cells included, in
document order) becomes one line, its runs' text (``w:t``) joined, tabs and line breaks
kept. Plans typed before Unicode used fonts whose glyphs sit on Windows-1252 bytes:
".VnTime" and the other ".Vn" fonts (TCVN3), "VNI-Times" and the other "VNI-" fonts (VNI);
Word stores their text as the Western letters of those bytes ("kÕ ho¹ch"). A run in such a
font is decoded by its encoding; a document whose fonts come from its styles only is
decoded as a whole when the decoding reads as Vietnamese (as a PDF text layer is). A body
without text but with images (scans pasted into Word) is OCR'd image by image, one page each
(:func:`docx_images`). An OpenDocument text (.odt, LibreOffice) is read the same way from its
``content.xml`` (``text:p`` and ``text:h``; spaces ``text:s``, tabs, line breaks), its legacy
fonts, which sit in its styles, decoded as a whole.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from pipeline.docfile import doc_text
from pipeline.errors import InputFileError, damaged
from pipeline.htmlfile import html_text
from pipeline.numbering import format_number
from pipeline.quality import QualityConfig, garbled_score
from pipeline.rtffile import rtf_text
from pipeline.textfile import LEGACY, decode_legacy_font, font_bytes, legacy_encoding

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What reading a damaged ZIP member raises: a bad archive, a cut or corrupt deflate stream
# (zlib.error), an encrypted member (RuntimeError), a compression method zipfile lacks.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
    ValueError,
)
BODY = "word/document.xml"
ODT_BODY = "content.xml"
DOCX_STYLES = "word/styles.xml"
DOCX_NUMBERING = "word/numbering.xml"
ODT_STYLES = "styles.xml"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
# A .docx paragraph's elements whose runs are not its text: nested paragraphs (a text box's,
# read as lines of their own), tracked deletions, and the old place of moved text.
_NOT_TEXT = frozenset({_W + "p", _W + "del", _W + "moveFrom"})
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODT_NOT_TEXT = frozenset({_T + "tracked-changes", _OFFICE + "annotation"})
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_XLINK = "{http://www.w3.org/1999/xlink}"
# Far more than any plan's text: a larger part is refused rather than read into memory.
MAX_XML_BYTES = 200 * 1024 * 1024


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
                and z.read("mimetype").strip() == _ODT_MIME
            ):
                return "odt"
    except _ZIP_ERRORS:
        pass
    return None


_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


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
            return _images(z, names, members)
    except (*_ZIP_ERRORS, ElementTree.ParseError, LookupError):
        return []


def odt_images(path: Path) -> list[bytes]:
    """The images the body of OpenDocument text ``path`` shows, in document order: the
    package files its ``draw:image`` elements link (a scan pasted into LibreOffice)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            members = [
                el.get(_XLINK + "href", "").removeprefix("./")
                for el in ElementTree.fromstring(z.read(ODT_BODY)).iter(_DRAW + "image")
            ]
            return _images(z, names, members)
    except (*_ZIP_ERRORS, ElementTree.ParseError, LookupError):
        return []


def _images(z: zipfile.ZipFile, names: set[str], members: list[str]) -> list[bytes]:
    """The image files among ``members`` of ``z`` that it holds, read."""
    out = []
    for name in members:
        # (A member bigger than any page scan is no page: skipped, not inflated.)
        if (
            name.lower().endswith(_IMAGE_SUFFIXES)
            and name in names
            and z.getinfo(name).file_size <= MAX_XML_BYTES
        ):
            out.append(z.read(name))
    return out


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


def _odt_text(
    el: ElementTree.Element, fonts: _OdtFonts, notes: set[str], font: str | None = None
) -> str:
    """The text of an OpenDocument paragraph or span: its spaces (``text:s``, ``text:c`` of
    them), tabs and line breaks, not the paragraphs nested in it (a note's, a frame's); the
    text in a legacy font (its style's, or the paragraph's: see :class:`_OdtFonts`) decoded."""
    style = el.get(_T + "style-name")
    if fonts.hidden(style):  # (hidden text: in the file, not on the page)
        return ""
    font = fonts.of(style) or font
    enc = legacy_encoding(font)
    parts = [_in_font(el.text or "", enc, notes)]
    for child in el:
        tag = child.tag
        if tag == _T + "s":
            parts.append(" " * int(child.get(_T + "c", "1") or 1))
        elif tag == _T + "tab":
            parts.append("\t")
        elif tag == _T + "line-break":
            parts.append("\n")
        elif tag not in (_T + "p", _T + "h", _T + "note"):
            parts.append(_odt_text(child, fonts, notes, font))
        parts.append(_in_font(child.tail or "", enc, notes))
    return "".join(parts)


def _drop_tracked_changes(root: ElementTree.Element) -> None:
    """Remove from an OpenDocument body what is not its text: the record of tracked changes
    (it holds the deleted paragraphs, ``text:deletion``) and comments (``office:annotation``,
    with their author and date); the text after a removed element stays where it was."""
    for parent in list(root.iter()):
        kept: ElementTree.Element | None = None  # (the last child left in place)
        for child in list(parent):
            if child.tag not in _ODT_NOT_TEXT:
                kept = child
                continue
            if child.tail:
                if kept is not None:
                    kept.tail = (kept.tail or "") + child.tail
                else:
                    parent.text = (parent.text or "") + child.tail
            parent.remove(child)


def _odt_markers(body: ElementTree.Element, styles: ElementTree.Element | None) -> dict[int, str]:
    """The numbers or bullets an OpenDocument list shows before its items' first paragraphs
    ("I. ", "1.2. ", "• "), by paragraph (its id): each ``text:list`` level counts its
    ``text:list-item``s (from ``text:start-value``, or the level's start), a deeper level
    restarting when a higher one counts, a new list restarting unless it continues the one
    before (``text:continue-numbering``); the list style (``text:list-style``) gives each
    level's number format, prefix, suffix and how many levels it shows, or its bullet."""
    levels: dict[str, dict[int, ElementTree.Element]] = {}
    for root in (r for r in (styles, body) if r is not None):
        for style in root.iter(_T + "list-style"):
            levels[style.get(_STYLE + "name", "")] = {
                _int(level.get(_T + "level"), 1): level for level in style
            }
    markers: dict[int, str] = {}
    counters = [0] * 10

    def label(style: str | None, depth: int) -> str:
        spec = levels.get(style or "", {}).get(depth)
        if spec is None:
            return ""
        if spec.tag == _T + "list-level-style-bullet":
            bullet = spec.get(_T + "bullet-char") or "•"
            return "•" if 0xE000 <= ord(bullet[0]) <= 0xF8FF else bullet
        shown = max(1, min(_int(spec.get(_T + "display-levels"), 1), depth))
        parts = []
        for lvl in range(depth - shown + 1, depth + 1):
            fmt = levels[style or ""].get(lvl, spec).get(_STYLE + "num-format")
            number = format_number(counters[lvl - 1], fmt)
            if not number:
                return ""
            parts.append(number)
        return f"{spec.get(_STYLE + 'num-prefix') or ''}{'.'.join(parts)}{spec.get(_STYLE + 'num-suffix') or ''}"

    def walk(el: ElementTree.Element, style: str | None, depth: int) -> None:
        for child in el:
            if child.tag == _T + "list":
                if depth == 0 and child.get(_T + "continue-numbering") != "true":
                    counters[:] = [0] * 10
                walk(child, child.get(_T + "style-name") or style, depth + 1)
            elif child.tag == _T + "list-item" and 0 < depth <= 10:
                spec = levels.get(style or "", {}).get(depth)
                start = _int(spec.get(_T + "start-value"), 1) if spec is not None else 1
                value = child.get(_T + "start-value")
                counters[depth - 1] = _int(value, 1) if value else counters[depth - 1] + 1
                counters[depth - 1] = max(counters[depth - 1], start)
                counters[depth:] = [0] * (10 - depth)
                first = next((c for c in child if c.tag in (_T + "p", _T + "h")), None)
                mark = label(style, depth)
                if first is not None and mark:
                    markers[id(first)] = mark + " "
                walk(child, style, depth)
            else:
                walk(child, style, depth)

    walk(body, None, 0)
    return markers


class _OdtFonts:
    """The font an OpenDocument paragraph or span is in: its style's ``style:font-name`` (a
    font face, whose family is the font), else its parent style's, the automatic styles of the
    body and the common ones of ``styles.xml`` alike; a paragraph without one has the default
    paragraph style's (``style:default-style``), a span its paragraph's."""

    def __init__(self, body: ElementTree.Element, styles: ElementTree.Element | None) -> None:
        roots = [r for r in (styles, body) if r is not None]
        faces = {
            face.get(_STYLE + "name", ""): (face.get(_SVG + "font-family") or "").strip("'\"")
            for root in roots
            for face in root.iter(_STYLE + "font-face")
        }

        def font(style: ElementTree.Element) -> str | None:
            props = style.find(_STYLE + "text-properties")
            name = props.get(_STYLE + "font-name") if props is not None else None
            return (faces.get(name) or name) if name else None

        self.own: dict[str, str | None] = {}
        self.parent: dict[str, str] = {}
        self.default: str | None = None
        self.hiding: set[str] = set()  # styles that hide their text (text:display="none")
        for root in roots:
            for style in root.iter(_STYLE + "style"):
                name = style.get(_STYLE + "name", "")
                self.own[name] = font(style)
                props = style.find(_STYLE + "text-properties")
                if props is not None and props.get(_T + "display") == "none":
                    self.hiding.add(name)
                if style.get(_STYLE + "parent-style-name"):
                    self.parent[name] = style.get(_STYLE + "parent-style-name", "")
            for style in root.iter(_STYLE + "default-style"):
                if style.get(_STYLE + "family") == "paragraph":
                    self.default = font(style) or self.default

    def of(self, style: str | None) -> str | None:
        for _ in range(32):  # (a chain that loops stops)
            if style is None:
                return None
            if self.own.get(style):
                return self.own[style]
            style = self.parent.get(style)
        return None

    def hidden(self, style: str | None) -> bool:
        for _ in range(32):
            if style is None:
                return False
            if style in self.hiding:
                return True
            style = self.parent.get(style)
        return False


def _in_font(text: str, enc: str | None, notes: set[str]) -> str:
    """``text`` decoded from legacy encoding ``enc`` (None: as it is)."""
    if enc is None or not text:
        return text
    raw = font_bytes(text)
    if raw is None:
        return text
    notes.add(f"text in {enc.upper()} fonts, decoded")
    return LEGACY[enc](raw)


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
            text = _in_font(_run_text(run), legacy_encoding(fonts.run(run, para_font)), notes)
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
                    levels[_int(lvl.get(_W + "ilvl"))] = (
                        _int(_val(lvl, "start"), 1),
                        _val(lvl, "numFmt") or "decimal",
                        _val(lvl, "lvlText") or "",
                        _val(lvl, "suff") or "tab",
                    )
                self.levels[abstract.get(_W + "abstractNumId") or ""] = levels
            for num in numbering.iter(_W + "num"):
                restarts = {
                    _int(o.get(_W + "ilvl")): _int(_val(o, "startOverride"), 1)
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
                    self.style_num[sid] = (_val(num_pr, "numId") or "", _int(_val(num_pr, "ilvl")))

    def marker(self, para: ElementTree.Element, style: str | None) -> str:
        num_pr = para.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None:
            num_id, level = _val(num_pr, "numId") or "", _int(_val(num_pr, "ilvl"))
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


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


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


def _styles_part(path: Path, name: str) -> ElementTree.Element | None:
    """The part ``name`` of the document's package (its styles, its numbering), parsed; None
    when it has none or it is damaged (the body is then read without it)."""
    try:
        with zipfile.ZipFile(path) as z:
            if name not in z.namelist() or z.getinfo(name).file_size > MAX_XML_BYTES:
                return None
            return ElementTree.fromstring(z.read(name))
    except (*_ZIP_ERRORS, ElementTree.ParseError, LookupError, RecursionError):
        return None


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
    except _ZIP_ERRORS as e:
        raise damaged(path, f"corrupt or truncated Word document ({type(e).__name__})") from e
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, LookupError, ValueError) as e:  # (LookupError: the XML
        # declaration names an unknown encoding)
        raise damaged(path, f"corrupt Word document (its body is not XML: {e})") from e
    notes: set[str] = set()
    styles = _styles_part(path, DOCX_STYLES if kind == "docx" else ODT_STYLES)
    try:
        if kind == "docx":
            numbers = _DocxNumbers(_styles_part(path, DOCX_NUMBERING), styles)
            lines = _docx_lines(root, notes, _DocxFonts(styles), numbers)
        else:
            fonts = _OdtFonts(root, styles)
            _drop_tracked_changes(root)
            markers = _odt_markers(root, styles)
            lines = [
                markers.get(id(el), "") + _odt_text(el, fonts, notes, fonts.default)
                for el in root.iter()
                if el.tag in (_T + "p", _T + "h")
            ]
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
