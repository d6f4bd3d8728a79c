"""Comparing two plan records: what a district asked for and what a commune planned.

:func:`compare_records` takes two plan records (dicts, keys as in
``schemas/plan-record.schema.json``) and returns a :class:`Comparison`: which one
implements the other (the implementing plan cites the other's number), both
issuers and levels, criteria aligned pairwise by fuzzy matching, responsibilities
by actor, deadlines on one timeline and quantities side by side. Matching works on
folded text (:func:`pipeline.fold.fold`), so marks lost to OCR do not count.

Alignment is greedy on the best similarity first; with a few dozen criteria per
plan it gives the same pairs as an optimal assignment in practice and needs no
solver. :func:`to_rich` builds terminal tables and ``pipeline.report_html``
a self-contained page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline.errors import InputFileError
from pipeline.fold import fold, number_key, year_of


@dataclass(frozen=True)
class CompareConfig:
    """Thresholds of :func:`compare_records` (similarities are 0-100).

    criteria_threshold: least similarity for two criteria to count as the same
        one (default 60: the same aim reworded by a lower level still passes,
        two different aims that share administrative words do not).
    actor_threshold: least similarity for two actors to be taken as the same
        body (default 70; actor names are short, so a higher bar).
    quantity_threshold: least similarity of the texts of two quantities with the
        same unit to put them side by side (default 40).
    """

    criteria_threshold: float = 60.0
    actor_threshold: float = 70.0
    quantity_threshold: float = 40.0


@dataclass(frozen=True)
class Side:
    """What identifies one of the two plans."""

    label: str  # "A" or "B"
    doc_id: str | None
    title: str | None
    number: str | None
    issuer: str | None
    issuer_level: str | None
    issued_date: str | None
    movement: str | None = None


@dataclass(frozen=True)
class Aligned:
    """One row of an alignment: both sides, or one side only (the other None)."""

    a: Any
    b: Any
    similarity: float  # 0-100; 0 when only one side

    @property
    def status(self) -> str:
        if self.a is not None and self.b is not None:
            return "matched"
        return "only_a" if self.a is not None else "only_b"


@dataclass(frozen=True)
class TimelineEntry:
    """One deadline. ``date`` is as in the record: YYYY-MM-DD, YYYY-MM, or --MM-DD
    (every year); ``when`` is where it sits on the timeline: a yearly date is placed
    in the year its plan was issued, and a deadline without a date sorts last."""

    date: str | None
    side: str  # "A" | "B"
    task: str | None
    actor: str | None
    recurring: bool
    when: str = field(default="", compare=False)


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    relation: str  # "B implements A" | "A implements B" | "each cites the other" | "none"
    evidence: tuple[str, ...]  # the cited numbers that make the relation
    shared_references: tuple[str, ...]  # numbers both plans cite
    same_movement: bool
    criteria: tuple[Aligned, ...] = ()
    responsibilities: tuple[Aligned, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    quantities: tuple[Aligned, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        def rows(items: tuple[Aligned, ...]) -> list[dict[str, Any]]:
            return [
                {"status": x.status, "a": x.a, "b": x.b, "similarity": round(x.similarity, 1)}
                for x in items
            ]

        return {
            "a": asdict(self.a),
            "b": asdict(self.b),
            "relation": self.relation,
            "evidence": list(self.evidence),
            "shared_references": list(self.shared_references),
            "same_movement": self.same_movement,
            "criteria": rows(self.criteria),
            "responsibilities": rows(self.responsibilities),
            "timeline": [asdict(t) for t in self.timeline],
            "quantities": rows(self.quantities),
        }


def similarity(x: str, y: str) -> float:
    """0-100 similarity of two texts, ignoring marks, case and word order.

    rapidfuzz's token_set_ratio, scaled by (1 + shorter/longer word count) / 2:
    token_set alone gives 100 whenever the words of one text are a subset of the
    other's, so a short generic criterion ("hoàn thành") would match every long
    one that contains it.
    """
    fx, fy = fold(x), fold(y)
    nx, ny = len(fx.split()), len(fy.split())
    if not nx or not ny:
        return 0.0
    return float(fuzz.token_set_ratio(fx, fy)) * (0.5 + 0.5 * min(nx, ny) / max(nx, ny))


def align(a: list[Any], b: list[Any], key_a: Any, key_b: Any, threshold: float) -> list[Aligned]:
    """Greedy one-to-one alignment: best pair first, each item used once.

    ``key_a``/``key_b`` give the text of an item. Matched pairs come in the order
    of ``a``; then what is only in ``a``; then what is only in ``b``.
    """
    scores = sorted(
        ((similarity(key_a(x), key_b(y)), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_a: dict[int, tuple[int, float]] = {}
    used_b: set[int] = set()
    for s, i, j in scores:
        if s < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a[i] = (j, s)
        used_b.add(j)
    out = [Aligned(a[i], b[used_a[i][0]], used_a[i][1]) for i in range(len(a)) if i in used_a]
    out += [Aligned(a[i], None, 0.0) for i in range(len(a)) if i not in used_a]
    out += [Aligned(None, b[j], 0.0) for j in range(len(b)) if j not in used_b]
    return out


def _list(rec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    v = rec.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _side(label: str, rec: dict[str, Any]) -> Side:
    return Side(
        label=label,
        doc_id=rec.get("doc_id"),
        title=rec.get("title"),
        number=rec.get("number"),
        issuer=rec.get("issuer"),
        issuer_level=rec.get("issuer_level"),
        issued_date=rec.get("issued_date"),
        movement=rec.get("movement"),
    )


def cites(citing: dict[str, Any], cited: dict[str, Any]) -> list[str]:
    """The references of ``citing`` that name ``cited`` (same number; same year when both dated)."""
    key = number_key(cited.get("number"))
    if key is None:
        return []
    year = year_of(cited.get("issued_date"))
    out = []
    for ref in _list(citing, "references"):
        if number_key(ref.get("number")) != key:
            continue
        ref_year = year_of(ref.get("date"))
        if ref_year and year and ref_year != year:
            continue
        out.append(str(ref.get("number")))
    return out


def compare_records(
    a: dict[str, Any], b: dict[str, Any], config: CompareConfig | None = None
) -> Comparison:
    """Compare plan records ``a`` and ``b`` (see the module docstring)."""
    cfg = config or CompareConfig()
    b_cites_a, a_cites_b = cites(b, a), cites(a, b)
    if b_cites_a and a_cites_b:
        relation = "each cites the other"
    elif b_cites_a:
        relation = "B implements A"
    elif a_cites_b:
        relation = "A implements B"
    else:
        relation = "none"
    keys_a = {number_key(r.get("number")): r.get("number") for r in _list(a, "references")}
    keys_b = {number_key(r.get("number")) for r in _list(b, "references")}
    shared = tuple(str(keys_a[k]) for k in keys_a if k is not None and k in keys_b)
    mov_a, mov_b = a.get("movement") or "", b.get("movement") or ""
    same_movement = bool(mov_a and mov_b and similarity(mov_a, mov_b) >= 85)

    criteria = align(
        _list(a, "criteria"),
        _list(b, "criteria"),
        lambda x: x.get("text") or "",
        lambda y: y.get("text") or "",
        cfg.criteria_threshold,
    )
    resp = align(
        _list(a, "responsibilities"),
        _list(b, "responsibilities"),
        lambda x: x.get("actor") or "",
        lambda y: y.get("actor") or "",
        cfg.actor_threshold,
    )
    timeline = sorted(
        (
            TimelineEntry(
                d.get("date"),
                side,
                d.get("task"),
                d.get("actor"),
                bool(d.get("recurring")),
                _when(d.get("date"), rec),
            )
            for side, rec in (("A", a), ("B", b))
            for d in _list(rec, "deadlines")
        ),
        key=lambda t: (t.when == "", t.when, t.side),
    )
    quantities = _align_quantities(_list(a, "quantities"), _list(b, "quantities"), cfg)
    return Comparison(
        a=_side("A", a),
        b=_side("B", b),
        relation=relation,
        evidence=tuple(b_cites_a + a_cites_b),
        shared_references=shared,
        same_movement=same_movement,
        criteria=tuple(criteria),
        responsibilities=tuple(resp),
        timeline=tuple(timeline),
        quantities=tuple(quantities),
    )


def _when(date: Any, rec: dict[str, Any]) -> str:
    """A sortable YYYY-MM-DD for a record date ("" when it cannot be placed)."""
    if not isinstance(date, str) or not date:
        return ""
    if date.startswith("--"):  # every year: show it in the plan's own year
        year = year_of(rec.get("issued_date"))
        if year is None and isinstance(rec.get("period"), dict):
            start = rec["period"].get("start")
            year = str(start) if isinstance(start, int) else None
        return f"{year}{date[1:]}" if year else ""
    return date if len(date) == 10 else f"{date}-00"


def _align_quantities(
    a: list[dict[str, Any]], b: list[dict[str, Any]], cfg: CompareConfig
) -> list[Aligned]:
    """Quantities pair only within the same unit (folded), then by the similarity of their text."""
    out: list[Aligned] = []
    units = []
    for q in a + b:
        u = fold(str(q.get("unit") or ""))
        if u not in units:
            units.append(u)
    for u in units:
        qa = [q for q in a if fold(str(q.get("unit") or "")) == u]
        qb = [q for q in b if fold(str(q.get("unit") or "")) == u]
        out += align(
            qa,
            qb,
            lambda x: x.get("text") or "",
            lambda y: y.get("text") or "",
            cfg.quantity_threshold,
        )
    order = {"matched": 0, "only_a": 1, "only_b": 2}
    return sorted(out, key=lambda x: order[x.status])


def load_record(spec: str, catalog: Path | None = None) -> dict[str, Any]:
    """A plan record from a JSON file, or by doc id from ``catalog`` when ``spec`` is no file."""
    path = Path(spec)
    if path.is_file():
        try:
            rec = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputFileError(
                f"not a JSON plan record: {e}", path=spec, remedy="pass OUT/records/<doc>.json"
            ) from e
        if not isinstance(rec, dict):
            raise InputFileError("not a JSON object", path=spec, remedy="pass a plan record")
        rec.setdefault("doc_id", path.stem)
        return rec
    if catalog is None or not Path(catalog).exists():
        raise InputFileError(
            "neither a record file nor a document id in a catalog",
            path=spec,
            remedy="pass a record JSON file, or a doc id with --catalog OUT/catalog.sqlite",
        )
    from pipeline.catalog import Catalog  # here: reading files needs no SQLite

    with Catalog(catalog, create=False) as cat:
        rec = cat.get_record(spec)
    if rec is None:
        raise InputFileError(
            f"no record for document id {spec!r} in the catalog",
            path=str(catalog),
            remedy="list the ids with `sqlite3 CATALOG 'select doc_id from documents'`",
        )
    rec.setdefault("doc_id", spec)
    return rec


def to_rich(cmp: Comparison) -> list[Any]:
    """Rich renderables (a header and one table per part) for the terminal."""
    from rich.table import Table
    from rich.text import Text

    def row(table: Table, *cells: Any) -> None:
        # Text, not str: rich would read "[...]" in a plan as markup.
        table.add_row(*(Text(str(c)) for c in cells))

    head = Table(title="Plans compared", show_lines=False)
    head.add_column("")
    head.add_column("A")
    head.add_column("B")
    for name in ("doc_id", "title", "number", "issuer", "issuer_level", "issued_date", "movement"):
        row(head, name, str(getattr(cmp.a, name) or "—"), str(getattr(cmp.b, name) or "—"))
    rel = Text(f"Relation: {cmp.relation}", style="bold")
    if cmp.evidence:
        rel.append(f"  (cites {', '.join(cmp.evidence)})")
    if cmp.shared_references:
        rel.append(f"\nBoth cite: {', '.join(cmp.shared_references)}")

    crit = Table(title="Criteria", show_lines=True)
    for col in ("status", "A", "B", "sim."):
        crit.add_column(col)
    for x in cmp.criteria:
        row(
            crit,
            x.status,
            (x.a or {}).get("text", ""),
            (x.b or {}).get("text", ""),
            f"{x.similarity:.0f}" if x.status == "matched" else "",
        )

    resp = Table(title="Responsibilities by actor", show_lines=True)
    for col in ("actor A", "tasks A", "actor B", "tasks B", "sim."):
        resp.add_column(col)
    for x in cmp.responsibilities:
        row(
            resp,
            (x.a or {}).get("actor", ""),
            "\n".join(map(str, (x.a or {}).get("tasks") or [])),
            (x.b or {}).get("actor", ""),
            "\n".join(map(str, (x.b or {}).get("tasks") or [])),
            f"{x.similarity:.0f}" if x.status == "matched" else "",
        )

    tl = Table(title="Deadlines on one timeline")
    for col in ("date", "plan", "task", "actor", "recurring"):
        tl.add_column(col)
    for t in cmp.timeline:
        row(tl, t.date or "—", t.side, t.task or "", t.actor or "", "yes" if t.recurring else "")

    qt = Table(title="Quantities side by side")
    for col in ("A", "B", "unit"):
        qt.add_column(col)
    for x in cmp.quantities:
        unit = (x.a or x.b or {}).get("unit") or ""
        row(qt, (x.a or {}).get("text", ""), (x.b or {}).get("text", ""), str(unit))
    return [head, rel, crit, resp, tl, qt]
