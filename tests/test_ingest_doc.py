"""Old Word documents (.doc, Word 97-2003), made here (tests/wordbin.py): the piece table's
8-bit and UTF-16 pieces, Word's marks and fields, legacy fonts, and files that are no
readable .doc."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import VI_LINES, render_page, two_page_scans
from test_ingest_docx import PLAN
from wordbin import make_cfb, make_doc, word6_streams, word_streams

from pipeline.cli import cli
from pipeline.errors import EncryptedError, ExitCode, InputFileError, NotVietnameseError
from pipeline.ingest import SUPPORTED_SUFFIXES, ingest
from pipeline.records import Method
from pipeline.textfile import encode_tcvn3, encode_vni


def test_pieces_paragraphs_cells_and_fields_become_lines(tmp_path: Path) -> None:
    path = make_doc(
        tmp_path / "plan.doc",
        [
            (PLAN[0] + "\r" + PLAN[1] + "\r", False),  # UTF-16 piece
            ("Ha Noi, ngay 15 thang 3 nam 2024\x0b(ban hanh kem theo)\r", True),  # 8-bit piece
            (PLAN[2] + "\r", False),
            # A table row of two cells, a field's code hidden and its result kept, a nested
            # field inside a code, a page break, a picture anchor and an optional hyphen.
            ("Nơi nhận:\x07TM. ỦY BAN NHÂN DÂN\x07\x07", False),
            ("Trang \x13 PAGE \x143\x15 / \x13 IF \x13 NUMPAGES \x145\x15 \x14năm\x15\x0c", False),
            ("Chủ\x01 tịch Nguyễn Văn An\x1f\x1e2024\r", False),
        ],
        tail="Chú thích ở cuối trang\r",  # a footnote: after the main text, not read
    )
    doc = ingest(path)
    assert doc.kind == "doc" and ".doc" in SUPPORTED_SUFFIXES
    (page,) = doc.pages
    assert page.method is Method.TEXT_FILE and page.warnings == ()
    assert page.text.split("\n") == [
        PLAN[0],
        PLAN[1],
        "Ha Noi, ngay 15 thang 3 nam 2024",
        "(ban hanh kem theo)",
        PLAN[2],
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "Trang 3 / năm",
        "Chủ tịch Nguyễn Văn An-2024",
    ]


@pytest.mark.parametrize(
    ("encode", "name"), [(encode_tcvn3, "TCVN3"), (encode_vni, "VNI")], ids=["tcvn3", "vni"]
)
def test_text_in_a_legacy_font_is_decoded_as_a_whole(tmp_path: Path, encode, name) -> None:
    # Word stores a .VnTime (TCVN3) or VNI-Times run as the Western letters of its bytes,
    # 8-bit where Windows-1252 has them all, UTF-16 where not.
    lines = [line.lower() for line in PLAN]
    legacy = [encode(line).decode("cp1252", "replace") for line in lines]
    assert "\ufffd" not in "".join(legacy)
    pieces = [(legacy[0] + "\r", False), *((line + "\r", True) for line in legacy[1:])]
    (page,) = ingest(make_doc(tmp_path / f"{name}.doc", pieces)).pages
    assert page.text.split("\n") == lines
    assert page.warnings == (f"text in a {name} font, decoded",)


def test_a_unicode_letterhead_over_a_legacy_font_body_keeps_both(tmp_path: Path) -> None:
    head = ["ỦY BAN NHÂN DÂN TỈNH HÀ NAM", "Hà Nam, ngày 15 tháng 3 năm 2024"]
    body = [line.lower() for line in PLAN]
    legacy = "\r".join(encode_tcvn3(line).decode("cp1252") for line in body)
    path = make_doc(tmp_path / "mixed.doc", [("\r".join(head) + "\r", False), (legacy, True)])
    (page,) = ingest(path).pages
    assert page.text.split("\n") == head + body


def test_files_that_are_no_readable_doc_fail_with_one_line(tmp_path: Path) -> None:
    body = [(line + "\r", False) for line in PLAN]
    good = make_doc(tmp_path / "good.doc", body)
    cases: list[tuple[str, Path, type[Exception], str]] = [
        (
            "cut",
            tmp_path / "cut.doc",
            InputFileError,
            "corrupt or truncated Office document",
        ),
        (
            "password",
            make_doc(tmp_path / "password.doc", body, flags=0x0100),
            EncryptedError,
            "password-protected Word document",
        ),
        (
            "protected docx",
            make_cfb(tmp_path / "protected.docx", {"EncryptedPackage": b"\1" * 5000}),
            EncryptedError,
            "password-protected Office document",
        ),
        (
            "word 2",
            make_doc(tmp_path / "w2.doc", body, nfib=0x002D),
            InputFileError,
            "a Word for Windows 2.0 (or older) document",
        ),
        (
            "excel",
            make_cfb(tmp_path / "sheet.xls", {"Workbook": b"\0" * 5000}),
            InputFileError,
            "an old Office document that is not Word",
        ),
        (
            "no table stream",
            make_cfb(
                tmp_path / "notable.doc", {"WordDocument": word_streams(body)["WordDocument"]}
            ),
            InputFileError,
            "its 1Table stream is missing",
        ),
    ]
    (tmp_path / "cut.doc").write_bytes(good.read_bytes()[:1500])
    # A sector size of 2^200 (olefile would try to allocate it: a MemoryError, found by fuzzing).
    shifted = bytearray(good.read_bytes())
    shifted[0x1E:0x20] = (200).to_bytes(2, "little")
    (tmp_path / "shift.doc").write_bytes(bytes(shifted))
    cases.append(("shift", tmp_path / "shift.doc", InputFileError, "impossible sizes"))
    streams = word_streams(body)
    word = bytearray(streams["WordDocument"])
    word[0x9A + 33 * 8 + 4 : 0x9A + 33 * 8 + 8] = (10**6).to_bytes(4, "little")  # lcbClx
    streams["WordDocument"] = bytes(word)
    cases.append(
        ("long table", make_cfb(tmp_path / "long.doc", streams), InputFileError, "corrupt Word")
    )
    streams = word_streams(body)
    table = bytearray(streams["1Table"])
    at = 5 + 4 * (len(body) + 1) + 2  # the first piece's offset in WordDocument
    table[at : at + 4] = (1 << 20).to_bytes(4, "little")  # beyond the stream's end
    streams["1Table"] = bytes(table)
    cases.append(
        ("piece outside", make_cfb(tmp_path / "out.doc", streams), InputFileError, "corrupt Word")
    )
    streams = word_streams(body)  # the last piece made ten million characters long
    table = bytearray(streams["1Table"])
    table[5 + 4 * len(body) : 5 + 4 * (len(body) + 1)] = (10**7).to_bytes(4, "little")
    word = bytearray(streams["WordDocument"])
    word[0x4C:0x50] = (10**7).to_bytes(4, "little")  # ccpText
    streams.update({"1Table": bytes(table), "WordDocument": bytes(word)})
    cases.append(("bomb", make_cfb(tmp_path / "bomb.doc", streams), InputFileError, "claim more"))
    for label, path, error, message in cases:
        with pytest.raises(error) as e:
            ingest(path)
        assert message in str(e.value), label
        assert str(path) in e.value.one_line() and "\n" not in e.value.one_line(), label
    english = make_doc(
        tmp_path / "en.doc",
        [("The committee will meet on Monday to discuss the annual plan and budget.\r", True)],
    )
    with pytest.raises(NotVietnameseError):
        ingest(english)
    with pytest.raises(InputFileError, match="no text"):
        ingest(make_doc(tmp_path / "blank.doc", [("\r\x01\r", False)]))


@pytest.mark.parametrize("nfib", [0x0065, 0x0068], ids=["word6", "word95"])
def test_word_6_and_95_documents_are_read(tmp_path: Path, nfib: int) -> None:
    # The 1990s format: 8-bit text from fcMin, or fast-saved in pieces (stored out of order
    # here) with the piece table in the WordDocument stream; text in TCVN3 decoded.
    text = "\r".join(encode_tcvn3(line.lower()).decode("cp1252") for line in PLAN) + "\r"
    for name, pieces in (("simple", None), ("fast-saved", [7, 40, len(text) - 47])):
        path = make_cfb(tmp_path / f"{name}.doc", word6_streams(text, pieces, nfib=nfib))
        (page,) = ingest(path).pages
        assert page.text.split("\n") == [line.lower() for line in PLAN], name
        assert page.warnings == ("text in a TCVN3 font, decoded",)


@pytest.mark.slow
def test_scans_pasted_into_a_doc_are_ocrd_in_order(tmp_path: Path) -> None:
    # Word keeps pictures in the Data stream, each behind a header of its own: a JPEG (with a
    # thumbnail inside its EXIF segment, which is no page) and a PNG, OCR'd by the real
    # Tesseract in the order they are stored.
    pages = two_page_scans(("JPEG", "PNG"))
    thumb = io.BytesIO()
    render_page(VI_LINES[:1]).resize((80, 20)).save(thumb, format="JPEG")
    exif = b"\xff\xe1" + (len(thumb.getvalue()) + 2).to_bytes(2, "big") + thumb.getvalue()
    jpeg = pages[0][:2] + exif + pages[0][2:]
    streams = word_streams([("\x01\r\x01\r", False)])  # two picture anchors, no letters
    streams["Data"] = bytes(68) + jpeg + bytes(100) + pages[1] + bytes(50)
    doc = ingest(make_cfb(tmp_path / "scan.doc", streams))
    assert doc.kind == "doc" and [p.method for p in doc.pages] == [Method.OCR, Method.OCR]
    assert "Ủy ban nhân dân tỉnh" in doc.pages[0].text
    assert "Đẩy mạnh phong trào thi đua" in doc.pages[1].text
    assert "OCR: a scan inside a Word document" in doc.pages[0].warnings


def test_a_batch_reads_doc_files_and_records_the_broken_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    make_doc(src / "plan.doc", [(line + "\r", False) for line in PLAN])
    make_doc(src / "locked.doc", [(PLAN[0] + "\r", False)], flags=0x0100)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(src), "-o", str(out), "--restore", "never"])
    assert result.exit_code == ExitCode.SOME_FILES_FAILED, result.output
    (error,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert error["file"].endswith("locked.doc") and error["error"] == "EncryptedError"
    assert error["message"] == "password-protected Word document"
    text = (out / "text" / "plan.txt").read_text()
    assert text.split("\n")[:3] == PLAN
