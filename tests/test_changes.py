"""The explanation contract: replaying the changes onto the input gives the output."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diacritics.changes import Change, Source, compose, replay


def test_replay_applies_changes_right_to_left():
    text = "Ke hoach so 13\ncua Uy ban"
    changes = [
        Change(1, 0, "Ke", "Kế", Source.LM, 0.9),
        Change(1, 3, "hoach", "hoạch", Source.LM, 0.95),
        Change(1, 9, "so", "số", Source.CORPUS, 1.0),
        Change(2, 0, "cua", "của", Source.LM, 0.7, flagged=True),
        Change(2, 4, "Uy", "Ủy", Source.LEXICON, 0.99),
    ]
    assert replay(text, changes) == "Kế hoạch số 13\ncủa Ủy ban"


def test_replay_rejects_a_stale_change():
    with pytest.raises(ValueError, match="expected 'so'"):
        replay("Ke hoach", [Change(1, 3, "so", "số", Source.LM, 0.5)])
    with pytest.raises(ValueError, match="line 3"):
        replay("one line", [Change(3, 0, "x", "y", Source.LM, 0.5)])


def test_change_json_round_trip():
    c = Change(4, 7, "nudc", "nước", Source.LM, 0.81, flagged=False, alternatives=("nuốc",))
    assert Change.from_json(c.to_json()) == c


@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=12), min_size=1, max_size=5))
def test_replay_without_changes_is_identity(lines):
    text = "\n".join(lines)
    assert replay(text, []) == text


def test_compose_joins_overlapping_changes_and_moves_the_others_back():
    text = "Ke hoach so 13 cua Uy ban"
    first = [
        Change(1, 0, "Ke", "Kế", Source.LM, 0.9),
        Change(1, 3, "hoach so", "hoạch số", Source.LM, 0.5),  # (a merge read apart)
        Change(1, 15, "cua", "cửa", Source.LM, 0.7),
    ]
    middle = replay(text, first)
    assert middle == "Kế hoạch số 13 cửa Uy ban"
    then = [
        Change(1, 9, "số", "sổ", Source.CORPUS, 0.8),  # inside the merge's span
        Change(1, 15, "cửa", "cua", Source.LM, 0.9),  # back to the input: no change
        Change(1, 19, "Uy", "Ủy", Source.LEXICON, 0.99),  # touches nothing of the first
    ]
    got = compose(text, first, then, flag_threshold=0.6)
    assert got == (
        Change(1, 0, "Ke", "Kế", Source.LM, 0.9),
        Change(1, 3, "hoach so", "hoạch sổ", Source.LM, 0.5, flagged=True),
        Change(1, 19, "Uy", "Ủy", Source.LEXICON, 0.99),
    )
    assert replay(text, got) == replay(middle, then)


@st.composite
def _edits(draw, lines: list[str]) -> list[Change]:
    """Non-overlapping changes of a text of these ``lines``."""
    out = []
    for ln, line in enumerate(lines, start=1):
        cuts = sorted(draw(st.sets(st.integers(0, len(line)), max_size=6)))
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            after = draw(st.text(alphabet="xyé ", max_size=4))
            if a < b and after != line[a:b]:
                conf = draw(st.floats(0, 1))
                out.append(Change(ln, a, line[a:b], after, Source.LM, conf, conf < 0.6))
    return out


@given(st.data(), st.lists(st.text(alphabet="abc ", max_size=14), min_size=1, max_size=3))
def test_compose_replays_as_the_two_steps(data, lines):
    """Property: replaying the composed changes onto the input is replaying the first ones
    and then the second ones; the composed changes never overlap."""
    text = "\n".join(lines)
    first = data.draw(_edits(lines))
    middle = replay(text, first)
    then = data.draw(_edits(middle.split("\n")))
    got = compose(text, first, then, flag_threshold=0.6)
    assert replay(text, got) == replay(middle, then)
    for a, b in zip(got, got[1:], strict=False):
        assert (a.line, a.col + len(a.before)) <= (b.line, b.col)
    assert all(c.flagged == (c.confidence < 0.6) for c in got)
