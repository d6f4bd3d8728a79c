"""Unit cases per pattern, kept as JSON data under tests/data/extract/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import extract_from_text
from pipeline.extract.actors import split_clauses
from pipeline.extract.dates import find_dates
from pipeline.extract.header import normalize_case
from pipeline.extract.quantities import find_quantities
from pipeline.extract.references import dedupe, find_references
from pipeline.extract.sections import parse_outline
from pipeline.extract.symbol import issuer_codes, spells
from pipeline.extract.text import Line, is_noise, layout

DATA = Path(__file__).parent / "data" / "extract"
# A plan's head and body, before the closing blocks the tests below vary.
BODY = "KẾ HOẠCH\nlàm việc\n\nI. MỤC ĐÍCH\nNội dung.\n\n"


def _cases(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))["cases"]


def _tasks_by_actor(text: str, doc_id: str) -> dict[str, list[str]]:
    """The record's responsibilities of ``text`` as actor -> tasks."""
    rec = extract_from_text(text, doc_id)
    return {r["actor"]: r["tasks"] for r in rec["responsibilities"]}


def _para(text: str):
    lines = [Line(i, 1, i + 1, t) for i, t in enumerate(text.split("\n"))]
    return layout(lines)


@pytest.mark.parametrize("case", _cases("dates"), ids=lambda c: c["label"])
def test_dates(case):
    lay = _para(case["input"])
    got = [[d.text, d.iso, d.role] for p in lay.paragraphs for d in find_dates(p)]
    assert got == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _cases("quantities"), ids=lambda c: c["label"])
def test_quantities(case):
    lay = _para(case["input"])
    got = [[q.text, q.value, q.unit] for p in lay.paragraphs for q in find_quantities(p)]
    assert got == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _cases("references"), ids=lambda c: c["label"])
def test_references(case):
    lay = _para(case["input"])
    refs = dedupe([r for p in lay.paragraphs for r in find_references(p)])
    assert [[r.doc_type, r.number, r.date, r.issuer] for r in refs] == case["expected"], case[
        "comment"
    ]


@pytest.mark.parametrize("case", _cases("sections"), ids=lambda c: c["label"])
def test_sections(case):
    outline = parse_outline(_para(case["input"]))
    assert [[n.title, n.level] for n in outline.headings()] == case["expected"], case["comment"]


@pytest.mark.parametrize("case", _cases("header"), ids=lambda c: c["label"])
def test_header(case):
    rec = extract_from_text(case["input"], "case")
    for key, want in case["expected"].items():
        assert rec[key] == want, f"{key}: {case['comment']}"


def test_law_title_is_kept():
    lay = _para("thực hiện nghiêm Luật Thực hiện dân chủ ở cơ sở; pháp luật hiện hành")
    (ref,) = find_references(lay.paragraphs[0])
    assert ref.title == "Luật Thực hiện dân chủ ở cơ sở"


@pytest.mark.parametrize(
    ("closing", "signer", "recipients"),
    [
        pytest.param(
            "Nơi nhận:                      T/M BAN THƯỜNG VỤ\n"
            "- Ban Dân vận Tỉnh ủy (báo cáo),     PHÓ BÍ THƯ\n- Lưu VP.\n\n          Nguyễn Văn An\n",
            {"name": "Nguyễn Văn An", "title": "Phó Bí thư", "capacity": "T/M Ban Thường vụ"},
            ["Ban Dân vận Tỉnh ủy (báo cáo)", "Lưu VP"],
            id="signer and recipients side by side",
        ),
        # As OCR reads a police unit's dispatch: the head's space lost and "n" read "m",
        # strokes of the stamp before the bullets, a rank before the name, a title that is no
        # plain one.
        pytest.param(
            ".——— Nơinhậm __ PHÓ TRƯỞNG PHÒNG PHỤ TRÁCH\n"
            '" - Như trên; P ¬-. |\n| - Lưu: VT, PC08.\n_ _—— Thượng tá Trần Văn Bình\n',
            {"name": "Trần Văn Bình", "title": "Phó Trưởng phòng phụ trách", "capacity": None},
            ["Như trên", "Lưu: VT, PC08"],
            id="closing read through a stamp with a rank before the name",
        ),
        # A signature's stroke read as a quote glued to the title beside "Nơi nhận".
        pytest.param(
            "Nơi nhận: „7 'GIÁM ĐỐC\n- Như kính gửi;\n- Lưu VT, TCKT.\n\nNguyễn Văn An\n",
            {"name": "Nguyễn Văn An", "title": "Giám đốc", "capacity": None},
            ["Như kính gửi", "Lưu VT, TCKT"],
            id="title beside the head with a stroke glued to it",
        ),
    ],
)
def test_signer_and_recipients_of_a_closing_block(closing, signer, recipients):
    rec = extract_from_text(BODY + closing, "s")
    assert rec["signer"] == signer
    assert rec["recipients"] == recipients


