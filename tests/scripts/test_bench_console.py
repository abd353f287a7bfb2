"""The console benchmark runs and prints its figures (what it measures is for people to read, not to assert)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_console.py"


def test_the_benchmark_prints_a_figure_for_each_read():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--conversations", "40", "--open", "5", "--runs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "40 conversations" in out and "5 waiting" in out
    for read in ("live queue snapshot", "one conversation", "search 'insurance'", "dashboard, 30 days"):
        assert read in out and "median" in out.split(read, 1)[1].splitlines()[0]
