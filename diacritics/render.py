"""Synthetic OCR damage: render clean text into page images, degrade, OCR, align.

The restorer's channel model P(ocr token | clean syllable) is learned, not written by
hand: clean corpus text is rendered into A4 page images (Pillow, 300 dpi, a serif font
like the one government documents use), given the damage of photocopies and scans
(blur, noise, slight rotation, low resolution, JPEG), and read back with Tesseract's
``eng`` model, an engine without Vietnamese support, which is what produced the
archives' garbled text. Because we rendered the page we know where every clean line
is, so every OCR word is assigned to its line by its box (:func:`assign_words_to_lines`)
and tokens are aligned within one line only (:func:`align_tokens`), which keeps the
alignment exact even when OCR splits, merges, drops or invents tokens.

Used by ``scripts/learn_confusion.py`` (confusion tables, synthetic evaluation set)
and by the tests. Pure functions over small frozen records; only :func:`ocr_words`
runs an external program (``tesseract``).
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

from diacritics.orthography import strip_marks

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
LIBERATION_SERIF = "LiberationSerif-Regular.ttf"
DEJAVU_SERIF = "DejaVuSerif.ttf"

# Punctuation peeled off both ends of a token before it is counted: the restorer
# works on words, and a comma after "huyện" says nothing about how OCR reads "huyện".
# Only characters that are punctuation in clean text too; OCR's letter substitutes
# ("&" in "quy&", "¢", "%" in "Th%rc") are kept because they stand for letters.
EDGE_PUNCT = ".,;:!?\"'()[]{}“”‘’«»…–—-*"


class FontNotFoundError(FileNotFoundError):
    """A font file named in a :class:`RenderConfig` is not installed."""


def find_font(name: str) -> Path:
    """Path of an installed font file, searched in :data:`FONT_DIRS` (or a full path)."""
    p = Path(name)
    if p.is_file():
        return p
    for d in FONT_DIRS:
        if (d / name).is_file():
            return d / name
    raise FontNotFoundError(
        f"font {name} not found in {', '.join(map(str, FONT_DIRS))} "
        "(install fonts-liberation2 and fonts-dejavu-core)"
    )


@dataclass(frozen=True)
class RenderConfig:
    """How a page is laid out.

    Defaults follow Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP):
    A4, Times-like serif at 13-14 pt, left margin 30 mm, right 15-20 mm.

    - ``font``: font file name or path; default Liberation Serif (metric clone of Times).
    - ``font_pt``: font size in points; default 13.5.
    - ``dpi``: resolution of the rendered image; default 300 (what archives scan at).
    - ``page_mm``: page width and height in mm; default A4 (210, 297).
    - ``margins_mm``: left, top, right, bottom in mm; default (30, 20, 20, 20).
    - ``line_spacing``: distance between baselines as a multiple of the font size;
      default 1.35 (documents use 1.0-1.5 "lines"; single spacing of Times is ~1.15).
    - ``indent_mm``: first-line indent of a paragraph; default 10.
    - ``justify``: stretch the spaces of full lines to the right margin, as most
      plans do (changes how OCR segments words); default False.
    """

    font: str = LIBERATION_SERIF
    font_pt: float = 13.5
    dpi: int = 300
    page_mm: tuple[float, float] = (210.0, 297.0)
    margins_mm: tuple[float, float, float, float] = (30.0, 20.0, 20.0, 20.0)
    line_spacing: float = 1.35
    indent_mm: float = 10.0
    justify: bool = False

    def px(self, mm: float) -> int:
        return round(mm / 25.4 * self.dpi)

    @property
    def font_px(self) -> int:
        return round(self.font_pt / 72 * self.dpi)

    @property
    def line_pitch(self) -> int:
        return round(self.font_px * self.line_spacing)

    @property
    def text_width(self) -> int:
        left, _, right, _ = self.margins_mm
        return self.px(self.page_mm[0] - left - right)

    @property
    def lines_per_page(self) -> int:
        _, top, _, bottom = self.margins_mm
        return max(1, self.px(self.page_mm[1] - top - bottom) // self.line_pitch)


@lru_cache(maxsize=16)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font(name)), size)


def bold_variant(font: str) -> str:
    """The bold face of a regular font file name (headings of plans are bold)."""
    if "Regular" in font:
        return font.replace("Regular", "Bold")
    stem, dot, ext = font.rpartition(".")
    return f"{stem}-Bold{dot}{ext}"


@dataclass(frozen=True)
class Line:
    """One line to render: its text, whether it starts a paragraph (gets the indent)
    or ends one (is not justified), and whether it is set in bold (a heading)."""

    text: str
    first: bool = False
    last: bool = True
    bold: bool = False


def wrap_paragraphs(
    paragraphs: list[str], config: RenderConfig, bold: list[bool] | None = None
) -> list[Line]:
    """Break each paragraph into lines that fit the text width (greedy, on spaces).

    ``bold[i]`` sets paragraph i in the bold face. An empty paragraph becomes an
    empty line. A single word wider than the line is kept whole (it will overflow
    the margin rather than be cut in two).
    """
    out: list[Line] = []
    indent = config.px(config.indent_mm)
    for k, para in enumerate(paragraphs):
        is_bold = bool(bold and bold[k])
        font = _font(bold_variant(config.font) if is_bold else config.font, config.font_px)
        words = para.split()
        if not words:
            out.append(Line("", first=True, last=True))
            continue
        cur: list[str] = []
        first = True
        for w in words:
            trial = " ".join([*cur, w])
            width = config.text_width - (indent if first else 0)
            if cur and font.getlength(trial) > width:
                out.append(Line(" ".join(cur), first=first, last=False, bold=is_bold))
                cur, first = [w], False
            else:
                cur.append(w)
        out.append(Line(" ".join(cur), first=first, last=True, bold=is_bold))
    return out


def paginate(lines: list[Line], config: RenderConfig) -> list[list[Line]]:
    """Cut lines into pages of :attr:`RenderConfig.lines_per_page`."""
    n = config.lines_per_page
    return [lines[i : i + n] for i in range(0, len(lines), n)]


@dataclass(frozen=True)
class RenderedLine:
    """A line as drawn: its text and its box (left, top, right, bottom) in pixels."""

    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Page:
    """A page image and where each of its lines was drawn.

    ``rotation`` (degrees, counter-clockwise, about the image centre) is the skew a
    degradation added; line boxes stay in the unrotated frame and
    :func:`assign_words_to_lines` undoes the rotation on word boxes instead.
    """

    image: Image.Image
    lines: tuple[RenderedLine, ...]
    dpi: int
    rotation: float = 0.0


def render_page(lines: list[Line], config: RenderConfig) -> Page:
    """Draw ``lines`` black on white, one per line pitch, from the top margin."""
    w, h = config.px(config.page_mm[0]), config.px(config.page_mm[1])
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    regular = _font(config.font, config.font_px)
    bold = _font(bold_variant(config.font), config.font_px)
    left = config.px(config.margins_mm[0])
    top = config.px(config.margins_mm[1])
    indent = config.px(config.indent_mm)
    drawn: list[RenderedLine] = []
    for i, line in enumerate(lines):
        font = bold if line.bold else regular
        ascent, descent = font.getmetrics()
        y = top + i * config.line_pitch
        x0 = left + (indent if line.first else 0)
        words = line.text.split()
        if config.justify and not line.last and len(words) > 1:
            natural = sum(font.getlength(wd) for wd in words)
            gap = (config.text_width - (x0 - left) - natural) / (len(words) - 1)
            gap = min(gap, font.getlength(" ") * 3)  # never spread a short line absurdly
            x = float(x0)
            for wd in words:
                draw.text((x, y), wd, font=font, fill=0)
                x += font.getlength(wd) + gap
            right = round(x - gap)
        else:
            draw.text((x0, y), line.text, font=font, fill=0)
            right = x0 + round(font.getlength(line.text))
        drawn.append(RenderedLine(line.text, (x0, y, right, y + ascent + descent)))
    return Page(img, tuple(drawn), config.dpi)


@dataclass(frozen=True)
class Degradation:
    """Damage of a photocopy or scan, applied in this order. Zero/None = not applied.

    - ``rotation``: skew in degrees (counter-clockwise); real scans are within ±1°.
    - ``ink``: >0 thickens strokes (MinFilter of size 2*ink+1 on part of the page
      contrast), <0 thins them (faded toner); in [-1, 1].
    - ``blur``: Gaussian radius in pixels at 300 dpi; 0.6-1.5 is a tired copier.
    - ``noise``: standard deviation of grey-level speckle (0-255 scale).
    - ``dpi``: resample to this resolution (e.g. 200) as a low-resolution scan.
    - ``jpeg``: JPEG quality (e.g. 35); compression artefacts around the marks.
    - ``threshold``: binarize at this grey level (fax/photocopy look); None = keep grey.
    """

    rotation: float = 0.0
    ink: int = 0
    blur: float = 0.0
    noise: float = 0.0
    dpi: int | None = None
    jpeg: int | None = None
    threshold: int | None = None

    @classmethod
    def random(cls, rng: random.Random) -> Degradation:
        """A mild random mix; about one page in four is left clean."""
        if rng.random() < 0.25:
            return cls()
        return cls(
            rotation=rng.uniform(-0.6, 0.6) if rng.random() < 0.5 else 0.0,
            ink=rng.choice([-1, 0, 0, 1]),
            blur=rng.choice([0.0, 0.6, 0.9, 1.2]),
            noise=rng.choice([0.0, 0.0, 8.0, 16.0]),
            dpi=rng.choice([None, None, 200, 150]),
            jpeg=rng.choice([None, None, 50, 30]),
            threshold=rng.choice([None, None, 150]),
        )

    def describe(self) -> str:
        parts = [
            f"{k}={round(v, 2) if isinstance(v, float) else v}"
            for k, v in self.__dict__.items()
            if v not in (0, 0.0, None)
        ]
        return ",".join(parts) or "clean"


def degrade(page: Page, d: Degradation, seed: int = 0) -> Page:
    """Apply ``d`` to the page image; line boxes are kept (see :class:`Page`)."""
    img = page.image
    if d.ink > 0:
        img = img.filter(ImageFilter.MinFilter(3))
    elif d.ink < 0:
        img = img.filter(ImageFilter.MaxFilter(3))
    if d.blur:
        img = img.filter(ImageFilter.GaussianBlur(d.blur))
    if d.rotation:
        img = img.rotate(d.rotation, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if d.noise:
        # Seeded speckle. Not Image.effect_noise: it draws from C rand(), whose state
        # depends on which pages a worker process rendered before, so a parallel run
        # would not be reproducible.
        rng = random.Random(seed)
        noise = Image.frombytes("L", img.size, rng.randbytes(img.width * img.height))
        scale = d.noise / 64  # uniform, centred on 128, amplitude ±2*noise grey levels
        noise = noise.point(lambda v: round(128 + (v - 128) * scale))
        offset = rng.randint(-3, 3)
        # Blending with mid-grey noise lowers contrast by a quarter: stretch it back.
        img = Image.blend(img, noise, 0.25).point(
            lambda v: max(0, min(255, (v - 32) * 4 // 3 + offset))
        )
    if d.threshold is not None:
        t = d.threshold
        img = img.point(lambda v: 0 if v < t else 255)
    dpi = page.dpi
    if d.dpi is not None and d.dpi != page.dpi:
        scale = d.dpi / page.dpi
        img = img.resize(
            (round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS
        )
        dpi = d.dpi
    if d.jpeg is not None:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=d.jpeg)
        buf.seek(0)
        img = Image.open(buf).convert("L")
    if dpi != page.dpi:
        # Line boxes follow the image.
        s = dpi / page.dpi
        lines = tuple(
            RenderedLine(ln.text, tuple(round(c * s) for c in ln.box))  # type: ignore[arg-type]
            for ln in page.lines
        )
    else:
        lines = page.lines
    return Page(img, lines, dpi, page.rotation + d.rotation)


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract printed it, with its box in pixels and its confidence."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


@dataclass(frozen=True)
class OcrConfig:
    """How Tesseract is run.

    - ``lang``: traineddata to use; default ``eng`` (no Vietnamese support: the
      damage we want to learn).
    - ``psm``: page segmentation mode; default 6 (one uniform block of text), which
      keeps every line of a rendered page; 4 (one column) gives the same lines here.
    - ``extra``: more command-line options, e.g. ``-c preserve_interword_spaces=1``.
    """

    lang: str = "eng"
    psm: int = 6
    extra: str = ""


def ocr_words(page: Page, config: OcrConfig = OcrConfig()) -> list[OcrWord]:
    """Run Tesseract on the page image and return its words (empty ones dropped).

    Sets ``OMP_THREAD_LIMIT=1`` unless already set: one page per core is faster
    than one page on many threads, and the machine is shared.
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(
        page.image,
        lang=config.lang,
        config=f"--psm {config.psm} --dpi {page.dpi} {config.extra}".strip(),
        output_type=pytesseract.Output.DICT,
    )
    out = []
    for i, text in enumerate(data["text"]):
        text = unicodedata.normalize("NFC", text or "").strip()
        if not text:
            continue
        out.append(
            OcrWord(
                text,
                int(data["left"][i]),
                int(data["top"][i]),
                int(data["width"][i]),
                int(data["height"][i]),
                float(data["conf"][i]),
            )
        )
    return out


