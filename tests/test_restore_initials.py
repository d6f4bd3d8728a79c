"""Names a document abbreviates, read as the document reads them elsewhere (diacritics/initials.py)."""

from __future__ import annotations

from dataclasses import replace

from diacritics.api import load_restorer
from diacritics.changes import Source, replay
from diacritics.collocations import context_readings
from diacritics.initials import document_codes, name_repairs, printed_readings
from diacritics.tokens import tokenize

# Invented: a district committee's plan whose font printed one syllable of its name as "4n".
TEXT = (
    "So 12-KH/BTGHU\n"
    "Thuc hien Huong dan so 02-HD/BTGTU cua Ban Tuyen 4n Tinh üy, Ban Tuyen 4n Huyen üy xay\n"
    "dung ke hoach cong tac tuyen 4n nam 2024.\n"
    "1. Ban Tuyen giao Huyen üy: theo doi, don doc.\n"
    "2. Ban Tuyen 4n Huyen üy: tong hop.\n"
)


def test_codes_are_the_abbreviations_of_four_letters_or_more() -> None:
    # A symbol's part, capitals without a vowel, or an abbreviation the corpus knows; not
    # three letters, nor capitals OCR damaged ("HOLNGHI").
    toks = tokenize("Số 12-KH/BTGHU của HĐND và UBND, Ban BTT, BIEN BAN HOLNGHI")
    assert document_codes(toks) == {"btghu", "hdnd"}
    assert document_codes(toks, {"UBND"}) == {"btghu", "hdnd", "ubnd"}


def test_a_run_one_letter_off_takes_the_documents_own_word() -> None:
    words = ["Ban", "Tuyên", "An", "Huyện", "ủy", "và", "Ban", "Tuyên", "giáo", "Huyện", "ủy"]
    text = "BTGHU " + " ".join(words)
    toks = tokenize(text)  # (the code first, then the words)
    reading = ["BTGHU", *words]
    codes = {"btghu"}
    got = name_repairs(toks, reading, lambda i: i == 3, codes)
    assert got == {3: ("giáo", 9)}
    # A sure word is no misreading; nor is a run two letters off.
    assert name_repairs(toks, reading, lambda i: False, codes) == {}
    two_off = ["BTGHU", "Ban", "Tuyên", "An", "Xã", "ủy", "và", *words[6:]]
    assert name_repairs(toks, two_off, lambda i: True, codes) == {}
    # Nor a run whose other words differ: "Ủy ban MTTQ Việt" is one letter from "ubtv", but
    # not the document's "Ủy ban Thường vụ".
    other = ["Ủy", "ban", "An", "Việt", "và", "Ủy", "ban", "Thường", "vụ"]
    toks2 = tokenize(" ".join(other))
    assert name_repairs(toks2, other, lambda i: True, {"ubtv"}) == {}


def test_restore_reads_the_name_as_the_document_does() -> None:
    r0 = load_restorer()
    r = r0.restore(TEXT)
    assert "Ban Tuyên giáo Tỉnh ủy" in r.text and "Ban Tuyên giáo Huyện ủy xây" in r.text
    from_doc = [c for c in r.changes if c.source is Source.DOCUMENT]
    # The two names prove what the printed "4n" is: its third occurrence, no name, too.
    assert "công tác tuyên giáo năm 2024" in r.text
    assert [(c.line, c.before, c.after) for c in from_doc] == [
        (2, "4n", "giáo"),
        (2, "4n", "giáo"),
        (3, "4n", "giáo"),
        (5, "4n", "giáo"),
    ]
    # As sure as the reading of "giáo" they were taken from; the decoder's guess ("án", 0.74:
    # under _NAME_UNSURE) is the alternative.
    assert all(0.6 <= c.confidence <= 1 and c.alternatives == ("án",) for c in from_doc)
    assert replay(TEXT, r.changes) == r.text
    assert r0.restore(r.text).text == r.text  # (restoring twice is restoring once)
    off = r0.with_config(replace(r0.config, abbreviated_names=False)).restore(TEXT)
    assert "Ban Tuyên giáo Tỉnh ủy" not in off.text


def test_a_printed_token_the_names_prove_is_read_so_elsewhere() -> None:
    toks = tokenize("4n a 4n b 4n c 4n")
    words = ["vận", "a", "vận", "b", "án", "c", "ăn"]
    everywhere = lambda i: True  # noqa: E731
    # Two proofs that agree: the unsure readings of the same printed token follow them.
    assert printed_readings(toks, words, [0, 2], everywhere) == {4: ("vận", 0), 6: ("vận", 0)}
    # One proof is not enough; proofs that disagree prove nothing; a sure reading stays.
    assert printed_readings(toks, words, [0], everywhere) == {}
    assert (
        printed_readings(toks, ["vận", "a", "vần", "b", "án", "c", "ăn"], [0, 2], everywhere) == {}
    )
    assert printed_readings(toks, words, [0, 2], lambda i: i != 4) == {6: ("vận", 0)}


def test_a_guess_takes_the_documents_sure_reading_between_the_same_words() -> None:
    text = "a x b. a x b. a x b. a y b. c y d."
    toks = tokenize(text)
    words = [t.text for t in toks]
    sure = {i: 1.0 for i in range(len(toks))}
    y = [i for i, t in enumerate(toks) if t.text == "y"]
    for i in y:
        sure[i] = 0.2  # (two guesses: one between "a" and "b", one elsewhere)

    def found(**kw):
        args = dict(sure=0.9, unsure=0.6, min_count=3, reachable=lambda i, w: True)
        return context_readings(toks, words, sure.__getitem__, **(args | kw))

    # Between "a" and "b" the document reads "x" three times: the guess there becomes "x";
    # the guess between "c" and "d" has no such context.
    assert found() == {y[0]: ("x", 1)}
    assert found(min_count=4) == {}
    assert found(reachable=lambda i, w: False) == {}
    sure[y[0]] = 0.7  # (sure enough: kept)
    assert found() == {}


def test_the_two_words_before_are_a_context_too() -> None:
    text = "a b x c. a b x d. a b x e. a b y f. g b y h."
    toks = tokenize(text)
    words = [t.text for t in toks]
    y = [i for i, t in enumerate(toks) if t.text == "y"]
    sure = {i: 0.2 if i in y else 1.0 for i in range(len(toks))}
    args = dict(sure=0.9, unsure=0.6, min_count=3, reachable=lambda i, w: True)
    # No word after "x" repeats: only the two words before say "x" ("a b" three times).
    assert context_readings(toks, words, sure.__getitem__, **args) == {}
    assert context_readings(toks, words, sure.__getitem__, left=True, **args) == {y[0]: ("x", 2)}
