"""Corpus build: deterministic, cached, held-out excluded, user documents added and matched."""

from __future__ import annotations

import json
import lzma
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import cli

from diacritics.api import load_restorer, restore
from diacritics.corpus import CorpusConfig, add_documents, build, build_dir, normalize_text
from diacritics.lm import TrigramLM
from diacritics.orthography import strip_marks
from pipeline.errors import MissingDependencyError

DATA = Path(__file__).parent / "data" / "restore"
REPO = Path(__file__).resolve().parent.parent
TINY = CorpusConfig(min_lm_count=1, min_lexicon_count=1)


def make_tiny_corpus(root: Path) -> Path:
    """A corpus dir like corpora/: one text.txt.xz source, the syllable list, a held-out doc."""
    corpus = root / "corpus"
    (corpus / "tiny").mkdir(parents=True)
    text = "".join(
        line + "\n"
        for line in (DATA / "tiny_corpus.txt").read_text(encoding="utf-8").splitlines()
        if not line.startswith("# ")
    )
    with lzma.open(corpus / "tiny" / "text.txt.xz", "wt", encoding="utf-8") as f:
        f.write(text)
    (corpus / "wordlists").mkdir()
    shutil.copy(
        REPO / "corpora" / "wordlists" / "vinlp_all_vietnamese_syllables.txt", corpus / "wordlists"
    )
    (corpus / "heldout" / "secret").mkdir(parents=True)
    with lzma.open(corpus / "heldout" / "secret" / "text.txt.xz", "wt", encoding="utf-8") as f:
        f.write("### secret.txt\nquỳnh quỳnh quỳnh xyzabc xyzabc\n")
    return corpus


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    corpus = make_tiny_corpus(tmp_path)
    build(corpus, TINY)
    return corpus


def test_build_writes_artifacts_and_excludes_heldout(tiny: Path) -> None:
    out = build_dir(tiny)
    vocab = (out / "vocab.txt").read_text(encoding="utf-8").split("\n")
    assert "nhân" in vocab and "ủy" in vocab
    assert "xyzabc" not in vocab  # only in heldout/
    for name in ("lm_tri_keys.npy", "lm_uni.npy", "span_hash.npy", "lexicon.tsv"):
        assert (out / name).exists()


def test_build_counts_the_symbol_parts_in_capitals(tmp_path: Path) -> None:
    corpus = make_tiny_corpus(tmp_path)
    (corpus / "plans").mkdir()
    text = "Nghị quyết số 101/2025/UBTVQH15 và Nghị định 91/2017/NĐ-CP của MTTQ.\n" * 3
    with lzma.open(corpus / "plans" / "text.txt.xz", "wt", encoding="utf-8") as f:
        f.write(text + "Ủy ban MTTQ tỉnh; NQLT-UBTVQH15-CP; Hà Nội QUẬN1 x\n")
    build(corpus, TINY)
    lines = (build_dir(corpus) / "symbols.tsv").read_text(encoding="utf-8").splitlines()
    counts = dict(line.split("\t") for line in lines[1:])
    # Four characters or more, seen twice or more; words and "NĐ", "CP" (too short) are not.
    assert counts == {"MTTQ": "4", "UBTVQH15": "4"}


def test_words_the_corpus_glued_are_no_candidates(tmp_path: Path) -> None:
    # Typed text glues two syllables ("tạikhoản", "trílây"): frequent enough to join the
    # inventory, they made "taikhoan" a word of its own instead of "tại khoản". Loanwords
    # written solid, whose syllables carry no tone mark ("Lênin", "đôla"), stay.
    corpus = make_tiny_corpus(tmp_path)
    (corpus / "plans").mkdir()
    text = "Căn cứ tạikhoản 2, cử trílây ý kiến; chủ nghĩa Mác - Lênin; 100 đôla.\n" * 3
    with lzma.open(corpus / "plans" / "text.txt.xz", "wt", encoding="utf-8") as f:
        f.write(text)
    build(corpus, TINY)
    lexicon = (build_dir(corpus) / "lexicon.tsv").read_text(encoding="utf-8")
    words = {line.split("\t")[0] for line in lexicon.splitlines()[1:]}
    assert {"tại", "khoản", "lênin", "đôla"} <= words
    assert not {"tạikhoản", "trílây"} & words


