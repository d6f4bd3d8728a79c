"""Who does what: responsibilities, criteria and deadlines, read through the outline.

Responsibilities come from the section "Tổ chức thực hiện" (and similar, lexicon
``section_role``): each numbered item names a body (its heading, or the words
before the first task verb or colon) and its bullets are the tasks. Anywhere else,
a sentence that assigns work to a named body ("Giao Ban Xây dựng Đảng tham mưu
...", "Đề nghị ... phối hợp ...") adds a responsibility too. Criteria are the
items under a "Tiêu chuẩn / Tiêu chí" heading or after a line ending "... tiêu
chí:"; their target (collective / individual / general) comes from the headings
above them.

One task is one clause (:func:`split_clauses`): the text of an item is cut at
";" and at sentence ends (". ", "! ", "? " before a capital letter), never inside
quotes or brackets, after an abbreviation ("TP.", "ThS.", lexicon ``abbreviation``)
or an initial ("Nguyễn V. An"), nor inside a number or date ("10.000", "26.8.2025"):
"xây dựng ít nhất 01 mô hình; thường xuyên kiểm tra" gives two tasks. Each clause is
kept as printed, trimmed, without its trailing punctuation; empty clauses and
clauses of OCR noise (no word of two letters or more) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from diacritics.orthography import strip_marks
from pipeline.extract.dates import DateMention
from pipeline.extract.patterns import lex, regexes
from pipeline.extract.sections import Outline
from pipeline.extract.text import Layout, Line, Paragraph, fold, has_word
from pipeline.fold import skeleton_token
from pipeline.quality import syllables

# rapidfuzz partial_ratio a heading needs to be read as a role ("TO CHUC THU'C HIEN").
ROLE_MIN_RATIO = 88


@dataclass
class Responsibility:
    actor: str
    tasks: list[str] = field(default_factory=list)
    line: Line | None = None
    last: int | None = None  # index of the last line of the item that assigns the work

    def covers(self, line: Line) -> bool:
        if self.line is None:
            return False
        return (
            self.line.index
            <= line.index
            <= (self.last if self.last is not None else self.line.index)
        )


@dataclass
class Criterion:
    target: str
    text: str
    line: Line


@dataclass
class Deadline:
    task: str
    date: str
    recurring: bool
    actor: str | None
    line: Line


def _letters(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", "", fold(s))).strip()


def section_role(heading: str) -> str | None:
    t = _letters(heading)
    for e in lex("section_role"):
        if e.folded in t or (
            len(t) >= len(e.folded) and fuzz.partial_ratio(e.folded, t) >= ROLE_MIN_RATIO
        ):
            return e.value
    return None


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lstrip("-+•* ").strip().rstrip(";,.").strip()


_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]"))


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans inside quotes or brackets: (open, close) offsets of matched pairs only.

    An opening mark with no closing one after it (OCR lost it) protects nothing.
    """
    spans: list[tuple[int, int]] = []
    for a, b in _QUOTE_PAIRS:
        i = text.find(a)
        while i >= 0:
            j = text.find(b, i + 1)
            if j < 0:
                break
            spans.append((i, j))
            i = text.find(a, j + 1)
    straight = [m.start() for m in re.finditer('"', text)]
    spans += list(zip(straight[::2], straight[1::2], strict=False))
    return spans


def _ends_sentence(text: str, dot: int) -> bool:
    """True when the "." / "!" / "?" at ``dot``, followed by whitespace, ends a sentence."""
    rest = text[dot + 1 :].lstrip()
    nxt = rest.lstrip("“\"«(‘'")[:1]
    if not (nxt.isalpha() and nxt.isupper()):
        return False  # "10. 000", "… và. ..", a lower-case continuation
    if text[dot] != ".":
        return True
    word = re.search(r"(\S+)$", text[:dot])
    w = word.group(1).lstrip('(“"«') if word else ""
    if len(w) == 1 and w.isalpha():
        return False  # an initial: "Nguyễn V. An"
    return fold(w) not in {e.folded for e in lex("abbreviation")}


