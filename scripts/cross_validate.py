"""Cross-validation of the intent classifier that means something, and gives the same figures every run.

    python scripts/cross_validate.py [--folds 5] [--repeats 3] [--near 0.95]

Rasa's own `rasa test nlu --cross-validation` shuffles its folds with no seed,
and lets near-duplicate wordings straddle folds, so a variant is "predicted" from
its twin. Here: the training data's examples are grouped (the same text once
punctuation and case are dropped, or sentence vectors at least `--near` alike),
a group never straddles folds (StratifiedGroupKFold), and the split is repeated
with seeds 0..repeats-1. Prints per label the mean F1 and its spread over the
repeats, and macro F1 for intents (FAQ topics as one `faq`) and for labels
(each topic on its own). The classifier alone: no scope gate, no fallback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from scripts.eval_nlu import examples  # noqa: E402

TRAINING = sorted((ROOT / "data").glob("nlu*.yml"))
_WORDS = re.compile(r"[^a-z0-9]+")


def training_examples(paths: Sequence[Path] = TRAINING) -> List[Tuple[str, str]]:
    return [pair for path in paths for pair in examples(path)]


def near_duplicate_groups(texts: Sequence[str], vectors: np.ndarray, near: float) -> List[int]:
    """A group number per text: the same words, or vectors at least `near` alike, share one (transitively)."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: Dict[str, int] = {}
    for i, text in enumerate(texts):
        key = _WORDS.sub(" ", text.lower()).strip()
        if key in seen:
            parent[find(i)] = find(seen[key])
        seen.setdefault(key, i)
    similar = vectors @ vectors.T
    for i, j in zip(*np.nonzero(np.triu(similar >= near, k=1))):
        parent[find(int(i))] = find(int(j))
    return [find(i) for i in range(len(texts))]


def f1_per_label(gold: Sequence[str], pred: Sequence[str]) -> Dict[str, float]:
    out = {}
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def top_level(label: str) -> str:
    return label.split("/", 1)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--near", type=float, default=0.95)
    args = parser.parse_args()

    from sklearn.model_selection import StratifiedGroupKFold

    from nlu.encoder import SentenceEncoder
    from nlu.linear_classifier import LinearModel

    pairs = training_examples()
    texts = [t for t, _ in pairs]
    labels = np.array([label for _, label in pairs])
    vectors = SentenceEncoder(threads=2).encode(texts)
    groups = near_duplicate_groups(texts, vectors, args.near)
    print(
        f"{len(texts)} examples, {len(set(labels))} labels, {len(set(groups))} groups of near-duplicates "
        f"(same words or cosine >= {args.near}); {args.folds} folds x {args.repeats} seeded repeats"
    )

    per_label: Dict[str, List[float]] = defaultdict(list)
    per_intent: Dict[str, List[float]] = defaultdict(list)
    macro_labels, macro_intents, accuracies = [], [], []
    for seed in range(args.repeats):
        pred = np.empty(len(texts), dtype=object)
        splitter = StratifiedGroupKFold(n_splits=args.folds, shuffle=True, random_state=seed)
        for train, test in splitter.split(texts, labels, groups):
            model = LinearModel(seed=seed).fit([texts[i] for i in train], vectors[train], labels[train])
            probabilities = model.probabilities([texts[i] for i in test], vectors[test])
            pred[test] = [model.classes[k] for k in probabilities.argmax(axis=1)]
        f1 = f1_per_label(list(labels), list(pred))
        f1_top = f1_per_label([top_level(x) for x in labels], [top_level(x) for x in pred])
        for label, value in f1.items():
            per_label[label].append(value)
        for label, value in f1_top.items():
            per_intent[label].append(value)
        macro_labels.append(float(np.mean(list(f1.values()))))
        macro_intents.append(float(np.mean(list(f1_top.values()))))
        accuracies.append(float(np.mean(pred == labels)))

    print(f"\n{'label':24s} {'mean F1':>8s} {'spread':>7s}")
    for label, values in sorted(per_label.items(), key=lambda kv: np.mean(kv[1])):
        print(f"{label:24s} {np.mean(values):8.3f} {np.std(values):7.3f}")
    print(f"\naccuracy {np.mean(accuracies):.3f} (spread {np.std(accuracies):.3f})")
    print(f"macro F1, labels (each FAQ topic):   {np.mean(macro_labels):.3f} (spread {np.std(macro_labels):.3f})")
    print(f"macro F1, intents (FAQ as one):      {np.mean(macro_intents):.3f} (spread {np.std(macro_intents):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
