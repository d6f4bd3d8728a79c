"""Extraction pattern data and the spaCy tokenizer chosen for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.nlp import make_nlp
from pipeline.extract.patterns import (
    PatternFileError,
    load_lexicon,
    load_matcher_patterns,
    load_regexes,
)


def test_tokenizer_splits_punctuation_keeps_numbers_whole():
    toks = [t.text for t in make_nlp()("năm 2024, Số 13-KH/ĐU ngày 26/8/2025 (15/10) 2026-2031")]
    assert toks[:3] == ["năm", "2024", ","]
    assert "13-KH/ĐU" in toks and "26/8/2025" in toks and "15/10" in toks
    assert toks[-3:] == ["2026", "-", "2031"]


def test_tokenizer_does_not_segment_words_and_has_no_english_exceptions():
    toks = [t.text for t in make_nlp()("Ủy ban nhân dân b. a)")]
    assert toks == ["Ủy", "ban", "nhân", "dân", "b", ".", "a", ")"]


def test_nam_is_not_like_num_and_norm_is_folded():
    doc = make_nlp()("năm 05 Đảng ủy")
    assert [t.like_num for t in doc] == [False, True, False, False]
    assert [t.norm_ for t in doc] == ["nam", "05", "dang", "uy"]


def test_shipped_pattern_files_load():
    assert len(load_lexicon()) > 100
    assert {"issued_line", "doc_number", "movement"} <= set(load_regexes())
    labels = {label for label, _, _ in load_matcher_patterns()}
    assert labels == {
        "DATE_DMY",
        "DATE_MY",
        "DATE_DM",
        "DATE_Q",
        "DATE_YEAR_END",
        "QTY",
        "QTY_RANGE",
    }


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    p = tmp_path / "p.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("loader", "rows", "code"),
    [
        (load_lexicon, [{"kind": "unit", "txt": "mô hình"}], "[P002]"),
        (load_lexicon, [{"kind": "units", "text": "mô hình"}], "[P004]"),
        (load_lexicon, [{"kind": "unit"}], "[P003]"),
        (load_regexes, [{"name": "x", "regex": "(unclosed"}], "[P007]"),
        (load_regexes, [{"name": "x", "regx": "a"}], "[P002]"),
        (load_matcher_patterns, [{"label": "QTY", "id": "x", "patern": []}], "[P002]"),
        (
            load_matcher_patterns,
            [{"label": "DATE", "id": "x", "pattern": [{"ORTH": "a"}]}],
            "[P008]",
        ),
        (
            load_matcher_patterns,
            [{"label": "QTY", "id": "x", "pattern": [{"NROM": "a"}]}],
            "[P011]",
        ),
        (
            load_matcher_patterns,
            [{"label": "QTY", "id": "x", "pattern": [{"NORM": {"IN": "@units"}}]}],
            "[P010]",
        ),
    ],
)
def test_malformed_pattern_files_fail_loudly(tmp_path, loader, rows, code):
    with pytest.raises(PatternFileError) as e:
        loader(_write(tmp_path, rows))
    assert code in str(e.value) and "p.jsonl" in str(e.value)


def test_every_data_file_says_where_it_came_from():
    d = Path(__file__).resolve().parents[1] / "pipeline" / "patterns"
    for f in d.glob("*.jsonl"):
        first = json.loads(f.read_text(encoding="utf-8").splitlines()[0])
        assert "source" in first or first.get("kind") == "source", f
