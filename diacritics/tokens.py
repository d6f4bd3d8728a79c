"""Split a line of (possibly garbled) text into word tokens and the untouched text between them.

A token is a run of letters and digits that contains a letter, plus the few symbols OCR prints in
place of a marked letter ("v€" for "về", "hi¢u" for "hiệu", "quy&" for "quyết") when they are
glued to letters. Tokens inside things that are not words are *protected* and never changed:
e-mail addresses, URLs, document symbols (1360/KH-UBND, 13-NQ/HU, 91/2017/NĐ-CP), Roman
numerals, and what OCR made of a form's dot leaders ("....... ee eeeeeeee").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from diacritics.orthography import strip_marks

# Symbols OCR prints for a marked vowel; only part of a token when glued to a letter or digit.
GLYPH_NOISE = "€¢¥&©®£§%"
# Standalone, only the glyphs that are never punctuation ("¢" for "ở"; not "&" or "%"). A
# standalone "&" is a protected token: kept, unless the restorer reads it as the "ở" that
# OCR printed so (diacritics/data/number_words.tsv).
GLYPH_ALONE = "€¢¥©®£§"
# Printed inside a word for a horned vowel Tesseract could not read ("ngu@i", "chi?c", and the
# horn as an apostrophe: "tru'c", "Thu’éng"); part of a token only between two letters ("?" only
# before a lower-case letter), so a question mark that ends a sentence stays punctuation even
# without its space ("không?Có").
GLYPH_INSIDE = "@?'’"
_NOISE = GLYPH_NOISE.replace("&", "")
# ("&" is glued noise too, but not between two capitals: the "&" of "GD&ĐT", "TT&TT",
# "NN&PTNT" joins two abbreviations, and Tesseract's training pages print it so between
# capitals, "T&T" as "T&T".)
_TOKEN_RE = re.compile(
    rf"(?:[^\W_]|(?<=[^\W_])[{_NOISE}]|[{_NOISE}](?=[^\W_])"
    r"|(?<=[^\W_])&(?![A-ZĐ])|(?<![A-ZĐ])&(?=[^\W_])"
    rf"|(?<=[^\W_])[@'’](?=[^\W_])|(?<=[^\W_])\?(?=[a-zđà-ỹ]))+"
    rf"|(?<!\S)[{GLYPH_ALONE}&](?!\S)",
    re.UNICODE,
)


def _abbreviations_re() -> re.Pattern[str]:
    path = Path(__file__).resolve().parent / "data" / "abbreviations.txt"
    rows = [r.strip() for r in path.read_text(encoding="utf-8").splitlines()]
    words = sorted((r for r in rows if r and not r.startswith("#")), key=len, reverse=True)
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(map(re.escape, words))})(?![^\W_])")


# Abbreviations with a slash or a dot inside ("V/v" = về việc before a dispatch's subject,
# "Đ/c" = đồng chí, "v.v"; diacritics/data/abbreviations.txt): no tokens (never changed), and
# what follows starts afresh for the language model ("V/v bao dam" had become "V/về bảo
# đảm", and as after a word "v" it read "báo đảm"; "v.v" counted two vowel-less words, which
# took a short line for font damage).
_ABOUT_RE = _abbreviations_re()
# A place's unit abbreviated and glued to its name or number ("P.15", "Q.Bình Thạnh",
# "X.An Phú", "TT.Phù Mỹ"): kept ("P.15" had become "đã.15": P is OCR's Đ elsewhere).
_UNIT_DOT_RE = re.compile(r"(?<![^\W_])[A-ZĐ]{1,2}(?=\.[A-ZĐ0-9])")
# A number and capitals without a vowel ("5G", "4D", "3D"): a name, which OCR prints as
# such; not capitals and digits ("B6" is OCR's "Bộ"), nor "1A" (OCR's "là").
_NUMBER_NAME_RE = re.compile(r"\d+[B-DF-HJ-NP-TV-ZĐ]{1,2}")
# Abbreviations joined by "&" ("GD&ĐT", "NN&PTNT", "VH,TT&DL"'s "TT&DL"): protected like a
# symbol's parts (whose D may still take its Đ).
_AMPERSAND_RE = re.compile(r"(?<![^\W_])[A-ZĐ]{1,6}(?:&[A-ZĐ]{1,6})+(?![^\W_])")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# A chunk of letters, digits, dots, slashes and dashes without spaces.
# (Only chunks with a slash or a dash can be document symbols.)
_CHUNK_RE = re.compile(r"[\w.]*[/-][\w./-]*", re.UNICODE)
_ROMAN_RE = re.compile(r"[IVXLC]+")
SENTENCE_END = re.compile(r"[.!?;:]")
_BULLETS = "[-+•*–—]"
_BULLET_RE = re.compile(rf"\s*{_BULLETS}\s")
# What opens a list item: a bullet, a number ("2.", "1.3.", "3)") or a letter ("a)", "đ.").
_ITEM_RE = re.compile(rf"\s*(?:{_BULLETS}|\d{{1,2}}(?:\.\d{{1,2}})*[.)]|[a-zđ][.)])\s+")
# Two or more digits (the split keeps them: a capturing group).
_GLUED_NUMBER_RE = re.compile(r"(\d{2,})")
# Capitals and a number of one or two digits: a symbol's part ("UBTVQH15", "QH13"; not the
# year of "NĂM2024", nor "BƯỚC12", whose capitals are a syllable).
_SYMBOL_PART_RE = re.compile(r"([A-ZĐ]{3,})\d{1,2}")
# A symbol's part with a small letter or two after its capitals: "TTg" (Thủ tướng) of
# "19/CT-TTg", "CTrTT" of "1906/SGDĐT-CTrTT", "TTr" (Tờ trình). (Only ASCII small letters and
# "đ": a part with a marked small letter is a word, "thôn" of "thôn/tổ".)
_MIXED_PART_RE = re.compile(r"[A-ZĐ]{2,}[a-zđ]{1,2}[A-ZĐ]*")
# The first chunk of a line: where a symbol broken at its dash or slash ends ("4869/UBND-" at
# the end of one line, "SYT ngày 26/7/2020" on the next).
_FIRST_CHUNK_RE = re.compile(r"\s*([^\s,;:()]+)")


def _quantity_re() -> re.Pattern[str]:
    path = Path(__file__).resolve().parent / "data" / "quantity_units.txt"
    units = [u.strip() for u in path.read_text(encoding="utf-8").splitlines()]
    units = sorted((u for u in units if u and not u.startswith("#")), key=len, reverse=True)
    return re.compile(rf"\d+(?:{'|'.join(map(re.escape, units))})(?:(?<=h)\d\d)?", re.I)


# A number glued to its unit ("24h", "07h00", "5ha", "3m2"): a quantity, not a misread word.
_QUANTITY_RE = _quantity_re()
# Punctuation that ends a word: "@" before it is no address ("s@, " but not "a@b.vn").
_WORD_END_RE = re.compile(r"[,;:)\]]|[.!?](?:\s|$)")
# An apostrophe that opens a quotation: at a line start or after a space or a bracket.
_OPEN_QUOTE_RE = re.compile(r"(?:^|(?<=[\s(\[]))['’]")


@dataclass(frozen=True)
class Token:
    """A word of the input: its text, line (1-based), column (0-based), and whether to keep it."""

    text: str
    line: int
    col: int
    protected: bool = False
    # A number ("2025", "13"): kept, and seen by the language model as <num>.
    number: bool = False
    # True when a sentence boundary (.!?;:) or a blank line comes before this token.
    boundary: bool = False
    # A standalone abbreviation (HĐND, UBND): protected from the decoder, not inside a symbol.
    abbreviation: bool = False
    # A part of a document symbol in capitals ("ND" of "91/2017/ND-CP"): protected too, but it
    # may take its Đ spelling like an abbreviation (Restorer._abbreviation).
    symbol_part: bool = False
    # The first word of a list item ("- Kết quả", "2. Thành phần", "a) Đối với"): capitalized
    # in 99% of the corpus's items.
    item: bool = False


# The shape of a Vietnamese syllable, marks stripped, in capitals: onset, vowels, coda.
_SYLLABLE_RE = re.compile(
    r"(?:NGH|NG|NH|CH|GH|GI|KH|PH|QU|TH|TR|[BCDGHKLMNPRSTVX])?"
    r"[AEIOUY]{1,3}(?:NG|NH|CH|[CMNPT])?"
)


def syllable_shaped(word: str) -> bool:
    """Whether ``word`` (marks aside) has the shape of one Vietnamese syllable ("BAN", "Việt";
    not "UBND", "GDĐT")."""
    return bool(_SYLLABLE_RE.fullmatch(strip_marks(word).upper()))


def _is_symbol(chunk: str) -> bool:
    """A document symbol: a chunk with '/' (or '-' and a digit), letters, no lowercase letter;
    not words in capitals that a slash joins ("XÃ/PHƯỜNG", "THÔN/TỔ": every part shaped like
    a syllable, while a symbol has a part that is not, "NQ/HU", "KH/UBND")."""
    if not any(c.isalpha() for c in chunk):
        return False
    if any(c.islower() for c in chunk) and not _mixed_parts_only(chunk):
        return False
    if "/" in chunk and "-" not in chunk and not any(c.isdigit() for c in chunk):
        parts = strip_marks(chunk).upper().split("/")
        if all(_SYLLABLE_RE.fullmatch(x) for x in parts):
            return False
    return "/" in chunk or ("-" in chunk and any(c.isdigit() for c in chunk))


def _mixed_parts_only(chunk: str) -> bool:
    """Whether every part of ``chunk`` with a small letter is a symbol's part in capitals and a
    small letter or two ("TTg"), the symbol having at least one part besides ("19/CT-TTg")."""
    parts = [x for x in re.split(r"[/.-]", chunk) if x]
    mixed = [x for x in parts if any(c.islower() for c in x)]
    return len(parts) > len(mixed) and all(_MIXED_PART_RE.fullmatch(x) for x in mixed)


def _symbol_tail(chunk: str) -> bool:
    """Whether ``chunk``, at the start of a line after one that ended in a document symbol's
    dash or slash, is that symbol's end: capitals, digits and symbol parts only ("SYT", "UBND",
    "TTg", "BTC", "CP"), no word in small letters."""
    chunk = chunk.rstrip(".")
    if not chunk or len(chunk) > 24 or not any(c.isalpha() for c in chunk):
        return False
    parts = [x for x in re.split(r"[/-]", chunk) if x]
    return bool(parts) and all(
        x.isdigit() or (x.isupper() and x.isalnum()) or bool(_MIXED_PART_RE.fullmatch(x))
        for x in parts
    )


def _ends_in_broken_symbol(line: str) -> bool:
    """Whether ``line`` ends in a document symbol broken at its dash or slash ("4869/UBND-")."""
    end = line.rstrip()
    if not end.endswith(("-", "/")):
        return False
    chunk = end.rsplit(None, 1)[-1]
    return len(chunk) > 1 and _is_symbol(chunk.strip("./-"))


def is_abbreviation(tok: str) -> bool:
    """HĐND, TT, MT: two or more capitals without a vowel are no Vietnamese syllable."""
    return (
        len(tok) >= 2
        and tok.isalpha()
        and tok.isupper()
        and not any(c in "AĂÂEÊIOÔƠUƯY" for c in strip_marks(tok).upper())
    )


def protected_ranges(line: str) -> list[tuple[int, int]]:
    """Character ranges of ``line`` that restoration must leave alone."""
    urls, symbols = _url_and_symbol_ranges(line)
    return urls + symbols


def _url_and_symbol_ranges(
    line: str,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The protected ranges of ``line``: URLs and e-mail addresses, and document symbols."""
    # Most lines have nothing of the kind, and the searches are slow: skip them when the
    # characters that every match needs ("@", "www.", "http"; "/" or "-") are absent.
    low = line.lower()
    urls = (
        [m.span() for m in _URL_RE.finditer(line)]
        if "@" in line or "www." in low or "http" in low
        else []
    )
    joined = [m.span() for m in _AMPERSAND_RE.finditer(line)] if "&" in line else []
    if "." in line:
        joined += [m.span() for m in _UNIT_DOT_RE.finditer(line)]
    if "/" not in line and "-" not in line:
        return urls, joined
    symbols = [m.span() for m in _CHUNK_RE.finditer(line) if _is_symbol(m.group(0).strip("./-"))]
    return urls, symbols + joined


