"""Normalize page text: encoding repairs, NFC, one tone placement, clean lines.

Two entry points:

* :func:`normalize_text` for one text (a text file, or one page): ftfy, NFC, tone
  placement, control characters, line-end hyphenation, digital-signature stamps.
* :func:`strip_running_lines` across the pages of a PDF or scan: repeated page
  headers/footers and page numbers.

**Line structure is kept.** No step adds, drops or merges a line: a removed line
(stamp, running header, page number) becomes an empty line, and a word broken by
a line-end hyphen is re-joined by moving the second half up to the first line
(the next line keeps its place, shorter). So ``line N`` of the normalized text is
``line N`` of the input, and every later stage can point back to page and line.

Each step is recorded in ``metadata["steps"]`` only when it changed something.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ftfy

from diacritics.orthography import TonePlacement, normalize_syllable, strip_marks
from pipeline.quality import syllables

DATA = Path(__file__).resolve().parent / "data"

# A page-number line: "3", "- 3 -", "Trang 3", "Trang 3/12", "3/12".
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I
)
# A word broken at the line end: letters, then "-" glued to them (a dash after a
# space, as in "kinh tế -", is punctuation and stays).
_HYPHEN_END = re.compile(r"(?P<left>[^\W\d_]+)-$")
_HYPHEN_NEXT = re.compile(r"^(?P<right>[^\W\d_]+)(?P<rest>.*)$", re.S)
_WORD = re.compile(r"[^\W\d_]+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


@dataclass(frozen=True)
class NormalizeConfig:
    """Which normalization steps run, and how.

    * ``ftfy`` = True: repair mojibake and odd characters with ftfy, keeping curly
      quotes (“ ” are correct Vietnamese typography) and line breaks as they are.
    * ``tone_placement`` = ``TonePlacement.OLD``: hòa, thủy, Ủy (current government
      documents); ``None`` leaves tone placement alone.
    * ``control_chars`` = True: drop control and zero-width characters (keeps \\n, \\t, \\f).
    * ``dehyphenate`` = True: re-join words broken by a hyphen at the line end, only
      when the joined word is a Vietnamese syllable and either a half is not one or
      the second half starts with a vowel ("hi-" + "ện"); "Đảng-/chính" stays.
    * ``tone_placement`` applies only to words that are syllables once the tone is
      moved, so garbled OCR tokens are left exactly as they came.
    * ``signature_stamps`` = True: move digital-signature stamp lines into metadata.
    * ``running_lines`` = True: in multi-page documents, blank out page numbers and
      header/footer lines repeated on at least ``running_share`` (0.5) of the pages,
      looking at the first and last ``running_depth`` (3) non-empty lines of each page.
    """

    ftfy: bool = True
    tone_placement: TonePlacement | None = TonePlacement.OLD
    control_chars: bool = True
    dehyphenate: bool = True
    signature_stamps: bool = True
    running_lines: bool = True
    running_share: float = 0.5
    running_depth: int = 3


@dataclass
class _Trace:
    steps: list[str] = field(default_factory=list)

    def step(self, name: str, before: str, after: str) -> str:
        if after != before:
            self.steps.append(name)
        return after


@functools.cache
def _stamp_patterns() -> tuple[dict[str, re.Pattern[str]], int]:
    spec = json.loads((DATA / "signature_stamp.json").read_text(encoding="utf-8"))
    pats = {k: re.compile(v, re.I) for k, v in spec["fields"].items()}
    return pats, int(spec["min_fields"])


def _fix_with_ftfy(text: str) -> str:
    # uncurl_quotes=False keeps “ ”; fix_line_breaks=False so \r\n handling (and
    # so the line count) is ours, not ftfy's.
    cfg = ftfy.TextFixerConfig(
        uncurl_quotes=False, fix_line_breaks=False, normalization="NFC", unescape_html=False
    )
    return "\n".join(ftfy.fix_text(line, cfg) for line in text.split("\n"))


def _drop_controls(text: str) -> str:
    text = text.translate(_ZERO_WIDTH)
    return "".join(ch for ch in text if ch in "\n\t\f" or unicodedata.category(ch) not in ("Cc",))


def _place_tones(text: str, placement: TonePlacement) -> str:
    # Only words that are Vietnamese syllables once the tone is moved: moving the
    # tone inside garbled OCR ("tudéng" -> "túdeng") would only hide evidence from
    # restoration.
    syl = syllables()

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        new = normalize_syllable(w, placement)
        return new if new != w and new.lower() in syl else w

    return _WORD.sub(fix, text)


def _dehyphenate(text: str) -> str:
    lines = text.split("\n")
    syl = syllables()
    for i in range(len(lines) - 1):
        m = _HYPHEN_END.search(lines[i].rstrip())
        n = _HYPHEN_NEXT.match(lines[i + 1].lstrip())
        if not m or not n:
            continue
        left, right = m.group("left"), n.group("right")
        joined = (left + right).lower()
        both_valid = left.lower() in syl and right.lower() in syl
        # Two valid halves ("hi" + "ện") join only when the second starts with a
        # lower-case vowel: a word never starts a new syllable that way after a hyphen.
        if joined in syl and (not both_valid or strip_marks(right[0]) in "aeiouy"):
            head = lines[i].rstrip()[:-1]
            lines[i] = head + right
            indent = lines[i + 1][: len(lines[i + 1]) - len(lines[i + 1].lstrip())]
            lines[i + 1] = indent + n.group("rest").lstrip()
    return "\n".join(lines)


def extract_stamps(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Blank out digital-signature stamp blocks; return them as dicts (1-based lines)."""
    pats, min_fields = _stamp_patterns()
    lines = text.split("\n")
    stamps: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        j = i
        found: dict[str, str] = {}
        while j < len(lines):
            hit = next(((k, p.match(lines[j])) for k, p in pats.items() if p.match(lines[j])), None)
            if hit is None or hit[1] is None:
                break
            found.setdefault(hit[0], hit[1].group("value"))
            j += 1
        if j > i and (len(found) >= min_fields or "marker" in found):
            stamps.append({"lines": [i + 1, j], **found})
            for k in range(i, j):
                lines[k] = ""
            i = j
        else:
            i = max(j, i + 1)
    return "\n".join(lines), stamps