def split_clauses(text: str) -> list[str]:
    """The clauses of an item's text, one task each (see the module docstring).

    >>> split_clauses("Xây dựng 01 mô hình; thường xuyên kiểm tra. Tiếp tục phát động.")
    ['Xây dựng 01 mô hình', 'thường xuyên kiểm tra', 'Tiếp tục phát động']
    """
    spans = _protected(text)
    cuts: list[int] = []
    for m in re.finditer(r";|[.!?](?=\s)", text):
        k = m.start()
        if any(a < k < b for a, b in spans):
            continue
        if text[k] == ";" or _ends_sentence(text, k):
            cuts.append(k)
    out = []
    prev = 0
    for k in [*cuts, len(text)]:
        # ("./" closes a document's last sentence: "... thi hành Quyết định này./")
        piece = _clean(text[prev:k]).rstrip(";,.:!? /").strip()
        prev = k + 1
        if piece and has_word(piece):
            out.append(piece)
    return out


def _clauses(texts: list[str]) -> list[str]:
    return [c for t in texts for c in split_clauses(t)]


_DUTY_RE = re.compile(r"^\s*(?:nhiem vu|trach nhiem)(?:\s+cua)?\s+(?P<who>[^:]{3,150}):")
# "... Người chủ trì có trách nhiệm sau đây:" closing an item whose bullets are the duties.
_HAS_DUTY_RE = re.compile(
    r"(?:^|[.;]\s+)(?P<who>[^.;:]{3,100}?)\s+(?:co|chiu)\s+(?:trach nhiem|nhiem vu)"
    r"(?:\s+sau(?:\s+day)?|\s+nhu\s+sau)?\s*:?\s*$"
)
# "Thủ trưởng các đơn vị, trường học có trách nhiệm quán triệt ...": a dispatch's sentence
# that names who must do the task before "có / chịu trách nhiệm" (the who opens the sentence).
_DUTY_SENTENCE_RE = re.compile(
    r"^(?P<who>[^.;:]{3,80}?)\s+(?P<duty>(?:co|chiu)\s+trach nhiem)\s+(?!sau\b|nhu sau\b)"
    r"(?P<task>\w)"
)
# "Tổ công tác có nhiệm vụ" before the task's verb: the body is "Tổ công tác".
_DUTY_TAIL_RE = re.compile(
    r"\s+(?:có|chịu|co|chiu)\s+(?:trách nhiệm|nhiệm vụ|trach nhiem|nhiem vu)$"
)


def _strip_cue(text: str) -> str:
    """Drop a leading "Giao" / "Đề nghị" / "Yêu cầu" (matched on the folded form)."""
    f = fold(text.lstrip())
    for e in lex("assign_cue"):
        if f.startswith(e.folded + " "):
            return text.lstrip()[len(e.folded) + 1 :]
    return text


def _damaged_word(word: str, want: str) -> bool:
    """``word`` is ``want`` with one vowel letter lost, added or misread ("mot"/"mt" for
    "mat"): same consonant skeleton, one edit apart (accent-folded forms)."""
    return (
        word != want
        and Levenshtein.distance(word, want) <= 1
        and skeleton_token(word) == skeleton_token(want)
    )


def opens_with_head(f: str, text: str | None = None) -> bool:
    """True when the folded text ``f`` opens with a body's head word (lexicon ``actor_head``).

    The head is followed by a space, ":" or "," ("Các cơ quan, ban, ngành: ...").
    A head of two words or more also matches with one of its words damaged in the
    vowel (restoration or OCR: "Một trận Tổ quốc", "Mt tran" for "Mặt trận").
    Given the ``text`` that ``f`` folds, a head whose words it spells as other words is none
    ("Bố trí", "số 19/CT-TTg" fold like the heads "Bộ", "Sở").
    """
    words = re.findall(r"[a-z0-9]+|[^a-z0-9\s]", f[:60])
    for e in lex("actor_head"):
        h = e.folded
        if f.startswith(h) and f[len(h) : len(h) + 1] in (" ", ":", ","):
            if text is not None and not _spelled(text[: len(h)], e.text):
                continue
            return True
        hw = h.split()
        if len(hw) < 2 or len(words) <= len(hw):
            continue
        if words[len(hw)] not in (":", ",") and not words[len(hw)][:1].isalnum():
            continue
        diff = [(w, x) for w, x in zip(words, hw, strict=False) if w != x]
        if len(diff) == 1 and _damaged_word(*diff[0]):
            return True
    return False


