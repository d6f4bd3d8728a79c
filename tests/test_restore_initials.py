"""Names a document abbreviates, read as the document reads them elsewhere (diacritics/initials.py)."""

from __future__ import annotations

from dataclasses import replace

from diacritics.api import load_restorer
from diacritics.changes import Source, replay
from diacritics.initials import document_codes, name_repairs
from diacritics.tokens import tokenize

# Invented: a district committee's plan whose font printed one syllable of its name as "4n".
TEXT = (
    "So 12-KH/BTGHU\n"
    "Thuc hien Huong dan so 02-HD/BTGTU cua Ban Tuyen 4n Tinh üy, Ban Tuyen 4n Huyen üy xay\n"
    "dung ke hoach.\n"
    "1. Ban Tuyen giao Huyen üy: theo doi, don doc.\n"
)


def test_codes_are_the_abbreviations_of_four_letters_or_more() -> None:
    toks = tokenize("Số 12-KH/BTGHU của HĐND và UBND, Ban BTT")
    assert document_codes(toks) == {"btghu", "hdnd", "ubnd"}


def test_a_run_one_letter_off_takes_the_documents_own_word() -> None:
    words = ["Ban", "Tuyên", "An", "Huyện", "ủy", "và", "Ban", "Tuyên", "giáo", "Huyện", "ủy"]
    text = "BTGHU " + " ".join(words)
    toks = tokenize(text)  # (the code first, then the words)
    reading = ["BTGHU", *words]
    got = name_repairs(toks, reading, lambda i: i == 3)
    assert got == {3: ("giáo", 9)}
    # A sure word is no misreading; nor is a run two letters off.
    assert name_repairs(toks, reading, lambda i: False) == {}
    two_off = ["BTGHU", "Ban", "Tuyên", "An", "Xã", "ủy", "và", *words[6:]]
    assert name_repairs(toks, two_off, lambda i: True) == {}


def test_restore_reads_the_name_as_the_document_does() -> None:
    r0 = load_restorer()
    r = r0.restore(TEXT)
    assert "Ban Tuyên giáo Tỉnh ủy" in r.text and "Ban Tuyên giáo Huyện ủy xây" in r.text
    from_doc = [c for c in r.changes if c.source is Source.DOCUMENT]
    assert [(c.line, c.before, c.after) for c in from_doc] == [(2, "4n", "giáo"), (2, "4n", "giáo")]
    # As sure as the reading of "giáo" they were taken from; the decoder's guess ("án", 0.74:
    # under _NAME_UNSURE) is the alternative.
    assert all(0.6 <= c.confidence <= 1 and c.alternatives == ("án",) for c in from_doc)
    assert replay(TEXT, r.changes) == r.text
    assert r0.restore(r.text).text == r.text  # (restoring twice is restoring once)
    off = r0.with_config(replace(r0.config, abbreviated_names=False)).restore(TEXT)
    assert "Ban Tuyên giáo Tỉnh ủy" not in off.text
