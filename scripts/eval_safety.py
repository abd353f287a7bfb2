#!/usr/bin/env python
"""Score the crisis safety net (core/safety/) on the team's corpus.

    python scripts/eval_safety.py [--corpus tests/data/crisis_corpus.yml] [--no-fail]

Prints counts, recall on explicit statements and on all crisis messages, the
false-alarm rate, the figures per group, every miss and false alarm, the held-out
figures, and throughput. Exits 1 when a goal is not met (unless --no-fail):
no miss on explicit statements, recall >= 0.98, false alarms <= 3%.

The held-out section was written after the patterns were tuned; it is reported on
its own and does not gate, so it stays an honest check of generalisation.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

DEFAULT_CORPUS = ROOT / "tests" / "data" / "crisis_corpus.yml"
# Danger said without trigger words, by kind, each written before the rules for it: the rules were
# tuned on the first; the second was written independently and is the one to report.
KINDS_TUNED = ROOT / "tests" / "data" / "crisis_kinds.yml"
KINDS_REPORT = ROOT / "tests" / "data" / "crisis_kinds_report.yml"

MIN_RECALL = 0.98
MAX_FALSE_ALARM_RATE = 0.03


@dataclass
class Corpus:
    # (group, text) pairs; a crisis group is "explicit/<category>" or "other/<group>"
    crisis: List[Tuple[str, str]] = field(default_factory=list)
    not_crisis: List[Tuple[str, str]] = field(default_factory=list)
    holdout_crisis: List[str] = field(default_factory=list)
    holdout_not_crisis: List[str] = field(default_factory=list)

    @property
    def explicit(self) -> List[Tuple[str, str]]:
        return [(g, t) for g, t in self.crisis if g.startswith("explicit/")]


@dataclass
class Score:
    crisis: int
    not_crisis: int
    explicit: int
    explicit_missed: List[Tuple[str, str]]
    missed: List[Tuple[str, str]]
    false_alarms: List[Tuple[str, str, str]]  # group, text, what matched
    per_group: Dict[str, Tuple[int, int]]  # group -> (flagged, total)
    holdout: Dict[str, object]
    # explicit/<category> -> messages labelled with that same category (what staff see)
    same_category: Dict[str, int] = field(default_factory=dict)

    @property
    def recall_explicit(self) -> float:
        return 1.0 - len(self.explicit_missed) / self.explicit if self.explicit else 1.0

    @property
    def recall(self) -> float:
        return 1.0 - len(self.missed) / self.crisis if self.crisis else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.not_crisis if self.not_crisis else 0.0

    def failures(self) -> List[str]:
        out = []
        if self.explicit_missed:
            out.append(f"{len(self.explicit_missed)} explicit statement(s) missed")
        if self.recall < MIN_RECALL:
            out.append(f"recall {self.recall:.3f} < {MIN_RECALL}")
        if self.false_alarm_rate > MAX_FALSE_ALARM_RATE:
            out.append(f"false alarms {self.false_alarm_rate:.3f} > {MAX_FALSE_ALARM_RATE}")
        return out


def _strings(value, where: str) -> List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: expected a list of strings")
    return value


def load_corpus(path: Path = DEFAULT_CORPUS) -> Corpus:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    corpus = Corpus()
    for kind in ("explicit", "other"):
        for group, texts in ((data.get("crisis") or {}).get(kind) or {}).items():
            corpus.crisis += [(f"{kind}/{group}", t) for t in _strings(texts, f"crisis.{kind}.{group}")]
    for group, texts in (data.get("not_crisis") or {}).items():
        corpus.not_crisis += [(group, t) for t in _strings(texts, f"not_crisis.{group}")]
    holdout = data.get("holdout") or {}
    corpus.holdout_crisis = _strings(holdout.get("crisis"), "holdout.crisis")
    corpus.holdout_not_crisis = _strings(holdout.get("not_crisis"), "holdout.not_crisis")
    return corpus


def score(assess: Callable, corpus: Corpus) -> Score:
    per_group: Dict[str, List[int]] = {}
    missed, explicit_missed, false_alarms = [], [], []
    same_category: Dict[str, int] = {}
    for group, text in corpus.crisis:
        result = assess(text)
        flagged = result.is_crisis
        if group.startswith("explicit/") and result.category == group.split("/", 1)[1]:
            same_category[group] = same_category.get(group, 0) + 1
        tally = per_group.setdefault(group, [0, 0])
        tally[0] += flagged
        tally[1] += 1
        if not flagged:
            missed.append((group, text))
            if group.startswith("explicit/"):
                explicit_missed.append((group, text))
    for group, text in corpus.not_crisis:
        result = assess(text)
        tally = per_group.setdefault(f"not_crisis/{group}", [0, 0])
        tally[0] += result.is_crisis
        tally[1] += 1
        if result.is_crisis:
            false_alarms.append((group, text, f"{result.category}, {result.matched}"))
    h_missed = [t for t in corpus.holdout_crisis if not assess(t).is_crisis]
    h_false = [(t, assess(t).matched) for t in corpus.holdout_not_crisis if assess(t).is_crisis]
    holdout = {
        "crisis": len(corpus.holdout_crisis),
        "not_crisis": len(corpus.holdout_not_crisis),
        "missed": h_missed,
        "false_alarms": h_false,
    }
    return Score(
        crisis=len(corpus.crisis),
        not_crisis=len(corpus.not_crisis),
        explicit=len(corpus.explicit),
        explicit_missed=explicit_missed,
        missed=missed,
        false_alarms=false_alarms,
        per_group={g: (v[0], v[1]) for g, v in per_group.items()},
        holdout=holdout,
        same_category=same_category,
    )


def throughput(assess: Callable, texts: List[str], rounds: int = 7) -> Tuple[float, int]:
    """Messages per second over the corpus: the best of several rounds, so that other
    work on the machine disturbs the figure as little as possible."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            assess(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best, len(texts) * rounds


