"""The cleaning of a page image before OCR: each step a plain function of the image.

In order (:func:`preprocess`): gray, with a red seal's ink left out of colour pages
(:func:`grayscale`); uneven light flattened (:func:`flatten`); specks removed where the page
needs it and the text survives it (:func:`cleaned`); the page straightened (:func:`estimate_skew`);
big print made smaller first (:func:`reduced`), small print enlarged last (:func:`upscaled`).
Their settings and the measurements behind them are :class:`pipeline.ocr.OcrConfig`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageFilter, ImageOps
from scipy import ndimage

if TYPE_CHECKING:  # (pipeline.ocr imports this module)
    from pipeline.ocr import OcrConfig


def _otsu(gray: np.ndarray) -> int:
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = gray.size
    cum = np.cumsum(hist)
    cum_mean = np.cumsum(hist * np.arange(256))
    w0 = cum / total
    w1 = 1.0 - w0
    mu0 = np.divide(cum_mean, cum, out=np.zeros(256), where=cum > 0)
    mu1 = np.divide(
        cum_mean[-1] - cum_mean, total - cum, out=np.zeros(256), where=(total - cum) > 0
    )
    between = w0 * w1 * (mu0 - mu1) ** 2
    return int(np.argmax(between))


def estimate_skew(gray: Image.Image, max_skew: float = 15.0) -> float:
    """Angle in degrees (counter-clockwise) that straightens the text lines.

    Projection method: for each candidate angle, project the ink pixels onto the
    vertical axis; text lines give the sharpest row profile at the right angle.
    Computed on the ink coordinates (no image rotation), so it costs a few ms.
    """
    # Box-reduce to ~800 px (cheaper than a resampling thumbnail; same profile).
    small = gray.reduce(max(1, max(gray.size) // 800))
    arr = np.asarray(small)
    ys, xs = np.nonzero(arr < _otsu(arr))
    if len(ys) < 50:
        return 0.0
    if len(ys) > 60_000:  # a sample is enough and keeps it fast
        pick = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    # Integer centre and floor, not round: at 0 deg every pixel keeps its own row
    # (round-half-even on .5 offsets would merge rows in pairs and fake a sharp peak).
    cx, cy = arr.shape[1] // 2, arr.shape[0] // 2
    xf, yf = xs - cx, ys - cy

    def sharpness(angle: float) -> float:
        # Row of each ink pixel once the page is rotated by `angle` (PIL's sense).
        a = np.deg2rad(angle)
        rows = np.floor(xf * np.sin(a) + yf * np.cos(a)).astype(np.int64)
        hist = np.bincount(rows - rows.min()).astype(np.float64)
        return float(np.sum(np.diff(hist) ** 2))

    best = max(np.arange(-max_skew, max_skew + 1e-9, 0.5), key=sharpness)
    fine = max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), key=sharpness)
    # Sharpest when projecting along the lines' own slope: undo that slope.
    return -float(round(fine, 2)) + 0.0


def specks_per_mpx(gray: Image.Image) -> float:
    """Dark pixels with no dark 4-neighbour, per megapixel (about 15 ms a page)."""
    a = np.asarray(gray) < 128
    n = np.zeros(a.shape, np.uint8)
    n[1:, :] += a[:-1, :]
    n[:-1, :] += a[1:, :]
    n[:, 1:] += a[:, :-1]
    n[:, :-1] += a[:, 1:]
    return float((a & (n == 0)).sum()) / a.size * 1e6


def image_dpi(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi")
    try:
        return float(dpi[0]) if dpi and float(dpi[0]) >= 1 else None
    except (TypeError, ValueError, IndexError):
        return None


def paper(gray: Image.Image) -> Image.Image:
    """The brightness of the paper under ``gray``, small (~200 px on its short side): the
    brightest pixel of each 5x5 (the letters gone), blurred."""
    small = gray.reduce(max(1, min(gray.size) // 200))
    return small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(3))


def unevenness(light: Image.Image) -> float:
    """How uneven a :func:`paper` map is: (95th - 5th percentile) / 95th, 0 = even."""
    a = np.asarray(light, dtype=np.float32)
    hi, lo = np.percentile(a, [95, 5])
    return float((hi - lo) / hi) if hi > 0 else 0.0


def flatten(gray: Image.Image, config: OcrConfig) -> Image.Image:
    """``gray`` divided by its paper's brightness where the light is uneven, else ``gray``."""
    if not config.flatten or min(gray.size) < 16:
        return gray
    light = paper(gray)
    if unevenness(light) <= config.flatten_min_unevenness:
        return gray
    full = np.asarray(light.resize(gray.size, Image.Resampling.BILINEAR), dtype=np.float32)
    out = np.asarray(gray, dtype=np.float32) / np.maximum(full, 1.0) * 255.0
    flat = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    flat.info.update(gray.info)
    return flat


