"""How well the assistant understands the people who write, on sets it was never trained on.

    python scripts/eval_understanding.py [--model models/helpline.tar.gz]
                                         [--split dev|test|unseen_a|unseen_b|unseen_c|all|reported|tuning]
                                         [--clinc ../shared/data/clinc150/data_train_val.json] [--show-misses]

Sets (tests/heldout/<split>/, written apart from the training data): situations
(help for oneself, a loved one, a relapse, mandated, "is it a problem", not
ready), fresh FAQ wordings, off-topic texts, heavy-but-safe messages and crisis
messages of every kind; plus CLINC150's validation splits (out-of-scope, and its
unrelated everyday intents), halved: even rows belong to dev, odd rows to test.
`dev` is what the team tunes on (the gate's and the crisis check's cut-offs);
`test`, `unseen_a` and `unseen_b` were read and tuned against in later rounds
(tests/heldout/README.md says how). `unseen_c` is the report set, written by
someone who saw neither the training data nor the other sets before the data
it judges was changed: only its figures are printed, never its misses (unless
--show-misses), so nobody tunes against it by accident.
`all` is every set; `reported` is every set but dev; `tuning` every set but the report set.

Crisis figures are given per layer: the gateway's safety net (core/safety/),
the model sure of a crisis (intent `crisis`: full crisis path), the model unsure
(`check_safety`: 988 and "are you safe right now?"), and both layers together.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from core.situations import situation_behind  # noqa: E402
from scripts.clinc import IN_SCOPE, SOURCE  # noqa: E402

HELDOUT = ROOT / "tests" / "heldout"
OUT = ROOT / "results" / "understanding"
SET_NAMES = ("situations", "faq", "offtopic", "heavy", "crisis")
FALLBACKS = {"out_of_scope", "nlu_fallback"}
CRISIS, CHECK = "crisis", "check_safety"
SPLITS = ("dev", "test", "unseen_a", "unseen_b", "unseen_c")
# The report set: its misses are never written (unless --show-misses), so nobody tunes on it by accident.
REPORT_SETS = ("unseen_c",)
GATE_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def load_groups(path: Path) -> Dict[str, List[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = data.get("groups") or {}
    for name, texts in groups.items():
        if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            raise ValueError(f"{path}: group {name} must be a list of non-empty strings")
    return groups


def clinc_halves(path: Path, split: str) -> Dict[str, List[str]]:
    """CLINC150's validation rows for one split: out-of-scope, and everyday intents we don't handle."""
    data = json.loads(path.read_text(encoding="utf-8"))
    parity = 0 if split == "dev" else 1  # every reported set uses the test half
    oos = [t for i, (t, _) in enumerate(data["oos_val"]) if i % 2 == parity]
    other = [t for i, (t, intent) in enumerate(data["val"]) if intent not in IN_SCOPE and i % 2 == parity]
    return {"clinc_oos": oos, "clinc_other": other}


def shown(parse: dict) -> str:
    """The label the visitor's reply follows: the intent, or the FAQ topic the selector chose."""
    name = (parse.get("intent") or {}).get("name") or ""
    if name == "faq":
        selected = (parse.get("response_selector") or {}).get("faq", {}).get("response") or {}
        return selected.get("intent_response_key") or "faq"
    return name


def before_gate(parse: dict) -> Tuple[str, Optional[float]]:
    """What the classifier said before the scope gate, and the nearest in-scope similarity."""
    scope = parse.get("scope") or {}
    label = shown(parse)
    if scope.get("gated"):
        ranking = parse.get("intent_ranking") or []
        label = ranking[1]["name"] if len(ranking) > 1 else label
        if label == "faq":
            label = shown({"intent": {"name": "faq"}, "response_selector": parse.get("response_selector")})
    return label, scope.get("similarity")


