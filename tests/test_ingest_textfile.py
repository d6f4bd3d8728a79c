"""Text files: every encoding the issue names, produced by the tests; junk and non-Vietnamese refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputFileError, NotVietnameseError
from pipeline.ingest import ingest
from pipeline.records import Method
from pipeline.textfile import (
    decode_bytes,
    decode_legacy_font,
    decode_tcvn3,
    decode_vni,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
)

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
VOWELS = "aăâeêioôơuưy"
# Every tone on every vowel, plus đ.
ALL_LETTERS = " ".join(unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES) + " đ"
TEXT = (
    "Kế hoạch triển khai thực hiện phong trào thi đua năm 2024 của Ủy ban nhân dân xã;\n"
    "các cơ quan, đơn vị tổ chức quán triệt, nâng cao nhận thức về công tác dân vận.\n"
)


def test_tables_round_trip_every_tone_on_every_vowel() -> None:
    assert decode_vni(encode_vni(ALL_LETTERS)) == ALL_LETTERS
    assert decode_vni(encode_vni(ALL_LETTERS.upper())) == ALL_LETTERS.upper()
    # TCVN3 has lower-case letters only (upper case came from a separate font).
    assert decode_tcvn3(encode_tcvn3(ALL_LETTERS)) == ALL_LETTERS


def test_vni_files_keep_their_windows_punctuation() -> None:
    # Bytes 0x80-0x9F of a VNI file are the Windows quotes and dashes it was typed with.
    data = b"\x93" + encode_vni("Dân vận khéo") + b"\x94 \x97 " + encode_vni("năm 2024") + b"\x85"
    assert decode_vni(data) == "“Dân vận khéo” — năm 2024…"


def test_known_legacy_codes() -> None:
    # Independent spot checks of both tables (VNI: base letter + mark byte).
    assert decode_vni("Xin chaøo caùc baïn".encode("cp1252")) == "Xin chào các bạn"
    assert decode_tcvn3(b"B\xb6o Th\xbeng") == "Bảo Thắng"


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "cp1258": encode_cp1258,
    "vni": encode_vni,
}


@pytest.mark.parametrize("enc", list(ENCODINGS))
def test_detects_and_decodes(tmp_path: Path, enc: str) -> None:
    p = tmp_path / f"doc-{enc}.txt"
    p.write_bytes(ENCODINGS[enc](TEXT))
    doc = ingest(p)
    assert doc.encoding == enc
    assert doc.pages[0].text == TEXT
    assert doc.pages[0].method is Method.TEXT_FILE
    assert doc.pages[0].garbled < 0.1


def test_detects_tcvn3(tmp_path: Path) -> None:
    p = tmp_path / "abc.txt"
    p.write_bytes(encode_tcvn3(TEXT.lower()))
    doc = ingest(p)
    assert doc.encoding == "tcvn3" and doc.pages[0].text == TEXT.lower()


@pytest.mark.parametrize(
    ("stray", "where"),
    [(b"\xa0", "between two words"), (b"\x96", "between two words"), (b"", "cut inside a letter")],
)
def test_utf8_with_a_stray_byte_stays_utf8(tmp_path: Path, stray: bytes, where: str) -> None:
    # One byte that is not UTF-8 (a Windows editor's no-break space or dash, a copy cut inside
    # a letter) used to send the whole file to the 8-bit decoders: VNI made "Káº¿ hoáº¡ch" of it.
    data = TEXT.encode("utf-8")
    if stray:
        cut = data.index(b" ") + 1  # after the first word
        data = data[:cut] + stray + data[cut:]
    else:
        data = data + "Kế".encode()[:-1]  # the last letter's bytes cut short
    p = tmp_path / "doc.txt"
    p.write_bytes(data)
    doc = ingest(p)
    assert doc.encoding == "utf-8"
    text = doc.pages[0].text
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == (TEXT if stray else TEXT + "K")
    assert any("not valid UTF-8" in w for w in doc.metadata["warnings"]), where


@pytest.mark.parametrize("enc", ["cp1258", "vni", "tcvn3"])
def test_legacy_files_are_not_taken_for_damaged_utf8(enc: str) -> None:
    # Their marked letters are bytes above 127 that UTF-8 almost never accepts: far above the
    # share of invalid sequences that a damaged UTF-8 file may have.
    encode = {"cp1258": encode_cp1258, "vni": encode_vni, "tcvn3": encode_tcvn3}[enc]
    text = TEXT.lower() if enc == "tcvn3" else TEXT
    assert decode_bytes(encode(text)) == (text, enc)


def test_cp1258_decomposes_then_nfc() -> None:
    text, enc = decode_bytes(encode_cp1258(TEXT))
    assert enc == "cp1258" and unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", InputFileError, "empty"),
        (bytes(range(256)) * 8, InputFileError, "binary"),
        (b"\x00\x01\x02junk\x00\xff" * 100, InputFileError, "binary"),
        (
            b"The committee will meet on Monday to discuss the annual plan and its budget.",
            NotVietnameseError,
            "Vietnamese",
        ),
        (
            "这是一份关于年度计划的中文文件，不是越南语文本。".encode(),
            NotVietnameseError,
            "Vietnamese",
        ),
        (b"  \n\t\n\f\v\n" * 20, InputFileError, "only whitespace"),
        (b"1. 2023 - 2024 / 15 %\n" * 5, InputFileError, "no letters"),
    ],
    ids=["zero-byte", "binary-junk", "nul-junk", "english", "chinese", "whitespace", "digits"],
)
def test_bad_text_files(tmp_path: Path, data: bytes, error: type, words: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputFileError) as e:
        ingest(p)
    assert type(e.value) is error
    assert words in str(e.value) and str(p) in str(e.value)
    assert "\n" not in e.value.one_line()


_vi = st.lists(
    st.sampled_from(ALL_LETTERS.split() + ["ngh", "tr", "ch", "kh", "ph", "th", "ng", "nh"]),
    min_size=1,
    max_size=30,
).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(_vi)
def test_vni_round_trip(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text
    assert decode_vni(encode_vni(text.upper())) == text.upper()


@settings(max_examples=100, deadline=None)
@given(_vi)
def test_tcvn3_round_trip(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == text


@pytest.mark.parametrize(("encode", "name"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni")])
def test_legacy_font_decoding_keeps_the_unicode_lines_of_a_mixed_document(encode, name) -> None:
    # A Unicode letterhead over a body pasted from an old file: decoded line by line. "Hà Nam"
    # has only Latin-1 letters, but its decoding ("HỔ Nam" in TCVN3) reads no better.
    head = ["ỦY BAN NHÂN DÂN TỈNH HÀ NAM", "Hà Nam, ngày 15 tháng 3 năm 2024", "Hà Nam"]
    body = [
        "kế hoạch số 12/kh-ubnd về thực hiện phong trào thi đua dân vận khéo",
        "nội dung",
        "1. mục đích: nâng cao chất lượng công tác dân vận của chính quyền các cấp.",
    ]
    legacy = [encode(line).decode("cp1252") for line in body]
    decoded, enc, score = decode_legacy_font("\n".join(head + legacy))
    assert decoded.split("\n") == head + body
    assert enc == name and score < 0.1