def needs_despeckle(gray: Image.Image, config: OcrConfig, dpi: float | None = None) -> bool:
    return _specks_to_clean(gray, config, dpi) is not None


def _specks_to_clean(gray: Image.Image, config: OcrConfig, dpi: float | None) -> float | None:
    """The page's specks a megapixel where the despeckle may run (fine enough a scan, specks
    over ``speck_threshold``), else None."""
    if not config.despeckle:
        return None
    dpi = dpi if dpi is not None else image_dpi(gray)
    fine = dpi >= config.despeckle_min_dpi if dpi else min(gray.size) >= config.despeckle_min_side
    if not fine:
        return None
    specks = specks_per_mpx(gray)
    if specks < config.speck_threshold:
        return None
    # A file's resolution can lie: a web-size copy of a 300 dpi scan often still says 300.
    # Its letters say how fine it is (measured where a page could be that small).
    if min(gray.size) < config.upscale_max_side:
        h = text_height(gray)
        if h is not None and h < config.despeckle_min_text_px:
            return None
    return specks


def despeckle(gray: Image.Image) -> Image.Image:
    """``gray`` binarized (Otsu) with each pixel dark when at least 5 of its 3x3 neighbourhood
    are: the median of a binary image, in numpy (uint8 sums of nine shifted views)."""
    return _despeckled(gray)[0]


def _despeckled(gray: Image.Image) -> tuple[Image.Image, float]:
    """(:func:`despeckle` of ``gray``, the share of its non-speck ink the vote removes: dark
    pixels with two dark 8-neighbours or more that fewer than 5 of 9 vote for)."""
    arr = np.asarray(gray)
    dark = (arr <= _otsu(arr)).astype(np.uint8)
    h, w = dark.shape
    pad = np.pad(dark, 1)
    votes = np.zeros_like(dark)
    for dy in range(3):
        for dx in range(3):
            votes += pad[dy : dy + h, dx : dx + w]
    ink = (dark == 1) & (votes >= 3)  # (the pixel itself and two neighbours)
    eroded = float((ink & (votes < 5)).sum()) / max(1, int(ink.sum()))
    return Image.fromarray(np.where(votes >= 5, 0, 255).astype(np.uint8)), eroded


def cleaned(gray: Image.Image, config: OcrConfig, dpi: float | None = None) -> Image.Image:
    """``gray`` despeckled where the page needs it and the vote keeps its text (see
    ``OcrConfig.despeckle``), else ``gray`` itself."""
    specks = _specks_to_clean(gray, config, dpi)
    if specks is None:
        return gray
    out, eroded = _despeckled(gray)
    return out if eroded <= config.despeckle_max_erosion or specks >= config.heavy_specks else gray


