"""The committed confusion tables and the synthetic evaluation set: format and sanity."""

from __future__ import annotations

import lzma
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from diacritics.orthography import strip_marks

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "diacritics" / "data"
EVAL = ROOT / "eval" / "synthetic"
WORD = re.compile(r"[^\W\d_]+")


def read_table(name: str, header: str) -> tuple[list[str], list[tuple[str, str, int]]]:
    comments, rows = [], []
    lines = (DATA / name).read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "ends with a newline"
    it = iter(lines[:-1])
    for line in it:
        if not line.startswith("#"):
            assert line == header
            break
        comments.append(line)
    for line in it:
        a, b, n = line.split("\t")
        rows.append((a, b, int(n)))
    return comments, rows


# The token tables of all the Latin engines' pages, and of those that print Latin-1 letters.
@pytest.fixture(scope="module", params=["", "_latin1"])
def tokens(request):
    return read_table(f"confusion_tokens{request.param}.tsv", "ocr\tclean\tcount")


@pytest.fixture(scope="module")
def chars():
    return read_table("confusion_chars.tsv", "clean\tocr\tcount")


@pytest.mark.parametrize(
    "name, header",
    [
        ("confusion_tokens.tsv", "ocr\tclean\tcount"),
        ("confusion_tokens_latin1.tsv", "ocr\tclean\tcount"),
        ("confusion_chars.tsv", "clean\tocr\tcount"),
    ],
)
def test_table_comments_say_where_it_came_from(name, header):
    comments, rows = read_table(name, header)
    text = "\n".join(comments)
    assert "scripts/learn_confusion.py" in text
    assert "tesseract" in text.lower()
    assert re.search(r"pages: \d+", text)
    assert "corpora/phapdien_moj" in text
    assert rows, "no rows"


def test_token_rows_are_well_formed(tokens):
    _, rows = tokens
    assert (DATA / "confusion_tokens.tsv").stat().st_size < 5_000_000
    assert all(n >= 2 for _, _, n in rows), "pruned at count >= 2"
    assert len({(o, c) for o, c, _ in rows}) == len(rows), "duplicate pairs"
    for o, c, _ in rows:
        assert o and c and o == o.strip() and c == c.strip()
        assert "  " not in o and "  " not in c
        assert any(ch.isalpha() for ch in c), c
        assert c.count(" ") <= 1 and o.count(" ") <= 1  # at most a merge of two / a split in two
    identity = sum(n for o, c, n in rows if o == c)
    changed = sum(n for o, c, n in rows if o != c)
    assert identity > 0 and changed > identity, "OCR without Vietnamese gets most words wrong"


def test_tokens_teach_the_damage_the_issue_describes(tokens):
    _, rows = tokens
    by_clean: dict[str, Counter[str]] = {}
    for o, c, n in rows:
        by_clean.setdefault(c, Counter())[o] += n
    for word in ("của", "các", "những", "thức", "Điều"):
        readings = by_clean[word]
        assert readings, word
        # The most frequent reading keeps the letters, or nearly: it is a confusion, not noise.
        top = readings.most_common(1)[0][0]
        assert strip_marks(top).lower()[:1] == strip_marks(word).lower()[:1], (word, top)
        assert top != word, f"{word} was mostly read right: the simulation has no damage"


def test_char_rows_are_well_formed(chars):
    _, rows = chars
    assert all(n >= 2 for *_, n in rows)
    assert len({(c, o) for c, o, _ in rows}) == len(rows)
    for c, o, _ in rows:
        assert len(c) <= 1 and len(o) <= 2 and (c or o)
    seen = {(c, o) for c, o, _ in rows}
    assert ("Đ", "D") in seen and ("ô", "o") in seen and ("a", "a") in seen


def _words_of_corpus(path: Path) -> set[str]:
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return set(WORD.findall(fh.read()))


def _remove_found(suspects: set[str], path: Path) -> None:
    """Remove from ``suspects`` the words that occur in ``path``; stops reading early
    once none is left (the table's words are common, so this is usually soon)."""
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        while suspects:
            chunk = fh.read(1 << 22)
            if not chunk:
                break
            chunk += fh.readline()  # do not cut a word in two
            suspects -= set(WORD.findall(" ".join(set(chunk.split()))))


@pytest.fixture(scope="module")
def font_tokens():
    return read_table("confusion_tokens_font.tsv", "ocr\tclean\tcount")


