"""Files written by LibreOffice (tests/data/office/README.md): every reader gives the same lines.

The other tests make their documents with writers of our own, from the specifications; these
were made by an independent office suite, so that a misreading shared by our writer and our
reader would show here."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ingest

OFFICE = Path(__file__).parent / "data" / "office"
KINDS = ("html", "odt", "docx", "doc", "rtf")

PLAN = [
    "ỦY BAN NHÂN DÂN XÃ AN BÌNH",
    "Kế hoạch số 12/KH-UBND ngày 15/3/2024 về thực hiện phong trào thi đua Dân vận khéo",
    "1. Mục đích: nâng cao chất lượng công tác dân vận của chính quyền các cấp.",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
    "- Như trên;",
    "CHỦ TỊCH",
    "Trang cuối",
]
# The body's capitals came from ".VnTimeH" in the archives; the fixture's body is small letters.
LEGACY = [
    "ỦY BAN NHÂN DÂN TỈNH HÀ NAM",
    "Hà Nam, ngày 15 tháng 3 năm 2024",
    "kế hoạch số 12/kh-ubnd ngày 15/3/2024 về thực hiện phong trào thi đua dân vận khéo",
    "1. mục đích: nâng cao chất lượng công tác dân vận của chính quyền các cấp.",
    "Trang 2 / liên kết",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_unicode_plan_with_a_table_reads_the_same_in_every_format(kind: str) -> None:
    doc = ingest(OFFICE / f"plan.{kind}")
    assert doc.kind == kind
    (page,) = doc.pages
    assert page.text.split("\n") == PLAN and page.warnings == ()


@pytest.mark.parametrize("kind", KINDS)
def test_a_tcvn3_body_under_a_unicode_letterhead_reads_the_same_in_every_format(
    kind: str,
) -> None:
    # LibreOffice stores TCVN3's "ư" (byte 0xAD, a soft hyphen in Windows-1252) as an optional
    # hyphen (.doc: 0x1F; .docx: w:softHyphen; RTF: \-) and the other bytes as \uN in RTF.
    (page,) = ingest(OFFICE / f"legacy.{kind}").pages
    assert page.text.split("\n") == LEGACY
    assert len(page.warnings) == 1 and "TCVN3" in page.warnings[0]


@pytest.mark.parametrize("kind", KINDS)
def test_paragraphs_mixing_unicode_and_legacy_font_runs_are_decoded_run_by_run(kind: str) -> None:
    # A line with "ế" cannot be TCVN3 as a whole: only the runs' fonts say which words are
    # (.doc: the character formatting's font index into the font table; .odt: the span's
    # automatic style).
    (page,) = ingest(OFFICE / f"mixed.{kind}").pages
    assert page.text.split("\n") == [
        "Kế hoạch số 12/KH-UBND về thực hiện phong trào thi đua dân vận khéo",
        "Mục đích: nâng cao chất lượng công tác dân vận của chính quyền.",
    ]
    assert page.warnings == ("text in TCVN3 fonts, decoded", "text in VNI fonts, decoded")


@pytest.mark.parametrize("kind", ("odt", "docx", "doc", "rtf"))
def test_a_legacy_font_set_by_the_styles_only_is_decoded(kind: str) -> None:
    # No run names ".VnTime": the default paragraph style does (RTF: the style's \f, which
    # the body's runs repeat); the heading's paragraph style names "Times New Roman".
    (page,) = ingest(OFFICE / f"styled.{kind}").pages
    assert page.text.split("\n") == ["ỦY BAN NHÂN DÂN TỈNH HÀ NAM", *LEGACY[2:4]]
    # (Read from the styles' fonts: "text in TCVN3 fonts"; RTF names the font on each run.)
    assert page.warnings == ("text in TCVN3 fonts, decoded",)


@pytest.mark.parametrize("kind", ("odt", "docx", "doc", "rtf"))
def test_fonts_from_the_style_sheet_tell_tcvn3_words_from_unicode_ones(kind: str) -> None:
    # The default paragraph style is ".VnTime"; a character style sets "Times New Roman" for
    # the Unicode phrases (.docx: docDefaults/Normal and w:rStyle; .odt: default-style and the
    # span's style; .doc: the style sheet's Normal and the run's sprmCIstd).
    (page,) = ingest(OFFICE / f"stylemix.{kind}").pages
    assert page.text.split("\n") == [
        "Kế hoạch số 12/KH-UBND về thực hiện phong trào thi đua dân vận khéo",
        "Mục đích: nâng cao chất lượng công tác dân vận của chính quyền.",
    ]
    assert page.warnings == ("text in TCVN3 fonts, decoded",)


@pytest.mark.parametrize("kind", ("docx", "doc", "rtf", "odt"))
def test_tracked_deletions_are_not_read(kind: str) -> None:
    (page,) = ingest(OFFICE / f"tracked.{kind}").pages
    assert page.text == "Kế hoạch số 12 về thực hiện phong trào thi đua Dân vận khéo."


@pytest.mark.parametrize("kind", ("docx", "doc", "rtf", "odt"))
def test_comments_and_hidden_text_are_not_read(kind: str) -> None:
    (page,) = ingest(OFFICE / f"comment.{kind}").pages
    assert page.text.split("\n") == [
        "Kế hoạch số 12 về thực hiện phong trào thi đua Dân vận khéo.",
        "Dòng hai.",
    ]


@pytest.mark.parametrize("kind", ("docx", "doc"))
def test_a_text_box_is_read_where_it_stands(kind: str) -> None:
    (page,) = ingest(OFFICE / f"textbox.{kind}").pages
    lines = [line for line in page.text.split("\n") if line]
    assert lines == [
        "Kế hoạch số 12 về thực hiện phong trào thi đua.",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Dòng cuối.",
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_list_numbers_are_written_as_the_document_shows_them(kind: str) -> None:
    # A plan's outline numbers ("I.", "1.") come from the list's definition, not the text
    # (RTF writes them as {\listtext}); the outline is read from them.
    (page,) = ingest(OFFICE / f"lists.{kind}").pages
    lines = [" ".join(line.split()) for line in page.text.split("\n")]
    assert lines == [
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích: nâng cao chất lượng.",
        "2. Yêu cầu: thực hiện nghiêm túc.",
        "II. NỘI DUNG",
        "• Gạch đầu dòng một",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ("doc", "odt"))
def test_scans_pasted_by_an_office_suite_are_ocrd_in_order(kind: str) -> None:
    doc = ingest(OFFICE / f"scan.{kind}")
    assert [p.method.value for p in doc.pages] == ["ocr", "ocr"]
    assert "Ủy ban nhân dân tỉnh" in doc.pages[0].text
    assert "Đẩy mạnh phong trào thi đua" in doc.pages[1].text