# Tokens of a line by (line number, line, sentence boundary before it, broken symbol before it),
# the boundary after it and whether the line ends in a broken symbol.
LineMemo = dict[tuple[int, str, bool, bool], tuple[list[Token], bool, bool]]


def tokenize(text: str, memo: LineMemo | None = None) -> list[Token]:
    """Tokens of ``text`` in order, with line/column positions and protection flags.

    ``memo`` keeps the tokens of every line seen: the restorer tokenizes its text again after
    each pass, and only the lines where a word changed need new tokens."""
    out: list[Token] = []
    boundary = True
    tail = False  # the line before ended in a broken document symbol
    caps = False  # the line before is in capitals
    for ln, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            boundary = True
            tail = False
            continue
        # A line in capitals after one in small letters, or the other way round, starts a
        # sentence: a heading or a signer's title is no continuation of the line before
        # ("- Lưu BDV," / "TRƯỞNG BAN": vie's "TRƯỜNG BAN" had become "TRƯỜNG BÁN" after
        # "lưu bdv"), nor the text after it of the heading.
        now = _in_capitals(line)
        if now != caps:
            boundary = True
        caps = now
        key = (ln, line, boundary, tail)
        hit = memo.get(key) if memo is not None else None
        if hit is None:
            hit = _line_tokens(ln, line, boundary, tail)
            if memo is not None:
                memo[key] = hit
        out.extend(hit[0])
        boundary, tail = hit[1], hit[2]
    return out