def test_signer_name_beside_a_signature_with_its_surname_misread():
    # OCR reads a signature's strokes before the name, and "Lê" with a wrong mark.
    text = BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n=EH __ sp” - Lễ Văn Hòa\n"
    assert extract_from_text(text, "s")["signer"]["name"] == "Lễ Văn Hòa"


def test_signer_title_above_the_recipients():
    # The signature block begins a line above "Nơi nhận"; a stroke read after the title.
    text = (
        BODY
        + "Đề nghị các đơn vị thực hiện.\nHIỆU TRƯỞNG _....\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
    )
    rec = extract_from_text(text, "s")
    assert rec["signer"]["title"] == "Hiệu trưởng"
    assert rec["recipients"] == ["Như trên", "Lưu: VT"]


def test_responsibilities_from_tochuc_thuc_hien():
    text = (
        "KẾ HOẠCH\nlàm việc\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban Xây dựng Đảng\n- Tham mưu tổ chức hội nghị;\n- Theo dõi, đôn đốc.\n"
        "2. UBND phường chỉ đạo các cơ quan tuyên truyền.\n"
        "3. Giao Ban Tuyên giáo tham mưu tổng kết."
    )
    got = _tasks_by_actor(text, "r")
    assert got == {
        "Ban Xây dựng Đảng": ["Tham mưu tổ chức hội nghị", "Theo dõi, đôn đốc"],
        "UBND phường": ["chỉ đạo các cơ quan tuyên truyền"],
        "Ban Tuyên giáo": ["tham mưu tổng kết"],
    }


def test_criteria_targets():
    text = (
        "KẾ HOẠCH\nthi đua\n\nIII. TIÊU CHUẨN THI ĐUA\n1. Đối với tập thể\n- Hoàn thành 100% chỉ tiêu;\n"
        "2. Đối với cá nhân\n- Gương mẫu chấp hành."
    )
    rec = extract_from_text(text, "c")
    assert rec["criteria"] == [
        {"target": "collective", "text": "Hoàn thành 100% chỉ tiêu"},
        {"target": "individual", "text": "Gương mẫu chấp hành"},
    ]


@pytest.mark.parametrize("case", _cases("clauses"), ids=lambda c: c["label"])
def test_clauses(case):
    assert split_clauses(case["input"]) == case["expected"], case["comment"]


def test_tasks_are_clauses():
    text = (
        "KẾ HOẠCH\nlàm việc\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban Xây dựng Đảng\n- Tham mưu tổ chức hội nghị; theo dõi, đôn đốc.\n"
        "2. UBND xã chỉ đạo các cơ quan tuyên truyền. Tổng hợp kết quả."
    )
    got = _tasks_by_actor(text, "r")
    assert got == {
        "Ban Xây dựng Đảng": ["Tham mưu tổ chức hội nghị", "theo dõi, đôn đốc"],
        "UBND xã": ["chỉ đạo các cơ quan tuyên truyền", "Tổng hợp kết quả"],
    }


def test_noise_line_stays_out_of_items():
    # A line of OCR noise (no word of two letters or more) inside a bullet, a
    # criterion and the recipients: kept in the document, left out of every item.
    text = (
        "KẾ HOẠCH\nlàm việc\n\nII. TIÊU CHUẨN THI ĐUA\n- Hoàn thành 100% chỉ tiêu,\n"
        "7 1 % . , . .\nđúng hạn.\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban Xây dựng Đảng\n- Kiểm tra, đánh giá, biểu\n4 & . . . .\ndương, khen thưởng.\n"
        "- Báo cáo kết quả; . , 3\n\n"
        "Nơi nhận:\n- Ban Dân vận Huyện ủy,\n1 . . : .\n- Lưu VP.\n"
    )
    rec = extract_from_text(text, "n")
    assert rec["responsibilities"] == [
        {
            "actor": "Ban Xây dựng Đảng",
            "tasks": ["Kiểm tra, đánh giá, biểu dương, khen thưởng", "Báo cáo kết quả"],
        }
    ]
    assert [c["text"] for c in rec["criteria"]] == ["Hoàn thành 100% chỉ tiêu, đúng hạn"]
    assert rec["recipients"] == ["Ban Dân vận Huyện ủy", "Lưu VP"]
    lines = _para(text).lines
    assert sum(is_noise(ln.text) for ln in lines) == 3  # still in the document's lines
    assert not is_noise("15/02/2026.") and not is_noise("- ") and not is_noise("2.")


