"""The held-out scoring: labels, thresholds and F1 computed as a reader expects."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("eval_nlu", ROOT / "scripts" / "eval_nlu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FAQ_PARSE = {
    "intent": {"name": "faq", "confidence": 0.9},
    "intent_ranking": [{"name": "faq", "confidence": 0.9}],
    "response_selector": {"faq": {"response": {"intent_response_key": "faq/cost", "confidence": 0.7}}},
}


@pytest.mark.parametrize(
    "parse, expected",
    [
        (
            {"intent": {"name": "greet", "confidence": 0.8}, "intent_ranking": [{"name": "greet", "confidence": 0.8}]},
            ("greet", 0.8),
        ),
        # Rasa's fallback looks at the intent's confidence; the topic is then picked.
        (FAQ_PARSE, ("faq/cost", 0.9)),
        # Past the fallback, the classifier's own best guess is scored.
        (
            {
                "intent": {"name": "nlu_fallback", "confidence": 0.5},
                "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "deny", "confidence": 0.4}],
            },
            ("deny", 0.4),
        ),
    ],
)
def test_label_of(ev, parse, expected):
    assert ev.label_of(parse) == expected


@pytest.mark.parametrize(
    "parse, expected",
    [
        (FAQ_PARSE, "faq/cost"),
        (
            {
                "intent": {"name": "nlu_fallback", "confidence": 0.5},
                "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "faq", "confidence": 0.45}],
            },
            "nlu_fallback",
        ),
    ],
)
def test_shown_label_is_what_the_visitor_gets(ev, parse, expected):
    assert ev.shown_label(parse) == expected


def test_threshold_sends_unsure_predictions_to_fallback(ev):
    assert ev.with_threshold([("greet", 0.9), ("deny", 0.3)], 0.5) == ["greet", "nlu_fallback"]


def test_scores_per_label_and_macro(ev):
    gold = ["a", "a", "b", "b"]
    pred = ["a", "b", "b", "b"]
    accuracy, macro_f1, per = ev.scores(gold, pred)
    assert accuracy == 0.75
    assert per["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert per["b"]["precision"] == pytest.approx(2 / 3) and per["b"]["recall"] == 1.0
    assert macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_examples_reads_rasa_nlu_yaml(ev, tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text('version: "3.1"\nnlu:\n  - intent: faq/cost\n    examples: |\n      - how much\n      - price?\n')
    assert ev.examples(path) == [("how much", "faq/cost"), ("price?", "faq/cost")]


def test_heldout_file_is_big_enough_and_labelled_with_known_intents(ev):
    import yaml

    pairs = ev.examples(ev.HELDOUT)
    assert len(pairs) >= 150
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    intents = set(domain["intents"])
    answers = {k[len("utter_") :] for k in domain["responses"] if k.startswith("utter_faq/")}
    for _, label in pairs:
        assert label in intents or label in answers, label
