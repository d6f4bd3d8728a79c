"""Cited documents: every document a plan cites, once each.

A citation is found by its number ("04-KH/BTGDVTU", "91/2017/NĐ-CP", shape in
``regex.jsonl``) or, for laws cited by name, by "Luật <Name>" (number null).
The type comes from the words before the number ("Kế hoạch số ...", fuzzy, so
"Ké hoach" still reads) or else from the code inside the number (NQ -> Nghị
quyết); the date from "ngày ..." right after it; the issuer from "của ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance.Levenshtein import distance

from pipeline.extract.dates import date_to_iso
from pipeline.extract.header import known_codes, match_doc_type, repair_number
from pipeline.extract.patterns import lex, regexes
from pipeline.extract.text import Line, Paragraph, fold

# Where the issuer named after "của" stops (folded text).
_ISSUER_STOP = re.compile(
    r"\s+(?:ve|v€|se|huong dan|ban hanh|phe duyet|quy dinh|tai|nham|de|theo|trong|gan|giai doan"
    r"|nhiem ky)\s"
    r"|[;:.,(“\"”]|\s+ngay\s|$"
    # "... của Ban Dân vận Tỉnh ủy và Công văn số 739-CV/HU": the next citation begins.
    r"|\s+va\s+(?=[^;:.,]{0,30}?\sso[\s:])"
)
# "và" before a word (see _before_lower_va).
_AND_WORD = re.compile(r"\s+và\s+(?=[^\W\d_])")
_LAW_RE = re.compile(
    r"(?<![a-z])luat\s+(?P<name>[a-z][^;,.()“”\"]{2,140}?)"
    r"(?=\s+(?:so|ngay|nam\s+\d|duoc|va cac|va luat|cua|de|theo|tai|thi|trong|khi|voi|nhu)\s|\s*[;,.()“”\"]|$)"
)
# "Luật sửa đổi, bổ sung một số điều của Luật X": one law, named by the law it amends.
_AMEND_RE = re.compile(
    r"(?<![a-z])luat\s+sua\s+doi,?\s+bo\s+sung\s+(?:mot\s+so\s+dieu\s+)?cua\s+luat\s+"
    r"(?P<name>[a-z][^;,.()“”\"]{2,140}?)"
    r"(?=\s+(?:so|ngay|nam\s+\d|duoc|va cac|va luat|cua|de|theo|tai)\s|\s*[;,.()“”\"]|$)"
)
_CONSTITUTION_RE = re.compile(r"(?<![a-z])hien phap\s+(?:nam\s+)?(?P<year>(?:19|20)\d{2})")
_SO = re.compile(r"(?:\s|^)(?:s[o06b]|lien tich so)\s*:?\s*$")


@dataclass
class Reference:
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    line: Line
    title: str | None = None

    def key(self) -> str:
        if self.number:
            # "16/KH-MTTQ-BTT" and "16/KH-BTT-MTTQ" are one document cited with its
            # code parts in another order: the key is the number and the set of parts.
            parts = re.split(r"[-/\s]+", fold(self.number))
            return "n:" + parts[0] + ":" + ",".join(sorted(p for p in parts[1:] if p))
        return "t:" + fold(self.title or "")


def _type_before(folded_before: str, text_before: str) -> str | None:
    """Doc type named in the words just before a number ("Kế hoạch số", "Nghị quyết liên tịch số")."""
    fb = _SO.sub("", folded_before.rstrip()).rstrip()
    words = fb.split()
    for n in (4, 3, 2, 1):
        if len(words) >= n:
            cand = " ".join(words[-n:])
            dt = match_doc_type(cand.upper())
            if dt and (n > 1 or dt == "Luật"):
                return dt
    return None


def _type_from_code(number: str) -> str | None:
    parts = re.split(r"[-/]", number)
    codes = {e.code: e.text for e in lex("doc_type") if e.code}
    for part in parts[1:]:
        if part in codes:
            return codes[part]
        if part.upper() in {c.upper() for c in codes}:
            return next(v for c, v in codes.items() if c.upper() == part.upper())
    return None


def _split_by_ocr(p: Paragraph, a: int, b: int) -> tuple[int, int]:
    """The span ``a:b`` of a document number, widened over the spaces OCR put inside it: a digit
    group between "số" and a Party number's one or two digits ("số 73 9-CV/HU" is 739), and a
    code that goes on after a space ("205-C V/HU") where joining it makes the cut code part a
    known one. (Offsets are the same in the text and its folded form.)"""
    f = p.folded
    lead = re.search(r"\bso\s*:?\s*(\d{1,3})\s$", f[max(0, a - 12) : a])
    if lead and re.match(r"\d{1,2}\s?-", f[a:b]):  # (Party numbers: "9-CV/HU")
        a = max(0, a - 12) + lead.start(1)
    parts = re.split(r"[-/]", repair_number(p.text[a:b]))
    tail = re.match(r" ([a-z&][a-z0-9&]{0,11}(?:[-/][a-z0-9&]{1,24}){0,3})(?![\w/-])", f[b:])
    if tail and parts[-1].isalpha() and parts[-1] not in known_codes():
        joined = re.split(r"[-/]", repair_number(p.text[a:b] + p.text[b + 1 : b + tail.end()]))
        if joined[len(parts) - 1] in known_codes():
            b += tail.end()
    return a, b


def _code_of_type(number: str, doc_type: str) -> str:
    """``number`` with its type code repaired from the type the words before it name, where
    OCR left that code unreadable ("Hướng dẫn số 02-FID/BDVTU" -> "02-HD/BDVTU"): the code
    part right after the number's hyphen, where Party documents put their type, when it is no
    known code and at most two edits from the type's own code. (State documents put the
    issuer there after a slash, "Công văn số 12/BNV-TL": left alone.)"""
    code = next((e.code for e in lex("doc_type") if e.text == doc_type and e.code), None)
    parts = re.split(r"([-/])", number)
    if not code or len(parts) < 3 or parts[1] != "-" or not parts[2].isalpha():
        return number
    known = known_codes()
    part = parts[2]
    if part not in known and abs(len(part) - len(code)) <= 1 and distance(part, code) <= 2:
        parts[2] = code
    return "".join(parts)


def _before_lower_va(name: str) -> str:
    """``name`` up to a "và" that a word in small letters follows: a body's name goes on after
    its "và" with a capital ("Sở Giáo dục và Đào tạo", "Ban Tuyên giáo và Dân vận"), a clause
    does not ("của Ban Thường vụ Đảng ủy và đề nghị các chi bộ")."""
    for m in _AND_WORD.finditer(name):
        if name[m.end()].islower():
            return name[: m.start()]
    return re.sub(r"\s+và\s*$", "", name)  # (a stop word cut the clause after its "và")


def _after(p: Paragraph, b: int) -> tuple[str | None, str | None]:
    """(date iso, issuer) written right after a citation ending at offset ``b``."""
    f = p.folded[b : b + 200]
    iso = None
    m = re.match(r"[\s,]*(?:ngay|ban hanh ngay)\s*(?P<d>[^;]{4,25})", f)
    k = 0
    if m:
        iso = date_to_iso("ngày " + p.text[b + m.start("d") : b + m.end("d")])
        dm = re.match(
            r"\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+n\S{1,2}m\s+\d{4}",
            f[m.start("d") :],
        )
        k = m.start("d") + (dm.end() if dm else 0)
    issuer = None
    c = re.match(r"[\s,]*(?:cua|c\S{1,2}a)\s+", f[k:])
    if c:
        s = k + c.end()
        stop = _ISSUER_STOP.search(f, s)
        e = stop.start() if stop else len(f)
        issuer = _before_lower_va(p.text[b + s : b + e]).strip(" ,;") or None
        if issuer and len(issuer.split()) > 14:
            issuer = None
    return iso, issuer


def find_references(p: Paragraph, own_number: str | None = None) -> list[Reference]:
    rx = regexes()["doc_number"]
    out: list[Reference] = []
    taken: list[tuple[int, int]] = []
    numbers: list[tuple[int, int]] = []  # spans of document numbers
    for m in rx.finditer(p.folded):
        a, b = m.span()
        before = p.folded[max(0, a - 50) : a]
        if re.search(r"mau\s*(?:so)?\s*:?\s*$", before):
            continue  # a form ("Mẫu số 01/..."), not a document
        a, b = _split_by_ocr(p, a, b)
        before = p.folded[max(0, a - 50) : a]
        number = repair_number(p.text[a:b])
        if own_number and fold(number) == fold(own_number):
            continue
        dt = _type_before(before, p.text[max(0, a - 50) : a])
        if dt:
            number = _code_of_type(number, dt)
        dt = dt or _type_from_code(number)
        iso, issuer = _after(p, b)
        out.append(Reference(dt, number, iso, issuer, p.line_at(a)))
        taken.append((a, b))
        numbers.append((a, b))
    for m in _CONSTITUTION_RE.finditer(p.folded):
        if p.text[m.start()] != "H":
            continue
        title = f"Hiến pháp năm {m.group('year')}"
        out.append(Reference("Hiến pháp", None, None, None, p.line_at(m.start()), title=title))
    for m in _AMEND_RE.finditer(p.folded):
        if any(x <= m.start() < y for x, y in taken):
            continue
        title = re.sub(r"\s+", " ", p.text[m.start() : m.end("name")]).strip()
        iso, issuer = _after(p, m.end("name"))
        out.append(Reference("Luật", None, iso, issuer, p.line_at(m.start()), title=title))
        taken.append((m.start(), m.end("name")))
    for m in _LAW_RE.finditer(p.folded):
        a = m.start()
        name_a, name_b = m.start("name"), m.end("name")
        if re.match(r"so\s*\d", m.group("name")):
            continue  # "Luật số 83/2025/QH15": found by its number
        if p.text[a : a + 1] != "L":
            continue  # "luật định", "pháp luật": a law's name is written "Luật ..."
        if any(x <= a < y for x, y in taken):
            continue
        title = "Luật " + re.sub(r"\s+", " ", p.text[name_a:name_b]).strip()
        # "Luật ... số 85/2015/QH13": the number belongs to this law.
        nxt = next(
            (
                (x, y)
                for x, y in numbers
                if 0 <= x - name_b <= 12
                and re.fullmatch(r"[\s,]*(?:so)?\s*:?\s*", p.folded[name_b:x])
            ),
            None,
        )
        if nxt is not None:
            for r in out:
                if r.line is p.line_at(nxt[0]) and r.number == repair_number(
                    p.text[nxt[0] : nxt[1]]
                ):
                    r.title = title
                    r.doc_type = "Luật"
            continue
        iso, issuer = _after(p, name_b)
        out.append(Reference("Luật", None, iso, issuer, p.line_at(a), title=title))
    return out


def dedupe(refs: list[Reference]) -> list[Reference]:
    """Once each: the same number (or law title) keeps its first, most complete mention."""
    out: dict[str, Reference] = {}
    for r in refs:
        k = r.key()
        # A short law title ("Luật Bầu cử") is the same law as a longer one cited before.
        if k.startswith("t:"):
            same = next(
                (o for o in out if o.startswith("t:") and (o.startswith(k) or k.startswith(o))),
                None,
            )
            if same:
                if len(k) > len(same):
                    out[k] = out.pop(same)
                    out[k].title = r.title
                continue
        if k in out:
            o = out[k]
            o.date = o.date or r.date
            o.issuer = o.issuer or r.issuer
            o.doc_type = o.doc_type or r.doc_type
            o.title = o.title or r.title
            continue
        out[k] = r
    return list(out.values())
