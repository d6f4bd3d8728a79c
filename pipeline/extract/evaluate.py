"""Compare a predicted plan record with a gold record, field by field (issue 4).

* exact (1 or 0): number, issued_date, issuer_level, signer.name;
* fuzzy (1 when similar enough): issuer, title, movement;
* F1 over items, each gold item matched at most once: references (by number, or
  by title for a document cited by name), dates (by iso), deadlines (same date and
  similar task), quantities (same value and one unit inside the other, or one text
  inside the other: token_set_ratio),
  criteria, responsibilities.actors, responsibilities.tasks, recipients, sections.

The macro average is the plain mean of those 16 scores. Two empty lists score 1
(nothing to find, nothing found); two nulls score 1.

Strings are compared after :func:`normalize`: NFC, lower case, tone placement
of current government documents (hoà -> hòa), punctuation and spacing folded.
Diacritics are *kept*: "Binh Pinh" is not "Bình Định", so an unrestored record
does not score as if it were restored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from diacritics.orthography import normalize_tone_placement

EXACT = ("number", "issued_date", "issuer_level", "signer.name")
FUZZY = ("issuer", "title", "movement")
LISTS = (
    "references",
    "dates",
    "deadlines",
    "quantities",
    "criteria",
    "responsibilities.actors",
    "responsibilities.tasks",
    "recipients",
    "sections",
)
FIELDS = EXACT + FUZZY + LISTS


@dataclass(frozen=True)
class EvalConfig:
    """Thresholds of the comparison.

    ``fuzzy_threshold`` (default 85): rapidfuzz ``ratio`` (0-100) two normalised
    strings need to count as the same (issuer, title, movement, criteria,
    recipients, sections, actors, tasks, law titles). 85 forgives a word of OCR
    damage or a different dash in a 60-character name, not a different body.
    ``deadline_task_threshold`` (default 60): ``token_set_ratio`` between the tasks
    of two deadlines on the same date (a task clause is cut differently by readers).
    """

    fuzzy_threshold: float = 85.0
    deadline_task_threshold: float = 60.0


@dataclass
class FieldScore:
    score: float
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind: str = "f1"


@dataclass
class Comparison:
    fields: dict[str, FieldScore] = field(default_factory=dict)

    @property
    def macro(self) -> float:
        return sum(f.score for f in self.fields.values()) / len(self.fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": {
                k: {"score": round(v.score, 4), "kind": v.kind, "tp": v.tp, "fp": v.fp, "fn": v.fn}
                for k, v in self.fields.items()
            },
            "macro": round(self.macro, 4),
        }


def normalize(s: Any) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s))
    s = normalize_tone_placement(s).lower()
    s = re.sub(r"[“”\"'‘’«»]", "", s)
    s = re.sub(r"\s*([-–—/.,;:()])\s*", r"\1", s)
    s = re.sub(r"[–—]", "-", s)
    return re.sub(r"\s+", " ", s).strip(" .;,:")


def _similar(a: Any, b: Any, threshold: float) -> bool:
    na, nb = normalize(a), normalize(b)
    if not na and not nb:
        return True
    return bool(na and nb) and fuzz.ratio(na, nb) >= threshold


def _get(rec: dict[str, Any], path: str) -> Any:
    cur: Any = rec
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def _f1(pred: list[Any], gold: list[Any], same: Any) -> FieldScore:
    if not pred and not gold:
        return FieldScore(1.0)
    used: set[int] = set()
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and same(p, g):
                used.add(i)
                tp += 1
                break
    fp, fn = len(pred) - tp, len(gold) - tp
    prec = tp / (tp + fp) if pred else 0.0
    rec = tp / (tp + fn) if gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return FieldScore(f1, tp, fp, fn)


def _number_key(n: Any) -> str:
    return re.sub(r"[^\w]", "", normalize(n))


def _section_text(s: Any) -> str:
    if isinstance(s, dict):
        s = s.get("heading") or s.get("title") or s.get("text") or ""
    # "I- MỤC ĐÍCH", "I. MỤC ĐÍCH", "I - MỤC ĐÍCH" are the same heading.
    return re.sub(r"^\s*([ivxlc]+|\d+(?:\.\d+)*|[a-zđ])\s*[.\-–)/:]\s*", r"\1. ", normalize(s))


def compare(
    pred: dict[str, Any], gold: dict[str, Any], config: EvalConfig | None = None
) -> Comparison:
    cfg = config or EvalConfig()
    th = cfg.fuzzy_threshold
    c = Comparison()
    for f in EXACT:
        a, b = _get(pred, f), _get(gold, f)
        ok = (a is None and b is None) or (
            a is not None and b is not None and normalize(a) == normalize(b)
        )
        c.fields[f] = FieldScore(1.0 if ok else 0.0, kind="exact")
    for f in FUZZY:
        c.fields[f] = FieldScore(
            1.0 if _similar(_get(pred, f), _get(gold, f), th) else 0.0, kind="fuzzy"
        )

    def same_ref(p: dict[str, Any], g: dict[str, Any]) -> bool:
        if p.get("number") and g.get("number"):
            return _number_key(p["number"]) == _number_key(g["number"])
        if not p.get("number") and not g.get("number"):
            return _similar(p.get("title"), g.get("title"), th)
        return False

    def same_deadline(p: dict[str, Any], g: dict[str, Any]) -> bool:
        return p.get("date") == g.get("date") and (
            fuzz.token_set_ratio(normalize(p.get("task")), normalize(g.get("task")))
            >= cfg.deadline_task_threshold
        )

    def same_qty(p: dict[str, Any], g: dict[str, Any]) -> bool:
        # Readers cut a quantity's text differently (issue 4 itself gives "ít nhất từ 01
        # đến 02 mô hình" but "10/10 làng đạt danh hiệu văn hóa"): same value and one unit
        # inside the other, or one text inside the other (token_set_ratio).
        pu, gu = normalize(p.get("unit")), normalize(g.get("unit"))
        if p.get("value") == g.get("value") and pu and gu and fuzz.partial_ratio(pu, gu) >= th:
            return True
        return fuzz.token_set_ratio(normalize(p.get("text")), normalize(g.get("text"))) >= th

    lists = {
        "references": (pred.get("references") or [], gold.get("references") or [], same_ref),
        "dates": (
            pred.get("dates") or [],
            gold.get("dates") or [],
            lambda p, g: p.get("iso") == g.get("iso"),
        ),
        "deadlines": (pred.get("deadlines") or [], gold.get("deadlines") or [], same_deadline),
        "quantities": (pred.get("quantities") or [], gold.get("quantities") or [], same_qty),
        "criteria": (
            pred.get("criteria") or [],
            gold.get("criteria") or [],
            lambda p, g: _similar(p.get("text"), g.get("text"), th),
        ),
        "responsibilities.actors": (
            [r.get("actor") for r in pred.get("responsibilities") or []],
            [r.get("actor") for r in gold.get("responsibilities") or []],
            lambda p, g: _similar(p, g, th),
        ),
        "responsibilities.tasks": (
            [t for r in pred.get("responsibilities") or [] for t in r.get("tasks") or []],
            [t for r in gold.get("responsibilities") or [] for t in r.get("tasks") or []],
            lambda p, g: _similar(p, g, th),
        ),
        "recipients": (
            pred.get("recipients") or [],
            gold.get("recipients") or [],
            lambda p, g: _similar(p, g, th),
        ),
        "sections": (
            pred.get("sections") or [],
            gold.get("sections") or [],
            lambda p, g: fuzz.ratio(_section_text(p), _section_text(g)) >= th,
        ),
    }
    for name, (p, g, same) in lists.items():
        c.fields[name] = _f1(list(p), list(g), same)
    return c


def mean_comparison(comps: list[Comparison]) -> dict[str, float]:
    """Per-field mean over several documents, plus the mean macro average."""
    out = {f: sum(c.fields[f].score for c in comps) / len(comps) for f in FIELDS}
    out["macro"] = sum(c.macro for c in comps) / len(comps)
    return out


def markdown_table(columns: dict[str, dict[str, float]]) -> str:
    """A markdown table: one row per field, one column per named run."""
    names = list(columns)
    lines = ["| field | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for f in [*FIELDS, "macro"]:
        cells = [f"{columns[n][f]:.3f}" if f in columns[n] else "" for n in names]
        label = f"**{f}**" if f == "macro" else f
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
