"""Learn the OCR confusion tables, and build the synthetic evaluation set.

    .venv/bin/python scripts/learn_confusion.py [--pages 240] [--jobs 2] [--seed 3]
    .venv/bin/python scripts/learn_confusion.py --eval-only [--eval-pages 45]
    .venv/bin/python scripts/learn_confusion.py --report      # last run as markdown

Tables (what the restorer's channel model is estimated from):
  diacritics/data/confusion_tokens.tsv  ocr<TAB>clean<TAB>count   token pairs
  diacritics/data/confusion_chars.tsv   clean<TAB>ocr<TAB>count   character alignment counts
  diacritics/data/CONFUSION.md          how they were made, and what they contain

Clean paragraphs are drawn (fixed seed) from corpora/phapdien_moj and
corpora/viwiki_admin_subset, never from corpora/heldout, samples/ or the dev gold;
rendered into A4 pages (diacritics.render), degraded like photocopies, read back with
Tesseract under each damage simulation of SIMULATIONS, aligned line by line, counted.

The synthetic evaluation set (eval/synthetic/) renders the held-out documents of
corpora/heldout/admin_luongminh the same way; nothing is learned from it.

Deterministic for a given seed, page count, Tesseract version and fonts: pages are
processed in parallel (--jobs) but counted in page order. Raw OCR output is cached per page in
build/confusion/ (keyed by the page's text, layout, damage and OCR settings), so that
a rerun re-aligns and re-counts without OCR, and more --pages only OCR the new ones;
--fresh empties the cache (needed after a change to diacritics/render.py).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import lzma
import multiprocessing
import os
import random
import re
import string
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.orthography import has_marks, normalize_tone_placement  # noqa: E402
from diacritics.render import (  # noqa: E402
    DEJAVU_SERIF,
    LIBERATION_SERIF,
    Degradation,
    Line,
    OcrConfig,
    RenderConfig,
    align_chars,
    align_tokens,
    assign_words_to_lines,
    degrade,
    ocr_words,
    paginate,
    peel,
    render_page,
    wrap_paragraphs,
)

SOURCES = ("corpora/phapdien_moj", "corpora/viwiki_admin_subset")
HELDOUT = "corpora/heldout/admin_luongminh"
DATA = ROOT / "diacritics" / "data"
CACHE = ROOT / "build" / "confusion"
EVAL_DIR = ROOT / "eval" / "synthetic"


# What an engine limited to Latin-1 may print: ASCII letters, digits, common punctuation and the
# Latin-1 letters (the "font" simulation below; no quote marks: they would end the option).
LATIN1_PRINTABLE = (
    string.ascii_letters
    + string.digits
    + ".,;:-/()%&?!+*=<>[]@#"
    + "".join(chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha())
)


@dataclass(frozen=True)
class Simulation:
    """One way an archive's OCR engine damaged Vietnamese text.

    ``share`` is the fraction of training pages read this way.
    """

    name: str
    ocr: OcrConfig
    share: float
    description: str


SIMULATIONS = (
    Simulation(
        "eng",
        OcrConfig(lang="eng", psm=6),
        0.55,
        "Tesseract eng: marks lost or read as é/6/¢, đ read as d/P/B (sample 2's damage)",
    ),
    # The second damage kind (samples/ban-dan-van-huyen-uy-2023.txt) keeps marks as
    # Latin-1 letters ("cüa", "näm", "Dâng"). Of eng, fra, deu, por, spa, Latin and their
    # combinations, fra, por and eng+fra+por come closest on aggregate character
    # statistics (see CONFUSION.md); each page is read by one of them. eng+fra+por
    # chooses a language per word, so marks are lost on some words and kept as
    # Latin-1 letters on others, as in that sample.
    Simulation(
        "fra",
        OcrConfig(lang="fra", psm=6),
        0.15,
        "Tesseract fra: marks read as French letters (ô ê â ä à ü ÿ: 'cüa', 'näm', 'Dâng')",
    ),
    Simulation(
        "por",
        OcrConfig(lang="por", psm=6),
        0.15,
        "Tesseract por: marks read as Portuguese letters (ê ô á â ú ó ã: 'vão', 'Bão')",
    ),
    Simulation(
        "mixed",
        OcrConfig(lang="eng+fra+por", psm=6),
        0.15,
        "Tesseract eng+fra+por: per word, marks lost or read as Latin-1 letters",
    ),
    # The second damage kind drops whole the vowels its engine could not print ("huyn", "Tip",
    # "h thng" for "huyện", "Tiếp", "hệ thống"): an engine that reads the marks but may only
    # print Latin-1. Tesseract vie restricted to Latin-1 letters does that ("huyn", "Chp",
    # "chính trj" as in that sample; it prints "Dân" where the sample has "Dan 4n"). Share 0:
    # not among the 1,000 training pages of the tables above (their page plan is unchanged);
    # scripts/learn_confusion_vie.py --simulation font learns its own table.
    Simulation(
        "font",
        OcrConfig(lang="vie", psm=6, extra=f'-c "tessedit_char_whitelist={LATIN1_PRINTABLE} "'),
        0.0,
        "Tesseract vie printing Latin-1 only: vowels it cannot print dropped ('huyn', 'Chp')",
    ),
)

# A paragraph "looks administrative" when it is a numbered item, a heading, or
# carries a document number or a date; such passages are preferred (see _pick_window).
_ADMIN_RE = re.compile(
    r"^(\d+(\.\d+)*\.|[IVX]+[.\-]|[a-zđ]\)|[-+•]\s|Điều \d+|Chương [IVX]+|Mục \d+)"
    r"|\d+/\d{4}/[A-ZĐ]|\d+[-/][A-ZĐ]{2,}|ngày \d{1,2}[/ ]|tháng \d{1,2}|năm \d{4}"
)


def read_documents(source: Path) -> list[tuple[str, list[str]]]:
    """Documents of a corpus source: (name, paragraphs), split on ``### name`` lines."""
    docs: list[tuple[str, list[str]]] = []
    with lzma.open(source / "text.txt.xz", "rt", encoding="utf-8") as fh:
        name, paras = "", list[str]()
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("### "):
                if paras:
                    docs.append((name, paras))
                name, paras = line[4:].strip(), []
            else:
                paras.append(line)
        if paras:
            docs.append((name, paras))
    return docs


