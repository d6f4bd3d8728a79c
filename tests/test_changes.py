"""The explanation contract: replaying the changes onto the input gives the output."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diacritics.changes import Change, Source, replay


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
