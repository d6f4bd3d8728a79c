"""OCR of one page image with Tesseract (``vie`` model).

One Tesseract process per page, single-threaded (``OMP_THREAD_LIMIT=1``): the batch
runs one worker process per core, and Tesseract's own OpenMP threading is 2.5-4x
slower than that on this workload. The page is cleaned first (:mod:`pipeline.pagecleaning`);
the text is rebuilt from Tesseract's TSV (``image_to_data``), so one call gives the text, the
word confidences and their boxes (:mod:`pipeline.ocrwords`).
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import tempfile
from dataclasses import dataclass

import pytesseract
from PIL import Image

from pipeline.errors import MissingDependencyError, PageTimeoutError
from pipeline.ocrwords import Box, OcrText, text_from_data
from pipeline.pagecleaning import image_dpi, preprocess
from pipeline.quality import garbled_score
from pipeline.records import PageImage

# Set before any Tesseract process starts; child processes inherit it.
os.environ["OMP_THREAD_LIMIT"] = "1"


@dataclass(frozen=True)
class OcrConfig:
    """How pages are OCR'd. Figures: ``scripts/bench_ocr.py`` (docs/benchmarks.md).

    * ``lang`` = "vie": the Tesseract model (package tesseract-ocr-vie).
    * ``psm`` = 6 ("a single uniform block of text"): measured better than 3 (auto)
      and 4 on our synthetic pages; psm 4 breaks on photocopies.
    * ``dpi`` = 300: resolution PDF pages are rasterized at. Images keep their own
      (Tesseract estimates it when the file does not say).
    * ``timeout`` = 120 s per page; a page over it is skipped with a warning.
    * ``despeckle`` = True: a 3x3 median filter of the page binarized (Otsu), i.e. a
      majority vote of each pixel's 3x3 neighbourhood, *when the page needs it*: photocopy
      specks read as the dot-below tone mark, and the filter removes specks of 1-2 px
      while strokes survive (bench: 94.9% -> 99.7% syllables on 1%-speckled pages).
      Until session 18 it was PIL's median filter of the gray page: 0.34 s a page, and
      Tesseract read the smoothed gray page slower than the raw one (photocopy-like pages
      1.5x the time of bare Tesseract); the binary vote costs 0.03 s and Tesseract reads
      its output faster than the raw page (4 photocopy-like pages: 7.2 -> 5.3 s, 99.69 ->
      99.62% of syllables; 4 speckled ones 99.75 -> 99.69%: one syllable each).
      It runs only on pages with at least ``speck_threshold`` = 100 isolated dark
      pixels per megapixel (clean renders: 0; real 300 dpi scans: 1-75; speckled
      pages: 850-8,200) scanned at ``despeckle_min_dpi`` = 150 dpi or more (when the
      image does not say, a short side of ``despeckle_min_side`` = 1200 px or more):
      on a 70 dpi phone image strokes are 1 px wide and the median erases them
      (real-scans/vietadmin/4_1.jpg: 70% -> 91% of its syllables without it). A page under
      2,000 px on its short side whose letters (:func:`pipeline.pagecleaning.text_height`)
      are under ``despeckle_min_text_px`` = 11 px (12-13.5 pt under ~120 dpi) is not
      despeckled whatever its file says (session 23): a web-size copy of a 300 dpi scan often
      keeps "300 dpi" in its header, and a page at 75 dpi saying so read 22% of its words with
      the vote, 99% without (tests/test_ocr.py); the noisy 150 dpi pages the vote helps have
      letters of 13 px.
      Nor where the vote would eat the text itself (session 20): small letters at 150-200
      dpi have strokes and marks of 1-2 px, whose ends and dots counted as "specks" (100-630
      a megapixel), and the vote erased them: a clean 9 pt page at 150 dpi read 166 of 341
      words wrong with it, 1 without; 10 pt at 200 dpi 27 against 0. The vote is kept only
      when it removes at most ``despeckle_max_erosion`` = 0.12 of the ink that is no speck
      (dark pixels with two dark neighbours or more): 0.02-0.08 on the pages it helps (300
      dpi noise and photocopies, 200 dpi ones), 0.17-0.29 on those it hurt (small clean
      text at 150-200 dpi, light noise at 150 dpi); or, whatever it erodes, on pages with
      ``heavy_specks`` = 3,500 specks a megapixel or more (0.5% noise: 4,200; 1%: 8,200;
      0.1%: 900), where small print read worse still without it (0.5% noise on 10 pt at 200
      dpi: 37 words wrong against 16; 1% at 150 dpi: 93 against 34; at 0.1%, 14 against 47
      with it). Grid and figures: ``scripts/bench_ocr.py`` (docs/benchmarks.md).
    * ``drop_red`` = True: on a colour page, leave red ink out of the page OCR reads: the
      seal (con dấu) stamped over the signature block and its last lines. Pixels whose red
      exceeds their green and blue by more than ``red_margin`` = 50 take their red channel
      (light) instead of their luminance (dark: a seal's red reads 80 of 255 in gray), where
      at least ``red_min_share`` = 0.05% of the page is such ink; black text under the seal
      is dark in every channel and stays. A seal over the text of a synthetic page cost 24-48
      of 331 words, 1-9 without its red (``scripts/bench_ocr.py`` has a page). The page's
      warnings say so: text printed in red (rare in plans; a heading) is left out too.
    * ``flatten`` = True: divide the page by its paper's brightness, where the light is
      uneven (a phone photo, a shadow down a book's fold, a photocopy's dark edge): Tesseract
      binarizes with one threshold for the page, and the shaded part goes black or its
      letters pale away. The paper's brightness is the page reduced to ~200 px on its short
      side, each pixel the brightest of its 5x5 (the letters gone), blurred; the step runs
      where that map's 5th percentile is more than ``flatten_min_unevenness`` = 0.1 below its
      95th (clean scans and renders: 0.00-0.01; the two photographed real scans: 0.23 and
      0.30; a shadow darkening the paper by 60%: 0.58). Such a shadow cost 31 of 347 words
      (1 with the step; ``scripts/bench_ocr.py`` has the page); on
      real-scans/kaikenju/van-ban-hanh-chinh-la-gi_4.jpg (a phone photo, no gold) the mean
      word confidence went 82.6 -> 88.0 and the text from "Căn cứ Ð lều 129", "lường Ngu)
      lên Đức Cảnh" to "Căn cứ Điều 129", "số 40 đường Nguyễn Đức Cảnh", with a lost line
      found ("Cân Thơ."). About 10 ms a page.
    * ``deskew`` = True: rotate by the angle (within +-``max_skew`` = 15 degrees)
      that makes the row profile sharpest (projection method). Until session 20 the search
      stopped at 5 degrees, and a page fed 7-9 degrees askew (a phone photo, a hand-fed
      scanner) was "straightened" by a wrong angle, some the wrong way (7 deg: +2.2 found;
      a page at -7 deg read 105 of 346 words wrong, 1 with the wider search). The search
      costs ~20 ms a page instead of ~13; real scans find the same angles as before.
    * ``fix_orientation`` = True: when the OCR text scores above
      ``orientation_threshold`` = 0.5 on :func:`pipeline.quality.garbled_score`
      (a page upside down or sideways reads as junk: 0.82-0.91 on test pages),
      ask Tesseract's OSD for the orientation, OCR the turned page and keep the
      better text. Costs nothing on pages that read well.
    * ``unsure_below`` = 90: words (with a letter or digit) that Tesseract reads with a
      confidence (0-100) under this are listed with their page (``Page.unsure``) and marked
      on the review pages for a look at the scan. Chosen for the archivist's risk, the words
      left unmarked: on synthetic pages from clean to hard (``scripts/bench_ocr_confidence.py``,
      docs/benchmarks.md; 12.8% of the words misread), half the words under 90 were misread
      (49%), holding 75% of the misread words, and 3.9% of the others; under 80, 56% and
      7.3%; under 70, 59% and 9.5%. Most misread words are other Vietnamese syllables ("phố"
      for "phổ"), so the syllable list cannot tell them. After post-correction, on held-out
      plans rendered the same way, the review marks with these hold 70% of the wrong words
      (29% without them) for 13.3% of the words marked. Real scans: 4-13% of their words.
    * ``review_image_width`` = 1000: the page as OCR read it (deskewed, upright) is kept at
      this width as a grayscale JPEG for the review page, which shows it beside the text with
      the marked words boxed (0 = none). At 1000 px an A4 page's 12 pt letters are some 20 px
      high, and the image some 100-200 KB.
    * ``upscale_text_px`` = 19: a page whose letters are small in pixels (a phone photo or a
      web-size scan: 70-110 dpi for an A4 page) is enlarged (Lanczos), after the cleaning and
      the deskew, until the median height of its ink blots (:func:`pipeline.pagecleaning.
      text_height`, specks left out: 28 px on 13.5 pt print at 300 dpi, 17 at 200, 9 at 100)
      reaches this many pixels: Tesseract splits and reads letters of a few pixels badly, and
      a tone mark above a circumflex is one or two pixels there. At most ``upscale_max`` = 3
      times and to ``upscale_max_side`` = 2,000 px on the short side; a page with a short side
      of 2,000 px or more is not measured at all (an A4 page at 240 dpi and up), nor one whose
      file says 200 dpi or more where its size agrees (5 inches or more on the short side: a
      scanner's page; a web copy shrunk to 600 px that still says 300 dpi is measured), and a factor
      under ``upscale_min_factor`` = 1.7 is not applied (letters of 11 px or less are
      enlarged). Chosen on the development plans
      (scripts/make_dev_split.py) rendered, softened, downsampled and JPEG-compressed, 9 pages
      each, words right: 75 dpi 87.5 -> 93.4%, 100 dpi 95.4 -> 98.4%, 150 dpi 99.30 -> 99.28%
      (a target of 25 px: 93.7 / 98.1 / 99.38%). The minimum factor was 1.25 first: at 150 dpi
      (1.27x) the development pages gained nothing, and the OCR benchmark's pages lost words at
      1.4x (10 pt at 200 dpi 99.75 -> 99.56%, 1% specks at 150 dpi 92.71 -> 90.64%) while
      9 pt at 150 dpi (2.1x) gained (99.43 -> 99.81%); then 1.5, until the OCR-confidence
      benchmark's photocopies of 10 pt at 150 dpi (letters of 12 px, 1.6x; held-out plan
      lines: read there, not tuned on otherwise) misread 11.4 -> 12.4% of their words. Every
      loss was at letters of 12 px or more, every gain at 11 or less. The real phone images vietadmin/4_1.jpg and
      4_2.jpg (enlarged 2.4x), against their unverified ground truth, after post-correction:
      92.7 -> 94.1% and 88.2 -> 95.5% of its words found in order; Tesseract's mean word
      confidence rose on the six real images under 1,000 px that are enlarged (1.7-2.4x: 86.6
      -> 90.0 on 4_2.jpg, 88.0 -> 89.7, 89.0 -> 91.0, 0.1-1.0 on the others); the seventh,
      congbao_2012-10-18_0109-2.jpg (letters of 12 px, 1.6x), is read as it is: enlarged
      with the minimum factor of 1.5, its confidence fell 90.5 -> 90.1, words gained and lost.
      0 = off. Held-out figures: ``scripts/bench_ocr.py`` and ``scripts/bench_ocr_postcorrect.py``.
    * ``downscale_above_px`` = 42: the other way round, a page of 2,000 px or more on its
      short side whose letters are this high or more (print photographed at 48 megapixels,
      a 600 dpi scan: 56 px) is shrunk first, before the cleaning, to letters of
      ``downscale_text_px`` = 28 px (300 dpi print): Tesseract scales each line to a fixed
      height anyway, and pays for the pixels in its layout analysis, as do the cleaning
      steps. 0 = off. Figures: ``scripts/bench_ocr.py``.
    * ``binarize`` = False: Otsu threshold before OCR. Tesseract binarizes itself;
      set True only if the benchmark shows a gain on your material.
    """

    lang: str = "vie"
    psm: int = 6
    dpi: int = 300
    timeout: float = 120.0
    despeckle: bool = True
    speck_threshold: float = 100.0
    despeckle_min_dpi: float = 150.0
    despeckle_min_side: int = 1200
    despeckle_min_text_px: float = 11.0
    flatten: bool = True
    flatten_min_unevenness: float = 0.1
    drop_red: bool = True
    red_margin: int = 50
    red_min_share: float = 0.0005
    despeckle_max_erosion: float = 0.12
    heavy_specks: float = 3500.0
    deskew: bool = True
    binarize: bool = False
    fix_orientation: bool = True
    orientation_threshold: float = 0.5
    max_skew: float = 15.0
    unsure_below: float = 90.0
    review_image_width: int = 1000
    upscale_text_px: float = 19.0
    upscale_max: float = 3.0
    upscale_min_factor: float = 1.7
    upscale_max_side: int = 2000
    downscale_above_px: float = 42.0
    downscale_text_px: float = 28.0


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no words
    words: int
    skew: float = 0.0  # degrees corrected by deskew
    rotated: int = 0  # degrees clockwise the page was turned (OSD), 0/90/180/270
    # Per line of ``text``, its words' confidences and boxes (see OcrText).
    line_confidences: tuple[tuple[float, ...], ...] = ()
    line_boxes: tuple[tuple[Box, ...], ...] = ()
    image: PageImage | None = None  # the page read, small (OcrConfig.review_image_width)
    red_dropped: bool = False  # red ink (a seal) left out of the page read (OcrConfig.drop_red)
    # How much the page was resized before OCR: over 1 small print enlarged, under 1 big print
    # shrunk (OcrConfig.upscale_text_px, downscale_above_px).
    scale: float = 1.0


@functools.cache
def check_tesseract(lang: str = "vie") -> str:
    """Raise :class:`MissingDependencyError` unless tesseract and ``lang`` are installed."""
    exe = shutil.which(pytesseract.pytesseract.tesseract_cmd) or shutil.which("tesseract")
    if not exe:
        raise MissingDependencyError(
            "the tesseract command is not installed",
            remedy="sudo apt-get install tesseract-ocr tesseract-ocr-vie",
        )
    langs = set(pytesseract.get_languages(config=""))
    if lang not in langs:
        pkg = f"tesseract-ocr-{lang}" if lang.isalpha() else "tesseract-ocr-vie"
        raise MissingDependencyError(
            f"Tesseract has no '{lang}' model ({lang}.traineddata not found; has: {', '.join(sorted(langs))})",
            remedy=f"sudo apt-get install {pkg}",
        )
    return exe


def ocr_image(img: Image.Image, config: OcrConfig | None = None) -> OcrResult:
    """OCR one page image. Raises :class:`PageTimeoutError` past ``config.timeout``."""
    cfg = config or OcrConfig()
    check_tesseract(cfg.lang)
    page, skew, red, scale = preprocess(img, cfg)
    dpi = image_dpi(img)
    dpi = dpi * scale if dpi else None  # (the resolution of the page read, when known)
    read = _tesseract(page, cfg, dpi)
    rotated = 0
    if cfg.fix_orientation and garbled_score(read.text) > cfg.orientation_threshold:
        turn = _osd_rotation(page, cfg)
        if turn:
            upright = page.rotate(-turn, expand=True, fillcolor=255)
            turned = _tesseract(upright, cfg, dpi)
            if garbled_score(turned.text) < garbled_score(read.text):
                read, rotated, page = turned, turn, upright
    return OcrResult(
        text=read.text,
        confidence=read.confidence,
        words=read.words,
        skew=skew,
        rotated=rotated,
        line_confidences=read.line_confidences,
        line_boxes=read.line_boxes,
        image=small_image(page, cfg.review_image_width),
        red_dropped=red,
        scale=scale,
    )


def small_image(page: Image.Image, width: int) -> PageImage | None:
    """``page`` at ``width`` pixels wide (never wider than it is), as a grayscale JPEG."""
    if width <= 0 or page.width <= 0:
        return None
    scale = min(1.0, width / page.width)
    small = page.convert("L")
    if scale < 1.0:
        # An average of the pixels (thin strokes stay gray, not gone): first by the whole
        # factor (reduce: cheap), then the rest.
        factor = max(1, int(1 / scale))
        if factor > 1:
            small = small.reduce(factor)
        small = small.resize(
            (max(1, round(page.width * scale)), max(1, round(page.height * scale))),
            Image.Resampling.BOX,
        )
    buf = io.BytesIO()
    small.save(buf, format="JPEG", quality=70)
    return PageImage(buf.getvalue(), small.width, small.height, small.width / page.width)


def _osd_rotation(page: Image.Image, cfg: OcrConfig) -> int:
    """Degrees clockwise that Tesseract's OSD says turn the page upright (0 if unsure)."""
    try:
        osd = pytesseract.image_to_osd(
            page,
            config="--psm 0 -c min_characters_to_try=5",
            output_type=pytesseract.Output.DICT,
            timeout=cfg.timeout,
        )
    except (pytesseract.TesseractError, RuntimeError):
        return 0  # too little text to judge, or no osd.traineddata
    return int(osd.get("rotate", 0)) % 360


def _tesseract(page: Image.Image, cfg: OcrConfig, dpi: float | None) -> OcrText:
    # Unknown resolution: let Tesseract estimate it from the glyph sizes.
    opts = f"--psm {cfg.psm}" + (f" --dpi {int(dpi)}" if dpi else "")
    # Hand Tesseract an uncompressed PGM ourselves: pytesseract would PNG-encode the
    # image first, which costs ~10% of the OCR time of a page (bench_ocr.py).
    with tempfile.TemporaryDirectory(prefix="plans-ocr-") as tmp:
        pgm = os.path.join(tmp, "page.pgm")
        page.save(pgm)
        try:
            data = pytesseract.image_to_data(
                pgm,
                lang=cfg.lang,
                config=opts,
                output_type=pytesseract.Output.DICT,
                timeout=cfg.timeout,
            )
        except RuntimeError as e:
            if "timeout" in str(e).lower():
                raise PageTimeoutError(
                    f"OCR took longer than {cfg.timeout:g} s",
                    remedy="raise the page timeout (--page-timeout) or check the page image",
                ) from e
            raise
    return text_from_data(data)