def clean_paragraph(p: str) -> str:
    """NFC, old-style tone placement, no control characters or broken bytes."""
    p = normalize_tone_placement(p.replace("\ufffd", " ").replace("\t", " "))
    return " ".join(p.split())


def _admin_score(paras: list[str]) -> float:
    hits = sum(1 for p in paras if _ADMIN_RE.search(p))
    return hits / max(1, len(paras))


def _pick_window(rng: random.Random, docs: list[tuple[str, list[str]]], n: int) -> list[str]:
    """``n`` consecutive non-empty paragraphs; of 4 random windows, the most administrative."""
    best: list[str] = []
    best_score = -1.0
    for _ in range(4):
        _, paras = docs[rng.randrange(len(docs))]
        if not paras:
            continue
        start = rng.randrange(max(1, len(paras) - n + 1))
        window = [q for q in (clean_paragraph(p) for p in paras[start : start + n]) if q]
        score = _admin_score(window)
        if score > best_score:
            best, best_score = window, score
    return best


def _capitalize_some(rng: random.Random, paras: list[str]) -> tuple[list[str], list[bool]]:
    """Upper-case short paragraphs now and then, as headings are in plans ("KẾ HOẠCH"),
    so that capital-letter damage ("P"/"B" for "Đ", "XA" for "XÃ") is learned too; most
    such headings, and some short lines, are set in bold as in real plans."""
    out, bold = [], []
    for p in paras:
        b = False
        if len(p.split()) <= 14 and rng.random() < 0.3:
            p = p.upper()
            b = rng.random() < 0.7
        elif len(p.split()) <= 14 and rng.random() < 0.1:
            b = True
        out.append(p)
        bold.append(b)
    return out, bold


@dataclass(frozen=True)
class PageTask:
    index: int
    simulation: str
    paragraphs: tuple[str, ...]
    bold: tuple[bool, ...]
    render: RenderConfig
    degradation: Degradation
    seed: int
    # Already wrapped lines of this page (evaluation pages); else ``paragraphs`` are
    # wrapped and the first page's worth is rendered.
    lines: tuple[Line, ...] = ()


