"""PDFs made by the tests: text layer, image-only, mixed, garbage layer, encrypted, truncated."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from conftest import VI_LINES, add_seal, font_path, render_page
from fpdf import FPDF
from fpdf.enums import TextMode

from pipeline.errors import EncryptedPDFError, InputFileError
from pipeline.ingest import IngestConfig, ingest
from pipeline.pdf import layer_word_boxes, open_pdf
from pipeline.records import Method
from pipeline.textfile import encode_tcvn3, encode_vni


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("vi", fname=str(font_path()))
    pdf.set_font("vi", size=11)
    pdf.set_auto_page_break(False)
    return pdf


def _text_page(
    pdf: FPDF, lines: list[str], header: str | None = None, number: int | None = None
) -> None:
    pdf.add_page()
    y = 15
    if header:
        pdf.text(15, y, header)
        y += 10
    for s in lines:
        pdf.text(15, y, s)
        y += 7
    if number is not None:
        pdf.text(70, 200, str(number))


def _image_page(pdf: FPDF, tmp: Path, lines: list[str], layer: str | None = None) -> None:
    img = render_page(lines, size_pt=12)
    png = tmp / f"page{pdf.page_no() + 1}.png"
    img.save(png, dpi=(300, 300))
    pdf.add_page()
    w = img.width * 25.4 / 300
    pdf.image(str(png), x=5, y=10, w=w)
    if layer:  # an invisible scanner text layer, as real archives have
        pdf.text_mode = TextMode.INVISIBLE
        pdf.text(10, 20, layer)
        pdf.text_mode = TextMode.FILL


def test_text_layer_pdf_with_running_header(tmp_path: Path) -> None:
    pdf = _pdf()
    for i in range(3):
        _text_page(pdf, VI_LINES[i : i + 2], header="ỦY BAN NHÂN DÂN XÃ MẪU", number=i + 1)
    path = tmp_path / "layer.pdf"
    pdf.output(str(path))
    doc = ingest(path)
    assert doc.kind == "pdf" and len(doc.pages) == 3
    assert all(p.method is Method.TEXT_LAYER for p in doc.pages)
    assert VI_LINES[0] in doc.pages[0].text
    assert all("ỦY BAN NHÂN DÂN XÃ MẪU" not in p.text for p in doc.pages)
    kinds = {r["kind"] for r in doc.metadata["removed_lines"]}
    assert kinds == {"running-header", "page-number"}


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_text_layer_in_a_legacy_vietnamese_font_is_decoded(tmp_path: Path, enc: str) -> None:
    # A plan typed in .VnTime (TCVN3) or a VNI font: the PDF shows each byte's Western glyph,
    # and its text layer reads "kÕ ho¹ch" / "Keá hoaïch". Decoded, it is the exact text: no
    # OCR. (TCVN3's own letters are small ones: its capitals came from a second font.)
    lines = [s.lower() for s in VI_LINES] if enc == "tcvn3" else VI_LINES
    encode = encode_tcvn3 if enc == "tcvn3" else encode_vni
    pdf = _pdf()
    _text_page(pdf, [encode(s).decode("cp1252") for s in lines])
    path = tmp_path / f"{enc}.pdf"
    pdf.output(str(path))
    (page,) = ingest(path).pages
    assert page.method is Method.TEXT_LAYER
    assert page.text.split("\n") == lines
    assert f"text layer in a {enc.upper()} font, decoded" in page.warnings


@pytest.mark.slow
def test_image_only_and_mixed_pdf(tmp_path: Path) -> None:
    pdf = _pdf()
    _text_page(pdf, VI_LINES[:2])
    _image_page(pdf, tmp_path, VI_LINES[2:4])
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    doc = ingest(path)
    p1, p2 = doc.pages
    assert p1.method is Method.TEXT_LAYER
    assert p2.method is Method.OCR and p2.ocr_model == "vie" and p2.confidence
    assert "OCR: no text layer" in p2.warnings
    assert "nhiệm vụ" in p2.text


@pytest.mark.slow
def test_garbage_text_layer_is_reocrd(tmp_path: Path) -> None:
    pdf = _pdf()
    _image_page(
        pdf,
        tmp_path,
        VI_LINES[:2],
        layer="CONG Hcok xA HQI CHiJ NGHiA VIVT NAM SO GIAO DVC vA DA T",
    )
    path = tmp_path / "scanner.pdf"
    pdf.output(str(path))
    (page,) = ingest(path).pages
    assert page.method is Method.OCR
    assert any(w.startswith("OCR: garbled text layer") for w in page.warnings)
    assert "Ủy ban nhân dân" in page.text


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = _pdf()
    _text_page(pdf, VI_LINES[:2])
    plain = tmp_path / "plain.pdf"
    pdf.output(str(plain))
    w = pypdf.PdfWriter(clone_from=str(plain))
    w.encrypt(user_password="secret", owner_password="owner")
    enc = tmp_path / "enc.pdf"
    with open(enc, "wb") as f:
        w.write(f)
    with pytest.raises(EncryptedPDFError) as e:
        ingest(enc)
    assert "qpdf --decrypt" in str(e.value)


def test_truncated_pdf(tmp_path: Path) -> None:
    pdf = _pdf()
    for i in range(3):
        _text_page(pdf, VI_LINES[i : i + 2])
    full = pdf.output()
    path = tmp_path / "cut.pdf"
    path.write_bytes(bytes(full[: len(full) // 3]))
    with pytest.raises(InputFileError) as e:
        ingest(path)
    assert "PDF" in str(e.value)


def test_a_scanned_page_fails_where_ocr_is_not_allowed(tmp_path: Path) -> None:
    # (`plans corpus add`: the reference corpus takes born-digital text only.)
    pdf = _pdf()
    _text_page(pdf, VI_LINES[:2])
    _image_page(pdf, tmp_path, VI_LINES[2:4])
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    with pytest.raises(InputFileError, match=r"a scan, not text \(page 2: ") as e:
        ingest(path, IngestConfig(allow_ocr=False))
    assert str(path) in e.value.one_line()


def test_legacy_font_runs_are_decoded_by_the_font_s_name(tmp_path: Path) -> None:
    # A line mixing a Unicode font with ".VnTime" (TCVN3) and "VNI-Times" words: no reading
    # of the line as a whole is right; the fonts' names say which characters are which. (The
    # fonts are DejaVu ones renamed in the file, the new names as long as the old.)
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    pdf = FPDF(format="A4")
    for name, file in (
        ("uni", "DejaVuSans.ttf"),
        ("tcvn3", "DejaVuSerif.ttf"),
        ("vni", "DejaVuSansMono.ttf"),
    ):
        pdf.add_font(name, fname=str(dejavu / file))
    pdf.add_page()
    lines = [
        ("Kế hoạch số 12/KH-UBND", "về thực hiện phong trào thi đua", "dân vận khéo năm 2024"),
        ("Mục đích:", "nâng cao chất lượng công tác", "của chính quyền các cấp"),
    ]
    for y, (uni, tcvn3, vni) in enumerate(lines):
        for x, font, text in (
            (15, "uni", uni),
            (70, "tcvn3", encode_tcvn3(tcvn3)),
            (140, "vni", encode_vni(vni)),
        ):
            pdf.set_font(font, size=11)
            pdf.text(x, 20 + 8 * y, text if isinstance(text, str) else text.decode("cp1252"))
    data = bytes(pdf.output())
    data = data.replace(b"DejaVuSerifBook", b".VnTime-Regular").replace(
        b"DejaVuSansMono", b"VNI-Times-Bold"
    )
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    (page,) = ingest(path).pages
    assert page.method is Method.TEXT_LAYER
    assert page.text.split("\n") == [" ".join(line) for line in lines]
    assert page.warnings == ("text layer in TCVN3 and VNI fonts, decoded",)
    # The review page's boxes: one per word of the decoded text, left to right on a line, the
    # first word of each font run where the PDF put it (x in mm, 1000 px for 210 mm).
    with open_pdf(path) as pdf:
        text, boxes = layer_word_boxes(pdf, 0, 1000)  # type: ignore[misc]
    assert text == page.text
    assert [len(b) for b in boxes] == [len(line.split()) for line in text.split("\n")]
    for line, (uni, tcvn3, _vni) in zip(boxes, lines, strict=True):
        assert [b[0] for b in line] == sorted(b[0] for b in line)
        assert all(b[2] > 0 and b[3] > 0 for b in line)
        starts = {b[0] for b in line}
        for x in (15, 70, 140):
            assert any(abs(s - x * 1000 / 210) <= 2 for s in starts)
        assert len(uni.split()) + len(tcvn3.split()) < len(line)
    # A turned page (/Rotate) has none: its boxes would need turning as well.
    reader = pypdf.PdfReader(path)
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0]).rotate(90)
    turned = tmp_path / "turned.pdf"
    writer.write(turned)
    with open_pdf(turned) as pdf:
        assert layer_word_boxes(pdf, 0, 1000) is None


def test_a_colour_scan_in_a_pdf_has_its_red_seal_left_out(tmp_path: Path) -> None:
    sealed = add_seal(render_page(VI_LINES[:4], size_pt=12), x=0.5, y=0.5, size=0.2)
    png = tmp_path / "sealed.png"
    sealed.save(png, dpi=(300, 300))
    pdf = _pdf()
    pdf.add_page()
    pdf.image(str(png), x=5, y=10, w=sealed.width * 25.4 / 300)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    page = ingest(path).pages[0]
    assert page.method is Method.OCR
    assert "red ink (a seal) left out of the OCR" in page.warnings
    ref = " ".join(VI_LINES[:4]).split()
    got = page.text.split()
    assert sum(w in got for w in ref) >= 0.9 * len(ref)
