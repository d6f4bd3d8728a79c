"""Build what restoration needs from the clean reference corpus, deterministically and cached.

``build(corpus_dir)`` reads every source under the corpus directory (``*/text.txt.xz`` files whose
documents start with a ``### <name>`` line, the word lists, the gazetteer and the user's own plain
text documents under ``<corpus>/user/``), EXCLUDING ``<corpus>/heldout/`` (our evaluation set), and
writes into ``<corpus>/.build/``:

- ``vocab.txt``: the lowercase syllables of the language model, one per line (id = line number);
  ids 0-2 are the markers ``<s>`` (line or sentence start), ``<unk>`` and ``<num>``.
- ``counts.npy``: corpus count of every vocabulary entry.
- ``case_counts.npy``: per vocabulary entry, how often it is capitalized / lower case inside a
  sentence (restoration prefers "Dân" to "Dẫn" for a capitalized word mid-sentence).
- ``lexicon.tsv``: the syllable inventory used to generate candidates (syllable, count).
- ``names.tsv``: place names of the gazetteer by accent-free form, to spell names exactly.
- ``symbols.tsv``: the parts of document symbols and abbreviations in capitals the corpus
  writes ("UBTVQH15", "MTTQ", "BGDĐT"), four characters or more, with their counts: a damaged
  one ("UBTVQHI5") is repaired to the one it is a character away from (restorer).
- ``lines.tsv``: the short lines without numbers the corpus repeats (the state's motto, a
  signer's block), by their accent-free words, with the spelling most of them have: a damaged
  line near one of them takes that spelling (formulas.py).
- ``passages.txt``: the user's own documents (``plans corpus add``), whose word windows a damaged
  line that copies them is matched against (formulas.Passages).
- ``lm_*.npy``: an interpolated Kneser-Ney trigram model over the lowercase syllables (see lm.py).
- ``span_*.npy``: the token stream as accent-free key ids and a sorted hash index of its n-grams,
  so a damaged passage can be found in the corpus and its spelling taken (see spans.py).
- ``fingerprint.json``: sizes and mtimes of the sources plus the build version; a build whose
  fingerprint matches is reused as it is.

Everything is done with numpy over integer ids so the whole build takes a few minutes on 2 cores.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import lzma
import os
import re
import resource
import shutil
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diacritics.formulas import LineCounts
from diacritics.orthography import glued_cut, normalize_syllable, split_tone, strip_marks
from diacritics.tokens import syllable_shaped
from pipeline.atomic import write_atomic
from pipeline.errors import InputFileError, MissingDependencyError

log = logging.getLogger(__name__)

# Bump when the build output changes meaning, so old caches are rebuilt.
BUILD_VERSION = "18"
BOS, UNK, NUM = 0, 1, 2
MARKERS = ("<s>", "<unk>", "<num>")
# A word of the language model: letters only; numbers become <num>; sentence punctuation a boundary.
_LM_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[.!?;:]")
# A run of capitals and digits with a capital in it, standing alone ("UBTVQH15", "MTTQ"; not
# the "ND" of "Nguyễn"): a document symbol's part or an abbreviation (symbols.tsv).
SYMBOL_SHAPE = re.compile(r"[0-9A-ZĐ]*[A-ZĐ][0-9A-ZĐ]*")
_SYMBOL_RE = re.compile(rf"(?<![\wĐđ]){SYMBOL_SHAPE.pattern}(?![\wĐđ])")
SYMBOL_MIN_LENGTH = 4
_REPO_CORPUS = Path(__file__).resolve().parent.parent / "corpora"


@dataclass(frozen=True)
class CorpusConfig:
    """How the corpus is turned into restoration artifacts.

    min_lm_count: a word seen fewer times than this is <unk> in the language model (default 2:
        hapaxes are mostly typos and foreign names, and dropping them halves the model).
    min_lexicon_count: a corpus word seen this often joins the candidate inventory even when the
        syllable lists do not have it (default 20: abbreviations like "ubnd", "mttq").
    discount: one Kneser-Ney absolute discount for every count (e.g. 0.75), or None (default)
        for modified Kneser-Ney: discounts D(1), D(2), D(3+) per order from the count-of-counts
        (Chen & Goodman 1998). Measured against 0.75: synthetic OCR damage 93.35 -> 93.45%,
        real 94.48 -> 94.65%, stripped 99.20 -> 99.26%.
    span_n: length of the n-grams in the span index (default 5 tokens: long enough that a match
        is a copied passage, short enough that one OCR error leaves matching windows around it).
    register_weight: how many times the build counts the text of the sources written in the
        register of the plans (``register_sources``: the commune plans shipped, and the user's
        own documents added by ``plans corpus add``). They are 0.2% of the corpus's tokens;
        pooled with 23 million tokens of laws and encyclopedia they hardly move a trigram,
        though a plan's phrasing is what the restorer meets. Counting them 10 times (chosen on
        the development split: 96.57 -> 96.73%; 3, 6 and 15 times: 96.69, 96.71, 96.68) is the
        classic domain weighting of count merging. Every count is weighted (language model,
        word counts, case counts; so a word a plan uses twice joins the inventory at the
        default ``min_lexicon_count``); weighting the language model's counts alone gave
        96.68%. The span index holds each passage once. The weight never makes the plans
        outweigh the rest of the corpus in size: a user who adds a large archive of plans gets
        less (or no) weighting, and the build stays at most twice the size of its sources.
    register_sources: the top-level folders of the corpus that hold plans.
    """

    min_lm_count: int = 2
    min_lexicon_count: int = 20
    discount: float | None = None
    span_n: int = 5
    register_weight: int = 10
    register_sources: tuple[str, ...] = ("admin_luongminh", "user")


def default_corpus_dir() -> Path:
    """The corpus directory: $PLANS_CORPUS, else the repository's ``corpora/``."""
    env = os.environ.get("PLANS_CORPUS")
    return Path(env) if env else _REPO_CORPUS


