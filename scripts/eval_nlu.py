"""Score the trained model on the held-out visitor messages (never trained on).

Prints intent accuracy and F1 per label and overall (macro), where a label is
an intent or, for questions, the FAQ topic (`faq/cost`): what decides which
answer a visitor gets. A message the model is unsure of counts as what the
visitor would see: `nlu_fallback`. Also prints how the fallback threshold
trades answers against "sorry, I didn't follow", to tune it in config.yml.

Writes results/heldout/: report.json (per-label figures), confusion.txt and
errors.txt (each miss with its confidence).

    python scripts/eval_nlu.py [--model models/helpline.tar.gz] [--min-f1 0.95]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu_heldout.yml"
TRAINING = sorted((ROOT / "data").glob("nlu*.yml"))
OUT = ROOT / "results" / "heldout"
FALLBACK = "nlu_fallback"


def examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs of a Rasa NLU YAML file."""
    pairs = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def fallback_threshold() -> float:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def label_of(parse: dict) -> Tuple[str, float]:
    """The classifier's own label (past any fallback) and the confidence that
    Rasa's FallbackClassifier compares with its threshold: the intent's, also
    for FAQ topics, whose answer the ResponseSelector then always picks."""
    ranking = parse.get("intent_ranking") or []
    top = next((r for r in ranking if r.get("name") != FALLBACK), parse.get("intent") or {})
    name, confidence = top.get("name") or "", float(top.get("confidence") or 0.0)
    if name == "faq":
        selected = (parse.get("response_selector") or {}).get("faq", {}).get("response") or {}
        name = selected.get("intent_response_key") or "faq"
    return name, confidence


def shown_label(parse: dict) -> str:
    """What the visitor gets: the fallback when Rasa's FallbackClassifier fired
    (below the threshold or two intents too close), else the label."""
    if (parse.get("intent") or {}).get("name") == FALLBACK:
        return FALLBACK
    return label_of(parse)[0]


async def parse_all(model: Path, texts: List[str]) -> List[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def scores(gold: List[str], pred: List[str]) -> Tuple[float, float, Dict[str, dict]]:
    labels = sorted(set(gold))
    per: Dict[str, dict] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    accuracy = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    macro_f1 = sum(v["f1"] for v in per.values()) / len(per)
    return accuracy, macro_f1, per


def with_threshold(predictions: List[Tuple[str, float]], threshold: float) -> List[str]:
    return [label if confidence >= threshold else FALLBACK for label, confidence in predictions]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "helpline.tar.gz"))
    parser.add_argument("--min-f1", type=float, default=None, help="exit 1 below this macro F1")
    parser.add_argument(
        "--cross-validation-report",
        type=Path,
        default=None,
        help="intent_report.json of `rasa test nlu --cross-validation`, to summarise",
    )
    args = parser.parse_args()
    if args.cross_validation_report and args.cross_validation_report.exists():
        report = json.loads(args.cross_validation_report.read_text())
        print(
            f"\nCross-validation on the training data (top-level intents): accuracy "
            f"{report['accuracy']:.3f}, macro F1 {report['macro avg']['f1-score']:.3f}"
        )

    heldout = examples(HELDOUT)
    trained = {text.lower() for path in TRAINING for text, _ in examples(path)}
    texts, gold = [t for t, _ in heldout], [g for _, g in heldout]
    parses = asyncio.run(parse_all(Path(args.model), texts))
    predictions = [label_of(p) for p in parses]
    pred = [shown_label(p) for p in parses]
    threshold = fallback_threshold()
    accuracy, macro_f1, per = scores(gold, pred)

    print(
        f"\nHeld-out visitor messages: {len(texts)} ({HELDOUT.relative_to(ROOT)}), "
        f"{len(per)} labels, fallback threshold {threshold}"
    )
    print(f"{'label':24} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}")
    for label, v in sorted(per.items(), key=lambda kv: kv[1]["f1"]):
        print(f"{label:24} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:4d}")
    print(f"\nintent accuracy {accuracy:.3f}   macro F1 {macro_f1:.3f}")

    unseen = [i for i, t in enumerate(texts) if t.lower() not in trained]
    u_acc, u_f1, _ = scores([gold[i] for i in unseen], [pred[i] for i in unseen])
    print(
        f"without the {len(texts) - len(unseen)} messages that also occur word for word in the "
        f"training data: accuracy {u_acc:.3f}, macro F1 {u_f1:.3f} (n={len(unseen)})"
    )

    print("\nif the threshold were (ambiguity check left out):")
    print("fallback threshold   accuracy   macro F1   sent to fallback")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        p = with_threshold(predictions, t)
        acc, f1, _ = scores(gold, p)
        print(f"{t:18.1f} {acc:10.3f} {f1:10.3f} {p.count(FALLBACK):18d}")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(
        json.dumps({"accuracy": accuracy, "macro_f1": macro_f1, "threshold": threshold, "labels": per}, indent=2)
    )
    confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    (OUT / "confusion.txt").write_text("".join(f"{n:3d}  {g} -> {p}\n" for (g, p), n in confusion.most_common()))
    (OUT / "errors.txt").write_text(
        "".join(
            f"{g} -> {label} ({conf:.2f}): {t}\n"
            for t, g, (label, conf), p in zip(texts, gold, predictions, pred)
            if g != p
        )
    )
    print(f"\nconfusions and errors written to {OUT.relative_to(ROOT)}/")
    if args.min_f1 is not None and macro_f1 < args.min_f1:
        print(f"macro F1 {macro_f1:.3f} is below the goal {args.min_f1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