def test_the_font_table_says_where_it_came_from_and_teaches_dropped_vowels(font_tokens):
    comments, rows = font_tokens
    text = "\n".join(comments)
    assert "learn_confusion_vie.py --simulation font" in text and "Latin-1" in text
    assert "corpora/phapdien_moj" in text and re.search(r"pages: \d+", text)
    assert all(n >= 2 for *_, n in rows) and len({(o, c) for o, c, _ in rows}) == len(rows)
    by_clean: dict[str, Counter[str]] = {}
    for o, c, n in rows:
        by_clean.setdefault(c, Counter())[o] += n
    # The vowels an engine printing Latin-1 only cannot print are dropped whole ("ệ", "ế",
    # "ủ"), while those Latin-1 has ("á", "à", "â") stay.
    assert by_clean["huyện"].most_common(1)[0][0] == "huyn"
    assert by_clean["tiếp"].most_common(1)[0][0] == "tip"
    assert by_clean["của"].most_common(1)[0][0] == "ca"
    assert by_clean["các"].most_common(1)[0][0] == "các"


@pytest.mark.slow
def test_no_clean_word_comes_only_from_held_out_documents(tokens):
    """Sanity: the tables are learned from training sources only, so every word on their
    clean side occurs in those sources; a word found only in the held-out documents would
    mean the held-out set leaked into a table."""
    _assert_no_held_out_only_words(tokens[1])


@pytest.mark.slow
def test_no_clean_word_of_the_font_table_comes_only_from_held_out_documents(font_tokens):
    _assert_no_held_out_only_words(font_tokens[1])


def _assert_no_held_out_only_words(rows: list[tuple[str, str, int]]) -> None:
    table_words = {w for _, c, _ in rows for w in WORD.findall(c)}
    held = _words_of_corpus(ROOT / "corpora" / "heldout" / "admin_luongminh" / "text.txt.xz")
    suspects = table_words & held
    for src in ("phapdien_moj", "viwiki_admin_subset"):
        _remove_found(suspects, ROOT / "corpora" / src / "text.txt.xz")
    assert not suspects, sorted(suspects)[:20]


@pytest.mark.parametrize(
    "folder, simulations",
    [
        (EVAL, {"eng", "fra", "por", "mixed"}),
        (EVAL.with_name("synthetic-font"), {"font"}),
        (EVAL.with_name("synthetic-eng"), {"eng"}),
    ],
)
def test_synthetic_eval_set_is_line_aligned(folder, simulations):
    index = (folder / "INDEX.tsv").read_text(encoding="utf-8").strip().split("\n")
    assert index[0].split("\t")[:4] == ["doc", "pages", "lines", "simulation"]
    assert (folder / "README.md").is_file()
    pages = 0
    for row in index[1:]:
        doc, n_pages, n_lines, sim, *_ = row.split("\t")
        clean = (folder / f"{doc}.clean.txt").read_text(encoding="utf-8").split("\n")
        ocr = (folder / f"{doc}.ocr.txt").read_text(encoding="utf-8").split("\n")
        assert len(clean) == len(ocr) == int(n_lines) + 1, doc  # + the final newline
        assert sim in simulations
        pages += int(n_pages)
        # Line i of ocr is the reading of line i of clean: same letters, marks aside.
        from rapidfuzz.fuzz import ratio

        sims = [
            ratio(strip_marks(c).lower(), strip_marks(o).lower())
            for c, o in zip(clean, ocr, strict=True)
            if c.strip()
        ]
        assert sum(sims) / len(sims) > 70, doc
    assert 20 <= pages <= 60  # the held-out documents, about 30 pages


def _learn_confusion():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "learn_confusion", ROOT / "scripts" / "learn_confusion.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["learn_confusion"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_counting_peels_punctuation_and_keeps_merges_and_identities():
    lc = _learn_confusion()
    page = {
        "simulation": "eng",
        "lines": ["Kế hoạch số 13, của Ủy ban.", "“Dân vận khéo”"],
        "ocr": [["Ké", "hoach", "sé", "13,", "cua", "Uyban."], ["“Dan", "4n", "khéo”"]],
    }
    c = lc.count([page])
    assert c.tokens == Counter(
        {
            ("Ké", "Kế"): 1,
            ("hoach", "hoạch"): 1,
            ("sé", "số"): 1,
            ("cua", "của"): 1,
            ("Uyban", "Ủy ban"): 1,  # a merge: clean side has the space
            ("Dan", "Dân"): 1,
            ("4n", "vận"): 1,
            ("khéo", "khéo"): 1,  # identity kept: P(unchanged)
        }
    )
    assert c.clean_tokens == 9 and c.exact == 1  # "13," has no letter: not a word
    assert c.chars[("ế", "é")] == 1 and c.chars[("ạ", "a")] == 1 and c.chars[("â", "a")] == 1