def test_actor_head_with_a_damaged_vowel():
    # "Mặt trận" read "Một trận" / "Mt trận": one word of a two-word head, same consonants;
    # "Một trăm" (other consonants) is no body.
    text = (
        "KẾ HOẠCH\nlàm việc\n\nII. NỘI DUNG\nMột trăm hộ tổ chức tuyên truyền.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Một trận Tổ quốc xã tuyên truyền, vận động Nhân dân.\n"
        "2. Mt trận Tổ quốc huyện hướng dẫn các xã.\n"
    )
    rec = extract_from_text(text, "h")
    assert [r["actor"] for r in rec["responsibilities"]] == [
        "Một trận Tổ quốc xã",
        "Mt trận Tổ quốc huyện",
    ]


@pytest.mark.parametrize(
    ("text", "actor", "task"),
    [
        # A verb is matched on the folded text; a word that only folds like it is none.
        (
            "Trung tâm Quản lý chất lượng là đầu mối theo dõi, đôn đốc, tổng hợp kết quả",
            "Trung tâm Quản lý chất lượng",
            "là đầu mối theo dõi, đôn đốc, tổng hợp kết quả",
        ),
        ("Văn phòng Đảng ủy tổng hợp kết quả", "Văn phòng Đảng ủy", "tổng hợp kết quả"),
        # Without marks (or with OCR's impossible ones) the letters decide, as before.
        ("Van phong Dang uy tong hop ket qua", "Van phong Dang uy", "tong hop ket qua"),
        ("Phòng Văn hóa tiép tục theo dõi", "Phòng Văn hóa", "tiép tục theo dõi"),
    ],
)
def test_split_actor_reads_verbs_as_spelled(text: str, actor: str, task: str) -> None:
    from pipeline.extract.actors import split_actor

    assert split_actor(text) == (actor, task)


def test_recipients_without_the_stamp_and_signature_read_beside_them() -> None:
    # A scanned closing block: the signature and the stamp on the right are read into the
    # recipients' lines as symbols, digits and capitals; OCR prints some hyphens as "~".
    text = (
        BODY + "Nơi nhận: N hèn AI GÌ xung\n"
        "- Như trên; › sở “\n"
        "~ Thường trực Huyện ủy; SĨ GIÁO DU S\n"
        "- Lãnh đạo UBND huyện; Công đoàn huyện; 14 +\n"
        "- Các phòng, ban (để t/h); VỀ \\p nữ Ah 0)\n"
        "- Ban ATGT huyện: N VÀ ĐẢO\n"
        "Hoa Sử Y d, TIẾT, (V mgjuaA —-\n"
        "- Lưu: VT, VP.\n"
        "Phụ lục\nnội dung của phụ lục, không phải nơi nhận\n"
    )
    rec = extract_from_text(text, "s")
    assert rec["recipients"] == [
        "Như trên",
        "Thường trực Huyện ủy",
        "Lãnh đạo UBND huyện; Công đoàn huyện",
        "Các phòng, ban (để t/h)",
        "Ban ATGT huyện",  # (its ";" read as ":", then the ring of the stamp)
        "Lưu: VT, VP",
    ]


def test_duties_under_numbered_bodies_of_an_ocr_read_plan() -> None:
    # Sections "5.1. <body>" with em-dash bullets (OCR's hyphens), the heading's number read
    # as a letter: each body gets its bullets; no heading words become an actor.
    text = (
        "KẾ HOẠCH\nKhảo sát năm 2026\nCăn cứ Luật Giáo dục;\n"
        "4. Nội dung\n— Tổ chức khảo sát trực tuyến.\n"
        "S. Phân công trách nhiệm\n"
        "5.1. Trung tâm Quản lý chất lượng\n— Là đơn vị đầu mối tổ chức triển khai khảo sát.\n"
        "— Theo dõi tiến độ thực hiện.\n"
        "5.2. Phòng Đào tạo\n— Cung cấp danh sách sinh viên.\n"
    )
    rec = extract_from_text(text, "s")
    assert "5. Phân công trách nhiệm" in rec["sections"]
    assert [(r["actor"], len(r["tasks"])) for r in rec["responsibilities"]] == [
        ("Trung tâm Quản lý chất lượng", 2),
        ("Phòng Đào tạo", 1),
    ]


