"""Review pages: the final text with the restored words marked, and the backlog's index."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from conftest import VI_LINES, cli, font_path, phone_size, render_page
from fpdf import FPDF
from PIL import Image

from diacritics.changes import Change, Source, Unresolved
from pipeline.batch import BatchConfig, run_batch
from pipeline.ocr import OcrConfig
from pipeline.records import Document, Method, OcrWord, Page
from pipeline.review_html import review_counts, review_page

GARBLED = (
    "Ké hoach sé 1360/KH-UBND ngay 09/10/2023 cua Uy ban nhan dan huyén vé thuc hién\n"
    "phong trao thi dua <script>alert(1)</script> & Xqzwv trong nam 2024.\n"
)
CFG = BatchConfig(jobs=1, restore="always", extract=False)


def _shown_text(page: str) -> str:
    """What a browser shows of the page's text block: the tags dropped, entities read."""
    body = re.search(r'<div class="text">(.*?)</div>', page, re.S)
    assert body is not None
    return html.unescape(re.sub(r"<[^>]+>", "", body.group(1)))


def test_the_review_page_marks_each_restored_word_over_the_final_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "plan.txt").write_text(GARBLED, encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch([src], out, CFG).done == 1
    page = (out / "review" / "plan.html").read_text(encoding="utf-8")
    final = (out / "text" / "plan.txt").read_text(encoding="utf-8")
    assert _shown_text(page) == final  # the marks add nothing and lose nothing
    # Each change is a mark whose tooltip says what OCR printed; the text's own markup is
    # escaped (no script element in the page).
    marks = re.findall(r'<span class="(ok|check)" title="([^"]*)">([^<]*)</span>', page)
    assert len(marks) >= 15
    assert any(html.unescape(t).startswith("OCR printed: Ké · ") for _, t, w in marks)
    assert "<script" not in page and "&lt;" in page
    assert '<span class="unread"' in page  # "Xqzwv": no word, left as printed


def test_the_index_lists_the_whole_backlog_most_to_check_first(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "garbled.txt").write_text(GARBLED, encoding="utf-8")
    run_batch([src], out, CFG)
    # A later run over another folder: the index keeps the documents of the first.
    other = tmp_path / "other"
    other.mkdir()
    (other / "clean.txt").write_text(
        "Kế hoạch triển khai thực hiện phong trào thi đua năm 2024 của Ủy ban nhân dân xã.\n",
        encoding="utf-8",
    )
    run_batch([other], out, CFG)
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="([^"]+)\.html">', index)
    assert rows == ["garbled", "clean"]
    # The backlog's total, as the manifest counts it.
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    total = sum(d["review"]["flagged"] + d["review"]["unresolved"] for d in docs.values())
    assert f"<p>{total:,} words to check in 1 document(s)" in index
    assert (out / "review" / "clean.html").exists()


def test_a_document_without_its_review_page_is_done_again(tmp_path: Path) -> None:
    # (An output folder from before review pages: its documents get theirs on the next run.)
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "plan.txt").write_text(GARBLED, encoding="utf-8")
    run_batch([src], out, CFG)
    (out / "review" / "plan.html").unlink()
    again = run_batch([src], out, CFG)
    assert (again.done, again.skipped) == (1, 0) and (out / "review" / "plan.html").exists()
    third = run_batch([src], out, CFG)
    assert (third.done, third.skipped) == (0, 1)


