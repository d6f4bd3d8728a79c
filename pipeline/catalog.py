"""The catalog of a backlog: one SQLite file with the documents, their records and a search index.

``plans run ... -o OUT`` keeps ``OUT/catalog.sqlite``; after each document the batch
calls :meth:`Catalog.upsert` (or :meth:`Catalog.record_failure`), and
:meth:`Catalog.optimize` once at the end. Each upsert is one
transaction: a document that fails half-way leaves the catalog as it was before,
and upserting the same ``doc_id`` again replaces its rows (a re-run updates in place).

The file is plain SQLite (stdlib ``sqlite3``, WAL mode, foreign keys on) and opens
as it is in Datasette or any SQLite client; docs/catalog.md describes every table.

Search (:meth:`Catalog.search`) runs over an FTS5 index of every line of the
restored text, the normalized text and the original OCR text, indexed in two
folded forms (see :mod:`pipeline.fold`): accent- and case-free, and a consonant
skeleton that tolerates OCR damage to vowels. Snippets are cut from the line as
it was written, with the matched words highlighted.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from pipeline.errors import InputFileError, InvalidRecordError, MissingDependencyError, OutputError
from pipeline.fold import TOKEN_RE, fold, number_key, skeleton, skeleton_token, tokens, year_of
from pipeline.records import Document

# Bump when the schema changes, and add the step from the previous version to MIGRATIONS.
SCHEMA_VERSION = 1
LEVELS = ("commune", "district", "province", "central")
LINE_KINDS = ("restored", "text", "original")
_ISO_CHECK = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"


def _date_check(col: str) -> str:
    """A full ISO date, a yearly date (--MM-DD) or a month (YYYY-MM), as in the record schema."""
    return (
        f"{col} IS NULL OR {col} {_ISO_CHECK} OR {col} GLOB '--[0-9][0-9]-[0-9][0-9]' "
        f"OR {col} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'"
    )


SCHEMA = f"""
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    sha256 TEXT,
    kind TEXT,
    title TEXT,
    doc_type TEXT,
    number TEXT,
    number_key TEXT,
    issuer TEXT,
    issuer_folded TEXT,
    issuer_level TEXT CHECK (issuer_level IS NULL OR issuer_level IN {LEVELS!r}),
    issued_date TEXT CHECK (issued_date IS NULL OR issued_date {_ISO_CHECK}),
    year INTEGER,
    issued_place TEXT,
    movement TEXT,
    period_start INTEGER,
    period_end INTEGER,
    signer_name TEXT,
    signer_title TEXT,
    pages INTEGER NOT NULL,
    garbled REAL,
    has_record INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_number_key ON documents(number_key);
CREATE INDEX documents_level_year ON documents(issuer_level, year);
CREATE INDEX documents_year ON documents(year);

CREATE TABLE pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    page INTEGER NOT NULL,
    method TEXT,
    ocr_model TEXT,
    confidence REAL,
    garbled REAL,
    text TEXT NOT NULL,
    restored TEXT,
    original TEXT,
    PRIMARY KEY (doc_id, page)
);

CREATE TABLE records (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id),
    json TEXT NOT NULL CHECK (json_valid(json))
);

