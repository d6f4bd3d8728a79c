"""The header block and title of a plan: doc type, title, number, date, place, issuer.

Vietnamese administrative documents open with a fixed block (Nghị định 30/2020):
the issuing body (left), the national motto (right), "Số: 13-KH/ĐU", the line
"Place, ngày .. tháng .. năm ..", the document type in capitals and the subject
line(s). OCR often loses or merges parts of it, so each field is looked for on
its own and the issuer falls back to the sentence "X xây dựng kế hoạch ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from diacritics.orthography import glued_cut
from pipeline.extract.patterns import lex, regexes
from pipeline.extract.symbol import issuer_by_symbol
from pipeline.extract.text import Layout, Line, fold, is_caps
from pipeline.quality import corpus_dir, syllables

# Fuzzy threshold (rapidfuzz ratio, 0-100) for a capitalised line to be read as a
# document type: "Kt HOACH" (OCR) still reads as KẾ HOẠCH, "KẾT LUẬN" is not "KẾ HOẠCH".
DOC_TYPE_MIN_RATIO = 80
_MOTTO = ("cong hoa xa hoi", "doc lap - tu do", "doc lap", "dang cong san viet nam")


@dataclass
class Header:
    doc_type: str | None = None
    doc_type_line: Line | None = None
    title: str | None = None
    title_lines: list[Line] = field(default_factory=list)
    number: str | None = None
    number_line: Line | None = None
    issued_date: str | None = None
    issued_place: str | None = None
    issued_line: Line | None = None
    issuer: str | None = None
    issuer_line: Line | None = None
    issuer_level: str | None = None
    body_start: int = 0  # index of the first body paragraph
    # Paragraphs of a dispatch's addressees ("Kính gửi: - Sở ...;"): neither tasks nor headings.
    addressees: frozenset[int] = frozenset()


def _letters(s: str) -> str:
    return re.sub(r"[^a-z ]+", "", fold(s)).strip()


def match_doc_type(text: str) -> str | None:
    """The canonical document type a short capitalised line names, or None."""
    t = re.sub(r"\s+", " ", _letters(text))
    if not t or len(t) > 30:
        return None
    best, score = None, 0.0
    for e in lex("doc_type"):
        r = fuzz.ratio(t, e.folded)
        if r > score:
            best, score = e.text, r
    return best if score >= DOC_TYPE_MIN_RATIO else None


def _case_like(text: str, canonical: str) -> str:
    """``text`` with the upper/lower case of ``canonical`` letter by letter (same length)."""
    if len(text) != len(canonical):
        return text
    return "".join(
        c.upper() if k.isupper() else c.lower() for c, k in zip(text, canonical, strict=True)
    )


def normalize_case(text: str) -> str:
    """Sentence case for a capitalised name: "ĐẢNG ỦY PHƯỜNG BÌNH ĐỊNH" -> "Đảng ủy phường Bình Định".

    Known phrases take their usual capitals (lexicon ``phrase``), acronyms stay
    upper-case (``acronym``), and the words after an administrative unit word
    (xã, phường, huyện, tỉnh ...) are a place name: capitalised.
    """
    text = re.sub(r"\s+", " ", text.strip())
    if not is_caps(text):
        return text
    out = text.lower()
    folded = fold(out)
    for e in lex("phrase"):
        for m in re.finditer(rf"(?<![a-z]){re.escape(e.folded)}(?![a-z])", folded):
            a, b = m.span()
            out = out[:a] + _case_like(out[a:b], e.text) + out[b:]
    words = out.split(" ")
    orig = text.split(" ")
    acronyms = {fold(e.text) for e in lex("acronym")}
    units = {e.folded for e in lex("level") if " " not in e.folded} | {"thi", "thanh"}
    # "TP ĐÀ NẴNG", "TX. AN NHƠN": a unit's abbreviation, the place's name after it.
    unit_abbrevs = {e.folded for e in lex("abbreviation") if e.value}
    place = False
    placed: set[int] = set()  # the words of place names
    for i, w in enumerate(words):
        fw = fold(w)
        letters = re.sub(r"[^a-z]", "", fw)
        if fw.rstrip(".") in unit_abbrevs:
            words[i], place = orig[i], True
            continue
        if fw in acronyms or (len(w) <= 5 and fw.isalpha() and not _vowelly(fw)):
            words[i] = orig[i]
            continue
        if letters and not _vowelly(letters) and re.fullmatch(r"[a-z]+(?:[.&][a-z]+)+\.?", fw):
            words[i] = orig[i]  # "TP.HCM", "GD&ĐT": an abbreviation with its dots, as written
            continue
        if place and w:
            words[i] = w[:1].upper() + w[1:]
            placed.add(i)
        nxt = fold(words[i + 1]) if i + 1 < len(words) else ""
        if nxt == "uy":
            place = False  # "Huyện ủy", "Tỉnh ủy": a party body, no place name follows
        elif fw == "xa" and nxt == "hoi":
            place = False  # "Xã hội" (society: "Lao động - Thương binh và Xã hội"), no commune
        elif fw in units and not (fw in ("thi", "thanh") and nxt not in ("tran", "xa", "pho")):
            place = fw not in ("thi", "thanh")
        elif fw in ("tran", "xa", "pho") and i and fold(words[i - 1]) in ("thi", "thanh"):
            place = True
        elif fw == "uy" and i and fold(words[i - 1]) in units:
            place = True  # "HUYỆN ỦY KRÔNG": the name follows "ủy"
    _agency_capitals(words, units, placed)
    s = " ".join(words)
    return s[:1].upper() + s[1:]


def _agency_capitals(words: list[str], stops: set[str], placed: set[int]) -> None:
    """Capitals of an agency's name in place, as Nghị định 30/2020/NĐ-CP writes them: the field
    after its type ("Sở Giáo dục và Đào tạo", "Bệnh viện Đa khoa", "Cục Thuế"; the first word
    of each part joined by "và" or "-"), and a school's whole name ("Trường THCS Dịch Vọng"),
    up to the unit word of its place ("thành phố Đà Nẵng"). A type counts at the start of the
    name, after a school's name or a place's (``placed``: a second body, "Trường THCS Dịch
    Vọng Phòng GD&ĐT quận Cầu Giấy"), so the "bộ" of "Đảng bộ", "nội bộ" is none."""
    types = {e.folded: e.value for e in lex("agency_type")}
    mode: str | None = None
    cap_next = False
    i = 0
    while i < len(words):
        two = fold(" ".join(words[i : i + 2]))
        one = fold(words[i])
        typed = two if two in types else one if one in types else None
        if typed and (i == 0 or mode == "name" or i - 1 in placed):
            words[i] = words[i][:1].upper() + words[i][1:]
            mode, cap_next = types[typed], True
            i += len(typed.split())
            continue
        if mode is None:
            i += 1
            continue
        if one in stops and not cap_next:
            mode = None  # the place begins ("huyện Thanh Miện"): its own capitals
        elif one in ("va", "-", "–"):
            cap_next = mode == "field"
        elif cap_next or mode == "name":
            words[i] = words[i][:1].upper() + words[i][1:]
            cap_next = False
        i += 1


def _vowelly(fw: str) -> bool:
    return any(c in "aeiouy" for c in fw)


def level_of(name: str | None, number: str | None = None) -> str | None:
    """commune | district | province | central, from the lowest unit the name contains."""
    if name:
        f = f" {fold(name)} "
        spans = [
            (m.start(), m.end(), e.value or "")
            for e in lex("level")
            for m in re.finditer(rf"(?<![a-z]){re.escape(e.folded)}(?![a-z])", f)
        ]
        # A unit abbreviated ("TX. An Nhơn": thị xã), at the level of the unit it stands for.
        levels = {e.folded: e.value or "" for e in lex("level")}
        spans += [
            (m.start(), m.end(), levels[fold(e.value)])
            for e in lex("abbreviation")
            if e.value and fold(e.value) in levels
            for m in re.finditer(rf"(?<![a-z]){re.escape(e.folded)}\.?(?= )", f)
        ]
        # A city that is a province ("thành phố Đà Nẵng"), unlike a province's own cities:
        # its span holds the "thành phố" it begins with.
        spans += [
            (m.start(), m.end(), "province")
            for city in province_cities()
            for m in re.finditer(rf"(?<![a-z]){re.escape(city)}(?![a-z])", f)
        ]
        if spans:
            # "thị xã" must not read as "xã": drop a match nested inside a longer one.
            rank = {"commune": 0, "district": 1, "province": 2, "central": 3}
            keep = [
                s for s in spans
                if not any(o != s and o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                           for o in spans)
            ]  # fmt: skip
            return min((s[2] for s in keep), key=lambda v: rank[v])
    if number:
        code = fold(number).rsplit("/", 1)[-1].split("-")[-1]
        return {"du": "commune", "hu": "district", "tu": "province", "tw": "central"}.get(code)
    return None


@cache
def _gazetteer_lines() -> tuple[str, ...]:
    """The gazetteer's lines (corpora/gazetteer_admin_units), read once for the place names
    and the province-level cities."""
    folder = corpus_dir() / "gazetteer_admin_units"
    if not folder.is_dir():  # (a corpus of the user's own: the shipped gazetteer)
        folder = Path(__file__).resolve().parents[2] / "corpora" / "gazetteer_admin_units"
    return tuple(
        line
        for path in sorted(folder.glob("units_*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    )


@cache
def place_names() -> dict[str, dict[str, str]]:
    """The gazetteer's names by unit, folded: {"tinh": {"bac ninh": "Bắc Ninh", ...}, ...}."""
    units = sorted((e.folded for e in lex("level") if " uy" not in e.folded), key=len, reverse=True)
    names: dict[str, dict[str, str]] = {}
    for line in _gazetteer_lines():
        for part in line.split(","):
            part = part.strip()
            f = fold(part)
            unit = next((u for u in units if f.startswith(u + " ")), None)
            if unit:
                name = part.split(" ", unit.count(" ") + 1)[-1]
                names.setdefault(unit, {})[f[len(unit) + 1 :]] = name
    return names


def _named_unit(name: str, parents: list[str]) -> str:
    """A name that ends with a bare unit ("BỆNH VIỆN ĐA KHOA TỈNH" under "SỞ Y TẾ BẮC NINH")
    completed by the place the parent's line ends with, when the gazetteer knows it as a
    place of that unit, spelled as the gazetteer does ("Bệnh viện đa khoa tỉnh Bắc Ninh");
    otherwise as it is."""
    f = fold(name)
    units = sorted(place_names(), key=len, reverse=True)  # ("thị xã" before "xã")
    unit = next((u for u in units if f == u or f.endswith(" " + u)), None)
    if unit is None or not parents:
        return name
    words = parents[-1].split()
    for n in range(min(4, len(words) - 1), 0, -1):
        place = place_names()[unit].get(fold(" ".join(words[-n:])))
        if place:
            return f"{name} {place}"
    return name


@cache
def province_cities() -> tuple[str, ...]:
    """The cities that are provinces (Hà Nội, Đà Nẵng, ...: "Thành phố X" as the last part
    of a line of the gazetteer, corpora/gazetteer_admin_units), folded, as headers write
    them: "thanh pho da nang", "tp da nang", "tp. da nang"."""
    names: set[str] = set()
    for line in _gazetteer_lines():
        last = line.rsplit(",", 1)[-1].strip()
        if last.startswith("Thành phố "):  # (the gazetteer's own spelling; folded after)
            names.add(fold(last[len("Thành phố ") :]))
    units = ("thanh pho", "tp", "tp.", "thanh uy")
    shorts = tuple(e.folded for e in lex("city_abbrev"))  # ("TP.HCM": lexicon ``city_abbrev``)
    return tuple(f"{unit} {n}" for n in sorted(names) for unit in units) + shorts


@cache
def known_codes() -> frozenset[str]:
    """The codes document numbers are made of (lexicon ``doc_code`` and ``doc_type`` codes;
    the lexicon is read once, so are they)."""
    return frozenset(
        {e.text for e in lex("doc_code")} | {e.code for e in lex("doc_type") if e.code}
    )


def repair_number(num: str) -> str:
    """Undo OCR damage that a document number's shape reveals.

    Spaces inside are dropped ("13 -NQ/HU"), and the dots a number was written over
    ("44.../QĐ-UBND"); a code part that is not a known
    code but becomes one when its first letter is read as Đ ("BU" -> "ĐU"), when
    an "I" is read as "/" ("CVIHU" -> "CV/HU"), when a stray stroke OCR added is
    dropped ("HID" -> "HD") or when "IJ" is read as the "U" it split ("HIJ" ->
    "HU") is repaired. Known codes come from the lexicon (``doc_code`` and
    ``doc_type`` codes).
    """
    num = re.sub(r"\s+", "", num).strip("-/.,;")
    num = re.sub(r"(?<=\d)[.…]+-?(?=/)", "", num)  # "44.../QĐ": the dots written over
    known = known_codes()
    parts = re.split(r"([-/])", num)
    for i, part in enumerate(parts):
        if i == 0 or part in "-/" or part in known or not part.isalpha():
            continue
        if part[0] in "BPD" and "Đ" + part[1:] in known:
            parts[i] = "Đ" + part[1:]
            continue
        for j in range(2, len(part) - 1):
            if part[j] in "Il1" and part[:j] in known:
                parts[i] = part[:j] + "/" + part[j + 1 :]
                break
        else:
            parts[i] = _one_stroke_off(part, known)
    return "".join(parts)


def _one_stroke_off(part: str, known: frozenset[str]) -> str:
    """``part`` as the known code it is one OCR stroke from, or as it is: "IJ" read for
    "U", or one "I", "l", "1" or "J" too many."""
    if "IJ" in part and part.replace("IJ", "U", 1) in known:
        return part.replace("IJ", "U", 1)
    fixes = {part[:j] + part[j + 1 :] for j in range(1, len(part)) if part[j] in "Il1J"}
    hits = fixes & known
    return hits.pop() if len(hits) == 1 else part


def find_number(lay: Layout, limit: int) -> tuple[str | None, Line | None]:
    rx = regexes()["number_line"]
    num_rx = regexes()["doc_number"]
    for ln in lay.lines[:limit]:
        m = rx.match(ln.folded)
        if not m:
            continue
        a = m.start("rest")
        rest = ln.text[a:]
        frest = ln.folded[a:]
        n = num_rx.match(frest.strip())
        if n:
            off = len(frest) - len(frest.lstrip())
            return repair_number(rest[off + n.start() : off + n.end()]), ln
        return None, ln  # "Số: /KH-MTTQ" : printed blank, filled in by hand
    return None, None


def printed_symbol(line: Line | None) -> str | None:
    """What follows "Số" on a number line whose number was left blank ("Số -KH/BDVHU": a
    copy printed before the number was given): the symbol without its number."""
    if line is None:
        return None
    m = regexes()["number_line"].match(line.folded)
    rest = line.text[m.start("rest") :].split() if m else []
    return rest[0] if rest else None


def find_issued(lay: Layout, limit: int) -> tuple[str | None, str | None, Line | None]:
    rx = regexes()["issued_line"]
    for ln in lay.lines[:limit]:
        m = rx.search(ln.folded)
        if not m:
            continue
        place = ln.text[m.start("place") : m.end("place")].strip(" .,-_")
        place = re.sub(r"^[^\w]+", "", place).strip()
        # The number beside it on the same line (two columns read as one: "Số: 1906
        # /BGDĐT-HTQT Đà Nẵng, ngày ..."): the place begins after its code.
        place = _CODE_BEFORE.sub("", place)
        d, mo, y = m.group("d"), m.group("m"), m.group("y")
        iso = None
        if d and mo and 1 <= int(d) <= 31 and 1 <= int(mo) <= 12:
            iso = f"{y}-{int(mo):02d}-{int(d):02d}"
        return iso, place or None, ln
    return None, None, None


def find_doc_type(lay: Layout) -> tuple[str | None, int | None]:
    limit = max(8, len(lay.paragraphs) // 3)
    for k, p in enumerate(lay.paragraphs[:limit]):
        first = p.first.text.strip()
        if not is_caps(first) and not first.isupper():
            continue
        dt = match_doc_type(first)
        if dt:
            return dt, k
    return None, None


def find_title(lay: Layout, k: int, doc_type: str) -> tuple[str, list[Line], int]:
    """Doc type + the subject lines under it; returns (title, lines, first body paragraph)."""
    rx_pre = regexes()["preamble"]
    p0 = lay.paragraphs[k]
    parts: list[str] = []
    lines: list[Line] = [p0.first]
    rest = [ln for ln in p0.lines[1:]]
    i = k + 1
    if rest:
        parts = [" ".join(ln.text.strip() for ln in rest)]
        lines += rest
    elif i < len(lay.paragraphs):
        # Subject lines: until a preamble opener, a section, a capitalised issuer
        # line, a separator; on a spaced (word-processor) layout each line is a paragraph.
        def opens_body(t: str, ft: str) -> bool:
            # (A subject line may open with the words "thực hiện" in small letters, "thực
            # hiện phong trào thi đua ...": the title's; the preamble's "Thực hiện Kế hoạch
            # số ..." has its capital. Other openers, "để", "căn cứ", open the body whatever
            # their case: OCR and restoration lose capitals.)
            if ft.startswith("thuc hien ") and t[:1].islower():
                return False
            return bool(
                rx_pre.match(ft)
                or any(ft.startswith(e.folded + " ") for e in lex("preamble_opener"))
                or re.match(r"^[IVX]+\s*[.\-–]", t)
            )

        for p in lay.paragraphs[i : i + 5]:
            t = p.text.strip()
            ft = p.folded.strip()
            # A layout without blank lines (OCR text) runs the subject lines into the
            # preamble ("Khảo sát, xác định ... năm 2026" then "Căn cứ Quyết định ..."): the
            # paragraph's lines before the first that opens the body are the subject.
            lead = next(
                (
                    j
                    for j, ln in enumerate(p.lines[1:], 1)
                    if opens_body(ln.text.strip(), ln.folded.strip())
                ),
                None,
            )
            if not parts and lead is not None and not opens_body(t, ft):
                head = [ln for ln in p.lines[:lead] if not ln.blank]
                subject_lines = " ".join(ln.text.strip() for ln in head)
                if len(subject_lines) <= 220 and not subject_lines.endswith("."):
                    parts.append(subject_lines)
                    lines += head
                break
            if (
                opens_body(t, ft)
                or (is_caps(t) and parts)
                or len(t) > 220
                or (parts and t.endswith("."))  # a subject line is not a sentence
            ):
                break
            if re.fullmatch(r"[-_=.*\s]+", t):
                i += 1
                continue
            parts.append(t)
            lines += list(p.lines)
            i += 1
            if not lay.spaced:
                break
    subject = re.sub(r"\s+", " ", " ".join(parts)).strip()
    if subject and len(subject) > 1 and subject[1:2].islower():
        subject = subject[0].lower() + subject[1:]
    title = f"{doc_type} {subject}".strip() if subject else doc_type
    return title, lines, i


def find_dispatch_subject(lay: Layout, limit: int) -> tuple[str | None, list[Line]]:
    """A công văn (dispatch) has no type line, but its subject under the number: "V/v thực
    hiện Thông báo số 496-TB/TU" and the lines that go on with it (lower case, up to four).
    Its title: "Công văn về việc thực hiện Thông báo số 496-TB/TU ..."."""
    rx = regexes()["subject_line"]
    for ln in lay.lines[:limit]:
        m = rx.match(ln.folded)
        if not m:
            continue
        lines = [ln]
        for nxt in lay.lines[ln.index + 1 : ln.index + 4]:
            t = nxt.text.strip()
            if not t or not (t[0].islower() or t[0].isdigit()):
                break
            lines.append(nxt)
        first = ln.text[m.start("rest") :]
        # The column beside the subject, read into its line: a numbered item, "Kính gửi".
        beside = re.search(r"\s(?:\d{1,2}\.\s+[^\W\d_]|k\S{0,2}nh\s+g\S{1,2}i\b)", fold(first))
        if beside and beside.start() >= 10:
            first, lines = first[: beside.start()], [ln]
        subject = " ".join([first.strip(), *(x.text.strip() for x in lines[1:])])
        subject = subject.rstrip(" `'\"“”‘’.,;:_-|")
        return f"Công văn về việc {subject}", lines
    return None, []


def _after_lines(lay: Layout, lines: list[Line | None]) -> int:
    """The first paragraph after the last of ``lines`` (0 where there is none): a dispatch's
    number, date and subject lines, whose paragraph OCR may have merged with the motto column
    beside them ("CỤC THUẾ TP.HCM Độc lập - Tự do - Hạnh phúc Số: ...")."""
    last = max((ln.index for ln in lines if ln is not None), default=None)
    if last is None:
        return 0
    return next(
        (k for k, p in enumerate(lay.paragraphs) if p.first.index > last), len(lay.paragraphs)
    )


def find_addressees(lay: Layout, start: int) -> frozenset[int]:
    """The paragraphs of a "Kính gửi:" block among the first three of the body, with the dash
    items that list its addressees ("- Sở Giáo dục và Đào tạo;"): short, each its own."""
    rx = regexes()["addressee_line"]
    first = next(
        (k for k in range(start, min(start + 3, len(lay.paragraphs)))
         if rx.match(lay.paragraphs[k].folded)),
        None,
    )  # fmt: skip
    if first is None:
        return frozenset()
    out = {first}
    for k in range(first + 1, len(lay.paragraphs)):
        t = lay.paragraphs[k].text.strip()
        if not t.startswith(("-", "+", "•")) or len(t) > 150:
            break
        out.add(k)
    return frozenset(out)


def find_issuer(lay: Layout, header_end: int) -> tuple[str | None, Line | None]:
    """Issuer from the header block: the lines before "Số" / the motto / the date line."""
    block: list[Line] = []
    names: list[str] = []
    earlier: tuple[list[Line], list[str]] = ([], [])
    lines = lay.lines[:header_end]
    anchor = next((k for k, ln in enumerate(lines) if _ends_issuer(ln)), None)
    for k, ln in enumerate(lines):
        f = ln.folded.strip()
        if not f:
            continue
        if k == anchor:
            break
        # (The left column: the motto beside it is in another case.)
        left = _left_column(ln.text)
        if not is_caps(left) or f.startswith("---") or len(f) > 80:
            if anchor is None:
                break
            # Not the header yet: a page that prints a document under a heading of its own
            # (a compilation, a textbook). The issuer is the run of capitals above the number,
            # or, where none follows this line, the run above it.
            if block:
                earlier = (block, names)
            block, names = [], []
            continue
        name = normalize_case(_NOT_NAME.sub("", left))
        if name and not re.fullmatch(r"[-_=.*\s]+", ln.text):
            block.append(ln)
            names.append(name)
    if not block:
        block, names = earlier
    if not block:
        return None, None
    if len(names) == 1:
        return names[0], block[0]
    # The last line names the issuing body; the lines above it name its parent. A last
    # line that is a place only ("ỦY BAN NHÂN DÂN / XÃ AN PHÚ") ends the name begun above it:
    # "Ủy ban nhân dân xã An Phú" (the commune is no issuing body).
    last, parents = names[-1], names[:-1]
    if _is_place(last):
        last, parents = _lower_unit(f"{parents[-1]} {last}"), parents[:-1]
        block = block[:-1]
        if not parents or level_of(last) is not None:
            return last, block[-1]  # (its place said: the parent above adds nothing)
    last = _named_unit(last, parents)
    parent = " ".join(parents)
    last_f = fold(last)
    if last_f.startswith(("ban ", "van phong", "uy ban kiem tra", "tieu ban", "to ")):
        # "ỦY BAN MTTQ VIỆT NAM / XÃ LƯƠNG MINH / BAN THƯỜNG TRỰC"
        # -> "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh".
        return f"{last} {_lower_unit(parent)}", block[-1]
    if level_of(last) is not None:
        return last, block[-1]  # "ĐẢNG BỘ TỈNH X / ĐẢNG ỦY PHƯỜNG Y": the last line is complete
    # A body under its parent: named first, its parent after it ("Phòng An ninh chính trị
    # nội bộ Công an TP Đà Nẵng"); under a People's Committee, by the committee's place
    # ("UBND HUYỆN X / PHÒNG GIÁO DỤC" -> "Phòng giáo dục huyện X").
    words = parent.split()
    n = next((n for n in (1, 4) if fold(" ".join(words[:n])) in _COMMITTEE), 0)
    if n and level_of(" ".join(words[n:])) is not None:
        parent = " ".join(words[n:])
    return _lower_unit(f"{last} {parent}"), block[0]


def _ends_issuer(ln: Line) -> bool:
    """The motto, the number, the date line or the type line: the issuer is above it."""
    f = ln.folded.strip()
    return bool(
        any(f.startswith(m) for m in _MOTTO)
        or regexes()["number_line"].match(f)
        or regexes()["issued_line"].search(f)
        or match_doc_type(ln.text)
    )


def _left_column(text: str) -> str:
    """A header line's left column: OCR reads the two columns of a header side by side
    ("BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), the motto on the right, often
    misread ("TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG TTGIỆE-—. KG Bà, EETTCH ĐTUPC"). The line is cut
    where the motto begins, or at the first token of punctuation (no body's name has one),
    and then before any word left dangling that is no Vietnamese syllable ("TTGIỆE"). Two
    syllables OCR glued together ("KHOATỈNH") are read apart first: they are no garbage."""
    words = " ".join(_unglued(w) for w in text.split()).split()
    for j in range(1, len(words)):
        if any(fold(" ".join(words[j:])).startswith(m) for m in _MOTTO):
            return " ".join(words[:j])
        if _GARBAGE.search(words[j]):
            known = syllables()
            while (
                j > 1 and words[j - 1].lower() not in known and not _ABBREV.fullmatch(words[j - 1])
            ):
                j -= 1
            return " ".join(words[:j])
    return text


def _unglued(word: str) -> str:
    """``word`` cut in two where it is two Vietnamese syllables as printed, marks and all, and
    no syllable itself ("KHOATỈNH" -> "KHOA TỈNH": Tesseract dropped the space of a header's
    spaced capitals); else ``word``. Abbreviations ("UBND"), names of one syllable and
    minority place names ("Ea") stay.
    The longest first syllable wins ("ĐẢNGỦY" is "ĐẢNG ỦY"; "HOÀNGAN" "HOÀNG AN")."""
    known = syllables()
    low = word.lower()
    if low in known or not word.isalpha():
        return word
    cut = glued_cut(low, known, min_side=2)  # (two letters a side: "Ea" is no "E A")
    return word if cut is None else f"{word[:cut]} {word[cut:]}"


# What OCR leaves around a name in the header: rules, slashes, a stray colon.
_NOT_NAME = re.compile(r"^[\W_]+|[\s/\\\-_*.,;:]+$")
# A document number's code and what precedes it, before the place on an issue line.
_CODE_BEFORE = re.compile(r"^.*\S*[/\d]\S*\s+|^.*\b[A-ZĐ]{2,}(?:-[A-ZĐa-z]+)+\s+")
# The People's Committee, as headers write it.
_COMMITTEE = ("ubnd", "uy ban nhan dan")
# An abbreviation in a body's name ("MTTQ", "HĐND"): no syllable, but no misreading either.
_ABBREV = re.compile(r"[A-ZĐ0-9&]{2,8}")
# Characters a name in a header never has inside a word: a misread motto or a stamp.
_GARBAGE = re.compile(r"[—–;:!?()\[\]{}|<>«»“”\"'`~^@#$%=+]|[-.]{2,}|^\W+$")


def _is_place(name: str) -> bool:
    """A unit and its name only ("Xã An Phú", "Thành phố Hồ Chí Minh"), not a body named after
    its unit ("Huyện ủy Krông", "Huyện đoàn", "Đảng ủy xã")."""
    f = fold(name)
    for e in lex("level"):
        if e.value == "central" or " uy" in e.folded or not f.startswith(e.folded + " "):
            continue
        rest = f[len(e.folded) + 1 :].split()
        return bool(rest) and rest[0] not in ("uy", "doan")
    return False


def _lower_unit(s: str) -> str:
    """Lower-case unit words in the middle of a name ("Việt Nam Xã Lương" -> "Việt Nam xã
    Lương", "Nhân dân Thị Trấn An" -> "Nhân dân thị trấn An")."""
    units = {e.folded for e in lex("level")} - {"trung uong", "chinh phu", "quoc hoi"}
    words = s.split(" ")
    for i in range(1, len(words)):
        for n in (2, 1):  # ("thị xã" before "xã")
            if i + n < len(words) and fold(" ".join(words[i : i + n])) in units:
                if words[i + n][:1].isupper():
                    words[i : i + n] = [w.lower() for w in words[i : i + n]]
                break
    return " ".join(words)


def issuer_from_body(lay: Layout, start: int, place: str | None) -> tuple[str | None, Line | None]:
    """Fallback: "<issuer> xây dựng / ban hành kế hoạch ..." in the opening paragraphs.

    The issuer is the clause right before the verb (after the last comma or
    semicolon), and must open with a body's head word (lexicon ``actor_head``).
    """
    verbs = "|".join(re.escape(e.folded) for e in lex("issuing_verb"))
    rx = re.compile(
        rf"(?:{verbs}|xay d\S{{1,4}})\s+(?:\S+\s+){{0,2}}?"
        r"(?:ke hoach|huong dan|quyet dinh|chuong trinh|k\S{0,2} hoach)"
    )
    heads = [e.folded for e in lex("actor_head")]
    for p in lay.paragraphs[start : start + 12]:
        for m in rx.finditer(p.folded):
            clause_start = max(p.folded.rfind(c, 0, m.start()) for c in (",", ";", ".", ":")) + 1
            clause = p.folded[clause_start : m.start()]
            lead = len(clause) - len(clause.lstrip())
            body = clause.strip()
            if not body or not any(body == h or body.startswith(h + " ") for h in heads):
                continue
            a = clause_start + lead
            who = p.text[a : a + len(body)].strip(" ,;")
            # "Đảng ủy phường" without the name: the place of the issue line completes it.
            fw = fold(who).split()
            if place and fw and fw[-1] in {e.folded for e in lex("level")}:
                who = f"{who} {place}"
            return who[:1].upper() + who[1:], p.line_at(a)
    return None, None


def find_movement(lay: Layout) -> str | None:
    """The quoted name after "phong trào thi đua" cited most often, in its most common spelling."""
    rx = regexes()["movement"]
    forms: dict[str, dict[str, int]] = {}
    for p in lay.paragraphs:
        for m in rx.finditer(p.folded):
            name = re.sub(r"\s+", " ", p.text[m.start("name") : m.end("name")]).strip()
            by_form = forms.setdefault(fold(name), {})
            by_form[name] = by_form.get(name, 0) + 1
    if not forms:
        return None
    best = max(forms.values(), key=lambda f: sum(f.values()))
    # ties keep the first spelling met (dicts keep insertion order)
    return max(best, key=lambda k: best[k])


def find_period(
    title: str | None, lay: Layout, issued_year: int | None = None
) -> dict[str, int] | None:
    rx = regexes()
    ft = fold(title or "")
    for name in ("period", "term"):
        m = rx[name].search(ft)
        if m:
            return {"start": int(m.group("start")), "end": int(m.group("end"))}
    m = rx["year"].search(ft)
    if m:
        y = int(m.group("start"))
        return {"start": y, "end": y}
    counts: dict[tuple[int, int], int] = {}
    for p in lay.paragraphs:
        for m in rx["period"].finditer(p.folded):
            key = (int(m.group("start")), int(m.group("end")))
            counts[key] = counts.get(key, 0) + 1
    if counts:
        s, e = max(counts, key=lambda k: counts[k])
        return {"start": s, "end": e}
    # "từ ngày ban hành ... đến hết năm 2026": from the year of issue to that year.
    if issued_year is not None:
        for p in lay.paragraphs:
            m = re.search(
                r"tu ngay (?:ky )?ban hanh[^.;]{0,80}?den het nam\s+((?:19|20)\d{2})", p.folded
            )
            if m and int(m.group(1)) >= issued_year:
                return {"start": issued_year, "end": int(m.group(1))}
    return None


def parse_header(lay: Layout) -> Header:
    h = Header()
    dt, k = find_doc_type(lay)
    head_lines = len(lay.lines) if k is None else lay.paragraphs[k].first.index + 1
    head_lines = max(head_lines, 12)
    h.number, h.number_line = find_number(lay, head_lines)
    h.issued_date, h.issued_place, h.issued_line = find_issued(lay, head_lines + 2)
    if dt is not None and k is not None:
        h.doc_type, h.doc_type_line = dt, lay.paragraphs[k].first
        h.title, h.title_lines, h.body_start = find_title(lay, k, dt)
    else:
        h.title, h.title_lines = find_dispatch_subject(lay, head_lines)
        if h.title:
            h.doc_type, h.doc_type_line = "Công văn", h.title_lines[0]
        # No type line to end the header: the body begins after the header's own lines.
        h.body_start = _after_lines(lay, [h.number_line, h.issued_line, *h.title_lines])
    h.addressees = find_addressees(lay, h.body_start)
    h.issuer, h.issuer_line = find_issuer(lay, head_lines)
    if h.issuer is None:
        h.issuer, h.issuer_line = issuer_from_body(lay, h.body_start, h.issued_place)
    h.issuer, h.issuer_line = issuer_by_symbol(
        lay, h.issuer, h.issuer_line, h.number or printed_symbol(h.number_line)
    )
    h.issuer_level = level_of(h.issuer, h.number)
    return h
