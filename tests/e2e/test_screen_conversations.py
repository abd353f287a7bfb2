"""The level-of-care screen as a visitor types it, against the real stack."""

from __future__ import annotations

import uuid
from typing import Dict, List

import pytest

pytestmark = pytest.mark.e2e

QUIET = [  # answers that point to nothing above standard outpatient
    "no",  # wished you were dead
    "nope",  # withdrawal signs, or a medical condition needing daily care (one question)
    "not at all",  # little interest
    "several days",  # down, hopeless
    "no",  # unmanageable
    "once a month maybe",
    "no",  # tried outpatient, could not cut down
    "yes",  # home is safe
]
SCHEDULE = ["yes"]  # can attend: asked only when IOP is suggested


def texts(replies: List[dict]) -> List[str]:
    return [r["text"] for r in replies if r.get("text")]


def result_of(replies: List[dict]) -> Dict:
    for r in replies:
        if "screen_result" in (r.get("custom") or {}):
            return r["custom"]["screen_result"]
    raise AssertionError(f"no screen result in {replies}")


def run_screen(helpline, answers: List[str], opener: str = "can you check which care fits me") -> List[dict]:
    sender = f"e2e-screen-{uuid.uuid4().hex[:10]}"
    replies = helpline.say(sender, opener)
    assert any("not a diagnosis" in t for t in texts(replies))
    for answer in answers:
        replies = helpline.say(sender, answer)
    return replies


def with_answer(index: int, answer: str, skipped: tuple = ()) -> List[str]:
    """QUIET with one answer changed; `skipped`: the indexes of questions that answer makes unnecessary."""
    answers = list(QUIET)
    answers[index] = answer
    return [a for i, a in enumerate(answers) if i not in skipped]


@pytest.mark.parametrize(
    "answers, level",
    [
        (["me", "im 34"] + QUIET, "outpatient"),
        # daily use already means IOP: whether outpatient care was tried is not asked
        (["me", "im 34"] + with_answer(5, "every day", skipped=(6,)) + SCHEDULE, "iop"),
        # life unmanageable already means PHP: how often, or whether outpatient care failed, is not asked
        (["me", "im 34"] + with_answer(4, "yeah", skipped=(5, 6)), "php"),
        (["me", "im 34"] + with_answer(7, "not really"), "residential"),
        # withdrawal first: nothing the next three questions could say would change it
        (["me", "im 34"] + with_answer(1, "yes, shakes and sweats", skipped=(4, 5, 6)), "inpatient"),
    ],
)
def test_each_level_is_reachable(helpline, answers, level):
    replies = run_screen(helpline, answers)
    result = result_of(replies)
    assert result["level"] == level
    assert any("clinician" in t for t in texts(replies))
    assert any("intake" in t for t in texts(replies))


def test_for_a_teenage_son_the_questions_say_your_loved_one(helpline):
    sender = f"e2e-screen-{uuid.uuid4().hex[:10]}"
    helpline.say(sender, "what kind of help does my son need")
    question = " ".join(texts(helpline.say(sender, "my son, he's 16")))
    assert "your loved one" in question.lower() or "they" in question.lower() or "he" in question.lower()


def test_a_question_in_the_middle_is_answered_then_the_screen_resumes(helpline):
    sender = f"e2e-screen-{uuid.uuid4().hex[:10]}"
    helpline.say(sender, "check which care fits")
    helpline.say(sender, "me")
    asked = texts(helpline.say(sender, "im 40"))
    replies = texts(helpline.say(sender, "how much does it cost?"))
    assert any("$250" in t for t in replies)
    assert replies[-1] == asked[-1], "the same question is asked again"


def test_stop_ends_the_screen_politely(helpline):
    sender = f"e2e-screen-{uuid.uuid4().hex[:10]}"
    helpline.say(sender, "can you check which care fits me")
    helpline.say(sender, "me")
    replies = texts(helpline.say(sender, "stop"))
    assert any("stopped the questions" in t for t in replies)


def test_yes_to_thoughts_of_suicide_right_now_leaves_for_the_crisis_response(helpline):
    replies = run_screen(helpline, ["me", "adult", "yes", "yes"])
    first = texts(replies)[0]
    assert "988" in first and "911" in first


def test_a_crisis_message_in_the_middle_gets_the_crisis_response_first(helpline):
    sender = f"e2e-screen-{uuid.uuid4().hex[:10]}"
    helpline.say(sender, "can you check which care fits me")
    helpline.say(sender, "me")
    replies = texts(helpline.say(sender, "honestly i just want to end it all"))
    assert "988" in replies[0]


def test_yes_to_the_first_asq_question_in_own_words_gives_988_then_the_acuity_question(helpline):
    replies = texts(run_screen(helpline, ["me", "im 34", "yeah ive thought about killing myself a few times"]))
    joined = " ".join(replies)
    assert "988" in joined and "right now" in joined
    assert not any("741741" in t for t in replies), "the crisis response is for danger now"


def test_a_past_seizure_is_an_answer_to_the_withdrawal_question(helpline):
    replies = texts(run_screen(helpline, ["me", "im 34", "no", "yes i had a seizure once when i quit drinking"]))
    assert not any("741741" in t for t in replies)
    # one health question now: a seizure named is its withdrawal half, and the screen goes on to mood
    assert any("little interest or pleasure" in t for t in replies), replies