def _in_capitals(line: str) -> bool:
    """Whether ``line`` is written in capitals: a word of two letters or more, no small
    letter."""
    return not any(c.islower() for c in line) and _CAPS_WORD_RE.search(line) is not None


_CAPS_WORD_RE = re.compile(r"[^\W\d_]{2}")


def _line_tokens(ln: int, line: str, boundary: bool, tail: bool) -> tuple[list[Token], bool, bool]:
    """The tokens of line ``ln`` (``boundary``: a sentence ends before it; ``tail``: the line
    before ended in a document symbol broken at its dash, whose end may begin this one),
    whether a sentence ends after it and whether it ends in a broken symbol itself."""
    out = []
    toks, ends = _tokenize_line(line, tail)
    m = _ITEM_RE.match(line)
    item_at = m.end() if m else -1
    for tok, a, p, num, b, abbr, part in toks:
        out.append(
            Token(
                tok,
                ln,
                a,
                protected=p,
                number=num,
                boundary=b or boundary,
                abbreviation=abbr,
                symbol_part=part,
                item=a == item_at,
            )
        )
        boundary = False
    return out, boundary or ends, _ends_in_broken_symbol(line)


@lru_cache(maxsize=65_536)
def _tokenize_line(
    line: str, tail: bool = False
) -> tuple[tuple[tuple[str, int, bool, bool, bool, bool, bool], ...], bool]:
    """Tokens of one line as (text, column, protected, number, boundary before it, standalone
    abbreviation, part of a symbol in capitals) and whether a sentence ends after the last one;
    ``tail``: the line before ended in a symbol broken at its dash or slash, so the first chunk
    of this one, where it reads as a symbol's end, is protected with it ("SYT" is no "sụt").
    Cached: the restorer's passes tokenize the same lines again, and most lines of a pass are
    those of the previous one."""
    out: list[tuple[str, int, bool, bool, bool, bool, bool]] = []
    urls, symbols = _url_and_symbol_ranges(line)
    if tail:
        m = _FIRST_CHUNK_RE.match(line)
        if m and _symbol_tail(m.group(1)):
            symbols = [m.span(1), *symbols]
    prot = urls + symbols
    last = 0
    boundary = bool(_BULLET_RE.match(line))  # a list item starts a sentence
    about = [m.span() for m in _ABOUT_RE.finditer(line)] if "/" in line or "." in line else []
    for a, b in _spans(line, prot):
        # (The "?" is a hook only when glued to a word: "1&? a" is no "ử".)
        glued = bool(out) and out[-1][1] + len(out[-1][0]) == last
        if _sentence_end(line, last, a) and not (glued and _hook_mark(line, last, a)):
            boundary = True
        last = b
        if about and any(s <= a and b <= e for s, e in about):
            boundary = True
            continue
        tok = line[a:b]
        if not (tok.isalpha() or any(c.isalpha() for c in tok)) and tok not in GLYPH_ALONE:
            if tok.isdigit():
                out.append((tok, a, True, True, boundary, False, False))
                boundary = False
            elif tok == "&":  # kept, but OCR may have printed it for "ở" (number_words.tsv)
                out.append((tok, a, True, False, boundary, False, False))
                boundary = False
            continue
        if tok[0].isdigit() and (_QUANTITY_RE.fullmatch(tok) or _NUMBER_NAME_RE.fullmatch(tok)):
            out.append((tok, a, True, True, boundary, False, False))
            boundary = False
            continue
        in_url = bool(urls) and any(s <= a and b <= e for s, e in urls)
        in_symbol = in_url or (bool(symbols) and any(s <= a and b <= e for s, e in symbols))
        abbr = not in_symbol and is_abbreviation(tok)
        p = in_symbol or (tok[0] in "IVXLC" and bool(_ROMAN_RE.fullmatch(tok))) or abbr
        # A letter alone on its line is what OCR made of a margin's stamp or vertical print
        # (a real OmniPage layer has 74 of them: "n", "a", "h"), no word to restore.
        p = p or _leader_noise(line, a, b) or (b - a == 1 and not line.strip()[1:])
        part = in_symbol and not in_url and tok.isalpha() and tok.isupper()
        out.append((tok, a, p, False, boundary, abbr, part))
        boundary = False
    ends = boundary or _sentence_end(line, last, len(line))
    return tuple(out), ends