# The determiners before a noun, by their folded form, and one ending the text before a word.
_DETERMINERS = {"cac": "các", "nhung": "những", "moi": "mọi", "mot": "một"}
_DETERMINER_BEFORE = re.compile(rf"(?:^|\s)({'|'.join(_DETERMINERS)})\s+$")


def _spelled(span: str, word: str) -> bool:
    """Whether ``span`` of the text, which folds like ``word``, may be that word: no syllable
    of it is another word ("đốc" is no "đọc", "hợp" no "họp"). A syllable without marks, or
    one that is no Vietnamese syllable (OCR damage: "tiép" for "tiếp"), tells no more than
    its letters and passes."""
    known = syllables()
    for s, w in zip(span.lower().split(), word.lower().split(), strict=False):
        if s != w and s in known and strip_marks(s) != s:
            return False
    return True


def split_actor(text: str, max_words: int = 30) -> tuple[str | None, str]:
    """(actor, task) of a sentence that opens with the body it assigns work to.

    An actor longer than ``max_words`` words is taken for a sentence that does not
    open with a body after all.
    """
    t = text.strip()
    f = fold(t)
    cue = next((e for e in lex("assign_cue") if f.startswith(e.folded + " ")), None)
    off = len(cue.folded) + 1 if cue else 0
    # "Các thành viên ...", "Những đơn vị ...": a determiner before the head word.
    body_f = re.sub(r"^(?:cac|nhung|moi)\s+", "", f[off:])
    if not opens_with_head(body_f, t[len(f) - len(body_f) :]) and not cue:
        return None, t
    colon = t.find(":", off)
    if 0 < colon - off <= 120 and t[colon + 1 :].strip():
        return _clean(t[off:colon]), _clean(t[colon + 1 :])
    # Heads that need a name (lexicon value "named": "Ban ...", "Tổ ..."): a verb right
    # after one belongs to the name ("Ban xây dựng Đảng"); "Đảng ủy", "UBND" stand alone.
    bare = {e.folded for e in lex("actor_head") if e.value == "named"}
    cands = []
    for e in lex("task_verb"):
        for m in re.finditer(rf"(?<![a-z]){re.escape(e.folded)}(?![a-z])", f):
            # "Ban Xây dựng Đảng": a capitalised verb is part of a name, not the task;
            # "các tổ chức": after a determiner the word is a noun.
            if m.start() - off < 3 or t[m.start()].isupper():
                continue
            if not _spelled(t[m.start() : m.end()], e.text):
                continue  # "đôn đốc" is no "đọc", "tổng hợp" no "họp"
            det = _DETERMINER_BEFORE.search(f[: m.start()])
            if det and _spelled(t[det.start(1) : det.end(1)], _DETERMINERS[det.group(1)]):
                continue  # ("đầu mối theo dõi": "mối" is no "mọi")
            cands.append(m.start())
    best = None
    for start in sorted(cands):
        if fold(_clean(t[off:start])) not in bare:
            best = start
            break
    if best is None:
        return (_clean(t[off:]), "") if cue or len(t) <= 120 else (None, t)
    actor = _DUTY_TAIL_RE.sub("", _clean(t[off:best]))
    if len(actor.split()) > max_words:
        return None, t
    return actor, _clean(t[best:])