def random_render(rng: random.Random) -> RenderConfig:
    """Fonts and sizes of real plans: mostly Times-like, some DejaVu Serif, 13-14 pt."""
    return RenderConfig(
        font=LIBERATION_SERIF if rng.random() < 0.7 else DEJAVU_SERIF,
        font_pt=rng.choice([13.0, 13.5, 14.0]),
        line_spacing=rng.choice([1.2, 1.35, 1.5]),
        justify=rng.random() < 0.6,
    )


def plan_training_pages(n_pages: int, seed: int) -> list[PageTask]:
    rng = random.Random(seed)
    sources = {s: read_documents(ROOT / s) for s in SOURCES}
    # Weighted toward the legal corpus (administrative register), some wiki prose.
    weights = {"corpora/phapdien_moj": 0.7, "corpora/viwiki_admin_subset": 0.3}
    sims = [s for s in SIMULATIONS for _ in range(round(s.share * 100))]
    tasks = []
    for i in range(n_pages):
        src = rng.choices(list(weights), weights=list(weights.values()))[0]
        paras, bold = _capitalize_some(rng, _pick_window(rng, sources[src], 30))
        tasks.append(
            PageTask(
                index=i,
                simulation=rng.choice(sims).name,
                paragraphs=tuple(paras),
                bold=tuple(bold),
                render=random_render(rng),
                degradation=Degradation.random(rng),
                seed=rng.randrange(1 << 30),
            )
        )
    return tasks


