"""A comparison as one self-contained HTML page an analyst can send on.

No external file, script or font: the CSS is inline, and every value from a
record is escaped (plans are scanned documents; their text is never markup).
"""

from __future__ import annotations

from html import escape
from typing import Any

from pipeline.compare import Aligned, Comparison

_CSS = """
body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:2em;color:#222;max-width:70em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}
.sim{color:#1a6b1a}tr.only_a{background:#fff6e5}tr.only_b{background:#eef4ff}
.rel{font-weight:bold;font-size:1.05em}.muted{color:#777}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _table(head: list[str], rows: list[tuple[str, list[str]]]) -> str:
    """rows: (css class of the row, cells already escaped)."""
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for cls, cells in rows:
        out.append(f'<tr class="{_e(cls)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not rows:
        out.append(f'<tr><td colspan="{len(head)}" class="muted">none</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _sim(x: Aligned) -> str:
    return f"{x.similarity:.0f}" if x.status == "matched" else ""


def comparison_html(cmp: Comparison) -> str:
    """The page for ``cmp`` (UTF-8 text; write it with ``encoding="utf-8"``)."""
    fields = ("doc_id", "title", "number", "issuer", "issuer_level", "issued_date", "movement")
    head = _table(
        ["", "A", "B"],
        [("", [_e(f), _e(getattr(cmp.a, f)), _e(getattr(cmp.b, f))]) for f in fields],
    )
    rel = f'<p class="rel">Relation: {_e(cmp.relation)}'
    if cmp.evidence:
        rel += f" (cites {_e(', '.join(cmp.evidence))})"
    rel += "</p>"
    if cmp.shared_references:
        rel += f"<p>Both cite: {_e(', '.join(cmp.shared_references))}</p>"

    crit = _table(
        ["status", "A", "B", "similarity"],
        [
            (
                x.status,
                [_e(x.status), _e((x.a or {}).get("text")), _e((x.b or {}).get("text"))]
                + [f'<span class="sim">{_sim(x)}</span>'],
            )
            for x in cmp.criteria
        ],
    )
    resp = _table(
        ["actor A", "tasks A", "actor B", "tasks B", "similarity"],
        [
            (
                x.status,
                [
                    _e((x.a or {}).get("actor")),
                    "<br>".join(_e(t) for t in (x.a or {}).get("tasks") or []),
                    _e((x.b or {}).get("actor")),
                    "<br>".join(_e(t) for t in (x.b or {}).get("tasks") or []),
                    _sim(x),
                ],
            )
            for x in cmp.responsibilities
        ],
    )
    timeline = _table(
        ["date", "plan", "task", "actor", "recurring"],
        [
            (
                "only_a" if t.side == "A" else "only_b",
                [
                    _e(t.date or "—"),
                    _e(t.side),
                    _e(t.task),
                    _e(t.actor),
                    "yes" if t.recurring else "",
                ],
            )
            for t in cmp.timeline
        ],
    )
    qty = _table(
        ["A", "B", "unit"],
        [
            (
                x.status,
                [
                    _e((x.a or {}).get("text")),
                    _e((x.b or {}).get("text")),
                    _e((x.a or x.b or {}).get("unit")),
                ],
            )
            for x in cmp.quantities
        ],
    )
    title = f"{cmp.a.number or cmp.a.doc_id} vs {cmp.b.number or cmp.b.doc_id}"
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>{head}{rel}"
        f"<h2>Criteria</h2>{crit}<h2>Responsibilities by actor</h2>{resp}"
        f"<h2>Deadlines on one timeline</h2>{timeline}<h2>Quantities side by side</h2>{qty}"
        '<p class="muted">Made by <code>plans compare</code>.</p></body></html>\n'
    )