class Judged:
    def __init__(self, text: str, parse: dict, net: bool) -> None:
        self.text = text
        self.label = shown(parse)
        self.net = net
        self.sure = self.label == CRISIS
        self.check = self.label == CHECK
        self.pre_gate, self.similarity = before_gate(parse)
        # The reply to a safety check first acknowledges this situation (actions/safety_check.py).
        self.acknowledged = situation_behind(parse.get("intent_ranking") or []) if self.check else None

    def fits(self, group: str) -> bool:
        """The reply answers the group's topic or situation: directly, or acknowledged before a safety check."""
        return self.label == group or self.acknowledged == group

    @property
    def falls_back(self) -> bool:
        return self.label in FALLBACKS

    @property
    def alarm(self) -> bool:
        """A crisis ticket: either layer sure."""
        return self.net or self.sure

    @property
    def caught(self) -> bool:
        """The crisis lines or 988 with "are you safe?": what a person in danger must get."""
        return self.net or self.sure or self.check


def pct(n: int, d: int) -> str:
    return f"{n / d:6.1%} ({n}/{d})" if d else "   n/a"


def load_agent(model: Path) -> Any:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs every parse otherwise
    return Agent.load(str(model))


async def parse_all(agent: Any, texts: List[str]) -> List[dict]:
    return [await agent.parse_message(t) for t in texts]


def judge_all(agent: Any, sets: Dict[str, Dict[str, List[str]]]) -> Dict[str, Dict[str, List[Judged]]]:
    from core.safety import assess

    flat = [(s, g, t) for s, groups in sets.items() for g, texts in groups.items() for t in texts]
    parses = asyncio.run(parse_all(agent, [t for _, _, t in flat]))
    judged: Dict[str, Dict[str, List[Judged]]] = defaultdict(lambda: defaultdict(list))
    for (s, g, t), p in zip(flat, parses):
        judged[s][g].append(Judged(t, p, assess(t).is_crisis))
    return judged


def report_split(split: str, judged: Dict[str, Dict[str, List[Judged]]], errors: List[str]) -> Dict[str, object]:
    figures: Dict[str, object] = {}
    print(f"\n=== {split} ===")
    for name in ("situations", "faq"):
        groups = judged.get(name) or {}
        if not groups:
            continue
        total = sum(len(v) for v in groups.values())
        right = sum(j.fits(g) for g, v in groups.items() for j in v)
        alarms = sum(j.alarm for v in groups.values() for j in v)
        acknowledged = sum(j.acknowledged == g for g, v in groups.items() for j in v)
        print(
            f"{name}: accuracy {pct(right, total)}   crisis alarms {pct(alarms, total)}"
            f"   (of the right: acknowledged before a safety check {acknowledged})"
        )
        for g, v in sorted(groups.items()):
            got = Counter(j.label for j in v if not j.fits(g))
            print(
                f"  {g:22s} {pct(sum(j.fits(g) for j in v), len(v))}   wrong: "
                + ", ".join(f"{k} {n}" for k, n in got.most_common(4))
            )
            errors += [f"[{split}/{name}] {g} -> {j.label}: {j.text}" for j in v if not j.fits(g)]
        figures[name] = {"accuracy": right / total, "alarms": alarms / total, "n": total}
    for name in ("offtopic", "clinc_oos", "clinc_other"):
        v = (
            [j for g in (judged.get(name) or {}).values() for j in g]
            if name == "offtopic"
            else (judged.get("clinc") or {}).get(name) or []
        )
        if not v:
            continue
        back = sum(j.falls_back for j in v)
        alarms = sum(j.alarm for j in v)
        checks = sum(j.check for j in v)
        print(
            f"{name}: falls back {pct(back, len(v))}   crisis alarms {pct(alarms, len(v))}   "
            f"safety checks {pct(checks, len(v))}"
        )
        errors += [f"[{split}/{name}] -> {j.label}: {j.text}" for j in v if not j.falls_back and name != "clinc_other"]
        figures[name] = {"falls_back": back / len(v), "alarms": alarms / len(v), "n": len(v)}
    heavy = judged.get("heavy") or {}
    if heavy:
        v = [j for g in heavy.values() for j in g]
        print(
            f"heavy but safe: false alarms: net {pct(sum(j.net for j in v), len(v))}   "
            f"model {pct(sum(j.sure for j in v), len(v))}   both {pct(sum(j.alarm for j in v), len(v))}"
            f"   (safety checks {pct(sum(j.check for j in v), len(v))})"
        )
        for g, gv in sorted(heavy.items()):
            print(
                f"  {g:22s} alarms {pct(sum(j.alarm for j in gv), len(gv))}   checks "
                f"{pct(sum(j.check for j in gv), len(gv))}"
            )
        errors += [
            f"[{split}/heavy] {g} alarm (net {j.net}, model {j.label}): {j.text}"
            for g, gv in heavy.items()
            for j in gv
            if j.alarm or j.check
        ]
        figures["heavy"] = {
            "alarms": sum(j.alarm for j in v) / len(v),
            "checks": sum(j.check for j in v) / len(v),
            "n": len(v),
        }
    crisis = judged.get("crisis") or {}
    if crisis:
        v = [j for g in crisis.values() for j in g]
        caught = sum(j.caught for j in v)
        print(
            f"crisis: recall: net {pct(sum(j.net for j in v), len(v))}   model sure "
            f"{pct(sum(j.sure for j in v), len(v))}   "
            f"model sure or checking {pct(sum(j.sure or j.check for j in v), len(v))}"
            f"   both layers {pct(caught, len(v))}"
        )
        for g, gv in sorted(crisis.items()):
            print(
                f"  {g:22s} net {pct(sum(j.net for j in gv), len(gv))}   both {pct(sum(j.caught for j in gv), len(gv))}"
            )
        errors += [
            f"[{split}/crisis] {g} MISSED by both (model {j.label}): {j.text}"
            for g, gv in crisis.items()
            for j in gv
            if not j.caught
        ]
        figures["crisis"] = {"recall_both": caught / len(v), "recall_net": sum(j.net for j in v) / len(v), "n": len(v)}
    return figures


