"""Word documents (.docx), made here: paragraphs and tables, legacy fonts, damaged files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import VI_LINES, render_page, two_page_scans

from pipeline.errors import InputFileError, NotVietnameseError
from pipeline.ingest import SUPPORTED_SUFFIXES, ingest
from pipeline.records import Method
from pipeline.textfile import encode_tcvn3, encode_vni

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Run = tuple[str, str | None]  # text, font (None: the style's)


def _run(text: str, font: str | None) -> str:
    props = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    pieces = []
    for k, part in enumerate(text.split("\t")):
        if k:
            pieces.append("<w:tab/>")
        pieces.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def _para(runs: list[Run]) -> str:
    return "<w:p>" + "".join(_run(t, f) for t, f in runs) + "</w:p>"


def make_docx(path: Path, body: list[list[Run]], table: list[list[str]] | None = None) -> Path:
    """A minimal Word document: the body's paragraphs, then a table of one-paragraph cells."""
    xml = "".join(_para(p) for p in body)
    if table:
        rows = "".join(
            "<w:tr>" + "".join(f"<w:tc>{_para([(c, None)])}</w:tc>" for c in row) + "</w:tr>"
            for row in table
        )
        xml += f"<w:tbl>{rows}</w:tbl>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
            f"{xml}</w:body></w:document>",
        )
    return path


PLAN = [
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
    "Kế hoạch số 12/KH-UBND ngày 15/3/2024 về thực hiện phong trào thi đua Dân vận khéo",
    "1. Mục đích:\tnâng cao chất lượng công tác dân vận của chính quyền các cấp.",
]


def test_paragraphs_and_table_cells_are_lines(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "plan.docx",
        [[(line, "Times New Roman")] for line in PLAN],
        table=[["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"], ["- Như trên;", "CHỦ TỊCH"]],
    )
    doc = ingest(path)
    assert doc.kind == "docx" and ".docx" in SUPPORTED_SUFFIXES
    (page,) = doc.pages
    assert page.method is Method.TEXT_FILE and page.warnings == ()
    assert page.text.split("\n") == [
        *PLAN,
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "- Như trên;",
        "CHỦ TỊCH",
    ]


def test_a_text_box_is_a_line_of_its_own_not_repeated(tmp_path: Path) -> None:
    # A text box's paragraphs sit inside a run of the paragraph that anchors it.
    box = (
        "<w:r><w:pict><w:txbxContent>"
        + _para([("DỰ THẢO", None)])
        + "</w:txbxContent></w:pict></w:r>"
    )
    anchor = "<w:p>" + _run(PLAN[0], None) + box + "</w:p>"
    path = make_docx(tmp_path / "box.docx", [[(PLAN[1], None)]])
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", xml.replace("<w:body>", "<w:body>" + anchor))
    (page,) = ingest(path).pages
    assert page.text.split("\n") == [PLAN[0], "DỰ THẢO", PLAN[1]]


def test_runs_in_legacy_fonts_are_decoded(tmp_path: Path) -> None:
    # ".VnTime" text is TCVN3 (small letters: its capitals came from ".VnTimeH"), "VNI-Times"
    # text is VNI; Word stores the Western letters of their bytes.
    tcvn3 = encode_tcvn3(PLAN[1].lower()).decode("cp1252")
    vni = encode_vni(PLAN[2]).decode("cp1252")
    assert tcvn3.startswith("kÕ ho¹ch") and vni.startswith("1. Muïc ñích")
    path = make_docx(
        tmp_path / "old.docx",
        [[(PLAN[0], "Arial")], [(tcvn3, ".VnTime")], [(vni, "VNI-Times")]],
    )
    (page,) = ingest(path).pages
    assert page.text.split("\n") == [PLAN[0], PLAN[1].lower(), PLAN[2]]
    assert page.warnings == ("text in TCVN3 fonts, decoded", "text in VNI fonts, decoded")


def test_a_legacy_font_from_the_styles_only_is_decoded_as_a_whole(tmp_path: Path) -> None:
    lines = [encode_tcvn3(line.lower()).decode("cp1252") for line in PLAN[1:]]
    path = make_docx(tmp_path / "styled.docx", [[(line, None)] for line in lines])
    (page,) = ingest(path).pages
    assert page.text.split("\n") == [line.lower() for line in PLAN[1:]]
    assert page.warnings == ("text in a TCVN3 font (from its styles), decoded",)


def test_damaged_and_foreign_word_documents_fail_with_one_line(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", [[(line, None)] for line in PLAN])
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[:-60])  # the ZIP's directory cut off
    with pytest.raises(InputFileError) as e:
        ingest(cut)
    assert "corrupt or truncated Word document" in str(e.value) and str(cut) in str(e.value)
    assert "\n" not in e.value.one_line()
    english = make_docx(
        tmp_path / "en.docx",
        [[("The committee will meet on Monday to discuss the annual plan and budget.", None)]],
    )
    with pytest.raises(NotVietnameseError, match="does not look Vietnamese"):
        ingest(english)
    # A member's compressed bytes damaged (zlib or CRC errors), and a body declaring an
    # encoding no codec has: both found by fuzzing, both one-line errors now.
    mangled = tmp_path / "mangled.docx"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + info.compress_size - 10, 7):
        data[k] ^= 0x5A
    mangled.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="corrupt or truncated Word document"):
        ingest(mangled)
    empty = make_docx(tmp_path / "empty.docx", [])
    with pytest.raises(InputFileError, match="no text"):
        ingest(empty)
    for name, body in (
        ("declared", '<?xml version="1.0" encoding="aUTF-8"?><w:document/>'),
        ("broken", "<w:document><w:body><w:p>"),
    ):
        bad = tmp_path / f"{name}.docx"
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("word/document.xml", body)
        with pytest.raises(InputFileError, match="its body is not XML"):
            ingest(bad)


