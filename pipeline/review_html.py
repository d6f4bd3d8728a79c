"""Review pages: a document's final text with every restored word marked, for the archivist.

An archivist must trust each word or see where not to. ``plans run`` writes one page per
document (``OUT/review/<doc>.html``) and an index of the backlog sorted by how many words
want a look (``OUT/review/index.html``). In the text, a word the restorer changed is marked
green when it is sure and orange when the change is flagged (confidence under the review
threshold); a word left as printed that is no Vietnamese syllable is red; on a scanned page, a
word left as Tesseract read it with a low confidence (``OcrConfig.unsure_below``) is yellow.
Hovering a mark shows what OCR printed, where the spelling came from (corpus passage, language
model, lexicon), the confidence and the other readings the restorer weighed, and Tesseract's
own confidence where it was low. Beside the text of a scanned page stands the page as OCR read
it (``OUT/review/<doc>/page-N.jpg``, written before the page), each marked word boxed on it in
its colour with the same tooltip: the archivist checks a word against the scan without opening
the PDF. The pages are
self-contained (inline CSS, no script, no font) and every text is escaped: a scanned plan's
text is never markup.
"""

from __future__ import annotations

from html import escape
from typing import Any

from diacritics.changes import Change, Unresolved
from pipeline.records import LOW_RESOLUTION, Document, OcrWord, Page, WordBox

_Mark = Change | Unresolved | OcrWord

_CSS = """
body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:2em;color:#222;max-width:120em}
h1{font-size:1.3em}h2{font-size:1.05em;margin-top:1.6em;border-bottom:1px solid #ccc}
.text{white-space:pre-wrap;font-family:"DejaVu Serif",Georgia,serif;line-height:1.6;
max-width:60em;flex:1}
.page{display:flex;gap:1.5em;align-items:flex-start}
.scan{position:relative;flex:1;max-width:50%;border:1px solid #ccc}
.scan img{width:100%;height:auto;display:block}
.box{position:absolute;opacity:.45;border-radius:0}
.ok{background:#e3f4e3}.check{background:#ffd9a0}.unread{background:#ffc4c4}
.unsure{background:#fff3a8}
span[title]{cursor:help;border-radius:2px}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}.muted{color:#777}
"""
_SOURCES = {
    "corpus": "corpus passage",
    "lm": "language model",
    "lexicon": "lexicon",
    "document": "the document's own reading of the name it abbreviates",
}


def review_counts(doc: Document) -> dict[str, int]:
    """Words of ``doc`` (its final text), and of those the changed, flagged and unread ones,
    and the words left as Tesseract read them with a low confidence."""
    return {
        "words": sum(len(p.final_text.split()) for p in doc.pages),
        "changed": sum(len(p.changes) for p in doc.pages),
        "flagged": sum(c.flagged for p in doc.pages for c in p.changes),
        "unresolved": sum(len(p.unresolved) for p in doc.pages),
        "ocr_unsure": sum(isinstance(m, OcrWord) for p in doc.pages for m in review_marks(p)),
        "low_resolution": sum(
            any(w.startswith(LOW_RESOLUTION) for w in p.warnings) for p in doc.pages
        ),
    }


