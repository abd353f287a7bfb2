#!/usr/bin/env python
"""Time the crisis safety net (core/safety/) on long messages of a few shapes.

    python scripts/bench_safety.py [--lengths 100,500,1000,2000,4000,20000] [--budget 0.5]

Prints, for each message shape and length, the median (p50) and the 99th percentile
(p99) of the milliseconds one `assess` call takes on this machine, and how the time
grows with length (the ratio of the 4000-character figure to the 1000-character one:
about 4 for a cost proportional to length, about 16 for a quadratic one). It prints
figures and asserts nothing: timings depend on the machine and what else it is doing.

Lengths above MAX_MESSAGE_CHARS (4000, the largest message a channel accepts) measure
the backstop that reads only the start and the end of a huge paste.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ORDINARY = [
    "so i have been thinking about the program and what it would mean for my family.",
    "My sister drove me to the meeting on Tuesday, and we talked about work for a while.",
    "the intake lady said the waitlist is about two weeks but i'm not sure, honestly.",
    "The weather has been awful and the bus was late again this morning!",
    "i used to drink every night after work but lately it's more on weekends.",
    "we had pizza and watched a movie, and my kids were asleep by nine.",
    "I called my insurance and they said they'd cover part of it?",
    "my counselor thinks i should try the evening group because of my hours.",
    "does the program take medicaid, or do i need to pay out of pocket first?",
    "i've been sober for 3 weeks now and it's hard but i'm doing ok.",
]
CRISIS = "and honestly i just want to kill myself tonight."


def _filler(n: int, seed: int, sep: str = " ") -> str:
    rng = random.Random(seed)
    out: List[str] = []
    size = 0
    while size < n:
        sentence = rng.choice(ORDINARY)
        out.append(sentence)
        size += len(sentence) + len(sep)
    return sep.join(out)[:n]


def _fit(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _ending(n: int, body: Callable[[int], str], ending: str) -> str:
    return body(max(0, n - len(ending) - 1)) + " " + ending


SHAPES: Dict[str, Callable[[int, int], str]] = {
    # a long ramble of ordinary sentences, the crisis sentence at the very end
    "ramble, crisis at end": lambda n, s: _ending(n, lambda m: _filler(m, s), CRISIS),
    "ramble, no crisis": lambda n, s: _filler(n, s),
    # a chat pasted as many short lines, no crisis
    "many lines, no crisis": lambda n, s: _filler(n, s, sep="\n"),
    # one run-on sentence: a single clause as long as the message
    "run-on, no punctuation": lambda n, s: _ending(
        n, lambda m: _fit("and then i went to the store and then i came home ", m), "i want to die"
    ),
    "repeated phrase": lambda n, s: _fit("i want to die ", n),
    "many commas": lambda n, s: _ending(n, lambda m: _fit("well, so, um, like, ", m), "i took too many pills"),
    # a rule that matches many times, each in its own sentence
    "many matches": lambda n, s: _fit("i want to kill myself. ", n),
    # many past events, each one sending the judge to look for "again"
    "many past events": lambda n, s: _fit("i overdosed years ago, ", n),
    # disguised crisis at the end: look-alike letters and zero-width spaces
    "disguised, crisis at end": lambda n, s: _ending(
        n, lambda m: _filler(m, s), "i w\u0430nt to k\u0456\u200bll m\u0443s\u0435lf"
    ),
}
LENGTHS = (100, 500, 1000, 2000, 4000, 20000)


def _time(assess, text: str, budget: float, min_runs: int = 7, max_runs: int = 2000) -> List[float]:
    assess(text)  # warm up (and build anything built lazily)
    times: List[float] = []
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        assess(text)
        times.append((time.perf_counter() - t0) * 1000.0)
    return times


def _p(values: List[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default=",".join(map(str, LENGTHS)), help="comma-separated message lengths")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds of timing per shape and length")
    parser.add_argument("--variants", type=int, default=3, help="different messages per shape and length")
    parser.add_argument("--min-runs", type=int, default=7, help="timed calls per message at the least")
    args = parser.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",") if x.strip()]

    from core.safety import assess

    head = f"{'shape':26s} " + " ".join(f"{n:>15d}" for n in lengths)
    print("milliseconds per message, p50 / p99, by message length in characters")
    print(head)
    print("-" * len(head))
    for name, make in SHAPES.items():
        cells = []
        p50s: Dict[int, float] = {}
        for n in lengths:
            times: List[float] = []
            for seed in range(args.variants):
                times += _time(assess, make(n, seed), args.budget / args.variants, min_runs=args.min_runs)
            p50s[n] = _p(times, 50)
            cells.append(f"{p50s[n]:7.3f}/{_p(times, 99):7.3f}")
        growth = f"   x{p50s[4000] / p50s[1000]:.1f}" if 1000 in p50s and 4000 in p50s else ""
        print(f"{name:26s} " + " ".join(f"{c:>15s}" for c in cells) + growth)
    print("\n(last column: p50 at 4000 / p50 at 1000 characters; 4 is linear, 16 is quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