def assign_words_to_lines(words: list[OcrWord], page: Page) -> list[list[OcrWord]]:
    """Put each OCR word on the rendered line whose box its centre falls in.

    The word centre is first rotated back by ``page.rotation`` (about the image
    centre), then given to the line whose vertical span is nearest (distance 0
    when inside). Words farther than one line pitch from every line (specks read as
    text) are dropped. Words of a line come out sorted left to right.
    """
    out: list[list[OcrWord]] = [[] for _ in page.lines]
    if not page.lines:
        return out
    cx0, cy0 = page.image.width / 2, page.image.height / 2
    theta = math.radians(page.rotation)
    cos, sin = math.cos(theta), math.sin(theta)
    tops = [ln.box[1] for ln in page.lines]
    pitch = (tops[-1] - tops[0]) / (len(tops) - 1) if len(tops) > 1 else page.lines[0].box[3]
    for w in words:
        x = w.left + w.width / 2 - cx0
        y = w.top + w.height / 2 - cy0
        # PIL rotates counter-clockwise on screen (y down): undo with the inverse.
        ux = cos * x - sin * y + cx0
        uy = sin * x + cos * y + cy0
        best, best_d = -1, float("inf")
        for i, ln in enumerate(page.lines):
            _, top, _, bottom = ln.box
            d = 0.0 if top <= uy <= bottom else min(abs(uy - top), abs(uy - bottom))
            if d < best_d:
                best, best_d = i, d
        if best >= 0 and best_d <= pitch:
            out[best].append(replace(w, left=round(ux - w.width / 2)))
    for ws in out:
        ws.sort(key=lambda w: w.left)
    return out