def review_page(doc: Document) -> str:
    """The review page of ``doc``: its pages' final text with the restored words marked."""
    n = review_counts(doc)
    parts = [
        _head(f"Review: {doc.doc_id}"),
        f"<h1>{_e(doc.doc_id)}</h1>",
        f'<p class="muted">{_e(doc.source)} · {n["words"]:,} words · {n["changed"]:,} restored, '
        f"of which {n['flagged']:,} flagged for review · {n['unresolved']:,} left unread · "
        f"{n['ocr_unsure']:,} read by OCR with low confidence</p>",
        '<p><span class="ok">restored</span> <span class="check">restored, check it</span> '
        '<span class="unread">left as printed, no known word</span> '
        '<span class="unsure">OCR unsure, check it against the scan</span> '
        '<span class="muted">(hover a word for what OCR printed and why)</span></p>',
    ]
    for page in doc.pages:
        if len(doc.pages) > 1:
            parts.append(f"<h2>Page {page.number}</h2>")
        about = [page.method.value]
        if page.confidence is not None:
            about.append(f"OCR confidence {page.confidence:.0f}")
        about.append(f"garbled score {page.garbled:.2f}")
        about += page.warnings
        parts.append(f'<p class="muted">{_e(" · ".join(about))}</p>')
        styled = _styled(page)
        text = f'<div class="text">{_marked(page, styled)}</div>'
        if page.image is not None:
            text = f'<div class="page">{text}{_scan(doc, page, styled)}</div>'
        parts.append(text)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def review_index(docs: dict[str, dict[str, Any]]) -> str:
    """The backlog's index: ``docs`` (doc id -> its manifest entry, with ``review`` counts)
    as a table, the documents with the most words to check first."""
    rows = []
    order = sorted(
        docs.items(),
        key=lambda kv: (-words_to_check(kv[1]), kv[0]),
    )
    for doc_id, entry in order:
        r = entry.get("review") or {}
        what = " · ".join(str(entry[k]) for k in ("title", "issuer") if entry.get(k))
        if len(what) > 120:
            what = what[:119] + "…"
        low = int(r.get("low_resolution", 0))
        if low:  # (what the archivist can act on: scan these pages again)
            what = " · ".join(filter(None, [what, f"{low} page(s) at low resolution: rescan"]))
        rows.append(
            f'<tr><td><a href="{_e(doc_id)}.html">{_e(doc_id)}</a>'
            + (f'<br><span class="muted">{_e(what)}</span>' if what else "")
            + "</td>"
            f'<td class="n">{words_to_check(entry):,}</td><td class="n">{r.get("flagged", 0):,}</td>'
            f'<td class="n">{r.get("unresolved", 0):,}</td>'
            f'<td class="n">{r.get("ocr_unsure", 0):,}</td><td class="n">{r.get("changed", 0):,}'
            f'</td><td class="n">{r.get("words", 0):,}</td><td>{_e(entry.get("source", ""))}</td>'
            "</tr>"
        )
    return "\n".join(
        [
            _head("Review: the backlog"),
            f"<h1>Review: {len(docs):,} documents</h1>",
            f"<p>{sum(words_to_check(e) for e in docs.values()):,} words to check in "
            f"{sum(1 for e in docs.values() if words_to_check(e)):,} document(s), of "
            f"{sum(int((e.get('review') or {}).get('words', 0)) for e in docs.values()):,} words."
            "</p>",
            '<p class="muted">Documents with the most words to check first: the flagged '
            "restorations, the words left unread and those OCR was unsure of.</p>",
            "<table><tr><th>document</th><th>to check</th><th>flagged</th><th>unread</th>"
            "<th>OCR unsure</th><th>restored</th><th>words</th><th>source</th></tr>",
            *rows,
            "</table></body></html>\n",
        ]
    )


def words_to_check(entry: dict[str, Any]) -> int:
    """The words a document's manifest entry asks a look at: flagged, unread, OCR-unsure."""
    r = entry.get("review") or {}
    return sum(int(r.get(k, 0)) for k in ("flagged", "unresolved", "ocr_unsure"))


def _span(m: Change | Unresolved | OcrWord) -> tuple[int, int, int]:
    """(line, first column, end column) of a mark in the page's input text."""
    word = m.before if isinstance(m, Change) else m.word
    return m.line, m.col, m.col + len(word)


def review_marks(page: Page) -> list[_Mark]:
    """The page's marks in reading order, none overlapping: its changes and unread words, then
    the words Tesseract was unsure of that no change or unread word covers."""
    marks: list[_Mark] = [*page.changes, *page.unresolved]
    covered = [_span(m) for m in marks]
    for w in page.unsure:
        _, a, b = _span(w)
        if not any(ln == w.line and a < e and s < b for ln, s, e in covered):
            marks.append(w)
    return sorted(marks, key=lambda m: (m.line, m.col))