def grayscale(img: Image.Image, config: OcrConfig) -> tuple[Image.Image, bool]:
    """(the page in gray, whether red ink was left out): the luminance, except that on a colour
    page with at least ``red_min_share`` of red ink (``drop_red``) the red pixels take their red
    channel, which is light: a seal's ring and letters over the text fade, and black text under
    them, dark in every channel, stays."""
    if _orientation(img) != 1:  # (a phone's "rotate me" tag; the copy costs 25 ms)
        img = ImageOps.exif_transpose(img) or img
    if img.has_transparency_data:
        # A transparent background is paper: on white (its colour under the alpha is often
        # black, and the page went black with its letters: nothing read).
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):
        # 16-bit scans (archive scanners' TIFFs): PIL's conversion clips at 255, every gray
        # becomes white and the letters lose their anti-aliased edges. Scaled down instead.
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        scaled = Image.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8))
        scaled.info.update(img.info)
        return scaled, False
    if img.mode == "LAB":  # (CIELab TIFFs from some scanners: their lightness is the page)
        lightness = img.getchannel("L")
        lightness.info.update(img.info)
        return lightness, False
    gray = ImageOps.grayscale(img)
    if not config.drop_red or img.mode in ("1", "L"):  # (no colour, hence no red ink)
        return gray, False
    # Judged on one pixel in 16 first (a colour scan's full arrays cost ~60 ms a page).
    sample = img.resize((max(1, img.width // 4), max(1, img.height // 4)), Image.Resampling.NEAREST)
    small = np.asarray(sample.convert("RGB"), dtype=np.int16)
    share = (small[..., 0] - np.maximum(small[..., 1], small[..., 2]) > config.red_margin).mean()
    if share < config.red_min_share:
        return gray, False
    rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    red = rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) > config.red_margin
    out = np.asarray(gray).copy()
    out[red] = rgb[..., 0][red].astype(np.uint8)
    page = Image.fromarray(out)
    page.info.update(gray.info)
    return page, True


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation tag of ``img`` (1 = as stored), 1 where its EXIF is damaged."""
    try:
        return int(img.getexif().get(0x0112, 1))
    except Exception:  # (Pillow's EXIF parser on broken bytes: struct, value, syntax errors)
        return 1


def text_height(gray: Image.Image) -> float | None:
    """The median height in pixels of the page's ink blots (8-connected dark regions under the
    Otsu threshold) of 6 pixels or more: mostly letters. None on a page with too few of them
    to say (fewer than 200)."""
    arr = np.asarray(gray)
    labels, n = ndimage.label(arr <= _otsu(arr), structure=np.ones((3, 3), bool))
    if n < 200:
        return None
    boxes = ndimage.find_objects(labels)
    h = np.fromiter((b[0].stop - b[0].start for b in boxes), np.int64, len(boxes))
    w = np.fromiter((b[1].stop - b[1].start for b in boxes), np.int64, len(boxes))
    area = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    # Neither specks (a page with 1% of its pixels specks had a median of 9 px with them, 28
    # without, its letters' height) nor rules, frames and pictures.
    blots = h[(area >= 6) & (h >= 2) & (h <= gray.height / 10) & (w <= gray.width / 5)]
    return float(np.median(blots)) if len(blots) >= 200 else None


def upscale_factor(gray: Image.Image, config: OcrConfig, dpi: float | None = None) -> float:
    """How much to enlarge ``gray`` before OCR: its letters to ``upscale_text_px`` (see
    ``OcrConfig.upscale_text_px``), at most ``upscale_max`` times and to ``upscale_max_side``
    pixels on the short side; 1 when they are near that size already or larger. A page whose
    file says ``dpi`` of 200 or more, and whose size agrees (5 inches or more on its short
    side: a document page, not a web copy shrunk to 600 px that still says 300 dpi), is
    believed and not measured."""
    if config.upscale_text_px <= 0 or min(gray.size) >= config.upscale_max_side:
        return 1.0
    if dpi and dpi >= 200 and min(gray.size) / dpi >= 5.0:
        return 1.0
    h = text_height(gray)
    if h is None:
        return 1.0
    factor = min(config.upscale_text_px / h, config.upscale_max)
    factor = min(factor, config.upscale_max_side / min(gray.size))
    return factor if factor >= config.upscale_min_factor else 1.0


def downscale_factor(gray: Image.Image, config: OcrConfig) -> float:
    """How much to shrink a big page before anything else: where its letters are
    ``downscale_above_px`` high or more (print photographed at 48 megapixels, scans at 600
    dpi), to ``downscale_text_px`` (see ``OcrConfig.downscale_above_px``); 1 otherwise. The
    letters are measured on a copy a few times smaller (a fraction of the cost)."""
    if config.downscale_above_px <= 0 or min(gray.size) < config.upscale_max_side:
        return 1.0
    k = max(1, min(gray.size) // 800)
    h = text_height(gray.reduce(k))
    if h is None or h * k < config.downscale_above_px:
        return 1.0
    return config.downscale_text_px / (h * k)


def reduced(gray: Image.Image, config: OcrConfig) -> tuple[Image.Image, float]:
    """(``gray`` shrunk by :func:`downscale_factor`, the factor)."""
    factor = downscale_factor(gray, config)
    return _rescaled(gray, factor), factor


def upscaled(
    gray: Image.Image, config: OcrConfig, dpi: float | None = None
) -> tuple[Image.Image, float]:
    """(``gray`` enlarged by :func:`upscale_factor`, the factor)."""
    factor = upscale_factor(gray, config, dpi)
    return _rescaled(gray, factor), factor


def _rescaled(gray: Image.Image, factor: float) -> Image.Image:
    """``gray`` resized by ``factor`` (Lanczos; a big reduction by whole factors first, which
    costs a fraction of the time), its info kept; ``gray`` itself at 1."""
    if factor == 1.0:
        return gray
    size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
    out = gray.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out.info.update(gray.info)
    return out


def preprocess(img: Image.Image, config: OcrConfig) -> tuple[Image.Image, float, bool, float]:
    """Grayscale, then the cleaning steps ``config`` turns on. Returns (image, skew, whether
    red ink was left out, the factor the image was resized by: under 1 shrunk, over 1
    enlarged)."""
    gray, red = grayscale(img, config)
    skew = 0.0
    # Big print made smaller first: every step after it costs less.
    gray, down = reduced(gray, config)
    dpi = image_dpi(img)
    dpi = dpi * down if dpi else None
    gray = cleaned(flatten(gray, config), config, dpi)
    if config.deskew:
        skew = estimate_skew(gray, config.max_skew)
        if abs(skew) >= 0.2:
            gray = gray.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    gray, up = upscaled(gray, config, dpi)
    scale = down * up
    if config.binarize:
        arr = np.asarray(gray)
        gray = Image.fromarray(((arr > _otsu(arr)) * 255).astype(np.uint8))
    return gray, skew, red, scale