def run_page(task: PageTask) -> dict[str, object]:
    """Render, degrade and OCR one page; return its clean lines and OCR tokens per line."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    sim = {s.name: s for s in SIMULATIONS}[task.simulation]
    if task.lines:
        page_lines = list(task.lines)
    else:
        lines = wrap_paragraphs(list(task.paragraphs), task.render, list(task.bold))
        page_lines = paginate(lines, task.render)[0] if lines else []
    page = degrade(render_page(page_lines, task.render), task.degradation, task.seed)
    words = ocr_words(page, sim.ocr)
    per_line = assign_words_to_lines(words, page)
    return {
        "index": task.index,
        "simulation": task.simulation,
        "font": task.render.font,
        "font_pt": task.render.font_pt,
        "degradation": task.degradation.describe(),
        "lines": [ln.text for ln in page.lines],
        "ocr": [[w.text for w in ws] for ws in per_line],
        # Tesseract's confidence in each word (0-100): the post-correction may weigh it.
        "conf": [[w.conf for w in ws] for ws in per_line],
    }


def task_key(task: PageTask) -> str:
    """Fingerprint of a page task (text, layout, damage, OCR settings) for the cache."""
    sim = {s.name: s for s in SIMULATIONS}[task.simulation]
    return hashlib.sha1(repr((task, sim.ocr)).encode("utf-8")).hexdigest()[:16]


def ocr_pages(tasks: list[PageTask], jobs: int, cache: Path) -> list[dict[str, object]]:
    """OCR the pages not already in ``cache`` (JSON lines keyed by :func:`task_key`),
    append them to it, and return the results of all ``tasks`` in their order.

    The cache does not see changes to the rendering code: pass --fresh after one.
    """
    cache.parent.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict[str, object]] = {}
    if cache.exists():
        for line in cache.open(encoding="utf-8"):
            r = json.loads(line)
            done[str(r.get("key"))] = r
    keys = [task_key(t) for t in tasks]
    todo = [t for t, k in zip(tasks, keys, strict=True) if k not in done]
    print(f"  {len(tasks) - len(todo)} pages cached, {len(todo)} to OCR", file=sys.stderr)
    t0 = time.time()
    with multiprocessing.Pool(jobs) as pool, cache.open("a", encoding="utf-8") as fh:
        for n, r in enumerate(pool.imap(run_page, todo, chunksize=1), 1):
            r["key"] = task_key(todo[n - 1])
            done[str(r["key"])] = r
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            fh.flush()
            if n % 10 == 0 or n == len(todo):
                print(f"  {n}/{len(todo)} pages, {time.time() - t0:.0f} s", file=sys.stderr)
    return [done[k] for k in keys]


# ---------------------------------------------------------------------------
# Counting


@dataclass
class Counts:
    tokens: collections.Counter[tuple[str, str]]
    chars: collections.Counter[tuple[str, str]]
    pages: int = 0
    lines: int = 0
    clean_tokens: int = 0
    exact: int = 0  # clean word tokens read exactly (punctuation peeled)
    trusted: int = 0
    dropped: int = 0  # clean tokens OCR lost
    invented: int = 0  # OCR tokens with no clean token
    marked: int = 0  # clean tokens with a Vietnamese mark
    marked_exact: int = 0


def _has_letter(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


def count(pages: list[dict[str, object]]) -> Counts:
    c = Counts(collections.Counter(), collections.Counter())
    for page in pages:
        c.pages += 1
        for clean_line, ocr in zip(page["lines"], page["ocr"], strict=True):  # type: ignore[call-overload]
            c.lines += 1
            pairs = align_tokens(clean_line.split(), list(ocr))
            for p in pairs:
                if not p.clean:
                    c.invented += len(p.ocr)
                    continue
                words = [peel(t) for t in p.clean]
                if not any(_has_letter(w) for w in words):
                    continue
                c.clean_tokens += len(p.clean)
                if not p.ocr:
                    c.dropped += len(p.clean)
                    continue
                cl = " ".join(w for w in words if w)
                oc = " ".join(w for w in (peel(t) for t in p.ocr) if w)
                is_marked = any(has_marks(w) for w in words)
                c.marked += len(p.clean) if is_marked else 0
                if cl == oc and len(p.clean) == 1 and len(p.ocr) == 1:
                    c.exact += 1
                    c.marked_exact += 1 if is_marked else 0
                if not p.trusted or not cl or not oc:
                    continue
                c.trusted += len(p.clean)
                c.tokens[(oc, cl)] += 1
                if len(p.clean) == 1 and len(p.ocr) == 1:
                    for a, b in align_chars(cl, oc):
                        c.chars[(a, b)] += 1
    return c


def _tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def _header(
    kind: str, args: argparse.Namespace, c: Counts, only: tuple[str, ...] = ()
) -> list[str]:
    sims = "; ".join(
        f"{s.name} ({s.share:.0%}): {s.description}"
        for s in SIMULATIONS
        if (not only and s.share) or s.name in only
    )
    return [
        f"# OCR confusion {kind} counts, learned from synthetic OCR of clean corpus text.",
        "# Regenerate: .venv/bin/python scripts/learn_confusion.py "
        f"--pages {args.pages} --seed {args.seed} (deterministic; see diacritics/data/CONFUSION.md)",
        f"# date: {dt.date.today().isoformat()}; {_tesseract_version()}; "
        f"fonts: {LIBERATION_SERIF} (70%), {DEJAVU_SERIF} (30%), 13-14 pt, 300 dpi A4",
        f"# pages: {c.pages}; lines: {c.lines}; clean word tokens: {c.clean_tokens}; "
        f"pairs kept: {c.trusted}; rows with count >= {args.min_count}",
        f"# corpus sources: {', '.join(SOURCES)} (never {HELDOUT}, samples/ or the dev gold)",
        f"# simulations: {sims}",
    ]


# Token tables of their own for the pages read by the models that print letters Vietnamese never
# writes ("cüa", "hôï"): their damage differs from eng's (marks lost), and a document shows it
# (diacritics.channel.latin1_share >= LATIN1_MIN_SHARE: 156 of 160 fra training pages, none of
# the eng and por ones, 4 of 134 mixed ones). The mixed pages count here too (a fra-only table:
# development split 97.23 -> 97.08%). Tesseract por prints letters Vietnamese writes too
# ("vão"): not told apart, its pages stay in the default tables only.
# The all-simulations tables stay the default.
GROUPS = {"latin1": ("fra", "mixed")}


def write_tables(
    c: Counts,
    args: argparse.Namespace,
    suffix: str = "",
    only: tuple[str, ...] = (),
    chars: bool = True,
) -> None:
    """The token table of ``c`` (pages of the simulations ``only``, or all), and with
    ``chars`` its character table."""
    DATA.mkdir(parents=True, exist_ok=True)
    rows = sorted(
        ((o, cl, n) for (o, cl), n in c.tokens.items() if n >= args.min_count),
        key=lambda r: (-r[2], r[1], r[0]),
    )
    with (DATA / f"confusion_tokens{suffix}.tsv").open("w", encoding="utf-8") as fh:
        fh.write("\n".join(_header("token", args, c, only)) + "\n")
        fh.write("ocr\tclean\tcount\n")
        for o, cl, n in rows:
            fh.write(f"{o}\t{cl}\t{n}\n")
    if not chars:
        return
    crow = sorted(
        ((cl, o, n) for (cl, o), n in c.chars.items() if n >= args.min_count),
        key=lambda r: (r[0], -r[2], r[1]),
    )
    with (DATA / f"confusion_chars{suffix}.tsv").open("w", encoding="utf-8") as fh:
        fh.write("\n".join(_header("character", args, c, only)) + "\n")
        fh.write(
            "# clean = one character, or empty for a character OCR inserted; "
            "ocr = what OCR printed for it, empty when it was lost\n"
        )
        fh.write("clean\tocr\tcount\n")
        for cl, o, n in crow:
            fh.write(f"{cl}\t{o}\t{n}\n")


def summary(c: Counts) -> dict[str, object]:
    changed = collections.Counter({(o, cl): n for (o, cl), n in c.tokens.items() if o != cl})
    return {
        "pages": c.pages,
        "lines": c.lines,
        "clean_word_tokens": c.clean_tokens,
        "exact_share": round(c.exact / max(1, c.clean_tokens), 4),
        "marked_share": round(c.marked / max(1, c.clean_tokens), 4),
        "marked_exact_share": round(c.marked_exact / max(1, c.marked), 4),
        "trusted_share": round(c.trusted / max(1, c.clean_tokens), 4),
        "dropped": c.dropped,
        "invented": c.invented,
        "token_rows": len(c.tokens),
        "top_confusions": [f"{cl} -> {o} ({n})" for (o, cl), n in changed.most_common(25)],
    }


def plan_eval_pages(
    total_pages: int, seed: int, source: Path | None = None, sims: list[str] | None = None
) -> list[tuple[str, list[PageTask]]]:
    """Pages of the held-out documents: the first pages of each, about ``total_pages`` in all.

    Each document is laid out once (one font, size, spacing), split into pages, and
    gets one damage simulation (drawn with the training shares); every page its own
    degradation. Pages are allotted in proportion to document length, at least one.
    """
    rng = random.Random(seed + 1_000_003)
    docs = read_documents(source or ROOT / HELDOUT)
    if sims is None:
        # Simulations dealt out in their training shares (at least one document each),
        # so that every damage kind is measured.
        sims = []
        for other in SIMULATIONS[1:]:
            if other.share:  # (a simulation not among the training pages is asked for by name)
                sims += [other.name] * max(1, round(other.share * len(docs)))
        sims += [SIMULATIONS[0].name] * (len(docs) - len(sims))
        rng.shuffle(sims)
    laid_out = []
    for (name, paras), sim_name in zip(docs, sims, strict=True):
        cfg = random_render(rng)
        cleaned = [clean_paragraph(p) for p in paras]
        # Headings written in capitals are set in bold, as in the original documents.
        lines = wrap_paragraphs(cleaned, cfg, [p.isupper() for p in cleaned])
        laid_out.append((name, cfg, paginate(lines, cfg), sim_name))
    n_all = sum(len(p) for _, _, p, _ in laid_out)
    plan = []
    for name, cfg, pages, sim in laid_out:
        k = min(len(pages), max(1, round(total_pages * len(pages) / n_all)))
        tasks = [
            PageTask(
                index=i,
                simulation=sim,
                paragraphs=(),
                bold=(),
                render=cfg,
                degradation=Degradation.random(rng),
                seed=rng.randrange(1 << 30),
            )
            for i in range(k)
        ]
        plan.append((name, [replace(t, lines=tuple(pages[t.index])) for t in tasks]))
    return plan


def build_eval(args: argparse.Namespace) -> None:
    """Write eval/synthetic/<doc>.clean.txt and <doc>.ocr.txt, line-aligned, and INDEX.tsv."""
    t0 = time.time()
    source = Path(args.eval_source) if args.eval_source else None
    sims = args.eval_sims.split(",") if args.eval_sims else None
    out_dir = Path(args.eval_dir) if args.eval_dir else EVAL_DIR
    plan = plan_eval_pages(args.eval_pages, args.seed, source, sims)
    tasks = [t for _, ts in plan for t in ts]
    print(f"eval: {len(tasks)} pages of {len(plan)} held-out documents", file=sys.stderr)
    tag = "" if source is None else "-" + hashlib.sha1(str(source).encode()).hexdigest()[:8]
    cache = CACHE / f"eval-{args.seed}{tag}.jsonl"
    if args.fresh:
        cache.unlink(missing_ok=True)
    results = ocr_pages(tasks, args.jobs, cache)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.txt"):
        old.unlink()
    k = 0
    index = ["doc\tpages\tlines\tsimulation\tfont\tfont_pt\tdegradations"]
    for name, ts in plan:
        rs = results[k : k + len(ts)]
        k += len(ts)
        stem = Path(name).stem
        clean = [ln for r in rs for ln in r["lines"]]  # type: ignore[attr-defined]
        ocr = [" ".join(ws) for r in rs for ws in r["ocr"]]  # type: ignore[attr-defined]
        assert len(clean) == len(ocr)
        (out_dir / f"{stem}.clean.txt").write_text("\n".join(clean) + "\n", encoding="utf-8")
        (out_dir / f"{stem}.ocr.txt").write_text("\n".join(ocr) + "\n", encoding="utf-8")
        degs = ";".join(t.degradation.describe() for t in ts)
        index.append(
            f"{stem}\t{len(ts)}\t{len(clean)}\t{ts[0].simulation}\t{ts[0].render.font}"
            f"\t{ts[0].render.font_pt}\t{degs}"
        )
    (out_dir / "INDEX.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"eval: written to {out_dir} in {time.time() - t0:.0f} s", file=sys.stderr)


def sample_similarity(pages: list[dict[str, object]], samples: Path) -> dict[str, object]:
    """How much the simulated damage looks like the real garbled samples, on aggregates only.

    For each sample and simulation: the share of the sample's word tokens carrying a
    non-ASCII letter (its damaged marked words: "tiép", "cüa") that occur verbatim among
    the simulation's OCR tokens, and the same share over all word tokens. Only
    vocabularies are compared; nothing from the samples enters any table.
    """
    vocab: dict[str, set[str]] = collections.defaultdict(set)
    for page in pages:
        for ws in page["ocr"]:  # type: ignore[attr-defined]
            vocab[str(page["simulation"])].update(peel(w) for w in ws)
    vocab["all"] = set().union(*vocab.values()) if vocab else set()
    out: dict[str, object] = {}
    for f in sorted(samples.glob("*.txt")):
        toks = [peel(t) for t in f.read_text(encoding="utf-8").split()]
        toks = [t for t in toks if _has_letter(t)]
        marked = [t for t in toks if any(ord(ch) > 127 and ch.isalpha() for ch in t)]
        row = {"tokens": len(toks), "marked_share": round(len(marked) / max(1, len(toks)), 3)}
        for sim, v in sorted(vocab.items()):
            row[f"{sim}_marked_seen"] = round(sum(t in v for t in marked) / max(1, len(marked)), 3)
            row[f"{sim}_all_seen"] = round(sum(t in v for t in toks) / max(1, len(toks)), 3)
        out[f.name] = row
    return out


def markdown_report(s: dict, command: str) -> str:  # type: ignore[type-arg]
    """One markdown section (for docs/benchmarks.md) from a run's summary."""
    out = [
        "## OCR confusion model (learned from synthetic OCR)",
        "",
        f"Command: `{command}` ({s.get('seconds', '?')} s on this machine)",
        "",
        "| simulation | pages | clean words | read exactly | marked words read exactly |",
        "|---|---|---|---|---|",
    ]
    for name, r in s["per_simulation"].items():
        out.append(
            f"| {name} | {r['pages']} | {r['clean_word_tokens']} | {r['exact_share']:.1%} "
            f"| {r['marked_exact_share']:.1%} |"
        )
    out.append(
        f"| all | {s['pages']} | {s['clean_word_tokens']} | {s['exact_share']:.1%} "
        f"| {s['marked_exact_share']:.1%} |"
    )
    out += [
        "",
        f"Token pairs kept for the tables: {s['trusted_share']:.1%} of clean words "
        f"(dropped by OCR: {s['dropped']}, invented by OCR: {s['invented']}); "
        f"{s['token_rows']} distinct pairs before pruning.",
        "",
        "Similarity to the real garbled samples (aggregates only: share of the sample's words "
        "with a non-ASCII letter, and of all its words, that occur verbatim among the "
        "simulation's OCR words):",
        "",
        "| sample | simulation | marked words seen | all words seen |",
        "|---|---|---|---|",
    ]
    for sample, row in s["sample_similarity"].items():
        for name in [*s["per_simulation"], "all"]:
            if f"{name}_marked_seen" in row:
                out.append(
                    f"| {sample} | {name} | {row[f'{name}_marked_seen']:.1%} "
                    f"| {row[f'{name}_all_seen']:.1%} |"
                )
    out += ["", "Top confusions (clean -> OCR, count): " + "; ".join(s["top_confusions"][:15])]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=240, help="training pages (default 240)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel Tesseract processes (default 2)")
    ap.add_argument("--seed", type=int, default=3, help="random seed (default 3)")
    ap.add_argument("--min-count", type=int, default=2, help="prune rarer pairs (default 2)")
    ap.add_argument("--fresh", action="store_true", help="ignore the OCR cache in build/confusion/")
    ap.add_argument("--eval-only", action="store_true", help="only the synthetic eval set")
    ap.add_argument("--no-eval", action="store_true", help="skip the synthetic eval set")
    ap.add_argument("--eval-pages", type=int, default=45, help="eval pages in all (default 45)")
    ap.add_argument(
        "--eval-source",
        help="corpus source folder of the eval documents (default the held-out one); "
        "scripts/make_dev_split.py uses it for a development split",
    )
    ap.add_argument("--eval-dir", help=f"where the eval set goes (default {EVAL_DIR})")
    ap.add_argument("--eval-sims", help="simulation per document, comma-separated (eng,fra,...)")
    ap.add_argument(
        "--report", action="store_true", help="print the last run's summary as markdown"
    )
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.report:
        s = json.loads((CACHE / "summary.json").read_text(encoding="utf-8"))
        print(markdown_report(s, str(s.get("command", "scripts/learn_confusion.py"))))
        return 0
    if not args.eval_only:
        cache = CACHE / f"pages-{args.seed}.jsonl"
        if args.fresh:
            cache.unlink(missing_ok=True)
        tasks = plan_training_pages(args.pages, args.seed)
        print(f"planned {len(tasks)} pages in {time.time() - t0:.0f} s", file=sys.stderr)
        pages = ocr_pages(tasks, args.jobs, cache)
        c = count(pages)
        write_tables(c, args)
        for group, sims in GROUPS.items():
            subset = [p for p in pages if p["simulation"] in sims]
            # (Their own character table was tried: development split 97.16 -> 97.03%.)
            write_tables(count(subset), args, f"_{group}", only=sims, chars=False)
        s = summary(c)
        s["per_simulation"] = {
            sim.name: {
                k: v
                for k, v in summary(
                    count([p for p in pages if p["simulation"] == sim.name])
                ).items()
                if k in ("pages", "clean_word_tokens", "exact_share", "marked_exact_share")
            }
            for sim in SIMULATIONS
        }
        s["sample_similarity"] = sample_similarity(pages, ROOT / "samples")
        s["seconds"] = round(time.time() - t0)
        s["command"] = ".venv/bin/python scripts/learn_confusion.py " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        (CACHE / "summary.json").write_text(json.dumps(s, ensure_ascii=False, indent=1))
        print(json.dumps(s, ensure_ascii=False, indent=1))
    if not args.no_eval:
        build_eval(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