def find_responsibilities(outline: Outline, lay: Layout) -> list[Responsibility]:
    out: list[Responsibility] = []
    inside: set[int] = set()
    for i, node in enumerate(outline.nodes):
        if not (node.heading and node.level <= 2 and section_role(node.text) == "responsibilities"):
            continue
        kids = outline.children(i)
        inside.update(outline.descendants(i))
        for k in kids:
            child = outline.nodes[k]
            if child.kind in ("dash", "plus") and not any(outline.children(k)):
                actor, task = split_actor(child.text)
                if actor:
                    out.append(Responsibility(actor, split_clauses(task), child.line))
                continue
            actor, task = split_actor(child.text) if not child.heading else (None, "")
            if child.heading:
                # "1. Ban Xây dựng Đảng" over its bullets: the heading names the body;
                # a heading alone ("3. Giao Ban Tuyên giáo tham mưu ...") holds body and task.
                actor = _clean(_strip_cue(child.text)).rstrip(":").strip()
                a2, t2 = split_actor(child.text)
                if a2 and t2 and not outline.children(k):
                    actor, task = a2, t2
                elif a2 and t2 and len(t2.split()) <= 3:
                    actor = a2  # "2. Đề nghị Ủy ban nhân dân xã phối hợp" over its bullets
            if not actor:
                continue
            r = Responsibility(actor, split_clauses(task), child.line)
            for d in outline.descendants(k):
                r.tasks += split_clauses(outline.nodes[d].text)
            # running paragraphs under the item (no marker) are tasks as well
            for pk, owner in outline.owner.items():
                if owner == k or owner in outline.descendants(k):
                    p = lay.paragraphs[pk]
                    if outline.nodes[owner].paragraph is p:
                        continue
                    a3, t3 = split_actor(p.text)
                    if a3 and any(
                        fold(p.text).startswith(e.folded + " ") for e in lex("assign_cue")
                    ):
                        out.append(Responsibility(a3, split_clauses(t3), p.first))
                    else:
                        r.tasks += split_clauses(p.text)
            r.tasks = [t for t in r.tasks if t]
            spans = [
                outline.nodes[d].paragraph.lines[-1].index for d in [k, *outline.descendants(k)]
            ]
            spans += [
                lay.paragraphs[pk].lines[-1].index
                for pk, owner in outline.owner.items()
                if owner == k or owner in outline.descendants(k)
            ]
            r.last = max(spans)
            out.append(r)
    # Assignments elsewhere: "Nhiệm vụ của X:" items, articles that open with a body,
    # "Giao X ...", "Đề nghị X ..." sentences.
    cues = tuple(e.folded + " " for e in lex("assign_cue"))
    for i, node in enumerate(outline.nodes):
        if i in inside:
            continue
        m = _DUTY_RE.match(node.folded)
        if m:
            a = len(node.text) - len(node.text.lstrip()) + m.start("who")
            r = Responsibility(_clean(node.text[a : a + len(m.group("who"))]), [], node.line)
            r.tasks = _clauses(
                [node.text[m.end() :]] + [outline.nodes[d].text for d in outline.descendants(i)]
            )
            out.append(r)
            inside.update(outline.descendants(i))
            continue
        m = _HAS_DUTY_RE.search(node.folded)
        if m and outline.descendants(i):
            who = _clean(node.text[m.start("who") : m.end("who")])
            r = Responsibility(who[:1].upper() + who[1:], [], node.line)
            r.tasks = _clauses([outline.nodes[d].text for d in outline.descendants(i)])
            out.append(r)
            inside.update(outline.descendants(i))
            continue
        if node.kind == "article":
            # "Điều 3. <bodies> chịu trách nhiệm thi hành Quyết định này": long lists of bodies
            actor, task = split_actor(node.text, max_words=45)
            if actor and task:
                out.append(Responsibility(actor, split_clauses(task), node.line))
                continue
        out += _assignments(node.paragraph, node.text, cues)
    # running paragraphs (no marker) outside the responsibilities section
    for pk, owner in outline.owner.items():
        p = lay.paragraphs[pk]
        if owner in inside or outline.nodes[owner].paragraph is p:
            continue
        out += _assignments(p, p.text, cues)
    # An "actor" with no task that names no body ("thực hiện", "trách nhiệm": a heading's
    # words, a table's header read as text) is none.
    return [r for r in _merge(out) if r.tasks or opens_with_head(fold(r.actor))]


def _assignments(p: Paragraph, text: str, cues: tuple[str, ...]) -> list[Responsibility]:
    """Sentences (or the part after a colon) that assign work to a named body."""
    not_actor = tuple(e.folded for e in lex("not_actor"))
    out = []
    # Sentences and the part after a colon; not clauses after ";" (mid-sentence lists).
    segments = []
    for sent in re.split(r"(?<=[.:])\s+", text):
        segments.append(sent)
        # "Đối với X thì <body> có trách nhiệm ...": the body opens the part after "thì".
        m = re.search(r"\sthi\s+", fold(sent))
        # (The word "thì", not the "thị" of "Chỉ thị số 19/CT-TTg", whose "số" would read as
        # the head "Sở", nor the "thi" of "điểm thi"; unmarked only in text without marks.)
        word = sent[m.start() + 1 : m.end()].strip().lower() if m else ""
        if m and word == ("thi" if fold(sent) == sent.lower() else "thì"):
            segments.append(sent[m.end() :])
    for sent in segments:
        st = sent.lstrip("-+• ")
        fs = fold(st)
        fs_head = re.sub(r"^(?:cac|nhung|moi)\s+", "", fs)
        head = opens_with_head(fs_head, st[len(fs) - len(fs_head) :])
        if fs_head.startswith(not_actor):
            continue
        if not (fs.startswith(cues) or head):
            m = _DUTY_SENTENCE_RE.match(fs)
            if m and st[:1].isupper() and len(m.group("who").split()) <= 12:
                who = _clean(st[: m.end("who")])
                # "chịu trách nhiệm trước X về Y" (whom one answers to) is the task itself.
                answers = fs.startswith("truoc ", m.start("task"))
                task = st[m.start("duty") if answers else m.start("task") :]
                out.append(
                    Responsibility(who, split_clauses(task), p.line_at(max(0, text.find(sent))))
                )
            continue
        actor, task = split_actor(st)
        if actor and (task or fs.startswith(cues)) and len(actor.split()) <= 15:
            out.append(
                Responsibility(actor, split_clauses(task), p.line_at(max(0, text.find(sent))))
            )
    return out


