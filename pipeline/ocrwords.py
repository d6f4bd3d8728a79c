"""The words Tesseract read: the page text rebuilt from its TSV, and each word's confidence
and box placed on the text as normalization left it (for the review marks)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, TypeVar

from pipeline.records import OcrWord, WordBox

Box = tuple[int, int, int, int]


class OcrText(NamedTuple):
    """A page's text rebuilt from Tesseract's TSV, with the confidences of its words."""

    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no words
    words: int
    # Per line of ``text``, the confidence of each of its words (the line's words are
    # joined by one space); () for a blank line. -1 where Tesseract gave none.
    line_confidences: tuple[tuple[float, ...], ...] = ()
    # The same for each word's box on the image read: (left, top, width, height) in pixels.
    line_boxes: tuple[tuple[Box, ...], ...] = ()


def text_from_data(data: dict[str, list[object]]) -> OcrText:
    """Rebuild the page text from Tesseract's TSV: lines as lines, a blank line between blocks."""
    lines: list[str] = []
    line_confs: list[tuple[float, ...]] = []
    line_boxes: list[tuple[Box, ...]] = []
    current: list[str] = []
    current_confs: list[float] = []
    current_boxes: list[Box] = []
    key: tuple[int, int, int] | None = None
    block: int | None = None
    confs: list[float] = []
    for i in range(len(data["text"])):
        word = "".join(str(data["text"][i]).split())
        if int(str(data["level"][i])) != 5 or not word:
            continue
        k = (
            int(str(data["block_num"][i])),
            int(str(data["par_num"][i])),
            int(str(data["line_num"][i])),
        )
        if k != key:
            if current:
                lines.append(" ".join(current))
                line_confs.append(tuple(current_confs))
                line_boxes.append(tuple(current_boxes))
            current, current_confs, current_boxes = [], [], []
            if block is not None and k[0] != block:
                lines.append("")
                line_confs.append(())
                line_boxes.append(())
            key, block = k, k[0]
        # (Tesseract's words have no spaces inside, so a line splits back into them.)
        current.append(word)
        c = float(str(data["conf"][i]))
        current_confs.append(c)
        current_boxes.append(_box(data, i))
        if c >= 0:
            confs.append(c)
    if current:
        lines.append(" ".join(current))
        line_confs.append(tuple(current_confs))
        line_boxes.append(tuple(current_boxes))
    conf = round(sum(confs) / len(confs), 2) if confs else None
    return OcrText("\n".join(lines), conf, len(confs), tuple(line_confs), tuple(line_boxes))


def _box(data: dict[str, list[object]], i: int) -> Box:
    try:
        return (
            int(str(data["left"][i])),
            int(str(data["top"][i])),
            int(str(data["width"][i])),
            int(str(data["height"][i])),
        )
    except (KeyError, IndexError, ValueError):
        return (0, 0, 0, 0)  # (no box: nothing is drawn)


T = TypeVar("T")


def placed(
    read: str, per_line: Sequence[Sequence[T]], text: str
) -> Iterator[tuple[int, int, str, T]]:
    """(line, column, word, value) for the words of ``text`` (``read`` once normalized: the
    same lines), each with the value ``per_line`` gives the word read in its place. A line whose
    words no longer match the words read one for one (a running header blanked, a hyphenated
    word joined from the line below) gives none: a mark on the wrong word would mislead more
    than none. (``per_line`` is empty for pages that were not OCR'd.)"""
    lines = text.split("\n")
    for no, (raw, values) in enumerate(zip(read.split("\n"), per_line, strict=False), start=1):
        if no > len(lines) or not values:
            continue
        words = list(re.finditer(r"\S+", lines[no - 1]))
        if len(words) != len(values) or len(raw.split()) != len(values):
            continue
        for m, v in zip(words, values, strict=True):
            yield no, m.start(), m.group(0), v


def unsure_words(
    read: str, line_confidences: Sequence[Sequence[float]], text: str, below: float
) -> tuple[OcrWord, ...]:
    """The words of ``text`` that Tesseract read with a confidence under ``below`` (those with a
    letter or a digit: a bullet misread is no word to check), at their place in ``text``
    (:func:`placed`)."""
    return tuple(
        OcrWord(no, col, word, c)
        for no, col, word, c in placed(read, line_confidences, text)
        if 0 <= c < below and any(ch.isalnum() for ch in word)
    )


def word_boxes(read: str, line_boxes: Sequence[Sequence[Box]], text: str) -> tuple[WordBox, ...]:
    """Each word of ``text`` with its box on the page image read (:func:`placed`)."""
    return tuple(
        WordBox(no, col, *box) for no, col, _, box in placed(read, line_boxes, text) if box[2] > 0
    )
