"""Web pages saved from a portal: the text a browser shows, legacy fonts decoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ingest_docx import PLAN

from pipeline.errors import InputFileError, NotVietnameseError
from pipeline.ingest import SUPPORTED_SUFFIXES, ingest
from pipeline.records import Method
from pipeline.textfile import encode_cp1258, encode_tcvn3, encode_vni


def test_a_portal_page_gives_the_shown_text_block_by_block(tmp_path: Path) -> None:
    page = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch số 12 - Cổng thông tin</title>
<style>p {{ margin: 0 }}</style><script>var x = "<p>không phải văn bản</p>";</script></head>
<body><nav><ul><li>Trang chủ</li><li>Văn bản</li></ul></nav>
<div class="content"><h1>{PLAN[0]}</h1>
<p>{PLAN[1].replace("Dân vận", "Dân&nbsp;vận")}</p>
<p>1. Mục đích:
   nâng cao   chất lượng<br>công tác dân vận &amp; chính quyền</p>
<table><tr><td>Nơi nhận:</td><td>TM. ỦY BAN NHÂN DÂN</td></tr></table>
<select><option>Chọn năm</option><option>2024</option></select>
<pre>Điều 1.  Giữ khoảng cách
   thụt đầu dòng</pre></div></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    doc = ingest(path)
    assert doc.kind == "html" and {".html", ".htm"} <= SUPPORTED_SUFFIXES
    (p,) = doc.pages
    assert p.method is Method.TEXT_FILE
    assert p.text.split("\n") == [
        "• Trang chủ",  # (a list's items, with the bullets a browser shows)
        "• Văn bản",
        PLAN[0],
        PLAN[1].replace("Dân vận", "Dân\u00a0vận"),  # (a no-break space stays one)
        "1. Mục đích: nâng cao chất lượng",
        "công tác dân vận & chính quyền",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "Điều 1.  Giữ khoảng cách",
        "thụt đầu dòng",  # (leading spaces: the normalize stage's)
    ]


def test_declared_charsets_and_legacy_fonts(tmp_path: Path) -> None:
    # Old pages: one in Windows-1258 (tones as combining marks) declared by http-equiv; one
    # declared Latin-1 whose runs are in TCVN3 and VNI fonts, by <font face> and by a style.
    head = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s"></head>'
    cp1258 = tmp_path / "cp1258.htm"
    cp1258.write_bytes(
        head % b"windows-1258"
        + b"<body><p>U\xd2y ban nh\xe2n d\xe2n xa\xde An Bi\xccnh</p>"
        + encode_cp1258("".join(f"<p>{line}</p>" for line in PLAN[1:]))
        + b"</body></html>"
    )
    (p,) = ingest(cp1258).pages
    # (In HTML a tab is whitespace like any other.)
    assert p.text.split("\n") == ["Ủy ban nhân dân xã An Bình", PLAN[1], PLAN[2].replace("\t", " ")]
    fonts = tmp_path / "fonts.htm"
    fonts.write_bytes(
        head % b"iso-8859-1"
        + b'<body><p><font face=".VnTime, Times">'
        + encode_tcvn3(PLAN[1].lower())
        + b"</font></p><p><span style=\"font-family: 'VNI-Times'\">"
        + encode_vni("Mục đích: nâng cao chất lượng công tác dân vận của chính quyền")
        + b"</span></p></body></html>"
    )
    (p,) = ingest(fonts).pages
    assert p.text.split("\n") == [
        PLAN[1].lower(),
        "Mục đích: nâng cao chất lượng công tác dân vận của chính quyền",
    ]
    assert p.warnings == ("text in TCVN3 fonts, decoded", "text in VNI fonts, decoded")


def test_pages_that_are_no_vietnamese_text_fail_with_one_line(tmp_path: Path) -> None:
    english = tmp_path / "en.html"
    english.write_text(
        "<html><body><p>The committee will meet on Monday to discuss the annual plan and "
        "budget for the coming year.</p></body></html>"
    )
    with pytest.raises(NotVietnameseError):
        ingest(english)
    empty = tmp_path / "empty.html"
    empty.write_text(
        "<!doctype html><html><head><title>Kế hoạch</title></head><body>"
        "<script>alert(1)</script><img src=scan.png></body></html>"
    )
    with pytest.raises(InputFileError, match="no text") as e:
        ingest(empty)
    assert str(empty) in e.value.one_line()


def test_a_broken_marked_section_is_read_as_text() -> None:
    # Python 3.11's HTML parser raised AssertionError on these (found by fuzzing).
    from pipeline.htmlfile import html_to_text

    text, _ = html_to_text(
        b"<html><body><p>K\xe1\xba\xbf ho\xe1\xba\xa1ch <![CDAT x</p></body></html>"
    )
    assert text == "Kế hoạch <![CDAT x"


def test_a_style_sheet_rule_gives_a_legacy_font_by_class_or_element(tmp_path: Path) -> None:
    # Pages of the 2000s set the font in a <style> block: by class (".vn3", "td.vni") or by
    # element ("h2"); the Unicode words of the line are character references.
    page = (
        b"<html><head><meta charset='windows-1252'><style>.vn3 { font-family: '.VnTime', serif; }"
        b" td.vni, h2 {font-family:VNI-Times}</style></head><body>"
        b"<p>K&#7871; ho&#7841;ch s&#7889; 12/KH-UBND <span class='vn3 big'>"
        + encode_tcvn3("về thực hiện phong trào thi đua dân vận khéo")
        + b"</span></p><h2>"
        + encode_vni("Mục đích và yêu cầu")
        + b"</h2><table><tr><td class=vni>"
        + encode_vni("nâng cao chất lượng công tác dân vận")
        + b"</td><td>2024</td></tr></table></body></html>"
    )
    path = tmp_path / "styled.html"
    path.write_bytes(page)
    (p,) = ingest(path).pages
    assert p.text.split("\n") == [
        "Kế hoạch số 12/KH-UBND về thực hiện phong trào thi đua dân vận khéo",
        "Mục đích và yêu cầu",
        "nâng cao chất lượng công tác dân vận",
        "2024",
    ]
    assert p.warnings == ("text in TCVN3 fonts, decoded", "text in VNI fonts, decoded")