def _merge(rs: list[Responsibility]) -> list[Responsibility]:
    seen: dict[str, Responsibility] = {}
    for r in rs:
        k = _letters(r.actor)
        if k in seen:
            seen[k].tasks += [t for t in r.tasks if t not in seen[k].tasks]
        else:
            seen[k] = r
    return list(seen.values())


def _target(texts: list[str]) -> str:
    for t in texts:
        f = _letters(t)
        for e in lex("target"):
            if re.search(rf"(?<![a-z]){re.escape(e.folded)}(?![a-z])", f):
                return e.value or "general"
    return "general"


def find_criteria(outline: Outline, lay: Layout) -> list[Criterion]:
    out: list[Criterion] = []
    used: set[int] = set()
    for i, node in enumerate(outline.nodes):
        if not (node.heading and section_role(node.text) == "criteria"):
            continue
        for d in outline.descendants(i):
            sub = outline.nodes[d]
            if sub.heading and outline.children(d):
                continue  # a sub-heading ("a) Đối với tập thể") groups criteria
            chain = [outline.nodes[a].text for a in [d, *outline.ancestors(d)]]
            if not has_word(sub.text):
                continue  # OCR noise, not a criterion
            out.append(Criterion(_target(chain), _clean(sub.text), sub.line))
            used.add(id(sub.paragraph))
    # "... căn cứ vào các tiêu chí:" followed by bullets
    paras = lay.paragraphs
    for k, p in enumerate(paras):
        f = _letters(p.text)
        if not p.text.rstrip().endswith(":") or section_role(f[-60:]) != "criteria":
            continue
        for q in paras[k + 1 :]:
            if not re.match(r"^\s*[-+•]", q.text):
                break
            if id(q) in used or not has_word(q.text):
                continue
            out.append(Criterion(_target([p.text]), _clean(q.text), q.first))
            used.add(id(q))
    return out


def _clause(p: Paragraph, a: int, b: int) -> tuple[int, int]:
    s = max(p.text.rfind(";", 0, a), p.text.rfind(". ", 0, a))
    s = 0 if s < 0 else s + 1
    e_candidates = [x for x in (p.text.find(";", b), p.text.find(". ", b)) if x >= 0]
    e = min(e_candidates) if e_candidates else len(p.text)
    return s, e


def find_deadlines(
    dates: list[DateMention], responsibilities: list[Responsibility], lay: Layout
) -> list[Deadline]:
    rx_event = regexes()["date_cue_event"]
    out: list[Deadline] = []
    for d in dates:
        before = d.paragraph.folded[max(0, d.start - 20) : d.start]
        if d.role != "deadline" and not (d.role == "event" and rx_event.search(before)):
            continue
        s, e = _clause(d.paragraph, d.start, d.end)
        task = _clean(d.paragraph.text[s:e])
        if len(task) < 8:
            continue
        actor = None
        after_colon = task.split(":", 1)[1] if ":" in task else task
        a, _ = split_actor(after_colon)
        if a and len(a) < 80:
            actor = a
        if actor is None:
            # the responsibility whose item holds this line (the innermost one)
            holders = [r for r in responsibilities if r.covers(d.line)]
            if holders:
                actor = max(holders, key=lambda r: r.line.index if r.line else -1).actor
        out.append(Deadline(task, d.iso, d.recurring, actor, d.line))
    return out
