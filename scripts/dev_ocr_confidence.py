"""Would Tesseract's word confidence help the post-correction? Measured on the development split.

    .venv/bin/python scripts/make_ocr_eval.py --source build/dev-split/source \
        --out build/dev-split/ocr-vie.jsonl
    .venv/bin/python scripts/dev_ocr_confidence.py [build/dev-split/ocr-vie.jsonl]

Two ways a word's confidence could steer the post-correction of Tesseract `vie` pages, each
measured as a splice of whole outputs (syllable accuracy over the pages):

1. keep the words Tesseract was sure of (confidence >= T) as read, post-correct the others;
2. the light "ocr" channel for sure words, the heavy "ocr-heavy" one below T.

On the split's 40 pages (2026-11-25, after session 21's case change; as read 91.98%, the
pipeline's policy 97.04%) neither helped at any T: keeping sure words as read lost 0.09
(T = 97) to 5.1 points (Tesseract vie drops marks of words it is sure of: at T = 90,
96.41%), and the heavy channel on every page (97.06%) was better than any splice
(96.08-96.98%). (Before the case change: policy 96.75%, the same conclusions.)
So the confidences only mark words for review
(pipeline.ocrwords.unsure_words); the channel stays per page (pipeline.stages.ocr_channel).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diacritics.evaluate import syllable_accuracy  # noqa: E402
from pipeline import stages  # noqa: E402
from pipeline.normalize import normalize_text  # noqa: E402
from pipeline.quality import garbled_score  # noqa: E402
from pipeline.records import Document, Method, Page  # noqa: E402

THRESHOLDS = (0, 50, 60, 70, 80, 85, 90, 93, 95, 97, 101)


def splice(first: str, second: str, confs: list[list[float]], below: float) -> str:
    """``first`` with the words whose confidence is under ``below`` taken from ``second``
    (lines whose word counts differ stay as in ``first``)."""
    out = []
    for a, b, c in zip(first.split("\n"), second.split("\n"), confs, strict=False):
        aw, bw = a.split(), b.split()
        if len(aw) == len(bw) == len(c):
            a = " ".join(y if conf < below else x for x, y, conf in zip(aw, bw, c, strict=True))
        out.append(a)
    return "\n".join(out)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "build" / "dev-split" / "ocr-vie.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    light, heavy = stages.restorer_for("ocr"), stages.restorer_for("ocr-heavy")
    scores: dict[str, list[int]] = {}

    def add(name: str, text: str, gold: str) -> None:
        a = syllable_accuracy(text, gold)
        s = scores.setdefault(name, [0, 0])
        s[0] += a.right
        s[1] += a.total

    for row in rows:
        text = normalize_text("\n".join(row["ocr"]))[0]
        gold = "\n".join(row["clean"])
        page = Page(1, text, Method.OCR, "vie", garbled=garbled_score(text))
        doc = Document(row["doc"], row["doc"], "", "image", (page,))
        policy = stages.restore(doc, "auto", stages.DEFAULT_RESTORE_THRESHOLD).pages[0].final_text
        lo, hi = light.restore(text).text, heavy.restore(text).text
        add("as read", text, gold)
        add("post-corrected (the pipeline's policy)", policy, gold)
        add("heavy channel on every page", hi, gold)
        for t in THRESHOLDS:
            add(f"1. sure words (>= {t}) kept as read", splice(text, policy, row["conf"], t), gold)
            add(f"2. heavy channel below {t}, light above", splice(lo, hi, row["conf"], t), gold)
    for name, (right, total) in scores.items():
        print(f"{100 * right / total:7.3f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
