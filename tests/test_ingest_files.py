"""Images of every supported format, type sniffing by content, and bad binary inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import VI_LINES, render_page
from PIL import Image

from pipeline.batch import BatchConfig, run_batch
from pipeline.errors import InputFileError
from pipeline.ingest import IngestConfig, ingest, safe_id, sniff
from pipeline.records import Method


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "jpeg", "bmp", "webp"])
def test_image_formats(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"page.{'jpg' if fmt == 'jpeg' else fmt}"
    kw = {"quality": 95} if fmt in ("jpeg", "webp") else {}
    render_page(VI_LINES[:1]).save(path, format=fmt.upper(), dpi=(300, 300), **kw)
    doc = ingest(path)
    (page,) = doc.pages
    assert doc.kind == "image" and page.method is Method.OCR
    assert "Ủy ban nhân dân" in page.text and page.warnings == ()


@pytest.mark.slow
def test_multipage_tiff(tmp_path: Path) -> None:
    pages = [render_page([s]) for s in VI_LINES[:3]]
    path = tmp_path / "scan.tif"
    pages[0].save(
        path, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(300, 300)
    )
    seen: list[tuple[int, int]] = []
    doc = ingest(path, on_page=lambda d, t: seen.append((d, t)))
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "nhiệm vụ" in doc.pages[2].text
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.slow
def test_wrong_extension_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "looks-like-text.txt"
    render_page(VI_LINES[:1]).save(path, format="PNG")
    doc = ingest(path)
    assert doc.kind == "image"
    assert doc.pages[0].warnings[0] == "content is PNG but the name ends in '.txt'"


def test_unsupported_type(tmp_path: Path) -> None:
    # A ZIP that is no Word document (a spreadsheet): refused by type. (A .docx is read:
    # tests/test_ingest_docx.py.)
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputFileError, match="unsupported file type: a ZIP archive"):
        ingest(path)


def test_image_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (4000, 3000)).save(path)  # tiny file, 12 Mpx
    with pytest.raises(InputFileError, match="image bomb"):
        ingest(path, IngestConfig(max_image_pixels=1_000_000))


def test_truncated_image(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    render_page(VI_LINES[:1]).save(path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(InputFileError, match="corrupt or truncated image"):
        ingest(path)


def test_sniff() -> None:
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert sniff(b"II*\x00....") == "tiff"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff("Kế hoạch".encode()) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("Kế hoạch 12/KH.txt", "KH.txt"),
        ("...", "document"),
        ("a b\x00c", "a-b-c"),
    ],
)
def test_safe_id(name: str, expected: str) -> None:
    out = safe_id(name)
    assert out == expected
    assert "/" not in out and not out.startswith(".")


@pytest.mark.slow
def test_foreign_scan_is_flagged_not_failed(tmp_path: Path) -> None:
    path = tmp_path / "english.png"
    lines = [
        "The committee will meet on Monday to discuss the annual plan",
        "and its budget, then report to the board before the end of May.",
        "Members should read the attached documents before the meeting.",
    ]
    render_page(lines).save(path)
    doc = ingest(path)
    assert "the text does not look Vietnamese" in doc.pages[0].warnings[0]


def test_phone_photos_avif_and_heic_are_read(tmp_path: Path) -> None:
    from PIL import features

    page = render_page(VI_LINES[:3])
    if features.check("avif"):
        avif = tmp_path / "photo.avif"
        page.save(avif, quality=90)
        doc = ingest(avif)
        assert doc.kind == "image" and "Thực hiện" in doc.pages[0].text
    # An iPhone photo (HEIC, through pillow-heif), in a folder with its upper-case name.
    import pillow_heif

    heic = tmp_path / "in" / "IMG_0001.HEIC"
    heic.parent.mkdir()
    pillow_heif.from_pillow(page.convert("RGB")).save(heic, quality=90)
    assert sniff(heic.read_bytes()[:64]) == "heic"
    s = run_batch([heic.parent], tmp_path / "out", BatchConfig(jobs=1, extract=False))
    assert s.done == 1
    text = (tmp_path / "out" / "text" / "IMG_0001.txt").read_text(encoding="utf-8")
    assert "Thực hiện" in text
    # A cut one: one line, the reason.
    cut = tmp_path / "cut.heic"
    cut.write_bytes(heic.read_bytes()[:200])
    with pytest.raises(InputFileError, match="corrupt or truncated image"):
        ingest(cut)
