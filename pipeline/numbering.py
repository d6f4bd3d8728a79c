"""List numbers as a reader sees them: "I.", "2.", "c)", "•".

Word processors and browsers number list items themselves: the "I.", "1.", "a)" of a plan's
sections are not in the text of a .docx, .odt or web page, only the list's definition is. The
readers write them back (the outline of a plan is read from them), each format naming its
styles its own way; this module turns a counter into its number in one of those styles.
"""

from __future__ import annotations

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip

# The styles' names in Word (w:numFmt), OpenDocument (style:num-format) and HTML (type).
_STYLES = {
    "decimal": "decimal", "1": "decimal", "decimalZero": "decimalZero",
    "upperRoman": "upperRoman", "I": "upperRoman", "lowerRoman": "lowerRoman", "i": "lowerRoman",
    "upperLetter": "upperLetter", "A": "upperLetter", "lowerLetter": "lowerLetter", "a": "lowerLetter",
}  # fmt: skip


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def format_number(n: int, style: str | None) -> str:
    """Counter ``n`` (from 1) in list style ``style`` (Word's, OpenDocument's or HTML's name
    for it); "" for a style that shows no number ("none", "bullet", "", unknown ones)."""
    kind = _STYLES.get(style or "")
    if kind is None or n < 0:
        return ""
    if kind == "decimal":
        return str(n)
    if kind == "decimalZero":
        return f"{n:02d}"
    if kind in ("upperRoman", "lowerRoman"):
        text = roman(n) if n > 0 else "0"
        return text if kind == "upperRoman" else text.lower()
    # Letters: a..z, then aa..zz, aaa... (as Word and browsers count past z).
    if n <= 0:
        return ""
    letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return letter.upper() if kind == "upperLetter" else letter
