"""One reading per context within a document.

A plan repeats its phrases ("phong trào thi đua "Dân vận khéo"" twenty times), and OCR damages
the same word of a phrase differently from one occurrence to the next. Where the decoder read
the word between two given words surely at several places and always as the same word, and at
another place between the same two words only guessed (a flagged reading, or none), the
guess gives way to the document's own reading, if OCR could have made the printed token of it
(the channel's candidates). Nothing is taken from outside the document.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence

from diacritics.tokens import Token


def context_readings(
    tokens: Sequence[Token],
    words: Sequence[str],
    conf: Callable[[int], float],
    *,
    sure: float,
    unsure: float,
    min_count: int,
    reachable: Callable[[int, str], bool],
    skip: Container[int] = (),
    left: bool = False,
) -> dict[int, tuple[str, int]]:
    """Position -> (word, a position that reads it surely) for the guesses to replace.

    ``conf(i)`` is how sure the reading ``words[i]`` is; readings at least ``sure`` between
    the same two words (one sentence) count, ``min_count`` of them or more that all agree
    replace a reading below ``unsure`` there, when ``reachable(i, word)`` (the word is among
    the printed token's candidates). With ``left``, the context is the two words before it
    instead. Positions in ``skip`` neither count nor change."""
    contexts: list[tuple[str, str] | None] = []
    for i, t in enumerate(tokens):
        usable = not (t.protected or t.number) and i not in skip
        if left:  # the two words before it
            inside = i > 1 and not (t.boundary or tokens[i - 1].boundary)
            pair = (words[i - 2], words[i - 1]) if inside else None
        else:  # the word before it and the word after it
            inside = 0 < i < len(tokens) - 1 and not (t.boundary or tokens[i + 1].boundary)
            pair = (words[i - 1], words[i + 1]) if inside else None
        contexts.append((pair[0].lower(), pair[1].lower()) if usable and pair else None)
    seen: dict[tuple[str, str], dict[str, list[int]]] = {}
    for i, c in enumerate(contexts):
        if c is not None and conf(i) >= sure:
            seen.setdefault(c, {}).setdefault(words[i].lower(), []).append(i)
    out: dict[int, tuple[str, int]] = {}
    for i, c in enumerate(contexts):
        readings = seen.get(c) if c is not None and conf(i) < unsure else None
        if not readings or len(readings) != 1:
            continue
        ((w, where),) = readings.items()
        if len(where) >= min_count and w != words[i].lower() and reachable(i, w):
            out[i] = (w, where[0])
    return out
