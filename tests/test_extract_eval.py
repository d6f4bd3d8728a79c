"""The record metric (pipeline.extract.evaluate) on small hand-made records."""

from __future__ import annotations

import pytest

from pipeline.extract.evaluate import FIELDS, compare, normalize


def _rec(**kw):
    base = {
        "number": "13-KH/ĐU",
        "issued_date": "2025-08-29",
        "issuer_level": "commune",
        "signer": {"name": "Nguyễn Văn A", "title": None, "capacity": None},
        "issuer": "Đảng ủy phường Bình Định",
        "title": "Kế hoạch tiếp tục đẩy mạnh",
        "movement": "Dân vận khéo",
        "references": [
            {"doc_type": "Kế hoạch", "number": "04-KH/BTGDVTU", "date": None, "issuer": None}
        ],
        "dates": [{"text": "ngày 29/8/2025", "iso": "2025-08-29", "role": "issued"}],
        "deadlines": [],
        "quantities": [],
        "criteria": [],
        "responsibilities": [{"actor": "UBND phường", "tasks": ["chỉ đạo tuyên truyền"]}],
        "recipients": ["Lưu VP"],
        "sections": ["I- MỤC ĐÍCH, YÊU CẦU"],
    }
    base.update(kw)
    return base


def test_identical_records_score_one_on_every_field():
    c = compare(_rec(), _rec())
    assert set(c.fields) == set(FIELDS) and len(FIELDS) == 16
    assert c.macro == 1.0


def test_exact_fields_keep_diacritics():
    c = compare(_rec(number="13-KH/BU"), _rec())
    assert c.fields["number"].score == 0.0
    assert c.macro == pytest.approx(15 / 16)


def test_fuzzy_forgives_small_damage_not_a_different_body():
    assert compare(_rec(issuer="Đảng ủy phường Bình Đinh"), _rec()).fields["issuer"].score == 1.0
    assert compare(_rec(issuer="Ban Dân vận Huyện ủy"), _rec()).fields["issuer"].score == 0.0
    assert compare(_rec(issuer="Dang uy phuong Binh Pinh"), _rec()).fields["issuer"].score == 0.0


def test_f1_counts_each_gold_item_once():
    pred = _rec(dates=[{"iso": "2025-08-29"}, {"iso": "2025-08-29"}, {"iso": "2025-09-01"}])
    f = compare(pred, _rec()).fields["dates"]
    assert (f.tp, f.fp, f.fn) == (1, 2, 0)
    assert f.score == pytest.approx(2 * (1 / 3) * 1 / (1 / 3 + 1))


def test_references_by_number_or_title():
    law = {"doc_type": "Luật", "number": None, "date": None, "issuer": None, "title": "Luật Tố cáo"}
    gold = _rec(references=[law, {"number": "04-KH/BTGDVTU"}])
    pred = _rec(references=[{"number": "04 -KH/BTGDVTU"}, dict(law)])
    assert compare(pred, gold).fields["references"].score == 1.0


def test_section_markers_are_equivalent():
    assert compare(_rec(sections=["I. MỤC ĐÍCH, YÊU CẦU"]), _rec()).fields["sections"].score == 1.0


def test_empty_lists_and_nulls_agree():
    c = compare(_rec(movement=None, deadlines=[]), _rec(movement=None))
    assert c.fields["movement"].score == 1.0 and c.fields["deadlines"].score == 1.0
    assert compare(_rec(movement=None), _rec()).fields["movement"].score == 0.0


def test_normalize_tone_placement_and_quotes():
    assert normalize("“Hoà  Bình”") == normalize("hòa bình")


def test_quantity_spans_cut_differently_still_match():
    gold = _rec(
        quantities=[{"text": "tổ chức 02 hội nghị nêu trên", "value": 2, "unit": "hội nghị"}]
    )
    pred = _rec(quantities=[{"text": "02 hội nghị", "value": 2, "unit": "hội nghị"}])
    assert compare(pred, gold).fields["quantities"].score == 1.0
    other = _rec(quantities=[{"text": "03 hội nghị", "value": 3, "unit": "hội nghị"}])
    assert compare(other, gold).fields["quantities"].score == 0.0
