"""The lineage of a backlog: which plan cites which, and what is cited but missing.

Nodes are the documents of the backlog plus one "missing" node per cited number
that no document carries (the archivist's to-do list); edges go from the citing
plan to the cited document. A citation names a document when their numbers have
the same :func:`pipeline.fold.number_key` and, when both are dated, the same year
(the rule :class:`pipeline.catalog.Catalog` uses to fill ``refs.resolved_doc_id``).

Sources: a catalog (:func:`lineage_from_catalog`) or a folder of record JSON files
(:func:`lineage_from_records`). Output: :meth:`Lineage.to_json`, :meth:`Lineage.to_dot`
and :func:`render_svg` (Graphviz ``dot``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputFileError, MissingDependencyError
from pipeline.fold import fold, number_key, year_of

LEVEL_ORDER = ("central", "province", "district", "commune")
_LEVEL_COLOR = {
    "central": "#f4cccc",
    "province": "#fce5cd",
    "district": "#fff2cc",
    "commune": "#d9ead3",
}


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "document" | "missing"
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    level: str | None = None
    date: str | None = None
    doc_type: str | None = None
    cited_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    source: str  # the citing document
    target: str  # a document id, or the id of a missing node
    number: str | None  # the number as the citing plan wrote it


@dataclass(frozen=True)
class Lineage:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    missing: tuple[Node, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        def node(n: Node) -> dict[str, Any]:
            d = asdict(n)
            d["cited_by"] = list(n.cited_by)
            return d

        return {
            "nodes": [node(n) for n in self.nodes],
            "edges": [{"from": e.source, "to": e.target, "number": e.number} for e in self.edges],
            "missing": [node(n) for n in self.missing],
        }

    def to_dot(self) -> str:
        """Graphviz DOT: cited plans above the plans that implement them, one rank per level."""
        lines = [
            "digraph lineage {",
            '  rankdir=BT; node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10];',
        ]
        by_level: dict[str, list[str]] = {}
        for n in self.nodes:
            if n.kind == "missing":
                label = "\\n".join(_dot(x) for x in (n.number or n.id, n.issuer, "(missing)") if x)
                attrs = f'style="dashed", color="#cc0000", fillcolor="white", label="{label}"'
            else:
                label = "\\n".join(
                    _dot(x) for x in (n.number or n.id, n.issuer, n.date, n.level) if x
                )
                color = _LEVEL_COLOR.get(n.level or "", "#eeeeee")
                attrs = f'fillcolor="{color}", label="{label}"'
            lines.append(f'  "{_dot(n.id)}" [{attrs}];')
            if n.level:
                by_level.setdefault(n.level, []).append(n.id)
        for level in LEVEL_ORDER:
            if by_level.get(level):
                ids = " ".join(f'"{_dot(i)}"' for i in by_level[level])
                lines.append(f"  {{ rank=same; {ids} }}")
        for e in self.edges:
            lines.append(f'  "{_dot(e.source)}" -> "{_dot(e.target)}";')
        lines.append("}")
        return "\n".join(lines) + "\n"


def _dot(text: str | None) -> str:
    """Escape for a DOT double-quoted string (backslashes, quotes; newlines become spaces)."""
    s = (text or "").replace("\\", "\\\\").replace('"', '\\"')
    return s.replace("\n", " ").replace("\r", " ")


def build_lineage(records: list[dict[str, Any]]) -> Lineage:
    """The citation graph of ``records`` (each with a ``doc_id``)."""
    docs: dict[str, Node] = {}
    by_key: dict[str, list[tuple[str, str | None]]] = {}
    for rec in records:
        doc_id = str(rec["doc_id"])
        docs[doc_id] = Node(
            id=doc_id,
            kind="document",
            number=rec.get("number"),
            title=rec.get("title"),
            issuer=rec.get("issuer"),
            level=rec.get("issuer_level"),
            date=rec.get("issued_date"),
            doc_type=rec.get("doc_type"),
        )
        key = number_key(rec.get("number"))
        if key:
            by_key.setdefault(key, []).append((doc_id, rec.get("issued_date")))
    edges: list[Edge] = []
    missing: dict[str, dict[str, Any]] = {}
    for rec in records:
        src = str(rec["doc_id"])
        refs = rec.get("references") if isinstance(rec.get("references"), list) else []
        for ref in refs or []:
            if not isinstance(ref, dict):
                continue
            key = number_key(ref.get("number"))
            if key is None:
                continue  # a citation without a number cannot be looked for
            target = _pick(by_key.get(key, []), src, ref.get("date"))
            if target is None:
                target = "missing:" + key
                m = missing.setdefault(
                    target,
                    {
                        "number": ref.get("number"),
                        "doc_type": ref.get("doc_type"),
                        "issuer": ref.get("issuer"),
                        "date": ref.get("date"),
                        "cited_by": [],
                    },
                )
                for k in ("doc_type", "issuer", "date"):
                    m[k] = m[k] or ref.get(k)
                if src not in m["cited_by"]:
                    m["cited_by"].append(src)
            edge = Edge(src, target, ref.get("number"))
            if edge not in edges:
                edges.append(edge)
    missing_nodes = tuple(
        Node(
            id=k,
            kind="missing",
            number=v["number"],
            issuer=v["issuer"],
            date=v["date"],
            doc_type=v["doc_type"],
            level=_guess_level(v["issuer"]),
            cited_by=tuple(v["cited_by"]),
        )
        for k, v in sorted(missing.items(), key=lambda kv: (-len(kv[1]["cited_by"]), kv[0]))
    )
    return Lineage(
        nodes=tuple(docs[k] for k in sorted(docs)) + missing_nodes,
        edges=tuple(edges),
        missing=missing_nodes,
    )


def _pick(cands: list[tuple[str, str | None]], src: str, date: str | None) -> str | None:
    """The cited document among same-number ``cands``; same rule as Catalog._resolve."""
    year = year_of(date)
    ok = [
        (doc_id, d)
        for doc_id, d in cands
        if doc_id != src and (year is None or year_of(d) is None or year_of(d) == year)
    ]
    ok.sort(key=lambda t: (t[1] != date, t[0]))
    return ok[0][0] if ok else None


# Words in an issuer's name that tell its level; folded, checked in this order.
_LEVEL_WORDS = (
    ("central", ("trung uong", "chinh phu", "quoc hoi", "bo chinh tri")),
    ("province", ("tinh", "thanh pho truc thuoc")),
    ("district", ("huyen", "quan ", "thi xa")),
    ("commune", ("xa", "phuong", "thi tran")),
)


def _guess_level(issuer: str | None) -> str | None:
    """The level of a cited issuer from its name, so missing nodes sit on the right rank."""
    if not issuer:
        return None
    f = f" {fold(issuer)} "
    for level, words in _LEVEL_WORDS:
        if any(f" {w.strip()} " in f for w in words):
            return level
    return None


def lineage_from_records(folder: Path) -> Lineage:
    """The lineage of every ``*.json`` plan record in ``folder`` (doc_id defaults to the file stem)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError("not a folder", path=str(folder), remedy="pass OUT/records")
    records = []
    for path in sorted(folder.glob("*.json")):
        try:
            rec = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise InputFileError(
                f"not a JSON plan record: {e}", path=str(path), remedy="remove or fix the file"
            ) from e
        if isinstance(rec, dict):
            rec.setdefault("doc_id", path.stem)
            records.append(rec)
    return build_lineage(records)


def lineage_from_catalog(path: Path) -> Lineage:
    """The lineage of every document of a catalog (documents without a record are plain nodes)."""
    from pipeline.catalog import Catalog

    with Catalog(path, create=False) as cat:
        records = []
        for doc in cat.documents():
            rec = cat.get_record(doc["doc_id"]) or {}
            rec["doc_id"] = doc["doc_id"]
            records.append(rec)
    return build_lineage(records)


def render_svg(dot_source: str) -> str:
    """SVG text drawn by Graphviz ``dot`` from ``dot_source``."""
    exe = shutil.which("dot")
    if exe is None:
        raise MissingDependencyError(
            "Graphviz `dot` is not installed",
            remedy="install the Debian package graphviz (`sudo apt-get install graphviz`, or `make setup`)",
        )
    proc = subprocess.run(
        [exe, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True, timeout=120
    )
    if proc.returncode != 0:
        raise MissingDependencyError(
            f"dot failed: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}",
            remedy="check the Graphviz installation (`dot -V`)",
        )
    return proc.stdout.decode("utf-8")