# ---------------------------------------------------------------------------
# Alignment of tokens within one line, and of characters within one token.


def cached_page_lines(pages: Path, first: int | None = None) -> Iterator[tuple[str, str]]:
    """(clean line, OCR line) of every page in a page cache of scripts/learn_confusion.py
    (build/confusion/pages-<seed>.jsonl), those with an index below ``first`` when given."""
    with open(pages, encoding="utf-8") as f:
        for row in f:
            page = json.loads(row)
            if first is not None and page["index"] >= first:
                continue
            for clean, ocr in zip(page["lines"], page["ocr"], strict=False):
                yield (
                    " ".join(clean) if isinstance(clean, list) else clean,
                    " ".join(ocr) if isinstance(ocr, list) else ocr,
                )


def peel(token: str) -> str:
    """The token without :data:`EDGE_PUNCT` at either end (may be empty)."""
    return token.strip(EDGE_PUNCT)


def key(token: str) -> str:
    """Accent-free lowercase form used to compare a clean and an OCR token."""
    return strip_marks(peel(token)).lower()


@dataclass(frozen=True)
class TokenPair:
    """Clean tokens (1 or 2) aligned to OCR tokens (0, 1 or 2), with their distance.

    ``clean``/``ocr`` are tuples of whitespace tokens (punctuation kept); either
    may be empty (a dropped or an invented token). ``distance`` is the normalized
    Levenshtein distance of the accent-free forms (0 = same letters, 1 = nothing
    in common); ``trusted`` says whether the pair is kept for the tables.
    """

    clean: tuple[str, ...]
    ocr: tuple[str, ...]
    distance: float
    trusted: bool = field(default=False)