def test_case_confusion_is_learned_from_the_token_table():
    from diacritics.channel import load_case_confusion

    cc = load_case_confusion()
    # Capitals are read as capitals; small letters whose capital differs only in size
    # (c, k, v, o) are read as capitals more often than ones whose shape differs (d, n, t).
    for x in "cdhntv":
        assert cc.upper_if_upper[x] > 0.95
        assert cc.upper_if_lower[x] < 0.1
    for looks_alike in "ckov":
        for differs in "dnt":
            assert cc.upper_if_lower[looks_alike] > cc.upper_if_lower[differs]


def test_case_confusion_is_the_engines_own():
    from diacritics.channel import load_case_confusion

    eng, latin1, vie = (load_case_confusion(e) for e in ("eng", "latin1", "vie"))
    # Tesseract fra/por print "C" and "K" for "c" and "k" more often than eng; vie (trained
    # on Vietnamese print) hardly ever reads "o" as "O", which eng does one time in seven.
    assert latin1.upper_if_lower["c"] > 1.5 * eng.upper_if_lower["c"]
    assert latin1.upper_if_lower["k"] > eng.upper_if_lower["k"]
    assert vie.upper_if_lower["o"] < 0.05 < eng.upper_if_lower["o"]


def test_tone_prices_are_learned_from_the_token_table():
    from dataclasses import replace

    import numpy as np

    from diacritics.channel import GARBLED, MarkTable, load_tone_table, mark_cost, mark_costs

    table = load_tone_table(GARBLED)
    # Per tone OCR printed, the likeliest source tone costs nothing, every price is finite.
    for row in table:
        assert min(row) == 0.0 and all(0.0 <= v <= 6.0 for v in row)
    none, sac, huyen, hoi, nga, nang = range(6)
    # Tesseract's Latin models print "é" for any tone on an e: an acute is a weaker cue
    # against hỏi and nặng than the hand-set price said (1.5), and no tone at all is more
    # likely lost than invented.
    assert table[sac][sac] == 0.0
    assert table[sac][hoi] < GARBLED.tone_changed and table[sac][nang] < GARBLED.tone_changed
    assert table[none][sac] < table[sac][none]
    # They cannot print "ỏ" or "ọ": those rows keep the hand-set prices.
    assert table[hoi][hoi] == 0.0 and table[hoi][none] == GARBLED.tone_invented
    p = replace(GARBLED, tone_table=table)
    # The one-word, the list and the vectorised prices agree.
    words = ["số", "sổ", "sợ", "so", "sờ", "sỡ", "sở"]
    one = [mark_cost("sé", w, p) for w in words]
    assert mark_costs("sé", words, p) == one
    assert MarkTable(words).costs("sé", np.arange(len(words)), p).tolist() == one


def test_the_vietnamese_models_token_table():
    """Tesseract vie's token table (scripts/learn_confusion_vie.py): well formed, learned from
    the training sources only, and teaching the post-correction what vie gets wrong: most words
    read exactly, some marks of valid syllables dropped or swapped."""
    comments, rows = read_table("confusion_tokens_vie.tsv", "ocr\tclean\tcount")
    text = "\n".join(comments)
    assert "scripts/learn_confusion_vie.py" in text and "corpora/phapdien_moj" in text
    assert all(n >= 2 for _, _, n in rows)
    assert len({(o, c) for o, c, _ in rows}) == len(rows), "duplicate pairs"
    identity = sum(n for o, c, n in rows if o == c)
    changed = [(o, c, n) for o, c, n in rows if o != c]
    assert identity > 10 * sum(n for *_, n in changed), "Tesseract vie reads most words right"
    # Some of its errors are marks on letters it read right.
    assert any(strip_marks(o) == strip_marks(c) and o != c for o, c, _ in changed)


@pytest.mark.parametrize("engine", ["eng", "vie"])
def test_glued_words_keep_their_share_of_a_token(engine):
    """A token OCR glued from two words ("tudo" for "tự do") counts those readings too: its
    one-word readings share only what is left, and the two-word readings are there (for the
    split step), never more than two words."""
    from diacritics.channel import TOKEN_FILES, load_token_counts

    _, rows = read_table(TOKEN_FILES[engine], "ocr\tclean\tcount")
    table, totals = load_token_counts(engine)
    glued = Counter()
    for o, c, n in rows:
        if " " not in o and " " in c:
            glued[o.lower()] += n
    assert glued, "the table has glued tokens"
    for o, n in glued.items():
        if o not in table:
            continue  # (seen once in all)
        one_word = sum(p for w, p in table[o] if " " not in w)
        assert one_word <= 1.0 - n / totals[o] + 1e-9, o
        assert all(w.count(" ") <= 1 for w, _ in table[o])
    assert any(" " in w for readings in table.values() for w, _ in readings)