def _spans(line: str, prot: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(start, end) of the tokens of ``line``: the matches of the token pattern, where a number
    of two or more digits glued to a word of three or more letters stands apart ("26tháng",
    "năm2024": a number and a word, whose digits a repair must not drop). Shorter letter runs
    stay with the digits next to them: OCR prints letters as digits ("16n", "16p", "ph01" for
    "lớn", "lớp", "phối"; "t6" for "tổ"). Tokens inside a document symbol stay whole, and so
    does a symbol's part standing alone: capitals that are no syllable and a number of one or
    two digits ("UBTVQH15" where OCR lost the slashes around it)."""
    for m in _TOKEN_RE.finditer(line):
        a, b = m.span()
        tok = m.group(0)
        if tok.isalpha() or tok.isdigit():  # (most tokens: nothing glued to split)
            yield a, b
            continue
        pieces = [x for x in _GLUED_NUMBER_RE.split(tok) if x]
        if len(pieces) == 1 or any(s <= a and b <= e for s, e in prot):
            yield a, b
            continue
        m_sym = _SYMBOL_PART_RE.fullmatch(tok)
        if m_sym and not syllable_shaped(m_sym.group(1)):
            yield a, b  # a symbol's part standing alone ("UBTVQH15"), not a word and a number
            continue
        groups: list[str] = []  # each word alone; what stands between words, together
        for piece in pieces:
            if not groups or _glued_word(piece) or _glued_word(groups[-1]):
                groups.append(piece)
            else:
                groups[-1] += piece
        if len(groups) == 1:
            yield a, b
            continue
        for piece in groups:
            yield a, a + len(piece)
            a += len(piece)


def _glued_word(piece: str) -> bool:
    """A piece of a token split at its numbers that is a word of its own (three letters or more)."""
    return len(piece) >= 3 and piece.isalpha()


def _sentence_end(line: str, start: int, end: int) -> bool:
    """Whether a sentence ends in line[start:end], between two tokens or after the last one.

    A run of three or more dots is a form's leader or an ellipsis, no sentence end: "Hồi.....
    giờ...... ngày..... tháng..... năm" is one stretch for the language model, whose words
    decide each other ("gid" is "giờ" after "hồi", not "giá"). Development split 96.46 ->
    96.54%. (The corpus build keeps such runs as sentence ends: making them none there too
    measured the same.)"""
    if not SENTENCE_END.search(line, start, end):
        return False
    return bool(SENTENCE_END.search(_DOTS_RE.sub("", line[start:end])))


# What Tesseract reads in a form's dot leaders ("Họ và tên:......... ee eeeeeeeeee Chức vụ").
_LEADER_RE = re.compile(r"(?i)([ecos])\1+|[ecos]{6,}")
_DOTS_RE = re.compile(r"\.{3,}|…")


def _leader_noise(line: str, start: int, end: int) -> bool:
    """Whether line[start:end] is what OCR made of dot leaders, to keep as printed rather than
    read as a word ("ee" is no "và"): one of the letters e, c, o, s repeated ("ee", "oo"), or
    six or more of them ("cecesseeee"), next to a run of dots or to another such token."""
    if not _LEADER_RE.fullmatch(line, start, end):
        return False
    before, after = line[max(0, start - 12) : start], line[end : end + 12]
    if _DOTS_RE.search(before[-4:]) or _DOTS_RE.search(after[:4]):
        return True
    near = before.split()[-1:] + after.split()[:1]
    return any(_LEADER_RE.fullmatch(w.strip(".…:;,")) for w in near)


def _hook_mark(line: str, end: int, start: int) -> bool:
    """Whether what stands between a token ending at ``end`` and the next one starting at
    ``start`` is a "?" glued to the first followed by one space and a lower-case word: Tesseract
    prints "?" for the hook of "ử" ("cv? tri" for "cử tri"), and a question ends a sentence."""
    # (line[start : start + 1]: the "? " may end the line, with no word after it.)
    return end > 0 and line[end:start] == "? " and line[start : start + 1].islower()


def stray_mark_after(line: str, end: int) -> str:
    """The glyph that stands glued after a word ending at ``end`` and that may be a mark OCR
    printed apart from its letter ("cv’ tri", "ct? tri", "nhw' vậy", "co s@ vat" for "cử tri",
    "như vậy", "cơ sở vật"), or "" where none stands there. A "?" counts only before a space
    and a small letter (as :func:`_hook_mark` says: no sentence ends there); an apostrophe only
    before a non-letter and where no quotation opened before it on the line (a closing quote is
    punctuation); an "@" only where it ends the word (not in an address).
    Whether the glyph is a mark is for the restored word to say (it gained a hook or a horn)."""
    glyph = line[end : end + 1]
    if glyph == "?":
        return glyph if _hook_mark(line, end, end + 2) else ""
    if glyph not in ("'", "’", "@") or end == 0 or not line[end - 1].isalpha():
        return ""
    after = line[end + 1 : end + 3]
    if after[:1].isalpha():
        return ""  # (inside a word: the tokenizer's business)
    if glyph == "@":
        # Not an address: a space, the line's end or punctuation ending a word follows.
        return glyph if not after or after[0].isspace() or _WORD_END_RE.match(after) else ""
    if "‘" in line[:end] or _OPEN_QUOTE_RE.search(line, 0, end):
        return ""
    return glyph


def case_pattern(token: str) -> str:
    """'upper', 'title' or 'lower': how to spell a restored word like its input."""
    # Fast paths for the common spellings (the result is the same as below).
    if token.islower():
        return "lower"
    if token[:1].isupper() and token[1:].islower():
        return "title"
    letters = [c for c in token if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    # Mostly capitals, starting with one: a heading word OCR half-lowered ("PiCH" -> "ĐÍCH").
    if len(letters) > 1 and letters[0].isupper() and 2 * upper > len(letters):
        return "upper"
    if letters and letters[0].isupper():
        return "title"
    return "lower"


def apply_case(word: str, pattern: str) -> str:
    if pattern == "upper":
        return word.upper()
    if pattern == "title":
        return word[:1].upper() + word[1:]
    return word