def report(result: Score, rate: float) -> None:
    print(f"corpus: {result.crisis} crisis ({result.explicit} explicit), {result.not_crisis} not crisis")
    print(
        f"recall, explicit:  {result.recall_explicit:.3f}  ({result.explicit - len(result.explicit_missed)}"
        f"/{result.explicit})"
    )
    print(
        f"recall, overall:   {result.recall:.3f}  ({result.crisis - len(result.missed)}/{result.crisis})"
        f"   goal >= {MIN_RECALL}"
    )
    print(
        f"false-alarm rate:  {result.false_alarm_rate:.3f}  ({len(result.false_alarms)}/{result.not_crisis})"
        f"   goal <= {MAX_FALSE_ALARM_RATE}"
    )
    print("\nper group (flagged/total; for explicit groups, how many got that category as their label):")
    for group in sorted(result.per_group):
        flagged, total = result.per_group[group]
        same = f"   same category {result.same_category.get(group, 0)}/{total}" if group.startswith("explicit/") else ""
        print(f"  {group:32s} {flagged:3d}/{total:<3d}{same}")
    print(f"\nmisses ({len(result.missed)}):")
    for group, text in result.missed:
        print(f"  [{group}] {text}")
    print(f"false alarms ({len(result.false_alarms)}):")
    for group, text, matched in result.false_alarms:
        print(f"  [{group}] {text}   <- {matched}")
    h = result.holdout
    if h["crisis"] or h["not_crisis"]:
        h_recall = 1 - len(h["missed"]) / h["crisis"] if h["crisis"] else 1.0
        h_fa = len(h["false_alarms"]) / h["not_crisis"] if h["not_crisis"] else 0.0
        print(
            f"\nholdout (never tuned on, not gating): recall {h_recall:.3f} "
            f"({h['crisis'] - len(h['missed'])}/{h['crisis']}), false alarms {h_fa:.3f} "
            f"({len(h['false_alarms'])}/{h['not_crisis']})"
        )
        for text in h["missed"]:
            print(f"  missed: {text}")
        for text, matched in h["false_alarms"]:
            print(f"  false alarm: {text}   <- {matched}")
    print(
        f"\nthroughput: {rate:,.0f} messages/s ({1e6 / rate:.1f} us/message; best of 7 rounds over the "
        f"corpus, a benchmark figure)"
    )


def report_kinds(assess: Callable, path: Path, label: str, show: bool) -> None:
    """Recall and false alarms per kind of danger said without trigger words (not gating)."""
    if not path.is_file():
        return
    kinds = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("kinds") or {}
    print(f"\nby kind, without trigger words ({path.name}, {label}):")
    print(f"  {'kind':28s} {'recall':>14s} {'false alarms':>16s}")
    misses, alarms = [], []
    for kind, texts in kinds.items():
        crisis, safe = _strings(texts.get("crisis"), kind), _strings(texts.get("safe"), kind)
        caught = [t for t in crisis if assess(t).is_crisis]
        wrong = [t for t in safe if assess(t).is_crisis]
        misses += [(kind, t) for t in crisis if t not in caught]
        alarms += [(kind, t, assess(t).matched) for t in wrong]
        print(
            f"  {kind:28s} {len(caught) / max(1, len(crisis)):6.1%} ({len(caught):2d}/{len(crisis):2d})"
            f"   {len(wrong) / max(1, len(safe)):6.1%} ({len(wrong):2d}/{len(safe):2d})"
        )
    total = sum(len(_strings(v.get("crisis"), k)) for k, v in kinds.items())
    safe = sum(len(_strings(v.get("safe"), k)) for k, v in kinds.items())
    print(f"  {'all':28s} {1 - len(misses) / max(1, total):6.1%}            {len(alarms) / max(1, safe):6.1%}")
    if not show:
        print("  (misses and false alarms not listed: this set is read only for its figures)")
        return
    for kind, text in misses:
        print(f"  missed [{kind}] {text}")
    for kind, text, matched in alarms:
        print(f"  false alarm [{kind}] {text}   <- {matched}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-fail", action="store_true", help="always exit 0 (for reports)")
    args = parser.parse_args(argv)

    from core.safety import assess

    corpus = load_corpus(args.corpus)
    result = score(assess, corpus)
    texts = [t for _, t in corpus.crisis] + [t for _, t in corpus.not_crisis]
    rate, _ = throughput(assess, texts)
    report(result, rate)
    report_kinds(assess, KINDS_TUNED, "the rules were tuned on it", show=True)
    report_kinds(assess, KINDS_REPORT, "written independently, never tuned on", show=False)
    failures = result.failures()
    if failures:
        print("\nGOALS NOT MET: " + "; ".join(failures))
        return 0 if args.no_fail else 1
    print("\ngoals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