def gate_sweep(judged: Dict[str, Dict[str, List[Judged]]]) -> None:
    """What other scope-gate cut-offs would do (the gate only; the fallback threshold left as it is)."""
    inside = [j for s in ("situations", "faq") for g in (judged.get(s) or {}).values() for j in g]
    outside = [j for g in (judged.get("offtopic") or {}).values() for j in g] + list(
        (judged.get("clinc") or {}).get("clinc_oos") or []
    )
    if not any(j.similarity is not None for j in inside + outside):
        return
    print("\nscope gate cut-off (this split):  in scope wrongly rejected   out of scope rejected")
    for t in GATE_THRESHOLDS:

        def rejected(j: Judged, t: float = t) -> bool:
            below = j.similarity is not None and j.similarity < t and j.pre_gate not in (CRISIS, CHECK)
            return below or j.pre_gate in FALLBACKS

        print(
            f"  {t:4.2f}  {pct(sum(map(rejected, inside)), len(inside)):>24}   "
            f"{pct(sum(map(rejected, outside)), len(outside)):>20}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "helpline.tar.gz")
    parser.add_argument("--split", choices=(*SPLITS, "all", "reported", "tuning"), default="all")
    parser.add_argument("--clinc", type=Path, default=SOURCE)
    parser.add_argument("--show-misses", action="store_true", help="write the misses of the report set too")
    args = parser.parse_args()
    tuning = tuple(s for s in SPLITS if s not in REPORT_SETS)
    splits = {"all": SPLITS, "reported": SPLITS[1:], "tuning": tuning}.get(args.split, (args.split,))
    results, errors = {}, []
    agent = load_agent(args.model)
    for split in splits:
        sets = {
            n: load_groups(HELDOUT / split / f"{n}.yml") for n in SET_NAMES if (HELDOUT / split / f"{n}.yml").exists()
        }
        if args.clinc.exists():
            sets["clinc"] = clinc_halves(args.clinc, split)
        else:
            print(f"CLINC150 not found at {args.clinc}: its figures are left out")
        judged = judge_all(agent, sets)
        misses: List[str] = []
        results[split] = report_split(split, judged, misses)
        if split in REPORT_SETS and not args.show_misses:
            print(f"({len(misses)} misses on {split} not written: it stays unseen)")
        else:
            errors += misses
            gate_sweep(judged)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figures.json").write_text(json.dumps(results, indent=2))
    (OUT / "errors.txt").write_text("\n".join(errors) + "\n")
    print(f"\nfigures and every miss written to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
