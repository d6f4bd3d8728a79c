"""OpenDocument texts (.odt, LibreOffice): their paragraphs' text, as a .docx's is read.

``content.xml`` holds the body: each paragraph and heading (``text:p``, ``text:h``, table
cells' and notes' too) is a line; spaces (``text:s``), tabs and line breaks kept. A span's or
paragraph's style (automatic ones in the body, common ones in ``styles.xml``, through their
parents, down to the default paragraph style) names its font: text in a legacy font (TCVN3
".VnTime", VNI) is decoded, hidden text left out. Lists get the numbers or bullets their list
style shows; tracked deletions and comments are not the document's text. Pictures linked
from ``draw:image`` are the pages of a pasted scan.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from pipeline.numbering import format_number
from pipeline.officezip import ZIP_ERRORS, attr_int, zip_images
from pipeline.textfile import in_font, legacy_encoding

ODT_BODY = "content.xml"
ODT_STYLES = "styles.xml"
ODT_MIME = b"application/vnd.oasis.opendocument.text"
_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_XLINK = "{http://www.w3.org/1999/xlink}"
# What is in a body but not its text: the record of tracked changes, comments.
_ODT_NOT_TEXT = frozenset({_T + "tracked-changes", _OFFICE + "annotation"})


def odt_lines(
    root: ElementTree.Element, styles: ElementTree.Element | None, notes: set[str]
) -> list[str]:
    """The lines of an OpenDocument body ``root`` (its ``styles.xml``: ``styles``), legacy
    fonts decoded (``notes`` says which)."""
    fonts = _OdtFonts(root, styles)
    _drop_tracked_changes(root)
    markers = _odt_markers(root, styles)
    return [
        markers.get(id(el), "") + _odt_text(el, fonts, notes, fonts.default)
        for el in root.iter()
        if el.tag in (_T + "p", _T + "h")
    ]


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
            return zip_images(z, names, members)
    except (*ZIP_ERRORS, ElementTree.ParseError, LookupError):
        return []


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
    parts = [in_font(el.text or "", enc, notes)]
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
        parts.append(in_font(child.tail or "", enc, notes))
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
                attr_int(level.get(_T + "level"), 1): level for level in style
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
        shown = max(1, min(attr_int(spec.get(_T + "display-levels"), 1), depth))
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
                start = attr_int(spec.get(_T + "start-value"), 1) if spec is not None else 1
                value = child.get(_T + "start-value")
                counters[depth - 1] = attr_int(value, 1) if value else counters[depth - 1] + 1
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
