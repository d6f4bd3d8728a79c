"""Review pages: the final text with the restored words marked, and the backlog's index."""

from __future__ import annotations

import html
import re
from pathlib import Path

from pipeline.batch import BatchConfig, run_batch

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