def build_dir(corpus_dir: Path) -> Path:
    return corpus_dir / ".build"


def normalize_text(text: str) -> str:
    """NFC and old-style tone placement (hòa, thủy, Ủy), word by word."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[^\W\d_]+", lambda m: normalize_syllable(m.group(0)), text)


# ----------------------------------------------------------------------------- sources


def _sources(corpus_dir: Path) -> list[Path]:
    """Every source file of the corpus, sorted, without heldout/ and the build folder."""
    out = []
    for p in sorted(corpus_dir.rglob("*")):
        rel = p.relative_to(corpus_dir).parts
        if not p.is_file() or rel[0] in ("heldout", ".build") or rel[0].startswith("."):
            continue
        if p.name == "text.txt.xz" or (rel[0] == "user" and p.suffix == ".txt"):
            out.append(p)
        elif rel[0] == "wordlists" and p.suffix == ".txt":
            out.append(p)
        elif rel[0].startswith("gazetteer") and p.suffix == ".txt":
            out.append(p)
    return out


def fingerprint(corpus_dir: Path, config: CorpusConfig) -> str:
    h = hashlib.sha256()
    h.update(f"{BUILD_VERSION}|{config}".encode())
    for p in _sources(corpus_dir):
        st = p.stat()
        h.update(f"{p.relative_to(corpus_dir)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _read_text(p: Path) -> str:
    try:
        if p.suffix == ".xz":
            with lzma.open(p, "rt", encoding="utf-8") as f:
                return f.read()
        return p.read_text(encoding="utf-8")
    except (OSError, lzma.LZMAError, UnicodeDecodeError) as e:
        raise InputFileError(
            f"cannot read corpus source: {e}", path=str(p), remedy="fix or remove the file"
        ) from e


def _iter_chunks(corpus_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(kind, source, text) for every source: kind is 'text' (running text) or 'words' (a word
    list), source the top-level folder it is in."""
    for p in _sources(corpus_dir):
        rel = p.relative_to(corpus_dir).parts
        kind = "words" if rel[0] == "wordlists" else "text"
        text = _read_text(p)
        # Document headers are file names, not text.
        text = re.sub(r"(?m)^### .*$", "", text)
        step = 4_000_000
        start = 0
        while start < len(text):
            end = text.find("\n", start + step)
            end = len(text) if end < 0 else end + 1
            yield kind, rel[0], text[start:end]
            start = end