def test_words_tesseract_was_unsure_of_are_marked_on_a_scan(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    # A photocopy of 8 pt print at 150 dpi: Tesseract misreads many words and says so in its
    # confidences.
    page = render_page(VI_LINES, size_pt=8, dpi=150, photocopy=True)
    page.save(src / "scan.png", dpi=(150, 150))
    assert run_batch([src], out, BatchConfig(jobs=1)).done == 1
    pages = json.loads((out / "pages" / "scan.json").read_text(encoding="utf-8"))
    unsure = pages["pages"][0]["ocr_unsure"]
    assert unsure and all(w["confidence"] < OcrConfig().unsure_below for w in unsure)
    record = json.loads((out / "records" / "scan.json").read_text(encoding="utf-8"))
    assert record["provenance"]["restoration"]["words_ocr_unsure"] == len(unsure)
    page = (out / "review" / "scan.html").read_text(encoding="utf-8")
    assert _shown_text(page) == (out / "text" / "scan.txt").read_text(encoding="utf-8")
    text = re.search(r'<div class="text">(.*?)</div>', page, re.S)
    assert text is not None
    marked = re.findall(r'<span class="unsure" title="([^"]*)">([^<]*)</span>', text.group(1))
    # Each unsure word is marked once: as OCR-unsure where the restorer left it, else in the
    # tooltip of the change or the unread mark over it.
    tips = re.findall(r'title="([^"]*)"', text.group(1))
    with_conf = [t for t in tips if "Tesseract&#x27;s confidence" in t]
    assert marked and len(with_conf) <= len(unsure)
    assert len(with_conf) >= len(marked)
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]["scan"]
    assert entry["review"]["ocr_unsure"] == len(marked)
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    assert "<th>OCR unsure</th>" in index
    # Beside the text, the page as OCR read it, every marked word boxed on it with the same
    # tooltip as in the text.
    img = re.search(r'<div class="scan"><img src="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert img is not None and img.group(1) == "scan/page-1.jpg"
    with Image.open(out / "review" / img.group(1)) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (int(img.group(2)), int(img.group(3)))
    boxes = re.findall(r'<span class="box (\w+)" title="([^"]*)" style="([^"]*)"', page)
    assert {t for _, t, _ in boxes} == set(tips)
    for _, _, style in boxes:
        left, top, width, height = (float(v) for v in re.findall(r"([\d.]+)%", style))
        assert 0 <= left < 100 and 0 <= top < 100 and 0 < width <= 100 and 0 < height <= 100


def test_an_unsure_word_under_a_change_is_told_in_its_tooltip_not_marked_twice() -> None:
    text = "Ke hoach chu c nam\nxyz"
    page = Page(
        number=1,
        text=text,
        method=Method.OCR,
        restored="Kế hoạch chức năm\nxyz",
        # "chu c" read as one word: a change over two OCR words.
        changes=(
            Change(1, 0, "Ke", "Kế", Source.LM, 0.9),
            Change(1, 3, "hoach", "hoạch", Source.CORPUS, 0.99),
            Change(1, 9, "chu c", "chức", Source.LM, 0.5, flagged=True),
            Change(1, 15, "nam", "năm", Source.LM, 0.9),
        ),
        unresolved=(Unresolved(2, 0, "xyz"),),
        unsure=(OcrWord(1, 13, "c", 41.0), OcrWord(1, 9, "chu", 70.0), OcrWord(2, 0, "xyz", 12.0)),
    )
    doc = Document("d", "d.png", "0" * 64, "image", (page,))
    out = review_page(doc)
    assert "unsure" not in re.findall(r'<span class="([a-z]+)"', out.split("</p>", 3)[-1])
    tips = [html.unescape(t) for t in re.findall(r'title="([^"]*)"', out)]
    assert any(t.startswith("OCR printed: chu c") and "confidence 41/100" in t for t in tips)
    assert any(t.startswith("left as printed") and "confidence 12/100" in t for t in tips)
    assert review_counts(doc)["ocr_unsure"] == 0
    # Left as read, the same word is marked on its own.
    plain = Page(number=1, text=text, method=Method.OCR, unsure=(OcrWord(1, 3, "hoach", 55.0),))
    only = review_page(Document("d", "d.png", "0" * 64, "image", (plain,)))
    assert re.search(r'<span class="unsure" title="[^"]*confidence 55/100">hoach</span>', only)
    assert review_counts(Document("d", "d.png", "0" * 64, "image", (plain,)))["ocr_unsure"] == 1


def test_a_restored_text_layer_is_shown_beside_its_page(tmp_path: Path) -> None:
    # A PDF text layer restored (--restore always: a layer another OCR engine left with a few
    # marks wrong): its review page shows the page, rendered, beside the restored text. Under
    # --restore auto a clean layer is not restored, and its page is not rendered.
    src = tmp_path / "in"
    src.mkdir()
    pdf = FPDF(format="A4")
    pdf.add_font("vi", fname=str(font_path()))
    pdf.set_font("vi", size=11)
    pdf.add_page()
    for k, line in enumerate(LAYER):
        pdf.text(15, 20 + 7 * k, line)
    pdf.output(str(src / "layer.pdf"))
    out = tmp_path / "always"
    assert run_batch([src], out, BatchConfig(jobs=1, extract=False, restore="always")).done == 1
    pages = json.loads((out / "pages" / "layer.json").read_text(encoding="utf-8"))["pages"]
    assert pages[0]["method"] == "text-layer" and pages[0]["restored"]
    page = (out / "review" / "layer.html").read_text(encoding="utf-8")
    assert '<img src="layer/page-1.jpg"' in page
    with Image.open(out / "review" / "layer" / "page-1.jpg") as jpeg:
        assert 900 <= jpeg.width <= 1100
    # The restored word is boxed where the PDF put it: the box's left edge and top (percent
    # of the page) against fpdf's own layout of the line (A4: 210 x 297 mm; 11 pt type).
    boxes = re.findall(
        r'<span class="box [^"]*" title="OCR printed: hoach[^"]*" style="left:([\d.]+)%;'
        r'top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"',
        page,
    )
    assert len(boxes) == 1
    left, top, width, height = map(float, boxes[0])
    before = LAYER[2][: LAYER[2].index("hoach")]
    assert abs(left - 100 * (15 + pdf.get_string_width(before)) / 210) < 0.5
    assert abs(width - 100 * pdf.get_string_width("hoach") / 210) < 0.5
    baseline = 100 * (20 + 7 * 2) / 297  # (fpdf's text() places the baseline)
    assert top < baseline < top + height + 0.5 and height < 2
    auto = tmp_path / "auto"
    assert run_batch([src], auto, BatchConfig(jobs=1, extract=False)).done == 1
    assert "<img" not in (auto / "review" / "layer.html").read_text(encoding="utf-8")
    assert not (auto / "review" / "layer").exists()


LAYER = [
    "Kế hoạch số 1360/KH-UBND ngày 09/10/2023 của Ủy ban nhân dân huyện",
    "về thực hiện phong trào thi đua Dân vận khéo năm 2024 trên địa bàn",
    "Các xã, thị trấn xây dựng kế hoach tổ chức thực hiện phong trào.",
]


def test_no_review_images_keeps_the_pages_without_their_scans(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    render_page(VI_LINES[:3]).save(src / "scan.png", dpi=(300, 300))
    proc = cli("run", str(src), "-o", str(out), "--no-extract", "--no-review-images", timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = (out / "review" / "scan.html").read_text(encoding="utf-8")
    assert '<div class="text">' in page and "<img" not in page
    assert not (out / "review" / "scan").exists()


def test_the_index_says_what_each_document_is(tmp_path: Path) -> None:
    # With records extracted, each row names the document: its title and issuer (escaped).
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "plan.txt").write_text(
        "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nSố: 45/KH-UBND\n\nKẾ HOẠCH\n"
        "Tuyên truyền pháp luật <năm> 2024\n\nCăn cứ Luật Phổ biến, giáo dục pháp luật.\n",
        encoding="utf-8",
    )
    run_batch([src], out, BatchConfig(jobs=1))
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><td><a href="plan\.html">plan</a><br><span class="muted">([^<]*)<', index)
    assert row is not None
    assert html.unescape(row.group(1)) == (
        "Kế hoạch tuyên truyền pháp luật <năm> 2024 · Ủy ban nhân dân xã An Phú"
    )
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert docs["plan"]["issuer"] == "Ủy ban nhân dân xã An Phú"


def test_the_index_names_the_pages_worth_a_rescan(tmp_path: Path) -> None:
    # A web-size photo of a page (75 dpi, softened, JPEG): its print is enlarged before OCR,
    # and the backlog's index says the document has a page worth scanning again.
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    phone_size(render_page(VI_LINES * 3), 4).save(src / "photo.jpg")
    render_page(VI_LINES * 3).save(src / "scan.png", dpi=(300, 300))
    run_batch([src], out, CFG)
    docs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert docs["photo"]["review"]["low_resolution"] == 1
    assert docs["scan"]["review"]["low_resolution"] == 0
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    photo = re.search(r'<a href="photo\.html">photo</a>(.*?)</tr>', index, re.S)
    scan = re.search(r'<a href="scan\.html">scan</a>(.*?)</tr>', index, re.S)
    assert photo is not None and "1 page(s) at low resolution: rescan" in photo.group(1)
    assert scan is not None and "low resolution" not in scan.group(1)
