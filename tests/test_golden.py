"""Golden files: the whole pipeline on the real samples gives what was reviewed.

A failure here means behaviour changed. If the change is intended, run
`make golden`, review `git diff tests/golden`, and commit the new files.
"""

import pytest

from pipeline.golden import GOLDEN_DIR, SAMPLES_DIR, golden_outputs

SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_matches_golden(path):
    outs = golden_outputs(path)
    for name, content in outs.items():
        expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
        assert content == expected, f"{name} drifted from tests/golden (see `make golden`)"


def test_every_sample_has_golden_files():
    assert SAMPLES, "no samples shipped"
    for path in SAMPLES:
        for ext in ("restored.txt", "changes.jsonl", "record.json"):
            assert (GOLDEN_DIR / f"{path.stem}.{ext}").exists(), (
                f"run `make golden` for {path.name}"
            )