def _styled(page: Page) -> list[tuple[_Mark, str, str, str]]:
    """Each mark of the page (:func:`review_marks`) with its class, tooltip and the text it shows."""
    unsure: dict[int, list[OcrWord]] = {}
    for w in page.unsure:
        unsure.setdefault(w.line, []).append(w)
    out: list[tuple[_Mark, str, str, str]] = []
    for m in review_marks(page):
        line, start, end = _span(m)
        # Tesseract's doubt about the words under a change or an unread word.
        low = [w.confidence for w in unsure.get(line, ()) if start <= w.col < end]
        if isinstance(m, Change):
            source = _SOURCES.get(m.source.value, m.source.value)
            tip = f"OCR printed: {m.before} · {source} · confidence {m.confidence:.2f}"
            tip += _ocr_note(low)
            others = [a for a in m.alternatives if a != m.after]
            if others:
                tip += " · also weighed: " + ", ".join(others)
            out.append((m, "check" if m.flagged else "ok", tip, m.after))
        elif isinstance(m, Unresolved):
            tip = "left as printed: no known Vietnamese word" + _ocr_note(low)
            out.append((m, "unread", tip, m.word))
        else:
            tip = "left as OCR read it, with low confidence: check it against the scan"
            out.append((m, "unsure", tip + _ocr_note([m.confidence]), m.word))
    return out


def _marked(page: Page, styled: list[tuple[_Mark, str, str, str]]) -> str:
    """The page's final text, escaped, its marked words in spans: the changes replayed onto the
    input text (their positions are the input's, as are those of the other marks)."""
    events: dict[int, list[tuple[_Mark, str, str, str]]] = {}
    for ev in styled:
        events.setdefault(ev[0].line, []).append(ev)
    out = []
    for number, line in enumerate(page.text.split("\n"), 1):
        at = 0
        pieces = []
        for m, cls, tip, shown in events.get(number, ()):
            _, start, end = _span(m)
            pieces.append(_e(line[at:start]))
            pieces.append(f'<span class="{cls}" title="{_e(tip)}">{_e(shown)}</span>')
            at = end
        pieces.append(_e(line[at:]))
        out.append("".join(pieces))
    return "\n".join(out)


def image_name(doc_id: str, page: int) -> str:
    """Where a page's image is written, relative to OUT/review."""
    return f"{doc_id}/page-{page}.jpg"


def _scan(doc: Document, page: Page, styled: list[tuple[_Mark, str, str, str]]) -> str:
    """The page image with a box over each marked word (positions in percent, so the boxes
    follow the image as the browser scales it)."""
    img = page.image
    assert img is not None
    by_line: dict[int, list[WordBox]] = {}
    for b in page.boxes:
        by_line.setdefault(b.line, []).append(b)
    boxes = []
    for m, cls, tip, _ in styled:
        line, start, end = _span(m)
        for b in by_line.get(line, ()):
            if not start <= b.col < end:  # (a change may span several words read)
                continue
            x, y = 100 * b.left * img.scale / img.width, 100 * b.top * img.scale / img.height
            w, h = 100 * b.width * img.scale / img.width, 100 * b.height * img.scale / img.height
            boxes.append(
                f'<span class="box {cls}" title="{_e(tip)}" style="left:{x:.2f}%;top:{y:.2f}%;'
                f'width:{w:.2f}%;height:{h:.2f}%"></span>'
            )
    return (
        f'<div class="scan"><img src="{_e(image_name(doc.doc_id, page.number))}" '
        f'width="{img.width}" height="{img.height}" alt="page {page.number} as OCR read it">'
        + "".join(boxes)
        + "</div>"
    )


def _ocr_note(low: list[float]) -> str:
    return f" · Tesseract's confidence {min(low):.0f}/100" if low else ""


def _head(title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body>"
    )


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)