def test_build_is_deterministic(tmp_path: Path) -> None:
    a = make_tiny_corpus(tmp_path / "a")
    b = make_tiny_corpus(tmp_path / "b")
    build(a, TINY)
    build(b, TINY)
    for f in sorted(build_dir(a).iterdir()):
        if f.name == "fingerprint.json":
            continue
        assert f.read_bytes() == (build_dir(b) / f.name).read_bytes(), f.name


def test_build_is_cached_and_rebuilt_when_a_source_changes(tiny: Path) -> None:
    assert build(tiny, TINY)["cached"] is True
    (tiny / "user").mkdir()
    (tiny / "user" / "new.txt").write_text("Thông báo mới của Ủy ban.\n", encoding="utf-8")
    stats = build(tiny, TINY)
    assert stats["cached"] is False
    assert "thông" in (build_dir(tiny) / "vocab.txt").read_text(encoding="utf-8")


def test_missing_build_says_how_to_fix(tmp_path: Path) -> None:
    corpus = make_tiny_corpus(tmp_path)
    with pytest.raises(MissingDependencyError) as e:
        load_restorer(corpus)
    assert "plans corpus build" in str(e.value)


def test_a_build_from_an_older_version_says_how_to_fix(tmp_path: Path) -> None:
    corpus = make_tiny_corpus(tmp_path)
    build(corpus, TINY)
    fp_file = build_dir(corpus) / "fingerprint.json"
    stats = json.loads(fp_file.read_text())
    stats["version"] = "1"
    fp_file.write_text(json.dumps(stats))
    with pytest.raises(MissingDependencyError) as e:
        load_restorer(corpus)
    assert "older version" in str(e.value) and "plans corpus build" in str(e.value)


def test_user_document_sentences_come_back_exactly(tiny: Path, tmp_path: Path) -> None:
    parent = (
        "Phấn đấu đến cuối năm có ít nhất ba mô hình dân vận khéo tiêu biểu "
        "được biểu dương, khen thưởng ở cấp huyện.\n"
    )
    f = tmp_path / "parent-plan.txt"
    f.write_text(parent, encoding="utf-8")
    add_documents([f], tiny)
    build(tiny, TINY)
    damaged = strip_marks(parent)
    r = restore(damaged, corpus_dir=tiny)
    assert r.text == parent
    assert any(c.source.value == "corpus" for c in r.changes)


def test_plans_count_register_weight_times_in_the_model_and_once_in_the_span_index(
    tmp_path: Path,
) -> None:
    """The user's plans (register sources) weigh more in the language model's counts; a
    passage is still found once in the span index, and the other sources are as they were."""
    plan = "Ban Dân vận Huyện ủy hướng dẫn xây dựng mô hình dân vận khéo.\n"
    builds = {}
    for weight in (1, 4):
        corpus = make_tiny_corpus(tmp_path / f"w{weight}")
        (corpus / "user").mkdir()
        (corpus / "user" / "plan.txt").write_text(plan, encoding="utf-8")
        build(corpus, CorpusConfig(min_lm_count=1, min_lexicon_count=1, register_weight=weight))
        builds[weight] = build_dir(corpus)
    one, four = builds[1], builds[4]
    vocab = (one / "vocab.txt").read_text(encoding="utf-8").split("\n")
    assert vocab == (four / "vocab.txt").read_text(encoding="utf-8").split("\n")
    c1, c4 = np.load(one / "counts.npy"), np.load(four / "counts.npy")
    khéo, ủy = vocab.index("khéo"), vocab.index("ủy")
    assert c4[khéo] == 4 * c1[khéo]  # (only in the plan)
    assert c1[ủy] < c4[ủy] < 4 * c1[ủy]  # (in the plan and in the other source)
    for name in ("span_tokens.npy", "span_hash.npy", "span_pos.npy"):
        assert np.array_equal(np.load(one / name), np.load(four / name)), name
    lm1 = TrigramLM(one, len(vocab))
    lm4 = TrigramLM(four, len(vocab))
    ids = [vocab.index(w) for w in ("vận", "khéo")]
    assert lm4.bigram_logprob(ids[:1], ids[1:])[0] > lm1.bigram_logprob(ids[:1], ids[1:])[0]