# ----------------------------------------------------------------------------- build


def _two_glued(word: str, syllables: set[str]) -> bool:
    """Two syllables written without their space, which the corpus's typed and OCR'd text
    has ("tạikhoản", "trílây", "tổchức"): no candidate for one word, or a damaged "TRILAY"
    reads "TRÍLÂY" rather than the "TRI LẤY" a split gives. A word of one syllable's shape
    never is one ("nghiêng"), nor a loanword written solid, whose syllables carry no tone
    mark ("Lênin", "đôla", "Kitô": a restorer that split them would change correct text)."""
    if syllable_shaped(word) or split_tone(word)[1] == 0:
        return False
    # (``syllables`` are syllable-shaped: each half has its vowel.)
    return glued_cut(word, syllables) is not None


def _tokenize_chunk(
    text: str, ids: dict[str, int], raw_counts: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of a chunk of running text, with BOS at each line and sentence start.

    Also a case flag per token: 1 = capitalized inside a sentence ("Nhân dân", "Đảng"), 2 = lower
    case inside a sentence, 0 = sentence start, all capitals, or not a word."""
    out: list[int] = []
    flags: list[int] = []
    for line in text.split("\n"):
        toks = _LM_TOKEN_RE.findall(line)
        if not toks:
            continue
        out.append(BOS)
        flags.append(0)
        for t in toks:
            c = t[0]
            if c.isdigit():
                out.append(NUM)
                flags.append(0)
            elif c in ".!?;:":
                if out[-1] != BOS:
                    out.append(BOS)
                    flags.append(0)
            else:
                lt = t.lower()
                i = ids.get(lt)
                if i is None:
                    i = ids[lt] = len(raw_counts)
                    raw_counts.append(0)
                raw_counts[i] += 1
                if out[-1] == BOS or (len(t) > 1 and t.isupper()):
                    flags.append(0)
                else:
                    flags.append(1 if c.isupper() else 2)
                out.append(i)
    return np.asarray(out, dtype=np.int32), np.asarray(flags, dtype=np.int8)


def build(
    corpus_dir: Path | None = None, config: CorpusConfig | None = None, *, force: bool = False
) -> dict[str, object]:
    """Build (or reuse) ``<corpus_dir>/.build``; returns build statistics."""
    corpus_dir = Path(corpus_dir) if corpus_dir else default_corpus_dir()
    config = config or CorpusConfig()
    if not corpus_dir.is_dir():
        raise MissingDependencyError(
            "corpus directory not found", path=str(corpus_dir), remedy="pass --corpus DIR"
        )
    # Two processes (test workers, parallel `make` jobs) may build the same corpus at once.
    with open(corpus_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(corpus_dir, config, force)


def _build_locked(corpus_dir: Path, config: CorpusConfig, force: bool) -> dict[str, object]:
    from diacritics import lm, spans

    out = build_dir(corpus_dir)
    fp = fingerprint(corpus_dir, config)
    fp_file = out / "fingerprint.json"
    if not force and fp_file.exists():
        try:
            prev = json.loads(fp_file.read_text())
            if prev.get("fingerprint") == fp:
                return {**prev, "cached": True}
        except (OSError, ValueError):
            pass
    t0 = time.perf_counter()
    tmp = corpus_dir / ".build.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)

    # 1. Raw lowercase forms -> ids, token streams.
    raw_ids: dict[str, int] = {m: i for i, m in enumerate(MARKERS)}
    raw_counts: list[int] = [0, 0, 0]
    streams: list[np.ndarray] = []
    flag_parts: list[np.ndarray] = []
    plans: list[int] = []  # the chunks in the register of the plans (CorpusConfig.register_weight)
    listed: set[str] = set()
    symbols: dict[str, int] = {}
    lines = LineCounts()
    passages: list[str] = []  # the user's own documents (formulas.Passages)
    for kind, source, text in _iter_chunks(corpus_dir):
        if kind == "words":
            for w in text.split():
                listed.add(w.lower())
            continue
        for m in _SYMBOL_RE.findall(text):
            if len(m) >= SYMBOL_MIN_LENGTH:
                symbols[m] = symbols.get(m, 0) + 1
        lines.add(text)
        if source == "user":
            passages.append(normalize_text(text))
        ids_part, flags_part = _tokenize_chunk(text, raw_ids, raw_counts)
        if source in config.register_sources:
            plans.append(len(streams))
        streams.append(ids_part)
        flag_parts.append(flags_part)
    raw_once = np.concatenate(streams) if streams else np.zeros(0, np.int32)
    # The plans' text counted again (after the rest: no n-gram crosses a chunk's start), at
    # most as many times as keeps it below the rest of the corpus in size: a user who adds a
    # large archive of plans needs no weighting, and the build stays at most twice as big.
    in_plans = sum(len(streams[k]) for k in plans)
    times = max(config.register_weight, 1)
    if in_plans:
        times = max(1, min(times, (len(raw_once) - in_plans) // in_plans))
    if times > 1 and plans:
        once = [streams[k] for k in plans]
        extra = (times - 1) * np.bincount(np.concatenate(once), minlength=len(raw_counts))
        for i in np.flatnonzero(extra).tolist():
            raw_counts[i] += int(extra[i])
        streams += once * (times - 1)
        flag_parts += [flag_parts[k] for k in plans] * (times - 1)
    raw_stream = np.concatenate(streams) if streams else np.zeros(0, np.int32)
    case_flags = np.concatenate(flag_parts) if flag_parts else np.zeros(0, np.int8)
    del streams, flag_parts

    # 2. Normalize each distinct form once (NFC, old tone placement), merge duplicates.
    raw_forms = [""] * len(raw_ids)
    for f, i in raw_ids.items():
        raw_forms[i] = f
    norm_forms = [normalize_text(f) if i >= 3 else f for i, f in enumerate(raw_forms)]
    counts_raw = np.asarray(raw_counts, dtype=np.int64)
    # Vocabulary: markers, then words with count >= min_lm_count, sorted for determinism.
    merged: dict[str, int] = {}
    for f, c in zip(norm_forms[3:], raw_counts[3:], strict=True):
        merged[f] = merged.get(f, 0) + c
    words = sorted(w for w, c in merged.items() if c >= config.min_lm_count)
    vocab = list(MARKERS) + words
    vid = {w: i for i, w in enumerate(vocab)}
    remap = np.asarray(
        [i if i < 3 else vid.get(norm_forms[i], UNK) for i in range(len(norm_forms))],
        dtype=np.int32,
    )
    stream = remap[raw_stream] if len(raw_stream) else raw_stream
    del raw_stream, counts_raw
    counts = np.bincount(stream, minlength=len(vocab)).astype(np.int64)
    # How often each word is capitalized inside a sentence: names and terms ("Nhân dân").
    cap = np.bincount(stream[case_flags == 1], minlength=len(vocab))
    low = np.bincount(stream[case_flags == 2], minlength=len(vocab))
    np.save(tmp / "case_counts.npy", np.stack([cap, low]).astype(np.int64))
    _save_case_pairs(stream, case_flags, cap, low, len(vocab), tmp)
    (tmp / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    np.save(tmp / "counts.npy", counts)

    # 3. Candidate inventory: listed syllables plus frequent corpus words.
    listed_norm = {normalize_text(w) for w in listed if re.fullmatch(r"[^\W\d_]+", w)}
    lex: dict[str, int] = {}
    for w in listed_norm:
        lex[w] = merged.get(w, 0)
    for w, c in merged.items():
        if c >= config.min_lexicon_count:
            lex[w] = c
    halves = {w for w in listed_norm if syllable_shaped(w)}
    for w in [w for w in lex if _two_glued(w, halves)]:
        del lex[w]
    with open(tmp / "lexicon.tsv", "w", encoding="utf-8") as out_f:
        out_f.write(
            "# syllable inventory for candidate generation; built by `plans corpus build`\n"
        )
        for w in sorted(lex):
            out_f.write(f"{w}\t{lex[w]}\n")

    # 4. Place names of the gazetteer, by their accent-free form.
    _write_names(corpus_dir, tmp / "names.tsv")
    with open(tmp / "symbols.tsv", "w", encoding="utf-8") as out_f:
        out_f.write(
            "# symbol parts in capitals the corpus writes, with counts; `plans corpus build`\n"
        )
        spelled: dict[str, int] = {}  # (one line per spelling: NFC, old tone placement)
        for w, n in symbols.items():
            key = normalize_text(w)
            spelled[key] = spelled.get(key, 0) + n
        for w in sorted(spelled):
            if spelled[w] >= 2:
                out_f.write(f"{w}\t{spelled[w]}\n")

    # 5. The short lines the corpus repeats (formulas.py).
    n_lines = lines.write(tmp / "lines.tsv", normalize_text)
    write_atomic(
        tmp / "passages.txt", "".join(t if t.endswith("\n") else t + "\n" for t in passages)
    )
    del lines

    # 6. Language model and span index.
    lm_stats = lm.build_kn(stream, len(vocab), config.discount, tmp)
    keys = [strip_marks(w) for w in vocab]
    # A passage is found once in the span index, however often its source counts.
    spans.build_index(remap[raw_once] if len(raw_once) else raw_once, keys, config.span_n, tmp)

    seconds = time.perf_counter() - t0
    stats: dict[str, object] = {
        "fingerprint": fp,
        "version": BUILD_VERSION,
        "tokens": int(len(stream)),
        "vocab": len(vocab),
        "lexicon": len(lex),
        "formula_lines": n_lines,
        **lm_stats,
        "build_seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    (tmp / "fingerprint.json").write_text(json.dumps(stats, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return {**stats, "cached": False}


def _save_case_pairs(
    stream: np.ndarray, flags: np.ndarray, cap: np.ndarray, low: np.ndarray, v: int, out: Path
) -> None:
    """How often a word that the corpus writes both ways is capitalized inside a sentence, by
    the word after it and by the word before it: "công" is "Công" before "an", "công" before
    "tác". Pairs seen at least twice, as sorted keys (word * V + other word) with their
    (capitalized, lower case) counts: ``case_next_*.npy`` and ``case_prev_*.npy``."""
    both = (cap > 0) & (low > 0)
    vv = np.int64(v)
    s = stream.astype(np.int64)
    for name, here, other in (
        ("next", slice(0, -1), slice(1, None)),
        ("prev", slice(1, None), slice(0, -1)),
    ):
        w, o, f = s[here], s[other], flags[here]
        keep = ((f == 1) | (f == 2)) & both[w] & (o >= len(MARKERS))
        keys = w[keep] * vv + o[keep]
        uniq, inv = np.unique(keys, return_inverse=True)
        lower = (f[keep] == 2).astype(np.int64)
        counts = np.bincount(inv * 2 + lower, minlength=2 * len(uniq)).reshape(-1, 2)
        seen = counts.sum(axis=1) >= 2
        np.save(out / f"case_{name}_keys.npy", uniq[seen])
        np.save(out / f"case_{name}_counts.npy", counts[seen].astype(np.int32))


# The administrative unit types the gazetteer's names begin with.
UNIT_TYPES = ("Xã", "Phường", "Thị trấn", "Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh", "Đặc khu")
_UNIT_RE = re.compile(r"^(" + "|".join(UNIT_TYPES) + r")\s+(.+)$", re.IGNORECASE)


def _write_names(corpus_dir: Path, out: Path) -> None:
    """Place names (two syllables or more) of the gazetteer: accent-free key -> spelling, and
    the last words of the unit types named so ("phường" for "Bắc Cam Ranh", "xã,phường" for a
    name that is both a commune and a ward somewhere).

    A key spelled two ways ("Hòa An" / "Hóa An") keeps its spelling only when at least three
    quarters of the units with that key spell it so."""
    spell: dict[str, dict[str, int]] = {}
    units: dict[str, set[str]] = {}
    for p in sorted(corpus_dir.glob("gazetteer*/*.txt")):
        for line in _read_text(p).splitlines():
            for part in line.split(","):
                m = _UNIT_RE.match(part.strip())
                if not m:
                    continue
                name = normalize_text(m.group(2).strip())
                words = name.split()
                if len(words) < 2 or not all(w.isalpha() for w in words):
                    continue
                key = strip_marks(name).lower()
                forms = spell.setdefault(key, {})
                forms[name] = forms.get(name, 0) + 1
                units.setdefault(key, set()).add(normalize_text(m.group(1).split()[-1].lower()))
    with open(out, "w", encoding="utf-8") as f:
        f.write(
            "# place names of the gazetteer: accent-free key, spelling, unit words;"
            " `plans corpus build`\n"
        )
        for key in sorted(spell):
            forms = spell[key]
            best = max(sorted(forms), key=lambda n: forms[n])
            if forms[best] >= 0.75 * sum(forms.values()):
                f.write(f"{key}\t{best}\t{','.join(sorted(units[key]))}\n")


def ensure_built(corpus_dir: Path) -> Path:
    """The build folder of ``corpus_dir``; raises MissingDependencyError when it is not built,
    or was built by an older version of this code (its files would not be all there: a
    traceback at the first restoration instead of this one line)."""
    out = build_dir(corpus_dir)
    fp_file = out / "fingerprint.json"
    if not fp_file.exists():
        raise MissingDependencyError(
            "the corpus is not built",
            path=str(corpus_dir),
            remedy="run `plans corpus build`",
        )
    try:
        version = json.loads(fp_file.read_text()).get("version")
    except (OSError, ValueError):
        version = None
    if version != BUILD_VERSION:
        raise MissingDependencyError(
            f"the corpus was built by an older version (build {version or 'before 14'}, "
            f"this code reads build {BUILD_VERSION})",
            path=str(corpus_dir),
            remedy="run `plans corpus build`",
        )
    return out


def add_documents(files: list[Path], corpus_dir: Path | None = None) -> list[Path]:
    """Copy clean UTF-8 user documents into ``<corpus>/user/`` (see :func:`add_texts`).
    (``plans corpus add`` reads Word, RTF and PDF text layers too: pipeline.ingest.clean_text.)"""
    docs = []
    for f in files:
        try:
            docs.append((Path(f).stem, Path(f).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as e:
            raise InputFileError(
                f"cannot read: {e}", path=str(f), remedy="give a UTF-8 plain-text file"
            ) from e
        if not docs[-1][1].strip():
            raise InputFileError("empty document", path=str(f), remedy="give a non-empty file")
    return add_texts(docs, corpus_dir)


def add_texts(docs: list[tuple[str, str]], corpus_dir: Path | None = None) -> list[Path]:
    """Write clean user documents, (name, text) pairs, into ``<corpus>/user/<name>.txt`` (NFC,
    old tone placement), each atomically; a name given twice gets a number ("plan-2.txt").
    A later ``build`` takes them in."""
    corpus_dir = Path(corpus_dir) if corpus_dir else default_corpus_dir()
    dest = corpus_dir / "user"
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in docs:
        target = dest / f"{name}.txt"
        k = 1
        while target in written:
            k += 1
            target = dest / f"{name}-{k}.txt"
        write_atomic(target, normalize_text(text))
        written.append(target)
    return written
