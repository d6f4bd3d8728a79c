"""RTF documents, written here the way Word writes them: font table, skipped destinations,
characters as ASCII, \\'hh bytes in the font's code page and \\uN with a fallback, legacy
fonts, tables and fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import two_page_scans
from test_ingest_docx import PLAN

from pipeline import rtffile
from pipeline.errors import InputFileError, NotVietnameseError
from pipeline.ingest import SUPPORTED_SUFFIXES, ingest
from pipeline.records import Method
from pipeline.rtffile import rtf_to_text
from pipeline.textfile import encode_tcvn3, encode_vni

# Word's header: fonts with nested {\*\panose} and {\*\falt} groups, a Vietnamese code page
# font (\fcharset163), TCVN3 and VNI fonts named as Word names them; then tables that are
# no text.
HEADER = (
    r"{\rtf1\adeflang1025\ansi\ansicpg1252\uc1\adeff0\deff0{\fonttbl"
    r"{\f0\fbidi \froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}"
    r"{\f1\fbidi \fswiss\fcharset0\fprq2{\*\panose 020b0604020202020204}.VnTime"
    r"{\*\falt Times New Roman};}"
    r"{\f2\fnil\fcharset0 VNI-Times;}"
    r"{\f3\froman\fcharset163\fprq2 Times New Roman (Vietnamese);}}" + "\r\n"
    r"{\colortbl;\red0\green0\blue0;}{\stylesheet{\ql \fs24 \snext0 Normal;}}"
    r"{\*\generator Microsoft Word 11.0.5604;}{\info{\title K\'ea ho\'b9ch}{\author An}}"
    r"{\*\rsidtbl \rsid1\rsid2}" + "\r\n"
)


def _escaped(data: bytes) -> str:
    """Bytes as RTF writes them: ASCII as is, the others as \\'hh."""
    return "".join(chr(b) if 32 <= b < 127 and b not in b"\\{}" else f"\\'{b:02x}" for b in data)


def _unicode(text: str) -> str:
    """Text as Word writes it: \\uN (signed 16-bit) with a "?" fallback beyond ASCII."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        for unit in ch.encode("utf-16-le").hex(" ", 2).split():
            n = int.from_bytes(bytes.fromhex(unit), "little")
            out.append(f"\\u{n - 65536 if n > 32767 else n}?")
    return "".join(out)


def _write(path: Path, body: str) -> Path:
    path.write_bytes((HEADER + body + "}").encode("ascii"))
    return path


def test_word_rtf_paragraphs_fonts_cells_and_fields(tmp_path: Path) -> None:
    tcvn3 = _escaped(encode_tcvn3(PLAN[1].lower()))
    vni = _escaped(encode_vni("Mục đích: nâng cao"))
    cp1258 = _escaped(b"U\xd2y ban nh\xe2n d\xe2n")  # Windows-1258: tones as combining marks
    body = (
        r"{\header \pard Trang \chpgn\par}{\footer \pard Footer text\par}"
        r"\pard\plain \ltrpar\ql\f0\fs24 " + _unicode(PLAN[0]) + r"\par" + "\r\n"
        r"{\f1 " + tcvn3 + r"}\par" + "\r\n"
        r"{\f2 " + vni + r"}\line{\f3 " + cp1258 + r"}\par"
        r"{\pict\pngblip\picw10\pich10 89504e470d0a1a0a0000}"
        r"{\field{\*\fldinst { PAGE }}{\fldrslt {\cs15 3}}}\tab xong"
        r"{\footnote \pard Chu thich\par}\par"
        r"\trowd\cellx3000\cellx6000 \pard\intbl N\u417?i nh\u7853?n:\cell TM.\~UBND\cell\row"
        r"\pard {\*\bkmkstart a}Bi\u7875?u t\u432?\u7907?ng \u55357?\u56832?\bin3 {}x\par"
    )
    doc = ingest(_write(tmp_path / "plan.rtf", body))
    assert doc.kind == "rtf" and ".rtf" in SUPPORTED_SUFFIXES
    (page,) = doc.pages
    assert page.method is Method.TEXT_FILE
    assert page.warnings == ("text in TCVN3 fonts, decoded", "text in VNI fonts, decoded")
    assert page.text.split("\n") == [
        PLAN[0],
        PLAN[1].lower(),
        "Mục đích: nâng cao",
        "Ủy ban nhân dân",
        "3\txong",
        "Nơi nhận:",
        "TM.\u00a0UBND",
        "Biểu tượng 😀",
    ]


def test_a_legacy_font_under_another_name_is_decoded_as_a_whole(tmp_path: Path) -> None:
    body = "".join(r"\pard\f0 " + _escaped(encode_tcvn3(line.lower())) + r"\par" for line in PLAN)
    (page,) = ingest(_write(tmp_path / "old.rtf", body)).pages
    assert page.text.split("\n") == [line.lower() for line in PLAN]
    assert page.warnings == ("text in a TCVN3 font, decoded",)


def test_rtf_that_is_no_vietnamese_plan_fails_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = _write(
        tmp_path / "en.rtf",
        r"\pard The committee will meet on Monday to discuss the annual plan and budget.\par",
    )
    with pytest.raises(NotVietnameseError):
        ingest(english)
    with pytest.raises(InputFileError, match="no text") as e:
        ingest(_write(tmp_path / "blank.rtf", r"\pard 2024\par{\pict 0102}\par"))
    assert str(tmp_path / "blank.rtf") in e.value.one_line()
    monkeypatch.setattr(rtffile, "MAX_RTF_BYTES", 100)
    with pytest.raises(InputFileError, match="RTF document too large"):
        ingest(english)


def test_damaged_rtf_reads_what_it_can() -> None:
    # Cut files, stray braces and backslashes: like other readers, take the text there is.
    text, _ = rtf_to_text(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard T\u7893?ng h\'ef}}p\par \u")
    assert text == "Tổng hïp"
    text, _ = rtf_to_text(rb"{\rtf1 a\u-10179?b\u9999999999 c")  # a lone surrogate, a huge \u
    assert text[0] == "a" and text[1] == "\ufffd" and text[2] == "b"


@pytest.mark.slow
def test_scans_pasted_into_an_rtf_document_are_ocrd_in_order(tmp_path: Path) -> None:
    # As Word saves them: the picture in {\*\shppict{\pict ...}} (its properties and id in
    # groups of their own), a metafile copy for old readers in {\nonshppict ...}; the second
    # picture's bytes given raw after \bin.
    pages = two_page_scans(("PNG", "JPEG"))
    hex_png = pages[0].hex()
    body = (
        r"\pard {\*\shppict{\pict{\*\picprop{\sp{\sn shapeType}{\sv 75}}}\picw100\pich100"
        r"\pngblip{\*\blipuid 0123456789abcdef0123456789abcdef}"
        + "\r\n"
        + "\r\n".join(hex_png[k : k + 128] for k in range(0, len(hex_png), 128))
        + r"}}{\nonshppict{\pict\wmetafile8\picw100 010009000003}}\par"
        + r"\pard {\*\shppict{\pict\jpegblip\bin"
        + str(len(pages[1]))
        + " "
    )
    path = tmp_path / "scan.rtf"
    path.write_bytes((HEADER + body).encode("ascii") + pages[1] + rb"}}\par}")
    doc = ingest(path)
    assert doc.kind == "rtf" and [p.method for p in doc.pages] == [Method.OCR, Method.OCR]
    assert "Ủy ban nhân dân tỉnh" in doc.pages[0].text
    assert "Đẩy mạnh phong trào thi đua" in doc.pages[1].text