CREATE TABLE refs (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    idx INTEGER NOT NULL,
    doc_type TEXT,
    number TEXT,
    number_key TEXT,
    date TEXT CHECK ({_date_check("date")}),
    issuer TEXT,
    title TEXT,
    resolved_doc_id TEXT REFERENCES documents(doc_id) ON DELETE SET NULL,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX refs_number_key ON refs(number_key);
CREATE INDEX refs_resolved ON refs(resolved_doc_id);

CREATE TABLE criteria (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    idx INTEGER NOT NULL,
    target TEXT,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE responsibilities (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    idx INTEGER NOT NULL,
    task_idx INTEGER NOT NULL,
    actor TEXT NOT NULL,
    task TEXT,
    PRIMARY KEY (doc_id, idx, task_idx)
);
CREATE INDEX responsibilities_actor ON responsibilities(actor);

CREATE TABLE deadlines (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    idx INTEGER NOT NULL,
    task TEXT,
    date TEXT CHECK ({_date_check("date")}),
    recurring INTEGER NOT NULL DEFAULT 0,
    actor TEXT,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX deadlines_date ON deadlines(date);

CREATE TABLE quantities (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL,
    value_max REAL,
    total REAL,
    unit TEXT,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    page INTEGER NOT NULL,
    line INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {LINE_KINDS!r}),
    text TEXT NOT NULL,
    folded TEXT NOT NULL,
    skel TEXT NOT NULL
);
CREATE INDEX lines_doc ON lines(doc_id, page, line);

-- content="lines" in double quotes: the form Datasette looks for to find this index.
CREATE VIRTUAL TABLE lines_fts USING fts5(
    folded, skel, content="lines", content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER lines_ai AFTER INSERT ON lines BEGIN
    INSERT INTO lines_fts(rowid, folded, skel) VALUES (new.id, new.folded, new.skel);
END;
CREATE TRIGGER lines_ad AFTER DELETE ON lines BEGIN
    INSERT INTO lines_fts(lines_fts, rowid, folded, skel)
    VALUES ('delete', old.id, old.folded, old.skel);
END;

-- Each citation with both ends named, for browsing (Datasette) and SQL clients.
CREATE VIEW citations AS
SELECT r.doc_id AS citing_doc_id, d.title AS citing_title, d.issuer AS citing_issuer,
       d.issuer_level AS citing_level, r.doc_type, r.number, r.date, r.issuer,
       r.resolved_doc_id AS cited_doc_id, c.title AS cited_title, c.issuer_level AS cited_level
FROM refs r JOIN documents d ON d.doc_id = r.doc_id
LEFT JOIN documents c ON c.doc_id = r.resolved_doc_id;

CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    doc_id TEXT,
    stage TEXT NOT NULL,
    error TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX failures_source ON failures(source);
"""

# version n -> SQL that turns a version-n catalog into version n+1.
MIGRATIONS: dict[int, str] = {}

# Child tables of a document, deleted before its rows are written again.
_CHILD_TABLES = (
    "lines",
    "pages",
    "records",
    "refs",
    "criteria",
    "responsibilities",
    "deadlines",
    "quantities",
)


@dataclass(frozen=True)
class SearchConfig:
    """How :meth:`Catalog.search` matches and ranks.

    limit: number of hits returned (default 20).
    lines_per_doc: best lines kept per document (default 1: one hit per plan, so
        a plan that repeats the phrase on every page does not fill the list).
    skeleton: for queries of 2+ words, also match on consonant skeletons, for OCR
        damage to vowels (default True; such hits rank below accent-insensitive ones).
    relaxed: for queries of 3+ words, also accept a line that has the query's words
        in order with one of them replaced by a damaged-looking word: one with a
        digit or symbol in it ("Dan 4n khéo"), or sharing at least half its letters
        (default True; lowest rank). See :func:`_one_word_damaged`.
    snippet_chars: longest snippet, cut around the first match (default 160).
    mark_open, mark_close: highlight markers in snippets (default "[" and "]").
    rank_window: most lines ranked per match tier (default 500). A phrase that
        matches more lines than this has only its most recently indexed 500 lines
        ranked, which bounds the latency of very common phrases; rarer phrases are
        ranked over all their lines. The relaxed tier checks a quarter of it.
    """

    limit: int = 20
    lines_per_doc: int = 1
    skeleton: bool = True
    relaxed: bool = True
    snippet_chars: int = 160
    mark_open: str = "["
    mark_close: str = "]"
    rank_window: int = 500


@dataclass(frozen=True)
class Hit:
    """One matching line. ``score`` is higher for better hits: 2 + r for an
    accent-insensitive phrase match, 1 + r for a skeleton match, r for a relaxed one,
    with r in (0, 1) growing with the BM25 weight of the line (:func:`_bm25_tf`)."""

    doc_id: str
    title: str | None
    issuer: str | None
    page: int
    line: int
    snippet: str
    score: float
    kind: str = "restored"
    match: str = "exact"
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # in snippet_text
    snippet_text: str = ""  # the snippet without markers

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "issuer": self.issuer,
            "page": self.page,
            "line": self.line,
            "snippet": self.snippet,
            "score": round(self.score, 4),
        }


def _fts_phrase(words: list[str]) -> str:
    """An FTS5 phrase of already-folded words; quoting keeps user text out of the syntax."""
    out = []
    for w in words:
        prefix = w.endswith("*")
        w = w.rstrip("*")
        if w:
            out.append('"' + w.replace('"', '""') + '"' + (" *" if prefix else ""))
    return " + ".join(out)


def _query_words(query: str) -> list[str]:
    """Folded query words; a trailing * on a word asks for a prefix match ("kheo*")."""
    folded = fold(query)
    return [
        m.group(0) + ("*" if folded[m.end() : m.end() + 1] == "*" else "")
        for m in TOKEN_RE.finditer(folded)
    ]


def _iso(value: Any) -> str | None:
    """A date as given (the schema's CHECK refuses what is not YYYY-MM-DD)."""
    return _s(value.strip()) if isinstance(value, str) else _s(value)


def _s(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any) -> float | None:
    """A JSON number as float; anything else None ("1.000" is a thousand in Vietnamese,
    so strings are not guessed at: extraction gives numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class Catalog:
    """A catalog file. ``Catalog(path)`` creates it when missing (``create=False`` refuses)."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise InputFileError(
                    "no catalog here",
                    path=str(self.path),
                    remedy="run `plans run INPUT -o OUT` first, or pass --catalog OUT/catalog.sqlite",
                )
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise OutputError(
                    str(e), path=str(self.path), remedy="choose a writable folder"
                ) from e
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as e:
            raise OutputError(
                f"cannot open the catalog: {e}",
                path=str(self.path),
                remedy="check the path and its permissions",
            ) from e
        try:
            self._setup()
        except BaseException:
            self.conn.close()
            raise

    def _setup(self) -> None:
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as e:
            raise InputFileError(
                f"not an SQLite catalog: {e}",
                path=str(self.path),
                remedy="pass the catalog.sqlite that `plans run` wrote",
            ) from e
        self.conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; no fsync per document
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: FTS merges stay in memory
        self._check_fts5()
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_fts5(self) -> None:
        opts = {r[0] for r in self.conn.execute("PRAGMA compile_options")}
        if "ENABLE_FTS5" not in opts:
            raise MissingDependencyError(
                f"this Python's SQLite ({sqlite3.sqlite_version}) was built without FTS5",
                remedy="use a Python whose sqlite3 has FTS5 (Debian/Ubuntu python3 does)",
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (which propagates)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise InputFileError(
                f"catalog schema version {version} is newer than this plans ({SCHEMA_VERSION})",
                path=str(self.path),
                remedy="upgrade plans, or write a new catalog",
            )
        with self._transaction() as c:
            if version == 0:
                tables = c.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='table'"
                ).fetchone()[0]
                if tables:
                    raise InputFileError(
                        "an SQLite file that is not a plans catalog",
                        path=str(self.path),
                        remedy="pass another --catalog path",
                    )
                for stmt in _statements(SCHEMA):
                    c.execute(stmt)
            else:
                for v in range(version, SCHEMA_VERSION):
                    for stmt in _statements(MIGRATIONS[v]):
                        c.execute(stmt)
            c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- writing -------------------------------------------------------------------------

    def upsert(self, doc: Document, record: dict[str, Any] | None, original_text: str) -> None:
        """Write (or replace) one document, its record and its search lines, atomically.

        Raises :class:`InvalidRecordError` when a value breaks a constraint of the
        schema (an issuer_level outside commune|district|province|central, a date
        that is not YYYY-MM-DD); the catalog is then left exactly as it was.
        """
        rec = record or {}
        try:
            with self._transaction() as c:
                for table in _CHILD_TABLES:
                    c.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc.doc_id,))
                self._write_document(c, doc, record)
                self._write_pages(c, doc, original_text)
                if record is not None:
                    c.execute(
                        "INSERT INTO records(doc_id, json) VALUES (?, ?)",
                        (doc.doc_id, json.dumps(record, ensure_ascii=False, sort_keys=True)),
                    )
                self._write_record_tables(c, doc.doc_id, rec)
                self._resolve(c, doc.doc_id)
                c.execute("DELETE FROM failures WHERE source = ?", (doc.source,))
        except sqlite3.IntegrityError as e:
            raise InvalidRecordError(
                f"the catalog refused document {doc.doc_id}: {e}",
                path=doc.source,
                remedy="fix the record (see docs/catalog.md for the constraints); the catalog is unchanged",
            ) from e
        except sqlite3.OperationalError as e:
            raise OutputError(
                f"cannot write the catalog: {e}",
                path=str(self.path),
                remedy="check free disk space and that no other program locks it",
            ) from e

    def record_failure(
        self, source: str, stage: str, error: str, message: str, doc_id: str | None = None
    ) -> None:
        """Note that ``source`` failed at ``stage``; its last good rows, if any, stay."""
        with self._transaction() as c:
            c.execute(
                "INSERT INTO failures(source, doc_id, stage, error, message, at) VALUES (?,?,?,?,?,?)",
                (source, doc_id, stage, error, message, _now()),
            )

    def _write_document(
        self, c: sqlite3.Connection, doc: Document, record: dict[str, Any] | None
    ) -> None:
        rec = record or {}
        period: dict[str, Any] = rec["period"] if isinstance(rec.get("period"), dict) else {}
        signer: dict[str, Any] = rec["signer"] if isinstance(rec.get("signer"), dict) else {}
        issued = _iso(rec.get("issued_date"))
        year = int(issued[:4]) if issued and issued[:4].isdigit() else None
        issuer = _s(rec.get("issuer"))
        garbled = [p.garbled for p in doc.pages]
        row = {
            "doc_id": doc.doc_id,
            "source": doc.source,
            "sha256": doc.sha256,
            "kind": doc.kind,
            "title": _s(rec.get("title")),
            "doc_type": _s(rec.get("doc_type")),
            "number": _s(rec.get("number")),
            "number_key": number_key(_s(rec.get("number"))),
            "issuer": issuer,
            "issuer_folded": fold(issuer) if issuer else None,
            "issuer_level": _s(rec.get("issuer_level")),
            "issued_date": issued,
            "year": year,
            "issued_place": _s(rec.get("issued_place")),
            "movement": _s(rec.get("movement")),
            "period_start": _int(period.get("start")),
            "period_end": _int(period.get("end")),
            "signer_name": _s(signer.get("name")),
            "signer_title": _s(signer.get("title")),
            "pages": len(doc.pages),
            "garbled": sum(garbled) / len(garbled) if garbled else None,
            "has_record": int(record is not None),
            "updated_at": _now(),
        }
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        updates = ", ".join(f"{k} = excluded.{k}" for k in row if k != "doc_id")
        c.execute(
            f"INSERT INTO documents({cols}) VALUES ({marks}) "
            f"ON CONFLICT(doc_id) DO UPDATE SET {updates}",
            row,
        )

    def _write_pages(self, c: sqlite3.Connection, doc: Document, original_text: str) -> None:
        originals = original_text.split("\f") if original_text else []
        if len(originals) != len(doc.pages):
            # Page breaks were lost on the way: keep the whole original text on page 1.
            originals = [original_text] + [""] * (len(doc.pages) - 1) if doc.pages else []
        line_rows = []
        for page, original in zip(doc.pages, originals, strict=False):
            c.execute(
                "INSERT INTO pages(doc_id, page, method, ocr_model, confidence, garbled, text, restored, original)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    page.number,
                    getattr(page.method, "value", page.method),
                    page.ocr_model,
                    page.confidence,
                    page.garbled,
                    page.text,
                    page.restored,
                    original or None,
                ),
            )
            seen: set[tuple[int, str]] = set()
            for kind, text in (
                ("restored", page.restored),
                ("text", page.text),
                ("original", original),
            ):
                if not text:
                    continue
                for i, line in enumerate(text.split("\n"), start=1):
                    if not line.strip():
                        continue
                    folded = fold(line)
                    # The same words on the same line need indexing once (clean text is
                    # identical in all three forms).
                    if (i, folded) in seen:
                        continue
                    seen.add((i, folded))
                    line_rows.append(
                        (
                            doc.doc_id,
                            page.number,
                            i,
                            kind,
                            line,
                            folded,
                            skeleton(folded, folded=True),
                        )
                    )
        c.executemany(
            "INSERT INTO lines(doc_id, page, line, kind, text, folded, skel) VALUES (?,?,?,?,?,?,?)",
            line_rows,
        )

    def _write_record_tables(self, c: sqlite3.Connection, doc_id: str, rec: dict[str, Any]) -> None:
        for i, ref in enumerate(_dicts(rec.get("references"))):
            number = _s(ref.get("number"))
            c.execute(
                "INSERT INTO refs(doc_id, idx, doc_type, number, number_key, date, issuer, title)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (
                    doc_id,
                    i,
                    _s(ref.get("doc_type")),
                    number,
                    number_key(number),
                    _iso(ref.get("date")),
                    _s(ref.get("issuer")),
                    _s(ref.get("title")),
                ),
            )
        for i, cr in enumerate(_dicts(rec.get("criteria"))):
            c.execute(
                "INSERT INTO criteria(doc_id, idx, target, text) VALUES (?,?,?,?)",
                (doc_id, i, _s(cr.get("target")), _s(cr.get("text")) or ""),
            )
        for i, resp in enumerate(_dicts(rec.get("responsibilities"))):
            actor = _s(resp.get("actor")) or ""
            tasks = resp.get("tasks") if isinstance(resp.get("tasks"), list) else []
            for j, task in enumerate(tasks or [None]):
                c.execute(
                    "INSERT INTO responsibilities(doc_id, idx, task_idx, actor, task) VALUES (?,?,?,?,?)",
                    (doc_id, i, j, actor, _s(task)),
                )
        for i, d in enumerate(_dicts(rec.get("deadlines"))):
            c.execute(
                "INSERT INTO deadlines(doc_id, idx, task, date, recurring, actor) VALUES (?,?,?,?,?,?)",
                (
                    doc_id,
                    i,
                    _s(d.get("task")),
                    _iso(d.get("date")),
                    int(bool(d.get("recurring"))),
                    _s(d.get("actor")),
                ),
            )
        for i, q in enumerate(_dicts(rec.get("quantities"))):
            c.execute(
                "INSERT INTO quantities(doc_id, idx, text, value, value_max, total, unit)"
                " VALUES (?,?,?,?,?,?,?)",
                (
                    doc_id,
                    i,
                    _s(q.get("text")) or "",
                    _num(q.get("value")),
                    _num(q.get("value_max")),
                    _num(q.get("total")),
                    _s(q.get("unit")),
                ),
            )

    def _resolve(self, c: sqlite3.Connection, doc_id: str) -> None:
        """Link citations to the documents they cite, both ways round for ``doc_id``.

        A citation matches a document with the same :func:`number_key`; when both
        carry a date their years must agree too, because party committees number
        their plans from 1 again each term.
        """
        c.execute("UPDATE refs SET resolved_doc_id = NULL WHERE resolved_doc_id = ?", (doc_id,))
        pending = c.execute(
            # Two indexed lookups (an OR across them would scan the whole table).
            "SELECT doc_id, idx, number_key, date FROM refs WHERE doc_id = ? AND number_key IS NOT NULL "
            "UNION SELECT doc_id, idx, number_key, date FROM refs WHERE number_key = "
            "(SELECT number_key FROM documents WHERE doc_id = ?)",
            (doc_id, doc_id),
        ).fetchall()
        for ref in pending:
            y = year_of(ref["date"])
            year = int(y) if y else None
            row = c.execute(
                "SELECT doc_id FROM documents WHERE number_key = ? AND doc_id != ? "
                "AND (? IS NULL OR year IS NULL OR year = ?) "
                "ORDER BY (issued_date IS ?) DESC, doc_id LIMIT 1",
                (ref["number_key"], ref["doc_id"], year, year, ref["date"]),
            ).fetchone()
            c.execute(
                "UPDATE refs SET resolved_doc_id = ? WHERE doc_id = ? AND idx = ?",
                (row[0] if row else None, ref["doc_id"], ref["idx"]),
            )

    def optimize(self) -> None:
        """Merge the full-text index into one segment (call once at the end of a batch).

        Each upsert adds a small FTS5 segment; merging them makes searches of a
        large backlog faster (about a third on 10,000 documents, docs/benchmarks.md).
        """
        with self._transaction() as c:
            c.execute("INSERT INTO lines_fts(lines_fts) VALUES ('optimize')")
        self.conn.execute("PRAGMA optimize")

    # -- reading -------------------------------------------------------------------------

    def get_record(self, doc_id: str) -> dict[str, Any] | None:
        """The stored plan record of ``doc_id`` (None when it has none or is unknown)."""
        row = self.conn.execute("SELECT json FROM records WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def has_document(self, doc_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            is not None
        )

    def documents(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM documents ORDER BY doc_id")]

    def references(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM refs ORDER BY doc_id, idx")]

    def search(
        self,
        query: str,
        *,
        level: str | None = None,
        issuer: str | None = None,
        year: int | None = None,
        limit: int | None = None,
        config: SearchConfig | None = None,
    ) -> list[Hit]:
        """Ranked hits for ``query``, typed with or without marks, in any case.

        Filters: ``level`` (issuer_level), ``issuer`` (a part of the issuer's name,
        accent-insensitive) and ``year`` (of the issued date).
        """
        cfg = config or SearchConfig()
        limit = cfg.limit if limit is None else limit
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        plain = [w.rstrip("*") for w in words]
        tiers: list[tuple[str, str]] = [("exact", "{folded} : (" + _fts_phrase(words) + ")")]
        skel_words = [skeleton_token(w) for w in plain]
        skel_words = [s for s in skel_words if s]
        # One word's skeleton ("kh" for "khéo") matches too many other words to be useful.
        if cfg.skeleton and len(skel_words) >= 2 and skel_words != plain:
            tiers.append(("skeleton", "{skel} : (" + _fts_phrase(skel_words) + ")"))
        if cfg.relaxed and len(plain) >= 3:
            # FTS5 finds the candidates (all words but one, the gap where the missing
            # one was); _one_word_damaged then checks the word in the gap.
            groups = []
            for i in range(min(len(plain), 8)):
                left, right = _fts_phrase(plain[:i]), _fts_phrase(plain[i + 1 :])
                groups.append(f"NEAR({left} {right}, 1)" if left and right else left or right)
            tiers.append(("relaxed", "{folded} : (" + " OR ".join(groups) + ")"))

        where: list[str] = []
        params: list[Any] = []
        if level:
            where.append("d.issuer_level = ?")
            params.append(level)
        if issuer:
            where.append("d.issuer_folded LIKE ?")
            params.append("%" + fold(issuer).replace("%", "") + "%")
        if year is not None:
            where.append("d.year = ?")
            params.append(int(year))
        filt = (" AND " + " AND ".join(where)) if where else ""

        best: dict[tuple[str, int, int], tuple[float, str, sqlite3.Row]] = {}
        for rank_base, (match_kind, expr) in zip((2.0, 1.0, 0.0), tiers, strict=False):
            per_doc: dict[str, int] = {}
            for doc_id, _page, _line in best:
                per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
            if sum(1 for n in per_doc.values() if n >= cfg.lines_per_doc) >= limit:
                break  # a lower tier scores below every hit so far: it cannot enter the list
            window = max(cfg.rank_window, 2 * limit * cfg.lines_per_doc)
            if match_kind == "relaxed":
                window = max(window // 4, limit)
            for r in self._fts(expr, filt, params, window):
                if match_kind == "relaxed":
                    if not _one_word_damaged(r["text"], plain):
                        continue
                    rel = _bm25_tf(1, len(r["folded"].split()))
                elif match_kind == "skeleton":
                    rel = _bm25_tf(_count(r["skel"].split(), skel_words), len(r["skel"].split()))
                else:
                    toks = TOKEN_RE.findall(r["folded"])
                    rel = _bm25_tf(_count(toks, words), len(toks))
                score = rank_base + rel / (1.0 + rel)
                key = (r["doc_id"], r["page"], r["line"])
                if key not in best or score > best[key][0]:
                    best[key] = (score, match_kind, r)

        by_doc: dict[str, list[tuple[float, str, sqlite3.Row]]] = {}
        for item in sorted(
            best.values(), key=lambda t: (-t[0], t[2]["doc_id"], t[2]["page"], t[2]["line"])
        ):
            lst = by_doc.setdefault(item[2]["doc_id"], [])
            if len(lst) < cfg.lines_per_doc:
                lst.append(item)
        ranked = sorted(
            (it for lst in by_doc.values() for it in lst),
            key=lambda t: (-t[0], t[2]["doc_id"], t[2]["page"], t[2]["line"]),
        )[:limit]
        hits = []
        for score, match_kind, r in ranked:
            phrase = plain if match_kind == "relaxed" else words
            text, spans = _snippet(r["text"], match_kind, phrase, skel_words, cfg)
            hits.append(
                Hit(
                    doc_id=r["doc_id"],
                    title=r["title"],
                    issuer=r["issuer"],
                    page=r["page"],
                    line=r["line"],
                    snippet=_mark(text, spans, cfg),
                    score=score,
                    kind=r["kind"],
                    match=match_kind,
                    spans=spans,
                    snippet_text=text,
                )
            )
        return hits

    def _fts(self, expr: str, filt: str, params: list[Any], window: int) -> list[sqlite3.Row]:
        """Matching lines, newest first, at most ``window`` of them.

        CROSS JOIN keeps the FTS5 table as the outer loop, so its rowid order serves
        the ORDER BY and the LIMIT stops the scan early. FTS5's own bm25() is not
        used: for a phrase it counts every matching row of the index first (for the
        IDF), which costs as much as the whole match list of a common phrase, and
        with one phrase per query the IDF is the same for every row anyway.
        """
        sql = (
            "SELECT l.doc_id, l.page, l.line, l.kind, l.text, l.folded, l.skel, d.title, d.issuer "
            "FROM lines_fts "
            "CROSS JOIN lines l ON l.id = lines_fts.rowid "
            "CROSS JOIN documents d ON d.doc_id = l.doc_id "
            f"WHERE lines_fts MATCH ?{filt} ORDER BY lines_fts.rowid DESC LIMIT ?"
        )
        try:
            return self.conn.execute(sql, [expr, *params, window]).fetchall()
        except sqlite3.OperationalError as e:
            raise InputFileError(
                f"search failed: {e}", path=str(self.path), remedy="simplify the query (words only)"
            ) from e


def _count(toks: list[str], words: list[str]) -> int:
    """How many times the phrase ``words`` (a trailing * = prefix) occurs in ``toks``."""
    n = len(words)
    if not n:
        return 0
    if not any(w.endswith("*") for w in words):
        return f" {' '.join(toks)} ".count(f" {' '.join(words)} ")
    return len(_phrase_starts(toks, words))


# BM25 with one phrase per query: the IDF is the same for every line, so what ranks is
# the phrase count in the line against the line's length. Lines of a scanned A4 page
# hold about 12 words.
_K1, _B, _AVG_WORDS = 1.2, 0.75, 12.0


def _bm25_tf(tf: int, words: int) -> float:
    tf = max(tf, 1)
    return tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * words / _AVG_WORDS))


def _damaged_like(found: str, wanted: str) -> bool:
    """Could one of two folded words be the other after OCR damage? (either may be the
    damaged one: the text, or a query typed as the OCR read it)"""
    if found == wanted:
        return True
    if abs(len(found) - len(wanted)) > 2:
        return False
    if any(not (w.isalpha() or w.isdigit()) for w in (found, wanted)):
        return True  # a digit or symbol inside a word: what OCR leaves of marked letters
    return fuzz.ratio(found, wanted) >= 50


def _same(token: str, word: str) -> bool:
    return token.startswith(word[:-1]) if word.endswith("*") else token == word


def _phrase_starts(toks: list[str], words: list[str], relaxed: bool = False) -> list[int]:
    """Where the phrase ``words`` starts in ``toks``; ``relaxed`` lets one word be damaged."""
    n = len(words)
    out = []
    for start in range(len(toks) - n + 1):
        bad = [i for i in range(n) if not _same(toks[start + i], words[i])]
        if not bad or (
            relaxed and len(bad) == 1 and _damaged_like(toks[start + bad[0]], words[bad[0]])
        ):
            out.append(start)
    return out


def _one_word_damaged(line: str, words: list[str]) -> bool:
    """True when ``line`` has ``words`` in order, with at most one of them damaged."""
    return bool(_phrase_starts(tokens(line), words, relaxed=True))


def _match_spans(
    line: str, match_kind: str, words: list[str], skel_words: list[str]
) -> list[list[int]]:
    """Character spans of ``line`` where the query phrase matched, as the tier matched it."""
    ms = list(TOKEN_RE.finditer(line))
    folded = [fold(m.group(0)) for m in ms]
    if match_kind == "skeleton":
        toks, phrase = [skeleton_token(f) for f in folded], skel_words
    else:
        toks, phrase = folded, words
    spans: list[list[int]] = []
    for start in _phrase_starts(toks, phrase, relaxed=match_kind == "relaxed"):
        a, b = ms[start].start(), ms[start + len(phrase) - 1].end()
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return spans


def _snippet(
    line: str, match_kind: str, words: list[str], skel_words: list[str], cfg: SearchConfig
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The line (cut to ``snippet_chars`` around the first match) and the spans to highlight:
    each place where the phrase matched, the way the tier matched it."""
    spans = _match_spans(line, match_kind, words, skel_words)
    start, end = 0, len(line)
    if len(line) > cfg.snippet_chars:
        center = spans[0][0] if spans else 0
        start = max(0, min(center - cfg.snippet_chars // 3, len(line) - cfg.snippet_chars))
        end = start + cfg.snippet_chars
    text = line[start:end].strip()
    offset = start + (len(line[start:end]) - len(line[start:end].lstrip()))
    out = tuple(
        (max(a - offset, 0), min(b - offset, len(text)))
        for a, b in spans
        if a >= start and b <= end
    )
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(line) else ""
    shift = len(prefix)
    return prefix + text + suffix, tuple((a + shift, b + shift) for a, b in out)


def _mark(text: str, spans: tuple[tuple[int, int], ...], cfg: SearchConfig) -> str:
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], cfg.mark_open, text[a:b], cfg.mark_close]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _statements(script: str) -> list[str]:
    """Split a schema script into statements, keeping trigger bodies whole."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


__all__ = ["LEVELS", "SCHEMA_VERSION", "Catalog", "Hit", "SearchConfig"]