# Costs of the token alignment. A dropped or invented token costs less than a
# 1-1 pair of unrelated tokens plus nothing, but two of them (0.6 + 0.6) cost more
# than any 1-1 pair, so tokens are paired whenever their position agrees.
_GAP = 0.6
_SPLIT_MERGE_EXTRA = 0.15


def _dist(a: str, b: str) -> float:
    if not a and not b:
        return 0.0
    return float(Levenshtein.normalized_distance(a, b))


def _join_cost(whole: str, a: str, b: str) -> float:
    """Cost of ``whole`` standing for the two tokens ``a`` and ``b`` (a split or a merge).

    When ``whole`` is too short to contain both parts ("nhiém" for "ở nhiễm") one part
    was really lost or read as a separate token; that must not pass for a merge, so it
    costs more than any 1-1 pair.
    """
    d = _dist(whole, a + b) + _SPLIT_MERGE_EXTRA
    if len(whole) < len(a) + len(b) - min(len(a), len(b)) + 1:
        d += 1.0
    return d


def _dp_path(
    n: int, m: int, steps_at: Callable[[int, int], list[tuple[int, int, float]]]
) -> list[tuple[int, int, int, int]]:
    """Cheapest path of a monotone alignment of n items against m items.

    ``steps_at(i, j)`` lists the steps (di, dj, cost) allowed from cell (i, j); on
    equal cost the earlier step wins. Returns the path as (i, di, j, dj) segments in
    order: items ``[i, i + di)`` aligned with ``[j, j + dj)``.
    """
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            for di, dj, sc in steps_at(i, j):
                if c + sc < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = c + sc
                    back[i + di][j + dj] = (di, dj)
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        i, j = i - di, j - dj
        path.append((i, di, j, dj))
    path.reverse()
    return path