@pytest.mark.parametrize(
    ("line", "left", "title"),
    [
        # Titles whose words open with "Đ" or a capital with a mark were never cut off the
        # recipient beside them: a range of lower-case letters held those capitals.
        ("- Như trên;            GIÁM ĐỐC", "- Như trên", "GIÁM ĐỐC"),
        ("- Ban Tuyên giáo (báo cáo), PHÓ BÍ THƯ", "- Ban Tuyên giáo (báo cáo)", "PHÓ BÍ THƯ"),
        # The run that reads most like a title, not the longest run of capitals.
        ("- UBND XÃ PHÓ CHỦ TỊCH", "- UBND XÃ", "PHÓ CHỦ TỊCH"),
        ("- Ủy ban nhân dân xã", "- Ủy ban nhân dân xã", None),
    ],
)
def test_a_title_read_beside_a_recipient(line: str, left: str, title: str | None) -> None:
    from pipeline.extract.signer import _split_right

    assert _split_right(line) == (left, title)


def test_a_signer_name_read_beside_the_recipients() -> None:
    # The name under the signature shares its OCR line with the end of a recipient: its
    # last words, opening with a family name, are the signer's name.
    text = (
        BODY + "Nơi nhận:                      GIÁM ĐỐC\n"
        "- Như trên;\n"
        "- Trưởng phòng Sở;\n"
        "TH, Lê Thị Bích Thuận\n"
        "- Lưu: VT.\n"
    )
    rec = extract_from_text(text, "s")
    assert rec["signer"] == {"name": "Lê Thị Bích Thuận", "title": "Giám đốc", "capacity": None}
    assert rec["recipients"] == ["Như trên", "Trưởng phòng Sở", "Lưu: VT"]


def test_thi_of_chi_thi_opens_no_clause():
    # "thì" opens the part whose body is the actor ("Đối với X thì <body> ..."); the "thị" of
    # "Chỉ thị số", whose "số" folds like the head "Sở", and the "thi" of "điểm thi" do not.
    text = (
        "KẾ HOẠCH\nlàm việc\n\nI. NỘI DUNG\n"
        "Các đơn vị quán triệt Chỉ thị số 19/CT-TTg ngày 24/4/2020 của Thủ tướng Chính phủ "
        "về tiếp tục thực hiện các biện pháp phòng, chống dịch.\n"
        "Mỗi điểm thi Sở Giáo dục bố trí 02 phòng dự phòng.\n"
        "Đối với các trường thì Ban giám hiệu chỉ đạo tổ chức thi.\n"
    )
    rec = extract_from_text(text, "t")
    assert [r["actor"] for r in rec["responsibilities"]] == ["Ban giám hiệu"]


def test_a_number_before_a_name_or_another_word_is_no_quantity():
    # A street number before a name, a table's row number before a verb, a word that folds
    # like a unit's first word: no counts. A unit in small letters is one.
    lay = _para(
        "Địa chỉ: 199 Điện Biên Phủ, quận Bình Thạnh.\n1 Ban hành kế hoạch trước ngày 30/6.\n"
        "Tổ chức 02 hội nghị và in 300 bản tài liệu."
    )
    got = [[q.text, q.value, q.unit] for p in lay.paragraphs for q in find_quantities(p)]
    assert got == [["02 hội nghị", 2, "hội nghị"], ["300 bản", 300, "bản"]]


@pytest.mark.parametrize(
    ("caps", "name"),
    [
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH AN GIANG",
         "Sở Lao động - Thương binh và Xã hội tỉnh An Giang"),
        ("BỆNH VIỆN ĐA KHOA TỈNH BẮC NINH", "Bệnh viện Đa khoa tỉnh Bắc Ninh"),
        ("TRƯỜNG THCS DỊCH VỌNG PHÒNG GD&ĐT QUẬN CẦU GIẤY",
         "Trường THCS Dịch Vọng Phòng GD&ĐT quận Cầu Giấy"),
        ("ĐẢNG BỘ PHƯỜNG BÌNH MINH", "Đảng bộ phường Bình Minh"),
        ("PHÒNG AN NINH CHÍNH TRỊ NỘI BỘ", "Phòng An ninh chính trị nội bộ"),
    ],
)  # fmt: skip
def test_agency_names_take_the_capitals_of_decree_30(caps, name):
    # The field after an agency's type, each part of it ("và", "-"), a school's name; "xã hội"
    # is no commune; the "bộ" of "Đảng bộ", "nội bộ" is no ministry.
    assert normalize_case(caps) == name


