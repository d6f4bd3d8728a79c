"""The closing block: "Nơi nhận" (recipients) and the signer (capacity, title, name).

In a scan the two sit side by side, so an OCR line often holds a recipient on the
left and the capacity or the title on the right ("- Ban TG ... (báo cáo), PHÓ BÍ
THƯ"): a trailing capitalised run that reads as a capacity or a title is cut off
the recipient and given to the signer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.extract.header import normalize_case
from pipeline.extract.patterns import lex, regexes
from pipeline.extract.text import BULLETS, Layout, Line, fold, has_word, is_caps, is_noise

# rapidfuzz ratio a capitalised run needs to be read as a signer title ("TRIRNG BAN").
TITLE_MIN_RATIO = 78
_CAPS_WORD = re.compile(r"[^\W\d_][^\s,;]*")
# Quotes and commas that a signature's strokes read as, glued before a title's first word.
_STROKES = "'\"„“”‘’`,"


@dataclass
class Closing:
    recipients: list[tuple[str, Line]] = field(default_factory=list)
    capacity: str | None = None
    title: str | None = None
    name: str | None = None
    capacity_line: Line | None = None
    title_line: Line | None = None
    name_line: Line | None = None
    start: int | None = None  # line index where the closing block starts


def _title_of(text: str) -> str | None:
    best, score = _title_match(text)
    return best if best and score >= TITLE_MIN_RATIO else None


def _title_match(text: str) -> tuple[str | None, float]:
    """The signer title ``text`` is closest to, and how close (rapidfuzz ratio)."""
    t = re.sub(r"[^a-z ]", "", fold(text)).strip()
    t = re.sub(r"\s+", " ", t)
    if not t or len(t) > 30:
        return None, 0.0
    best, score = None, 0.0
    for e in lex("signer_title"):
        r = fuzz.ratio(t, e.folded)
        if r > score:
            best, score = e.text, r
    return best, score


def _capacity(text: str) -> tuple[str, int] | None:
    """(capacity, start offset) when ``text`` holds "TM. BAN THƯỜNG TRỰC" and the like."""
    for m in regexes()["capacity"].finditer(fold(text)):
        body = text[m.start("body") : m.end("body")]
        words = []
        for w in body.split():
            if (
                not is_caps(w + "XXXX")
                or not w.isupper()
                and sum(c.isupper() for c in w) < len(w) - 1
            ):
                break
            words.append(w)
        if not words:
            continue
        prefix = re.sub(r"\s+", "", text[m.start("prefix") : m.end("prefix")])
        if "/" not in prefix and not prefix.endswith("."):
            prefix += "."
        return f"{prefix} {normalize_case(' '.join(words))}", m.start("prefix")
    return None


def _split_right(text: str) -> tuple[str, str | None]:
    """Cut a right-column capacity/title off a recipient line."""
    cap = _capacity(text)
    if cap and cap[1] > 3:
        return text[: cap[1]].rstrip(" ,;"), text[cap[1] :]
    # The run that reads most like a title ("PHÓ CHỦ TỊCH", not "XÃ PHÓ CHỦ TỊCH"); of
    # equals, the longest ("PHÓ BÍ THƯ", not "BÍ THƯ").
    scored = [(_title_match(text[r:])[1], -r) for r in _caps_tails(text) if r > 3]
    if scored:
        score, neg = max(scored)
        if score >= TITLE_MIN_RATIO:
            return text[:-neg].rstrip(" ,;"), text[-neg:].strip()
    return text, None


def _caps_tails(text: str) -> list[int]:
    """Where each run of 2-6 capitalised words that ends ``text`` begins, longest first
    ("... UBND XÃ PHÓ CHỦ TỊCH": the title is the shorter run). By the letters' case: a
    character range of lower-case letters would hold "Đ" and the capitals with marks
    ("ĐỐC", "ỦY"), which it did until session 21."""
    words = list(re.finditer(r"\S+", text))
    starts = []
    for n, m in enumerate(reversed(words), start=1):
        # (A quote or comma OCR made of the signature's stroke may stick to the title's
        # first word: "Nơi nhận: „7 'GIÁM ĐỐC".)
        word = m.group(0).lstrip(_STROKES)
        if n > 6 or not word or not _CAPS_WORD.fullmatch(word) or not word[0].isupper():
            break
        start = m.end() - len(word)
        if n >= 2 and (start == 0 or text[start - 1] in " \t,;" + _STROKES):
            starts.append(start)
    return starts[::-1]


def _without_right_junk(text: str) -> str:
    """A recipient line without what the right column left after its last separator: the
    stamp or signature read as text ("UBND TP. Đà Nẵng; › sở “", "Lãnh đạo Sở; Công đoàn
    GD thành phố; 14 +", "BGH (b/©); lỗ TẾ"): symbols no recipient has, digits, or a run
    in capitals (a stamp's ring, a title), fewer than two words, an aside never opened; and
    from the first such symbol anywhere. A last part that reads as a recipient stays."""
    symbol = _JUNK.search(text)
    if symbol and symbol.start() > 3:
        # (The right column's symbols end the recipient, and an aside they broke.)
        text = re.sub(r"\s*\([^)]*$", "", text[: symbol.start()]).rstrip(" ,:")
    # A stamp's ring in capitals after a ";" that OCR read as ":" ("Ban ATGT TP. Đà Nẵng: N VÀ
    # ĐẢO", the ring of "SỞ GIÁO DỤC VÀ ĐÀO TẠO"): capitals with vowel marks, which the codes
    # after "Lưu:" never have ("VT, CTTTTT").
    ring = re.search(r"^(?P<keep>.*\S):\s+(?P<tail>[^:;]+)$", text)
    if ring and _stamp_ring(ring.group("tail")):
        return ring.group("keep")
    m = re.search(r"^(?P<keep>.*;)\s*(?P<tail>[^;]+)$", text)
    if not m:
        return text
    tail = m.group("tail").strip()
    letters = [c for c in tail if c.isalpha()]
    junk = bool(
        _JUNK.search(tail)
        or any(c.isdigit() for c in tail)
        or (letters and all(c.isupper() for c in letters))
        or sum(1 for w in tail.split() if sum(c.isalpha() for c in w) >= 2) < 2
        or tail.count(")") > tail.count("(")
        or tail.startswith(("-", "–"))  # (a second bullet: the right column's own)
    )
    return m.group("keep") if junk else text


def _stamp_ring(tail: str) -> bool:
    """Whether ``tail`` reads as a stamp's ring: letters all capitals, and a vowel among them
    with a mark, Vietnamese written out (a code, "VT", "GDĐT", has none; "Đ" is in codes)."""
    letters = [c for c in tail if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and any(c != "Đ" and fold(c) != c.lower() for c in letters)
    )


def _without_name(text: str, name: str) -> str:
    """A line without the signer's name and the rank before it ("- Lưu VT.   Trung tá Ngô
    Văn Công" -> "- Lưu VT."); what a stroke of the signature left beside it goes too."""
    k = text.rfind(name)
    if k < 0:
        return text
    left = text[:k].rstrip()
    for e in lex("rank"):
        if fold(left).endswith(e.folded):
            left = left[: len(left) - len(e.text)].rstrip()
            break
    return left if has_word(left) else ""


# What a stamp's or a rule's stroke leaves before a recipient's bullet ('" - Như trên;').
_LEAD = re.compile(r"^\s*[\"'|`.,]{1,3}\s*(?=[-+•])")
# A recipient's bullet as OCR prints it.
_BULLET = re.compile(rf"^[{re.escape(BULLETS)}~_]+\s*(?=\S)")
# Characters of a stamp or a signature read as text, never in a recipient's name.
_JUNK = re.compile(r"[^\w\s.,;:()/&'-]")


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if text.strip().startswith(("-", "+", "(")) or text.strip().endswith((",", ";", ":")):
        return False
    if _title_of(text) or _capacity(text):
        return False
    return all(
        w[:1].isupper() and w[1:] == w[1:].lower() or w.isupper() and len(w) <= 1 for w in words
    )


def _trailing_name(text: str) -> str | None:
    """The 2-5 capitalised words that end ``text`` as a name, when they open with a common
    family name (lexicon ``surname``, its marks aside) and something else comes before them on
    the line."""
    words = text.split()
    # (Compared without marks: OCR misreads a name's marks as often as a word's, "Lễ" for "Lê".)
    surnames = {e.folded for e in lex("surname")}
    for n in range(min(5, len(words) - 1), 1, -1):
        run = words[-n:]
        if fold(run[0]) in surnames and _looks_like_name(" ".join(run)):
            return " ".join(run)
    return None


def _recipients(lines: list[Line], head: Line, c: Closing) -> list[tuple[str, Line]]:
    """The "Nơi nhận" list after its ``head``: "- ..." items, continuation lines joined, the
    signer's lines (``c``) and what a stamp or a signature left on them kept out."""
    out: list[tuple[str, Line]] = []
    items: list[list] = []
    first = regexes()["recipients_head"].match(head.folded)
    rest = head.text[first.end() :] if first else ""
    cap = _capacity(rest)
    if cap and not rest[: cap[1]].strip(" -_:"):
        rest = ""  # the right column of the head line: "Nơi nhận:   TM. BAN THƯỜNG VỤ"
    rest, _ = _split_right(rest)
    if _capacity(rest):
        rest = ""
    # (What follows the head is a recipient only as one is written: a bullet before it
    # or a separator after it; else it is the right column, the signature read: "Nơi
    # nhận: N hèn AI GÌ xung".)
    rest = rest.strip()
    if rest.lstrip("-+• ").strip() and (rest[:1] in "-+•" or rest.endswith((";", ",", "."))):
        items.append([rest.lstrip("-+• "), head])
    gap = False
    for ln in lines[head.index + 1 :]:
        if ln.blank or is_noise(ln.text):
            continue  # OCR noise ("9 2 & . . .") is no recipient nor part of one
        text, _ = _split_right(_LEAD.sub("", ln.text.rstrip()))
        if ln is c.name_line and c.name:
            text = _without_name(text, c.name)  # (a recipient beside the name, or none)
        # (OCR prints a recipient's hyphen as "~", "—" or "_~" as well.)
        mark = _BULLET.match(text.strip())
        body = text.strip()[mark.end() if mark else 0 :]
        s = _without_right_junk(body)
        if mark:
            s = f"- {s}"
        elif _JUNK.search(body):
            gap = True  # (a line of a stamp's or a signature's marks: no continuation)
            continue
        if ln in (c.capacity_line, c.name_line) or (
            c.title_line is ln and not s.startswith(("-", "+"))
        ):
            if s.startswith(("-", "+")):
                items.append([s.lstrip("-+• ").strip(), ln])
            continue
        bullet = s.startswith(("-", "+", "•"))
        # The list ends with its last item's full stop ("- Lưu: VT."), or where the page
        # does (an appendix follows: its lines are no recipients).
        if not bullet and (ln.page != head.page or items and items[-1][0].endswith(".")):
            break
        if bullet:
            items.append([s.lstrip("-+• ").strip(), ln])
            gap = False
        elif is_caps(s) or _looks_like_name(s) or _JUNK.match(s):
            gap = True  # (the signer's block, a stamp: what follows joins no item)
        elif not gap and (not items or items[-1][0].endswith(";")):
            if s.endswith((";", ".")):
                items.append([s, ln])  # (an item without its bullet)
        elif not gap:
            items[-1][0] += " " + s
    for text, ln in items:
        t = re.sub(r"\s+", " ", text).strip().rstrip(";,.").strip()
        if t and has_word(t):
            out.append((t, ln))
    return out


def _signature_above(lines: Sequence[Line], head: Line, c: Closing) -> None:
    """The capacity or title printed a line or two above "Nơi nhận" (the signature block
    begins higher than the list: "KT. HIỆU TRƯỞNG" under the last paragraph), read from the
    right of those lines, without what a rule or a stroke left after it ("HIỆU TRƯỞNG _....")."""
    above = [ln for ln in lines[max(0, head.index - 4) : head.index] if not ln.blank][-2:]
    for ln in reversed(above):
        text = _TRAILING_STROKES.sub("", ln.text)
        cap = _capacity(text)
        if cap:
            c.capacity, c.capacity_line = cap[0], ln
            return
        _, right = _split_right(text)
        right = right or (text if is_caps(text) else None)
        if right and (t := _title_of(right)):
            c.title, c.title_line = _title_text(right, t), ln
            return


def _title_text(printed: str, title: str) -> str:
    """A title as the record gives it: spelled as the lexicon has it when it is that title
    letter for letter, else as printed in sentence case ("Phó trưởng phòng tổ chức")."""
    printed = re.sub(r"\s+", " ", printed.strip(" ,;"))
    return title if fold(printed) == fold(title) else normalize_case(printed)


# A rule or a pen's stroke OCR read after the last word of a line ("HIỆU TRƯỞNG _....").
_TRAILING_STROKES = re.compile(r"[\s_.…|~—–-]+$")


def parse_closing(lay: Layout, body_end_hint: int | None = None) -> Closing:
    c = Closing()
    lines = lay.lines
    head = None
    for ln in reversed(lines):
        if regexes()["recipients_head"].match(ln.folded):
            head = ln
            break
    if head is not None:
        start = head.index
    else:
        # No "Nơi nhận": the closing starts at a capacity line near the end, if any.
        start = next(
            (ln.index for ln in lines[-15:] if not ln.blank and _capacity(ln.text)), len(lines)
        )
    c.start = start
    # Capacity / title anywhere in the tail (left or right column).
    tail = [ln for ln in lines[start:] if not ln.blank]
    for ln in tail:
        cap = _capacity(ln.text)
        if cap and c.capacity is None:
            c.capacity, c.capacity_line = cap[0], ln
    for ln in tail:
        if c.capacity_line is not None and ln.index < c.capacity_line.index:
            # a title sits after the capacity, or on a recipient line to the right
            _, right = _split_right(ln.text)
            cand = right
        else:
            _, right = _split_right(ln.text)
            whole = ln.text if is_caps(ln.text) else None
            cand = right or whole
            if right and whole and _title_match(whole)[1] >= _title_match(right)[1]:
                cand = whole  # a line that is a title whole ("PHÓ BÍ THƯ", not its "BÍ THƯ")
        if cand and not _capacity(cand):
            t = _title_of(cand)
            if t:
                c.title, c.title_line = _title_text(cand, t), ln
                if c.capacity_line is None or ln.index > c.capacity_line.index:
                    break
    if head is not None and c.capacity is None and c.title is None:
        _signature_above(lines, head, c)
    after = max([x.index for x in (c.capacity_line, c.title_line) if x is not None], default=start)
    for ln in tail:
        if ln.index > after and _looks_like_name(ln.text.strip()):
            c.name, c.name_line = re.sub(r"\s+", " ", ln.text.strip()), ln
    if c.name is None:
        # A name read beside the other column ("TH, Lê Thị Bích Thuận"): the line's last
        # words, opening with a family name.
        for ln in tail:
            name = _trailing_name(ln.text) if ln.index > after else None
            if name:
                c.name, c.name_line = name, ln
    # Recipients: "- ..." items after the head, continuation lines joined.
    if head is not None:
        c.recipients = _recipients(list(lines), head, c)
    return c
