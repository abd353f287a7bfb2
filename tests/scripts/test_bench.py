"""The load benchmark's arithmetic (the run itself starts the whole helpline: `make bench`, not a test)."""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"
spec = importlib.util.spec_from_file_location("bench", SCRIPT)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench"] = bench  # its dataclasses look their module up
spec.loader.exec_module(bench)


@pytest.mark.parametrize(
    "values, p, expected",
    [
        ([], 50, None),
        ([3.0], 99, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 0, 1.0),
        ([4.0, 1.0, 3.0, 2.0], 100, 4.0),
        (list(range(1, 101)), 95, 95.05),
    ],
)
def test_percentile(values, p, expected):
    got = bench.percentile(values, p)
    assert got is None if expected is None else got == pytest.approx(expected)


def test_summary_in_milliseconds_and_turns_per_second():
    s = bench.summary([0.1, 0.2, 0.3, 0.4], errors=1, seconds=2.0)
    assert s["turns"] == 4 and s["errors"] == 1
    assert s["turns_per_second"] == 2.0
    assert s["p50_ms"] == 250.0 and s["p99_ms"] == pytest.approx(397.0)


def test_summary_of_nothing():
    s = bench.summary([], errors=3, seconds=0)
    assert s["turns"] == 0 and s["p50_ms"] is None and s["turns_per_second"] is None


@pytest.mark.parametrize("gateway, rasa, expected", [(110, 100, 1.1), (None, 100, None), (100, 0, None)])
def test_ratio(gateway, rasa, expected):
    assert bench.ratio(gateway, rasa) == expected


def test_crisis_tokens_are_letters_the_console_shows_unmasked():
    rng = random.Random(1)
    tokens = {bench.crisis_token(rng) for _ in range(200)}
    assert len(tokens) == 200
    assert all(re.fullmatch(r"[a-z]{10}", t) for t in tokens)


def test_every_script_is_a_conversation_and_the_crisis_one_is_caught_by_the_net():
    from core.safety import assess

    assert set(bench.SCRIPTS) == {"questions", "situation", "screen", "handoff", "crisis"}
    assert assess(bench.CRISIS[-1]).is_crisis
    assert not any(
        assess(text).is_crisis for name, script in bench.SCRIPTS.items() if name != "crisis" for text in script
    )