@pytest.mark.slow
def test_scans_pasted_into_a_word_document_are_ocrd_in_order(tmp_path: Path) -> None:
    # A body without text showing two page images: each OCR'd (real Tesseract) as a page, in
    # the order the body shows them, whatever the order of the ZIP's members.
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"
    body = "".join(
        f'<w:p><w:r><w:drawing><a:blip xmlns:a="{drawing}" r:embed="{rid}"/></w:drawing></w:r></w:p>'
        for rid in ("rId7", "rId3")
    )
    path = tmp_path / "scan.docx"
    with zipfile.ZipFile(path, "w") as z:
        for name, lines in (("image2.png", VI_LINES[2:]), ("image1.png", VI_LINES[:2])):
            png = tmp_path / name
            render_page(lines).save(png, dpi=(300, 300))
            z.write(png, f"word/media/{name}")
        z.writestr(
            "word/_rels/document.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId3" Target="media/image2.png"/>'
            '<Relationship Id="rId7" Target="media/image1.png"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}" xmlns:r="{rel}"><w:body>{body}</w:body></w:document>',
        )
    doc = ingest(path)
    assert doc.kind == "docx" and [p.method for p in doc.pages] == [Method.OCR, Method.OCR]
    assert "Ủy ban nhân dân tỉnh" in doc.pages[0].text
    assert "Đẩy mạnh phong trào thi đua" in doc.pages[1].text
    assert "OCR: a scan inside a Word document" in doc.pages[0].warnings


def make_odt(path: Path, body: str) -> Path:
    """A minimal OpenDocument text: the mimetype first, and ``body`` inside office:text."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr(
            "content.xml",
            f"<office:document-content {ns}><office:body><office:text>{body}"
            "</office:text></office:body></office:document-content>",
        )
    return path


def test_opendocument_text_is_read_like_a_word_document(tmp_path: Path) -> None:
    body = (
        f"<text:h>{escape(PLAN[0])}</text:h>"
        f"<text:p><text:span>{escape(PLAN[1][:8])}</text:span><text:s/>{escape(PLAN[1][9:])}"
        "<text:note><text:note-body><text:p>Ghi chú</text:p></text:note-body></text:note>"
        "</text:p>"
        '<text:p>1. Mục đích:<text:tab/>nâng cao<text:s text:c="2"/>chất lượng</text:p>'
        "<table:table><table:table-row><table:table-cell><text:p>Nơi nhận:</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    doc = ingest(make_odt(tmp_path / "plan.odt", body))
    assert doc.kind == "odt" and ".odt" in SUPPORTED_SUFFIXES
    (page,) = doc.pages
    assert page.method is Method.TEXT_FILE
    assert page.text.split("\n") == [
        PLAN[0],
        PLAN[1],
        "Ghi chú",
        "1. Mục đích:\tnâng cao  chất lượng",
        "Nơi nhận:",
    ]
    old = "".join(
        f"<text:p>{escape(encode_tcvn3(line.lower()).decode('cp1252'))}</text:p>"
        for line in PLAN[1:]
    )
    deep = "<text:p>" + "<text:span>" * 5000 + "x" + "</text:span>" * 5000 + "</text:p>"
    with pytest.raises(InputFileError, match="nested too deeply"):
        ingest(make_odt(tmp_path / "deep.odt", deep))
    (page,) = ingest(make_odt(tmp_path / "old.odt", old)).pages
    assert page.text.split("\n") == [line.lower() for line in PLAN[1:]]
    assert page.warnings == ("text in a TCVN3 font (from its styles), decoded",)


@pytest.mark.slow
def test_scans_pasted_into_an_opendocument_text_are_ocrd_in_order(tmp_path: Path) -> None:
    # LibreOffice keeps a pasted picture in the package (Pictures/) and links it from a
    # draw:image in the body; the body's order is the pages' order.
    draw = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
    xlink = "http://www.w3.org/1999/xlink"
    body = "".join(
        f'<text:p><draw:frame xmlns:draw="{draw}"><draw:image xmlns:xlink="{xlink}" '
        f'xlink:href="Pictures/{name}"/></draw:frame></text:p>'
        for name in ("b.png", "a.jpg")
    )
    path = make_odt(tmp_path / "scan.odt", body)
    first, second = two_page_scans(("PNG", "JPEG"))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("Pictures/a.jpg", second)
        z.writestr("Pictures/b.png", first)
    doc = ingest(path)
    assert doc.kind == "odt" and [p.method for p in doc.pages] == [Method.OCR, Method.OCR]
    assert "Ủy ban nhân dân tỉnh" in doc.pages[0].text
    assert "Đẩy mạnh phong trào thi đua" in doc.pages[1].text


def test_a_non_breaking_hyphen_is_a_hyphen(tmp_path: Path) -> None:
    path = tmp_path / "hyphen.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t xml:space="preserve">'
            "Kế hoạch thực hiện phong trào thi đua Dân vận khéo giai đoạn 2021</w:t>"
            "<w:noBreakHyphen/><w:t>2025</w:t></w:r></w:p></w:body></w:document>",
        )
    (page,) = ingest(path).pages
    assert page.text.endswith("giai đoạn 2021-2025")
