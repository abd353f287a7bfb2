"""The crisis check: sure, unsure or no crisis, from the classifier's ranking."""

import pytest

from nlu.crisis_check import CHECK_SAFETY, CRISIS, CrisisCheck, crisis_verdict
from rasa.shared.nlu.training_data.message import Message


def ranking(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


@pytest.mark.parametrize(
    "given, expected",
    [
        (ranking(("crisis", 0.95), ("help_self", 0.03)), CRISIS),
        (ranking(("crisis", 0.8), ("help_self", 0.2)), CRISIS),
        # On top but unsure: ask about safety, open no ticket.
        (ranking(("crisis", 0.6), ("help_self", 0.4)), CHECK_SAFETY),
        # Second, with real weight: a question about safety beats a wrong FAQ answer.
        (ranking(("faq", 0.6), ("crisis", 0.3)), CHECK_SAFETY),
        (ranking(("faq", 0.9), ("crisis", 0.05)), None),
        (ranking(("greet", 1.0)), None),
        ([], None),
    ],
)
def test_verdict(given, expected):
    assert crisis_verdict(given, sure=0.8, unsure=0.25) == expected


def test_unsure_crisis_becomes_check_safety_and_keeps_the_ranking():
    message = Message(data={"text": "i dont know how much longer i can do this",
                            "intent": {"name": "crisis", "confidence": 0.55},
                            "intent_ranking": ranking(("crisis", 0.55), ("hard_feelings", 0.4))})
    CrisisCheck({"sure": 0.8, "unsure": 0.25}).process([message])
    assert message.get("intent") == {"name": CHECK_SAFETY, "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == [CHECK_SAFETY, "crisis", "hard_feelings"]


def test_a_sure_crisis_is_left_as_it_is():
    intent = {"name": "crisis", "confidence": 0.97}
    message = Message(data={"text": "x", "intent": intent, "intent_ranking": ranking(("crisis", 0.97))})
    CrisisCheck({}).process([message])
    assert message.get("intent") == intent
