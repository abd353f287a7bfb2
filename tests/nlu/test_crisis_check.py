"""The crisis check: sure, unsure or no crisis, from the classifier's ranking."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.crisis_check import CHECK_SAFETY, CRISIS, CrisisCheck, crisis_verdict


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
        # "Not understood" (two intents too close, or unsure) never hides a crisis.
        (ranking(("nlu_fallback", 0.5), ("crisis", 0.92), ("faq", 0.88)), CRISIS),
        (ranking(("nlu_fallback", 0.5), ("crisis", 0.45), ("faq", 0.4)), CHECK_SAFETY),
        (ranking(("nlu_fallback", 0.5), ("help_self", 0.42), ("crisis", 0.05)), None),
    ],
)
def test_verdict(given, expected):
    assert crisis_verdict(given, sure=0.8, unsure=0.25) == expected


def test_unsure_crisis_becomes_check_safety_and_keeps_the_ranking():
    message = Message(
        data={
            "text": "i dont know how much longer i can do this",
            "intent": {"name": "crisis", "confidence": 0.55},
            "intent_ranking": ranking(("crisis", 0.55), ("hard_feelings", 0.4)),
        }
    )
    CrisisCheck({"sure": 0.8, "unsure": 0.25}).process([message])
    assert message.get("intent") == {"name": CHECK_SAFETY, "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == [CHECK_SAFETY, "crisis", "hard_feelings"]


def test_a_crisis_the_fallback_put_second_takes_the_crisis_path():
    message = Message(
        data={
            "text": "what time is group? i have the rope ready",
            "intent": {"name": "nlu_fallback", "confidence": 0.5},
            "intent_ranking": ranking(("nlu_fallback", 0.5), ("crisis", 0.93), ("faq", 0.9)),
        }
    )
    CrisisCheck({"sure": 0.9, "unsure": 0.4}).process([message])
    assert message.get("intent") == {"name": CRISIS, "confidence": 0.93}
    assert message.get("intent_ranking")[0] == {"name": CRISIS, "confidence": 0.93}


def test_a_sure_crisis_is_left_as_it_is():
    intent = {"name": "crisis", "confidence": 0.97}
    message = Message(data={"text": "x", "intent": intent, "intent_ranking": ranking(("crisis", 0.97))})
    CrisisCheck({}).process([message])
    assert message.get("intent") == intent


@pytest.mark.parametrize(
    "in_part, expected",
    [(0.9, CRISIS), (0.4, CHECK_SAFETY), (0.1, None)],
)
def test_one_sentence_of_a_longer_message(in_part, expected):
    question = ranking(("faq", 0.95), ("crisis", 0.01))
    assert crisis_verdict(question, sure=0.8, unsure=0.25, in_part=in_part) == expected


def test_a_crisis_after_a_question_takes_the_crisis_path():
    message = Message(
        data={
            "text": "do you take aetna. also i have the pills ready tonight",
            "intent": {"name": "faq", "confidence": 0.9},
            "intent_ranking": ranking(("faq", 0.9), ("crisis", 0.05)),
            "crisis_in_part": {"confidence": 0.93, "text": "also i have the pills ready tonight"},
        }
    )
    CrisisCheck({"sure": 0.8, "unsure": 0.25}).process([message])
    assert message.get("intent") == {"name": CRISIS, "confidence": 0.93}
    assert [r["name"] for r in message.get("intent_ranking")] == [CRISIS, "faq"]