def align_tokens(clean: list[str], ocr: list[str]) -> list[TokenPair]:
    """Align the tokens of one clean line to the OCR tokens read on that line.

    Dynamic programming over 1-1, 1-0, 0-1, 1-2 (OCR split a word) and 2-1 (OCR
    merged two words) steps, costed by accent-free distance. A pair is *trusted*
    when its distance is at most 0.5, or when it is a 1-1 pair (distance < 1, or any
    distance for tokens of one or two letters) between two trusted 1-1 neighbours
    (or the line ends): heavy damage such as "4n" for "vận" or "6" for "ở" is then
    learned from its position.
    """
    ck = [key(t) for t in clean]
    ok = [key(t) for t in ocr]
    n, m = len(clean), len(ocr)

    def steps_at(i: int, j: int) -> list[tuple[int, int, float]]:
        steps: list[tuple[int, int, float]] = []
        if i < n and j < m:
            steps.append((1, 1, _dist(ck[i], ok[j])))
        if i < n:
            steps.append((1, 0, _GAP))
        if j < m:
            steps.append((0, 1, _GAP))
        if i < n and j + 1 < m:
            steps.append((1, 2, _join_cost(ck[i], ok[j], ok[j + 1])))
        if i + 1 < n and j < m:
            steps.append((2, 1, _join_cost(ok[j], ck[i], ck[i + 1])))
        return steps

    pairs: list[TokenPair] = []
    for i, di, j, dj in _dp_path(n, m, steps_at):
        cl, oc = tuple(clean[i : i + di]), tuple(ocr[j : j + dj])
        d = _dist("".join(ck[i : i + di]), "".join(ok[j : j + dj])) if di and dj else 1.0
        pairs.append(TokenPair(cl, oc, d))
    return _trust(pairs)


def _trust(pairs: list[TokenPair]) -> list[TokenPair]:
    good = [bool(p.clean and p.ocr and p.distance <= 0.5) for p in pairs]
    out = []
    for k, p in enumerate(pairs):
        ok = good[k]
        short = len(p.clean) == 1 and len(p.ocr) == 1 and max(map(len, (*p.clean, *p.ocr))) <= 2
        if not ok and len(p.clean) == 1 and len(p.ocr) == 1 and (p.distance < 1.0 or short):
            left = k == 0 or (good[k - 1] and len(pairs[k - 1].clean) == len(pairs[k - 1].ocr))
            right = k == len(pairs) - 1 or (
                good[k + 1] and len(pairs[k + 1].clean) == len(pairs[k + 1].ocr)
            )
            ok = left and right
        out.append(replace(p, trusted=ok))
    return out


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if strip_marks(a).lower() == strip_marks(b).lower():
        return 0.4  # same letter, other marks or case: the commonest OCR damage
    return 1.0


def align_chars(clean: str, ocr: str) -> list[tuple[str, str]]:
    """Character alignment of a clean token to its OCR reading.

    Returns (clean char, ocr string) steps in order: one clean char to 0, 1 or 2
    OCR chars ("ư" -> "ir" in "thirc"), or "" to an inserted OCR char. Weighted
    Levenshtein: a letter read with other marks costs less than another letter, so
    "số" / "sé" aligns ô with é.
    """
    n, m = len(clean), len(ocr)

    def steps_at(i: int, j: int) -> list[tuple[int, int, float]]:
        cand: list[tuple[int, int, float]] = []
        if i < n and j < m:
            cand.append((1, 1, _sub_cost(clean[i], ocr[j])))
        if i < n and j + 1 < m:
            # A marked letter read as two glyphs ("ư" -> "ur", "ố" -> "oé", "ờ" -> "od"):
            # the extra glyph comes from the mark, so it belongs to that letter and
            # costs less than a substitution plus an insertion. An unmarked letter
            # followed by a stray glyph stays a plain insertion.
            base = 0.9 if ord(clean[i]) > 127 else 1.2
            best = min(_sub_cost(clean[i], ocr[j]), _sub_cost(clean[i], ocr[j + 1]))
            cand.append((1, 2, base + 0.5 * best))
        if i < n:
            cand.append((1, 0, 1.0))
        if j < m:
            cand.append((0, 1, 1.0))
        return cand

    return [(clean[i : i + di], ocr[j : j + dj]) for i, di, j, dj in _dp_path(n, m, steps_at)]