def normalize_text(text: str, config: NormalizeConfig | None = None) -> tuple[str, dict[str, Any]]:
    """Normalize one text; returns ``(text, metadata)`` with the same number of lines.

    ``metadata["steps"]`` names the steps that changed something, in order;
    ``metadata["signatures"]`` lists the digital-signature stamps taken out.
    """
    cfg = config or NormalizeConfig()
    t = _Trace()
    # Line ends first: \r\n and lone \r count as one line break, like str.splitlines.
    text = t.step("line-ends", text, text.replace("\r\n", "\n").replace("\r", "\n"))
    if cfg.control_chars:
        # Before ftfy as well: a zero-width space inside mojibake hides it from ftfy, which
        # would then repair it only on a second run ("\u200b”à" -> "”à" -> "ӈ").
        text = t.step("control-chars", text, _drop_controls(text))
    if cfg.ftfy:
        text = t.step("ftfy", text, _fix_with_ftfy(text))
    text = t.step("nfc", text, unicodedata.normalize("NFC", text))
    if cfg.control_chars:
        text = t.step("control-chars", text, _drop_controls(text))
    if cfg.tone_placement is not None:
        text = t.step("tone-placement", text, _place_tones(text, cfg.tone_placement))
    if cfg.dehyphenate:
        text = t.step("dehyphenate", text, _dehyphenate(text))
    meta: dict[str, Any] = {}
    if cfg.signature_stamps:
        new, stamps = extract_stamps(text)
        text = t.step("signature-stamps", text, new)
        if stamps:
            meta["signatures"] = stamps
    meta["steps"] = t.steps
    return text, meta


def _key(line: str) -> str:
    # Digits vary between pages ("Trang 2", "Số 15/KH ... 2"): compare without them.
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _edge_indexes(lines: list[str], depth: int) -> list[int]:
    nonempty = [i for i, s in enumerate(lines) if s.strip()]
    return sorted(set(nonempty[:depth] + nonempty[-depth:]))


def strip_running_lines(
    pages: list[str], config: NormalizeConfig | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """Blank out page numbers and repeated headers/footers across ``pages``.

    Returns the new page texts (same line counts) and what was removed
    (``{"page", "line", "text", "kind"}``, 1-based).
    """
    cfg = config or NormalizeConfig()
    if not cfg.running_lines or len(pages) < 2:
        return pages, []
    split = [p.split("\n") for p in pages]
    edges = [_edge_indexes(lines, cfg.running_depth) for lines in split]
    counts: Counter[str] = Counter()
    for lines, idx in zip(split, edges, strict=True):
        counts.update({_key(lines[i]) for i in idx if len(lines[i].strip()) >= 3})
    need = max(2, int(cfg.running_share * len(pages) + 0.999))
    removed: list[dict[str, Any]] = []
    for pno, (lines, idx) in enumerate(zip(split, edges, strict=True), start=1):
        for i in idx:
            s = lines[i]
            kind = None
            if _PAGE_NUMBER.match(s):
                kind = "page-number"
            elif len(s.strip()) >= 3 and counts[_key(s)] >= need:
                kind = "running-header"
            if kind:
                removed.append({"page": pno, "line": i + 1, "text": s.strip(), "kind": kind})
                lines[i] = ""
    return ["\n".join(lines) for lines in split], removed