def test_plans_as_big_as_the_rest_are_not_weighted(tmp_path: Path) -> None:
    """A user who adds more plan text than the rest of the corpus holds gets no weighting
    (the build would only grow): the plans then count once, like any source."""
    corpus = make_tiny_corpus(tmp_path)
    rest = sum(
        len(line.split())
        for line in (DATA / "tiny_corpus.txt").read_text(encoding="utf-8").splitlines()
        if not line.startswith("# ")
    )
    plan = "Ban Dân vận Huyện ủy hướng dẫn xây dựng mô hình dân vận khéo.\n"
    (corpus / "user").mkdir()
    (corpus / "user" / "plan.txt").write_text(plan * (rest // 5 + 1), encoding="utf-8")
    build(corpus, CorpusConfig(min_lm_count=1, min_lexicon_count=1, register_weight=10))
    out = build_dir(corpus)
    vocab = (out / "vocab.txt").read_text(encoding="utf-8").split("\n")
    counts = np.load(out / "counts.npy")
    assert counts[vocab.index("khéo")] == rest // 5 + 1


def test_case_is_counted_by_the_neighbouring_word(tmp_path: Path) -> None:
    """A word the corpus writes both ways gets its capitalization counted per neighbour:
    "Công" before "an", "công" before "tác"; the restorer's estimate follows the pair."""
    corpus = make_tiny_corpus(tmp_path)
    (corpus / "user").mkdir()
    lines = ["Lực lượng Công an xã phối hợp.", "Ban chỉ đạo làm công tác dân vận."] * 3
    (corpus / "user" / "plan.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(corpus, CorpusConfig(min_lm_count=1, min_lexicon_count=1, register_weight=1))
    out = build_dir(corpus)
    vocab = (out / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    keys, counts = np.load(out / "case_next_keys.npy"), np.load(out / "case_next_counts.npy")
    v = len(vocab)
    pairs = {(vocab[k // v], vocab[k % v]): tuple(c) for k, c in zip(keys, counts, strict=True)}
    assert pairs[("công", "an")] == (3, 0)
    assert pairs[("công", "tác")][0] == 0 and pairs[("công", "tác")][1] >= 3
    r = load_restorer(corpus)
    công, an, tác = (vocab.index(w) for w in ("công", "an", "tác"))
    assert r._cap_prob(công, 1, an) > 0.5 > r._cap_prob(công, 1, tác)


def test_user_document_recovers_eng_ocr_damage(tiny: Path, tmp_path: Path) -> None:
    """Damage of the Tesseract-eng kind (marks lost or read as é/6/4, Đ as P): still exact."""
    parent = (
        "Phấn đấu đến cuối năm có ít nhất ba mô hình dân vận khéo tiêu biểu\n"
        "Các tổ chức chính trị - xã hội phối hợp với Đảng ủy xã tổ chức thực hiện.\n"
    )
    f = tmp_path / "parent.txt"
    f.write_text(parent, encoding="utf-8")
    add_documents([f], tiny)
    build(tiny, TINY)
    damaged = (
        "Phén déu dén cuéi nim c6 it nhét ba mé hinh dan vén khéo tiéu biéu\n"
        "Cac t6 chirc chinh tri - x4 hoi phéi hgp vdi Pang uy x4 t6 chirc thuc hién.\n"
    )
    r = restore(damaged, corpus_dir=tiny)
    assert r.text == parent
    assert sum(c.source.value == "corpus" for c in r.changes) >= 10


def test_a_passage_spelled_two_ways_gives_the_spelling_most_share(
    tiny: Path, tmp_path: Path
) -> None:
    # The first match in the index (file order) spells "trí"; three later ones "trì".
    (tmp_path / "a-once.txt").write_text(
        "Giao cho cơ quan chủ trí thực hiện kế hoạch.\n", encoding="utf-8"
    )
    (tmp_path / "b-often.txt").write_text(
        "Giao cho cơ quan chủ trì thực hiện kế hoạch.\n" * 3, encoding="utf-8"
    )
    add_documents([tmp_path / "a-once.txt", tmp_path / "b-often.txt"], tiny)
    build(tiny, TINY)
    r = restore("Giao cho co quan chu tri thuc hien ke hoach.", corpus_dir=tiny)
    assert r.text == "Giao cho cơ quan chủ trì thực hiện kế hoạch."
    assert any(c.source.value == "corpus" and c.after == "trì" for c in r.changes)


def test_a_passage_does_not_spell_the_word_at_its_unanchored_edge(
    tiny: Path, tmp_path: Path
) -> None:
    # "cu quy dinh tai Dieu" matches "căn cứ quy định tại Điều" from its second word on: the
    # passage proves "quy định tại Điều", not the mark of "cu", whose left neighbour it lacks.
    f = tmp_path / "law.txt"
    f.write_text(
        "Căn cứ quy định tại Điều 5 của Luật này.\n" * 3 + "Người ứng cử đã nộp hồ sơ.\n",
        encoding="utf-8",
    )
    add_documents([f], tiny)
    build(tiny, TINY)
    r = restore("Nhung nguoi ung cu quy dinh tai Dieu 5 cua Luat nay.", corpus_dir=tiny)
    assert r.text == "Những người ứng cử quy định tại Điều 5 của Luật này."


def test_cli_corpus_add_and_restore(tiny: Path, tmp_path: Path) -> None:
    f = tmp_path / "own.txt"
    f.write_text("Hội nghị sơ kết phong trào được tổ chức tại hội trường thôn.\n", encoding="utf-8")
    r = cli("corpus", "add", "--corpus", str(tiny), str(f))
    assert r.returncode == 0, r.stderr
    assert (tiny / "user" / "own.txt").exists()


def test_cli_corpus_add_reads_born_digital_files_and_refuses_scans_and_garbled_text(
    tiny: Path, tmp_path: Path
) -> None:
    """Parent plans come as Word, RTF or PDF files: their text is added; a scan, OCR output and
    text without marks would teach the restorer wrong spellings and are refused, one line
    each, while the good files are still added."""
    from conftest import font_path, render_page
    from fpdf import FPDF
    from test_ingest_docx import make_docx
    from wordbin import make_doc

    from pipeline.textfile import encode_tcvn3

    parent = "Các tổ chức chính trị - xã hội phối hợp với Đảng ủy xã tổ chức thực hiện kế hoạch."
    src = tmp_path / "in"
    src.mkdir()
    make_docx(src / "word.docx", [[(parent, "Times New Roman")]])
    tcvn3 = encode_tcvn3(parent.lower()).decode("cp1252")
    make_doc(src / "old.doc", [(tcvn3 + "\r", True)])
    (src / "sent.rtf").write_text(
        r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard "
        + "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in parent)
        + r"\par}",
        encoding="ascii",
    )
    pdf = FPDF(format="A4")
    pdf.add_font("vi", fname=str(font_path()))
    pdf.set_font("vi", size=11)
    pdf.add_page()
    pdf.text(15, 20, parent)
    pdf.output(str(src / "layer.pdf"))
    render_page([parent]).save(src / "scan.png")
    (src / "ocr.txt").write_text(
        "Cac t6 chirc chinh tri - x4 hoi phéi hgp vdi Pang uy x4 t6 chirc thuc hién ké hoach.\n"
        * 3,
        encoding="utf-8",
    )
    (src / "stripped.txt").write_text(strip_marks(parent) + "\n", encoding="utf-8")
    with zipfile.ZipFile(src / "more.zip", "w") as z:  # (read like a folder)
        z.writestr("2023/zipped.txt", parent + "\n")
        z.writestr("2023/bad.txt", strip_marks(parent) + "\n")
    # (The folder: its files are collected as `plans run` does.)
    r = cli("corpus", "add", "--corpus", str(tiny), str(src))
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert any(f"{src / 'more.zip'}/2023/bad.txt: the text looks garbled" in e for e in errors)
    assert any("scan.png: a scan, not text (an image)" in e for e in errors)
    assert any("ocr.txt: the text (utf-8) does not look Vietnamese" in e for e in errors)
    assert any("stripped.txt: the text looks garbled" in e for e in errors)
    added = sorted(p.name for p in (tiny / "user").iterdir())
    assert added == ["layer.txt", "old.txt", "sent.txt", "word.txt", "zipped.txt"]
    for name in added:
        text = (tiny / "user" / name).read_text(encoding="utf-8").strip()
        want = parent.lower() if name == "old.txt" else parent  # (TCVN3: small letters only)
        assert text == normalize_text(want), name
    assert "rebuilt:" in r.stderr


def test_build_counts_the_short_lines_the_corpus_repeats(tmp_path: Path) -> None:
    # Lines of 2-12 words without digits, seen three times or more, by their accent-free words,
    # with the spelling most of them have; a list item's number or letter is no part of one.
    corpus = make_tiny_corpus(tmp_path)
    (corpus / "plans").mkdir()
    text = (
        "Độc lập - Tự do - Hạnh phúc\n" * 3
        + "Doc lap - Tu do - Hanh phuc\n"
        + "".join(f"{n}. TỔ CHỨC THỰC HIỆN\n" for n in ("I", "II", "IV"))
        + "Số: 12/KH-UBND ngày tháng\n" * 3
        + "Nơi nhận:\n" * 2
    )
    with lzma.open(corpus / "plans" / "text.txt.xz", "wt", encoding="utf-8") as f:
        f.write(text)
    build(corpus, TINY)
    rows = (build_dir(corpus) / "lines.tsv").read_text(encoding="utf-8").splitlines()[1:]
    table = {r.split("\t")[0]: r.split("\t")[1:] for r in rows}
    assert table["doc lap tu do hanh phuc"] == ["Độc lập Tự do Hạnh phúc", "4"]
    assert table["to chuc thuc hien"] == ["TỔ CHỨC THỰC HIỆN", "3"]
    assert "noi nhan" not in table  # (twice only)
    assert not any(k.startswith("so kh") for k in table)  # (a number in it)


def test_a_line_that_copies_the_users_parent_plan_is_read_from_it(
    tiny: Path, tmp_path: Path
) -> None:
    """A child plan copies its parent's sentence but breaks its lines elsewhere; OCR left no
    five accent-free words in a row of "MFFQ"'s line for the corpus passages to anchor on. The
    line is a window of the parent's words (diacritics/formulas.Passages), read whole."""
    parent = (
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã chủ động đề nghị và thống nhất với cơ quan, "
        "tổ chức\ndanh sách sơ bộ những người ứng cử đại biểu Quốc hội trên địa bàn.\n"
    )
    f = tmp_path / "parent.txt"
    f.write_text(parent, encoding="utf-8")
    add_documents([f], tiny)
    build(tiny, TINY)
    assert "MTTQ Việt Nam" in (build_dir(tiny) / "passages.txt").read_text(encoding="utf-8")
    damaged = "Ban Fhuone truc UV ban MFFQ Viét Nam xaà chu dong dé nghi va thong\nnhat voi co quan"
    r = restore(damaged, corpus_dir=tiny)
    assert (
        r.text.split("\n")[0] == "Ban Thường trực Ủy ban MTTQ Việt Nam xã chủ động đề nghị và thống"
    )
    mttq = next(c for c in r.changes if c.before == "MFFQ")
    assert (mttq.after, mttq.source.value) == ("MTTQ", "corpus")
    r0 = load_restorer(tiny)
    off = r0.with_config(replace(r0.config, passage_min_words=1000)).restore(damaged)
    assert "MFFQ" in off.text
