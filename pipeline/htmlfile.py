"""Web pages (.html, .htm): the text a browser shows, one line per block.

Plans are published on the portals of provinces and districts, and archivists save the
parent plans they need from there. A page is decoded by its byte-order mark, its declared
charset (``<meta charset>``, or the ``http-equiv`` one), else as a text file is
(:func:`pipeline.textfile.decode_bytes`: UTF-8, else the legacy encodings). Its text is what a
browser shows: paragraphs, headings, list items (with the numbers or bullets a browser puts
before them), table cells and ``<br>`` end a line;
whitespace inside a line collapses to one space (not in ``<pre>``); scripts, styles, a form's
choices and the head (the title too: the browser shows it on its tab) are left out. Old pages
typed in TCVN3 or VNI fonts (``<font face=".VnTime">``, a ``font-family`` in a ``style``
attribute, or a ``<style>`` rule for the element or one of its classes) have those runs
decoded, as a .docx's are.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.numbering import format_number
from pipeline.textfile import TextFileConfig, decode_bytes, in_font, legacy_encoding

# Far more than any plan's page: a larger file is refused, not read.
MAX_HTML_BYTES = 50 * 1024 * 1024

_BLOCKS = frozenset(
    """address article aside blockquote body br caption dd details div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section
    summary table tbody td tfoot th thead title tr ul""".split()
)
_HIDDEN = frozenset("script style noscript template head svg math select".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_FONT_FAMILY = re.compile(r"font-family\s*:\s*['\"]?([^;'\",]+)", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_NEAR = 64  # how deep an end tag looks for its element among the open ones
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")

HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|meta)\b", re.I)


def looks_html(head: bytes) -> bool:
    """Whether a file beginning with ``head`` is a web page (a doctype, or an html, head or
    meta element first)."""
    return HTML_START.match(head) is not None


def html_text(path: Path) -> tuple[str, list[str]]:
    """The text of web page ``path``, one line per block, and notes on how it was read
    (legacy fonts decoded). Raises InputFileError for a file too large or not text."""
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise InputFileError(
            f"web page too large ({size:,} bytes)", path=str(path), remedy="split the document"
        )
    return html_to_text(path.read_bytes(), str(path))


def html_to_text(data: bytes, name: str | None = None) -> tuple[str, list[str]]:
    """See :func:`html_text`."""
    text = _decoded(data, name)
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:
        # Python 3.11's parser raises AssertionError on a broken "<![" section (fuzzing):
        # read again with every such opening as text, as a browser would show it.
        parser = _Text()
        parser.feed(text.replace("<![", "&lt;!["))
        parser.close()
    return parser.text(), sorted(parser.notes)


def _decoded(data: bytes, name: str | None) -> str:
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _CHARSET.search(data[:4096])
        if m is not None:
            try:
                return data.decode(m.group(1).decode("ascii"), "replace")
            except LookupError:
                pass  # (a charset no codec has: decoded as a text file is)
    return decode_bytes(data, name, TextFileConfig(check_vietnamese=False))[0]


class _Text(HTMLParser):
    """The shown text, with a stack of the open elements' legacy encodings (None: none)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.hidden = 0  # open hidden elements
        self.pre = 0
        self.fonts: list[tuple[str, str | None]] = []  # (tag, its encoding) of open elements
        self.notes: set[str] = set()
        self.rules: dict[str, str] = {}  # selector ("p", ".vn") -> legacy encoding, from <style>
        self.lists: list[list] = []  # open lists: [ordered, number style, last number]
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._end_line()
        if tag == "body":
            self.hidden = 0  # (a head left open ends here, as in a browser)
        elif tag in _HIDDEN:
            self.hidden += 1
        if tag == "pre":
            self.pre += 1
        if tag == "style":
            self.in_style = True
        if tag in ("ol", "ul"):
            values = dict(attrs)
            start = values.get("start") or ""
            first = int(start) - 1 if start.lstrip("-").isdigit() else 0
            self.lists.append([tag == "ol", values.get("type") or "1", first])
        elif tag == "li" and not self.hidden:
            self.parts.append(self._marker(dict(attrs)))
        if tag not in _VOID:
            values = dict(attrs)
            face = values.get("face") or ""
            style = _FONT_FAMILY.search(values.get("style") or "")
            enc = legacy_encoding(face.split(",")[0]) or (
                legacy_encoding(style.group(1)) if style else None
            )
            # A style sheet's rule for the element or one of its classes.
            for key in (tag, *(f".{c}" for c in (values.get("class") or "").split())):
                enc = enc or self.rules.get(key)
            inherited = self.fonts[-1][1] if self.fonts else None
            self.fonts.append((tag, enc or inherited))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        # Close up to the matching element (browsers forgive unclosed <p>, <font> ...), looked
        # for near the top only: a page of thousands of unclosed <p> stays linear.
        for k in range(len(self.fonts) - 1, max(len(self.fonts) - _NEAR, 0) - 1, -1):
            if self.fonts[k][0] == tag:
                del self.fonts[k:]
                break
        if tag in _BLOCKS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self._rules(data)
        if self.hidden:
            return
        data = in_font(data, self.fonts[-1][1] if self.fonts else None, self.notes)
        if self.pre:
            lines = data.split("\n")
            for line in lines[:-1]:
                self.parts.append(line)
                self._end_line()
            self.parts.append(lines[-1])
        else:
            self.parts.append(_SPACE.sub(" ", data))

    def _marker(self, attrs: dict[str, str | None]) -> str:
        """The number or bullet a browser shows before a list item ("II. ", "• ")."""
        if not self.lists or not self.lists[-1][0]:
            return "• "
        top = self.lists[-1]
        value = attrs.get("value") or ""
        top[2] = int(value) if value.lstrip("-").isdigit() else top[2] + 1
        number = format_number(top[2], top[1])
        return f"{number}. " if number else ""

    def _rules(self, css: str) -> None:
        """The style sheet's rules that set a legacy font, for an element name or a class
        ("p", ".vn", "span.vn": the class): selector -> encoding."""
        for selectors, body in _CSS_RULE.findall(css):
            family = _FONT_FAMILY.search(body)
            enc = legacy_encoding(family.group(1)) if family else None
            if enc:
                for sel in selectors.split(","):
                    last = sel.strip().split()[-1] if sel.strip() else ""
                    key = f".{last.split('.', 1)[1]}" if "." in last else last.lower()
                    self.rules[key] = enc

    def _end_line(self) -> None:
        line = "".join(self.parts)
        self.parts = []
        line = line.rstrip() if self.pre else line.strip()
        if line:
            self.lines.append(line)

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines)
