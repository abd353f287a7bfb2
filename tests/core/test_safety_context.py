"""The net, told which screen question the visitor is answering (core/safety/context.py)."""

import pytest

from core.safety import assess
from core.safety.context import assess_answer, history_kinds

ANSWERS = [
    # (question asked, answer, a crisis?)
    ("withdrawal", "yes i had a seizure once when i quit", False),
    ("withdrawal", "yeah he had seizures the last time he stopped", False),
    ("withdrawal", "i am having a seizure right now", True),
    ("withdrawal", "he is seizing", True),
    ("withdrawal", "yes once, and i want to kill myself", True),  # another kind of danger counts as always
    ("asq_wish_dead", "yeah ive thought about killing myself a few times", False),
    ("asq_wish_dead", "yes i wished i was dead after the divorce", False),
    ("asq_wish_dead", "yes and i am going to do it tonight", True),
    ("asq_wish_dead", "yes i thought about killing myself and i took a bunch of pills an hour ago", True),
    # any other question: the net as always
    ("home_safe", "yes i had a seizure once", True),
    (None, "yeah ive thought about killing myself", True),
]


@pytest.mark.parametrize("asked, text, crisis", ANSWERS)
def test_an_answer_about_history_is_not_a_crisis_unless_it_says_now(asked, text, crisis):
    assert assess_answer(text, asked).is_crisis is crisis


def test_only_the_two_questions_that_ask_about_danger_change_anything():
    assert set(history_kinds(q) for q in ("withdrawal", "asq_wish_dead")) == {
        frozenset({"medical"}),
        frozenset({"suicide"}),
    }
    assert history_kinds("readiness") == frozenset() and history_kinds(None) == frozenset()


@pytest.mark.parametrize("text", ["i want to kill myself", "my friend took a bottle of pills and wont wake up"])
def test_without_a_question_the_verdict_is_the_nets(text):
    assert assess_answer(text, None) == assess(text)