def test_subject_line_opening_with_a_preamble_word_is_the_title():
    # "thực hiện ..." in small letters under the type is the subject; the preamble's
    # "Thực hiện Kế hoạch số ..." opens with a capital.
    text = (
        "BAN DÂN VẬN\nSố 12-KH/BDV\nTân An, ngày 15 tháng 02 năm 2025\nKẾ HOẠCH\n"
        "thực hiện phong trào thi đua “Dân vận khéo” năm 2025\n"
        "Thực hiện Kế hoạch số 34-KH/BDVHU ngày 20/01/2025 của Ban Dân vận Huyện ủy.\n"
    )
    rec = extract_from_text(text, "t")
    assert rec["title"] == "Kế hoạch thực hiện phong trào thi đua “Dân vận khéo” năm 2025"


def test_signer_title_on_a_line_of_its_own_is_read_whole():
    text = BODY + "Nơi nhận:\n- Lưu VP.\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\nTrần Thị Mai\n"
    assert extract_from_text(text, "s")["signer"] == {
        "name": "Trần Thị Mai",
        "title": "Phó Bí thư",
        "capacity": "T/M Ban Thường vụ",
    }


def test_duties_named_after_their_body():
    # "X có nhiệm vụ <task>": the body is X; "chịu trách nhiệm trước ..." (whom one answers
    # to) is a task of its own; "./" closes the last sentence; a citation's issuer stops
    # before "phê duyệt".
    text = (
        "QUYẾT ĐỊNH\nvề việc thành lập Tổ công tác\n\n"
        "Căn cứ Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án.\n"
        "Điều 2. Tổ công tác có nhiệm vụ tham mưu UBND xã chỉ đạo thực hiện Đề án.\n"
        "Điều 3. Thủ trưởng các đơn vị chịu trách nhiệm trước Chủ tịch UBND xã về kết quả; "
        "báo cáo định kỳ hằng quý./.\n"
    )
    got = _tasks_by_actor(text, "d")
    assert got == {
        "Tổ công tác": ["tham mưu UBND xã chỉ đạo thực hiện Đề án"],
        "Thủ trưởng các đơn vị": [
            "chịu trách nhiệm trước Chủ tịch UBND xã về kết quả",
            "báo cáo định kỳ hằng quý",
        ],
    }
    assert extract_from_text(text, "d")["references"][0]["issuer"] == "Thủ tướng Chính phủ"


def test_body_opening_in_small_letters_after_the_subject_stays_body():
    # A restored body sentence that lost its capital ("để hưởng ứng ...") still opens the
    # body; only "thực hiện" in small letters may be a subject line.
    text = (
        "THÔNG BÁO\nVề kế hoạch trồng cây\n"
        "để hưởng ứng phong trào Vì một môi trường xanh, sạch, đẹp, Ban Giám\n"
        "hiệu nhà trường phát động buổi trồng cây quanh sân trường.\n"
    )
    assert extract_from_text(text, "t")["title"] == "Thông báo về kế hoạch trồng cây"


@pytest.mark.parametrize("case", _cases("issuer_symbol"), ids=lambda c: c["label"])
def test_issuer_by_symbol(case):
    assert extract_from_text(case["input"], "t")["issuer"] == case["expected"], case["comment"]


def test_issuer_codes_and_spelling():
    # The issuer's parts of a symbol: no number, no type code, none shorter than 3 letters.
    assert issuer_codes("-KH/BDVHU") == ["bdvhu"]
    assert issuer_codes("16/KH-MTTQ-BTT") == ["mttq", "btt"]
    assert issuer_codes("13-KH/ĐU") == []
    assert issuer_codes("1906/SGDĐT-CTrTT") == ["sgddt", "ctrtt"]
    # A name spells a code with its words' first letters, or an abbreviation's letters.
    assert spells("mttq", "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh")
    assert spells("btt", "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh")
    assert spells("sgddt", "Sở Giáo dục và Đào tạo thành phố Đà Nẵng")
    assert not spells("bdvhu", "Ban Dân An Huyện ủy")
