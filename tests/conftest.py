"""Shared fixtures: Vietnamese test pages rendered by the tests themselves.

``render_page`` draws text in a real font with full Vietnamese coverage (DejaVu
Serif, or Liberation Serif 2.x) at 300 dpi, optionally degraded: rotated, speckled
(salt-and-pepper noise) or photocopy-like (blur, grey background, specks, contrast
loss). Everything is seeded, so a page is the same on every run.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
]

VI_LINES = [
    "Thực hiện kế hoạch của Ủy ban nhân dân tỉnh về phát triển",
    "kinh tế - xã hội, quốc phòng - an ninh năm 2024; các cơ quan,",
    "đơn vị tổ chức triển khai đầy đủ, kịp thời những nhiệm vụ sau:",
    "Đẩy mạnh phong trào thi đua, nâng cao chất lượng hoạt động.",
]


def font_path() -> Path:
    for p in FONTS:
        if p.exists():
            return p
    pytest.skip("no font with Vietnamese coverage (install fonts-dejavu-core)")


def cli(
    *args: str, timeout: float = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``plans ARGS`` run as a user runs it: a process of its own, ``input`` on its stdin,
    its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[1],  # (the repository, wherever pytest runs)
    )


def render_page(
    lines: list[str],
    *,
    font: Path | None = None,
    size_pt: float = 12,
    dpi: int = 300,
    rotate: float = 0.0,
    noise: float = 0.0,
    photocopy: bool = False,
    shade: float = 0.0,
    seal: float = 0.0,
    seed: int = 0,
    margin: int = 120,
) -> Image.Image:
    """A white page with ``lines`` in a 12 pt serif at ``dpi``, then the degradations.
    ``shade``: a shadow down the page (a phone photo's light, a book's fold), darkening the
    paper by this share at its middle, 70% across the page. ``seal``: a red seal stamped over
    the text (:func:`add_seal`), its radius this share of the page's width (a colour page)."""
    px = int(size_pt * dpi / 72)
    f = ImageFont.truetype(str(font or font_path()), px)
    line_h = int(px * 1.5)
    width = max(int(f.getlength(s)) for s in lines) + 2 * margin
    height = line_h * len(lines) + 2 * margin
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    for i, s in enumerate(lines):
        d.text((margin, margin + i * line_h), s, font=f, fill=0)
    if rotate:
        img = img.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    rng = np.random.default_rng(seed)
    arr = np.asarray(img).astype(np.float32)
    if photocopy:
        arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.0))).astype(np.float32)
        arr = 60 + arr * (175 / 255)  # grey background, weaker black
        arr += rng.normal(0, 12, arr.shape)
        noise = max(noise, 0.002)
    if shade:
        x = np.arange(arr.shape[1], dtype=np.float32)
        band = np.exp(-((x - 0.7 * arr.shape[1]) ** 2) / (2 * (0.15 * arr.shape[1]) ** 2))
        arr = arr * (1.0 - shade * band)[None, :]
    if noise:
        specks = rng.random(arr.shape) < noise
        arr[specks] = 0
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    img.info["dpi"] = (dpi, dpi)
    random.seed(seed)
    return add_seal(img, size=seal) if seal else img


def phone_size(page: Image.Image, shrink: int, dpi: int | None = None) -> Image.Image:
    """``page`` (300 dpi) as a web-size photo or scan: softened (blur 0.6 px), ``shrink`` times
    smaller, through JPEG quality 60, with ``dpi`` in its header if given (else none)."""
    small = page.convert("L").filter(ImageFilter.GaussianBlur(0.6))
    small = small.resize((small.width // shrink, small.height // shrink), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, format="JPEG", quality=60, **({"dpi": (dpi, dpi)} if dpi else {}))
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def add_seal(page: Image.Image, x: float = 0.6, y: float = 0.5, size: float = 0.15) -> Image.Image:
    """``page`` in colour with a red seal (con dấu) stamped on it, as ink does (multiplied):
    two rings and letters, centred at (``x``, ``y``) of the page, radius ``size`` of its width."""
    base = page.convert("RGB")
    w, h = base.size
    cx, cy, r = int(w * x), int(h * y), int(w * size)
    ink = (200, 30, 40)
    layer = Image.new("RGB", base.size, (255, 255, 255))
    d = ImageDraw.Draw(layer)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=max(3, r // 25))
    inner = int(r * 0.72)
    d.ellipse([cx - inner, cy - inner, cx + inner, cy + inner], outline=ink, width=max(2, r // 50))
    f = ImageFont.truetype(str(font_path()), max(10, r // 6))
    d.text((cx - int(r * 0.6), cy - int(r * 0.12)), "ỦY BAN NHÂN DÂN", font=f, fill=ink)
    for k, angle in enumerate(np.linspace(0.2, np.pi - 0.2, 7)):
        px, py = cx - int(r * 0.86 * np.cos(angle)), cy - int(r * 0.86 * np.sin(angle))
        d.text((px - 10, py - 10), "XÃ"[k % 2], font=f, fill=ink)
    mixed = np.asarray(base, np.float32) * np.asarray(layer, np.float32) / 255.0
    out = Image.fromarray(mixed.astype(np.uint8))
    out.info.update(page.info)
    return out


def two_page_scans(formats: tuple[str, str]) -> list[bytes]:
    """Two rendered pages, VI_LINES[:2] and VI_LINES[2:], as image files of ``formats``
    ("PNG", "JPEG"): the scans a test pastes into a document."""
    out = []
    for fmt, lines in zip(formats, (VI_LINES[:2], VI_LINES[2:]), strict=True):
        buf = io.BytesIO()
        render_page(lines).save(buf, format=fmt, dpi=(300, 300))
        out.append(buf.getvalue())
    return out


@pytest.fixture
def vi_page() -> Image.Image:
    return render_page(VI_LINES[:2])
