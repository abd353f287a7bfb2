"""The screen's actions on JSON trackers: validation, questions, result, reset, handoff.

The validation and ask trackers are the form's temporary trackers, as Rasa
sends them: the conversation so far, the requested slot, the form's own run,
then the answer being validated.
"""

import pytest
from rasa_sdk.events import SlotSet

from actions.handoff import ActionRequestHandoff
from actions.screen import (
    ASK_ACTIONS,
    PARSERS,
    ActionResetScreen,
    ActionScreenResult,
    ValidateScreenForm,
    read_answer,
    remaining_questions,
)
from actions.screen_messages import question_options, question_text, summary_for_staff
from actions.screen_scoring import suggest_level


def shown(dispatcher):
    """What the visitor would see: text, buttons and custom payloads."""
    return [{k: m[k] for k in ("text", "response", "buttons", "custom") if m.get(k)} for m in dispatcher.messages]


def buttons(slot, age=None):
    return [{"title": label, "payload": payload} for label, payload in question_options(slot, age)]


# -- reading answers --------------------------------------------------------------
# The validation names the next question only when the list of questions
# differs from the domain's (the acuity question is out of play); otherwise
# the form asks the domain's next empty slot, which is the same question.
@pytest.mark.parametrize(
    "fixture, events, messages",
    [
        # a plain yes to the health question does not say which half: the form asks which
        (
            "screen_validate_yes",
            [
                SlotSet("withdrawal", None),
                SlotSet("screen_retry", "withdrawal:which"),
                SlotSet("requested_slot", "withdrawal"),
            ],
            [],
        ),
        # "the other one": daily medical care, not withdrawal; both slots are filled at once
        (
            "screen_validate_which",
            [
                SlotSet("withdrawal", False),
                SlotSet("medical_daily_care", True),
                SlotSet("screen_retry", None),
                SlotSet("requested_slot", "phq_interest"),
            ],
            [],
        ),
        # "my son, he's 16" answers who and age at once
        (
            "screen_validate_who_and_age",
            [
                SlotSet("screen_for", "other"),
                SlotSet("screen_retry", None),
                SlotSet("screen_age", "minor"),
                SlotSet("requested_slot", "asq_wish_dead"),
            ],
            [],
        ),
        # a no to the first ASQ question skips the acuity question
        (
            "screen_validate_asq_no",
            [SlotSet("asq_wish_dead", False), SlotSet("screen_retry", None), SlotSet("requested_slot", "withdrawal")],
            [],
        ),
        (
            "screen_validate_asq_yes",
            [SlotSet("asq_wish_dead", True), SlotSet("screen_retry", None), SlotSet("requested_slot", "asq_now")],
            [],
        ),
        # the ASQ counts a refusal as positive: the acuity question is still asked
        (
            "screen_validate_asq_skipped",
            [SlotSet("asq_wish_dead", "skipped"), SlotSet("screen_retry", None), SlotSet("requested_slot", "asq_now")],
            [],
        ),
        # a yes to "right now" ends the form at once; the result action gives the crisis response
        (
            "screen_validate_asq_now_yes",
            [SlotSet("asq_now", True), SlotSet("screen_retry", None), SlotSet("requested_slot", None)],
            [],
        ),
        # unreadable twice after a yes: treated as acute, and no "I'll skip that one" before the crisis lines
        (
            "screen_validate_asq_now_unreadable_twice",
            [SlotSet("asq_now", "skipped"), SlotSet("screen_retry", None), SlotSet("requested_slot", None)],
            [],
        ),
        (
            "screen_validate_unreadable_once",
            [
                SlotSet("use_frequency", None),
                SlotSet("screen_retry", "use_frequency"),
                SlotSet("requested_slot", "use_frequency"),
            ],
            [{"response": "utter_screen_not_understood"}],
        ),
        (
            "screen_validate_unreadable_twice",
            [
                SlotSet("use_frequency", "skipped"),
                SlotSet("screen_retry", None),
                SlotSet("requested_slot", "outpatient_failed"),
            ],
            [{"response": "utter_screen_skipping"}],
        ),
        # the last question for standard outpatient: the schedule is about IOP's hours, not asked
        (
            "screen_validate_skip",
            [SlotSet("home_safe", "skipped"), SlotSet("screen_retry", None), SlotSet("requested_slot", None)],
            [],
        ),
        (
            "screen_validate_last",
            [SlotSet("can_attend", "evenings"), SlotSet("screen_retry", None), SlotSet("requested_slot", None)],
            [],
        ),
    ],
)
async def test_validation(fixture, events, messages, dispatcher, tracker_from, domain):
    assert await ValidateScreenForm().run(dispatcher, tracker_from(fixture), domain) == events
    assert shown(dispatcher) == messages


# -- asking -------------------------------------------------------------------------
async def test_the_first_question_comes_after_the_introduction(dispatcher, tracker_from, domain):
    events = await ASK_ACTIONS["screen_for"]().run(dispatcher, tracker_from("screen_ask_start"), domain)
    assert events == []
    assert shown(dispatcher) == [
        {"response": "utter_screen_intro"},
        {"text": question_text("screen_for", None, None), "buttons": buttons("screen_for")},
    ]


async def test_after_a_bare_yes_to_the_health_question_the_screen_asks_which(dispatcher, tracker_from, domain):
    tracker = tracker_from("screen_validate_which")  # screen_retry says a bare yes came before
    assert await ASK_ACTIONS["withdrawal"]().run(dispatcher, tracker, domain) == []
    assert shown(dispatcher) == [
        {
            "text": "Thank you for telling me. Which was it: withdrawal signs (shakes, sweats, seeing things, "
            "a seizure), a medical condition that needs daily care, or both?",
            "buttons": buttons("withdrawal:which"),
        },
        # the answer may still speak of a seizure: the net is told it is history, as for the question itself
        {"custom": {"screen_question": "withdrawal"}},
    ]


async def test_after_a_question_in_the_middle_the_screen_picks_up_where_it_was(dispatcher, tracker_from, domain):
    events = await ASK_ACTIONS["asq_wish_dead"]().run(dispatcher, tracker_from("screen_ask_resume"), domain)
    assert events == []
    assert shown(dispatcher) == [
        {"response": "utter_screen_resume"},
        {
            "text": "This next question is one I ask everyone. In the past few weeks, have you wished you were "
            "dead, or had thoughts of killing yourself?",
            "buttons": [
                {"title": "Yes", "payload": "yes"},
                {"title": "No", "payload": "no"},
                {"title": "Not sure", "payload": "not sure"},
            ],
        },
        # for the gateway's safety net, never shown: the next message answers the ASQ
        {"custom": {"screen_question": "asq_wish_dead"}},
    ]


async def test_questions_about_a_teenage_loved_one(dispatcher, tracker_from, domain):
    events = await ASK_ACTIONS["can_attend"]().run(dispatcher, tracker_from("screen_ask_teen_loved_one"), domain)
    assert events == []
    assert shown(dispatcher) == [
        {
            "text": "If it's suggested, could your loved one make about 6 hours a week for sessions, "
            "for example after school?",
            "buttons": [
                {"title": "Yes", "payload": "yes"},
                {"title": "No", "payload": "no"},
                {"title": "Not sure", "payload": "not sure"},
            ],
        }
    ]


def test_every_question_has_an_ask_action_in_the_domain(domain):
    for slot, action in ASK_ACTIONS.items():
        assert action().name() == f"action_ask_{slot}"
        assert f"action_ask_{slot}" in domain["actions"]
    assert list(domain["forms"]["screen_form"]["required_slots"]) == list(ASK_ACTIONS)


# -- the result ---------------------------------------------------------------------
IOP_ANSWERS = {
    "screen_for": "self",
    "screen_age": "adult",
    "asq_wish_dead": False,
    "asq_now": None,
    "withdrawal": False,
    "medical_daily_care": False,
    "phq_interest": 0,
    "phq_mood": 1,
    "unmanageable": False,
    "use_frequency": "daily",
    "outpatient_failed": True,
    "home_safe": True,
    "can_attend": "mornings",
}


async def test_result_with_an_offer_to_follow(full_profile, dispatcher, tracker_from, domain):
    events = await ActionScreenResult().run(dispatcher, tracker_from("screen_result_iop"), domain)
    result = {
        "level": "iop",
        "reasons": ["using every day or most days", "counselling or support groups alone have not been enough"],
        "flags": [],
        "answers": IOP_ANSWERS,
    }
    assert events == [SlotSet("screen_result", result), SlotSet("screen_outcome", "suggested")]
    assert shown(dispatcher) == [
        {
            "text": "Based on these answers, the care that may fit you best is an Intensive Outpatient Program (IOP)."
            "\n\nWhy: using every day or most days; counselling or support groups alone have not been enough."
            "\n\nWhat it means: About 9 hours a week of group and one-to-one sessions, over 3 or more days, "
            "while you live at home."
            "\n\nAt Test Valley IOP: Morning track: Mon, Wed, Fri, 9am-12pm; Evening track: Tue, Thu, 6pm-9pm."
            "\n\nA clinician will confirm this with you: it's a suggestion, not a diagnosis."
        },
        {"custom": {"screen_result": result}},
    ]


async def test_result_for_a_teen_shows_the_teen_track(full_profile, dispatcher, tracker_from, domain):
    events = await ActionScreenResult().run(dispatcher, tracker_from("screen_result_teen"), domain)
    result = events[0]["value"]
    assert result["level"] == "iop"
    assert result["flags"] == ["adolescent", "co_occurring", "schedule_conflict"]
    assert "readiness" not in result["answers"]  # the clinician asks it at intake
    text = shown(dispatcher)[0]["text"]
    assert "may fit your loved one best" in text and "About 6 hours a week" in text
    assert "Test Valley IOP runs a track for teens" in text
    assert "If those hours are hard to fit" in text
    assert events[1] == SlotSet("screen_outcome", "suggested")


async def test_recent_thoughts_of_suicide_bring_a_priority_follow_up(full_profile, dispatcher, tracker_from, domain):
    events = await ActionScreenResult().run(dispatcher, tracker_from("screen_result_priority"), domain)
    assert events[1] == SlotSet("screen_outcome", "priority")
    result = events[0]["value"]
    assert result["flags"] == ["asq_non_acute"]
    messages = shown(dispatcher)
    assert [list(m) for m in messages] == [["text"], ["custom"], ["response"], ["custom"]]
    assert messages[1] == {"custom": {"screen_result": result}}
    assert messages[2] == {"response": "utter_screen_priority_follow_up"}
    answers = result["answers"]
    assert messages[3] == {
        "custom": {
            "handoff": {
                "reason": "Screen: thoughts of suicide in the past few weeks, not right now; priority follow-up.",
                "priority": "urgent",
                "summary": summary_for_staff(suggest_level(answers), answers),
            },
            "screen_result": result,
        }
    }


async def test_thoughts_of_suicide_right_now_get_the_crisis_response_first(
    full_profile, dispatcher, tracker_from, domain
):
    from core.wording import crisis_reply

    events = await ActionScreenResult().run(dispatcher, tracker_from("screen_result_crisis"), domain)
    answers = {q: None for q in IOP_ANSWERS} | {
        "screen_for": "other",
        "screen_age": "adult",
        "asq_wish_dead": True,
        "asq_now": True,
    }
    result = {"level": None, "reasons": ["thoughts of suicide right now"], "flags": ["asq_acute"], "answers": answers}
    assert events == [SlotSet("screen_result", result), SlotSet("screen_outcome", "crisis")]
    assert shown(dispatcher) == [
        {"text": crisis_reply(about_other=True)},
        {
            "custom": {
                "handoff": {
                    "reason": "Crisis: during the screen, thoughts of suicide right now (ASQ acuity question).",
                    "priority": "crisis",
                    "summary": summary_for_staff(suggest_level(answers), answers),
                },
                "screen_result": result,
            }
        },
    ]


async def test_reset_clears_every_answer(dispatcher, tracker_from, domain):
    events = await ActionResetScreen().run(dispatcher, tracker_from("screen_result_iop"), domain)
    assert events == [SlotSet(q, None) for q in list(IOP_ANSWERS) + ["screen_retry", "screen_result", "screen_outcome"]]
    assert dispatcher.messages == []


# -- the handoff after a yes to intake carries the same summary -----------------------
async def test_intake_handoff_carries_the_screen_summary(full_profile, dispatcher, tracker_from, domain):
    events = await ActionRequestHandoff().run(dispatcher, tracker_from("screen_handoff_after_intake"), domain)
    assert events == []
    tracker = tracker_from("screen_handoff_after_intake")
    result = tracker.get_slot("screen_result")
    payload = shown(dispatcher)[-1]["custom"]
    assert payload["screen_result"] == result
    handoff = payload["handoff"]
    assert handoff["reason"] == "Visitor asked to talk with intake staff after the screen."
    assert handoff["priority"] == "normal"
    assert handoff["summary"].startswith(summary_for_staff(suggest_level(result["answers"]), result["answers"]))


async def test_a_question_in_the_middle_of_the_screen_is_answered_and_not_read_as_an_answer(
    full_profile, dispatcher, tracker_from, domain
):
    tracker = tracker_from("screen_question_in_the_middle")
    assert read_answer("outpatient_failed", "what does outpatient mean?", dispatcher, tracker, domain) == {
        "outpatient_failed": None
    }
    # the answer to the question, and no "sorry, I didn't follow"; the form asks its own question again
    [answer] = shown(dispatcher)
    assert answer["text"].startswith(domain["responses"]["utter_faq/vs_outpatient"][0]["text"][:40])


async def test_an_answer_that_names_a_service_fills_the_slot(dispatcher, tracker_from):
    tracker = tracker_from("screen_faq_that_is_an_answer")
    text = tracker.latest_message["text"]
    assert read_answer("outpatient_failed", text, dispatcher, tracker) == {
        "outpatient_failed": True,
        "screen_retry": None,
    }


def test_questions_that_cannot_change_the_suggestion_are_not_asked():
    base = {"screen_for": "self", "screen_age": "adult", "asq_wish_dead": False}
    withdrawal = remaining_questions({**base, "withdrawal": True})
    assert not {"unmanageable", "use_frequency", "outpatient_failed"} & set(withdrawal)
    # what raises a flag for the clinician is still asked
    assert {"phq_interest", "phq_mood", "home_safe"} <= set(withdrawal)
    daily = remaining_questions({**base, "withdrawal": False, "medical_daily_care": False, "use_frequency": "daily"})
    assert "outpatient_failed" not in daily and "unmanageable" in daily
    assert "outpatient_failed" in remaining_questions({**base, "use_frequency": "weekly"})
    # life made unmanageable already means PHP: how often, or whether outpatient care failed, cannot raise it
    unmanageable = remaining_questions({**base, "withdrawal": False, "medical_daily_care": False, "unmanageable": True})
    assert not {"use_frequency", "outpatient_failed"} & set(unmanageable)
    assert "home_safe" in set(unmanageable)


def test_who_and_age_are_asked_together():
    options = dict(question_options("screen_for"))
    assert [PARSERS["screen_age"](payload) for payload in options.values()] == ["adult", "minor", "adult", "minor"]


# -- which questions are asked, and how many --------------------------------------------
QUIET_SLOTS = {
    "screen_for": "self",
    "screen_age": "adult",
    "asq_wish_dead": False,
    "withdrawal": False,
    "medical_daily_care": False,
    "phq_interest": 0,
    "phq_mood": 0,
    "unmanageable": False,
    "use_frequency": "less",
    "outpatient_failed": False,
    "home_safe": True,
}


@pytest.mark.parametrize(
    "answers, asked",
    [
        ({}, False),  # standard outpatient
        ({"use_frequency": "daily"}, True),  # IOP: its hours are what the question is about
        ({"outpatient_failed": True}, True),
        ({"use_frequency": "daily", "screen_age": "minor"}, True),
        ({"unmanageable": True}, False),  # PHP
        ({"home_safe": False, "use_frequency": "daily"}, False),  # residential
        ({"withdrawal": True, "use_frequency": "daily"}, False),  # inpatient
        ({"medical_daily_care": True}, False),
        # after thoughts of suicide in the past weeks, or no answer to that, the clinician who follows up asks it
        ({"asq_wish_dead": True, "asq_now": False, "use_frequency": "daily"}, False),
        ({"asq_wish_dead": "skipped", "asq_now": False, "use_frequency": "daily"}, False),
    ],
)
def test_the_schedule_is_asked_only_for_iop(answers, asked):
    assert ("can_attend" in remaining_questions({**QUIET_SLOTS, **answers})) is asked


def test_readiness_is_not_asked():
    assert "readiness" not in remaining_questions({})
    assert "readiness" not in ASK_ACTIONS


def questions_asked(answers):
    """The questions a visitor is asked who answers `answers`, in order, as the form asks them."""
    slots, asked = {}, []
    while True:
        left = [q for q in remaining_questions(slots) if slots.get(q) is None]
        if not left:
            return asked
        question = left[0]
        asked.append(question)
        assert asked.count(question) == 1, f"{question} asked twice"
        if question == "screen_for":  # the buttons, or "my son, he's 16", answer who and age at once
            slots["screen_age"] = answers["screen_age"]
        if question == "withdrawal":  # one question, both slots
            slots["medical_daily_care"] = answers["medical_daily_care"]
        slots[question] = answers[question]


def every_screen():
    import itertools

    choices = {
        "screen_for": ["self"],  # for whom changes the words, not which questions
        "screen_age": ["adult", "minor"],
        "asq": [(False, None), (True, False), (True, True), ("skipped", False)],
        "health": [(False, False), (True, False), (False, True), ("skipped", "skipped")],
        "phq": [(0, 0), (3, 3)],
        "unmanageable": [False, True, "unsure"],
        "use_frequency": ["daily", "weekly", "none"],
        "outpatient_failed": [False, True],
        "home_safe": [True, False],
        "can_attend": [True, False],
    }
    for combo in itertools.product(*choices.values()):
        c = dict(zip(choices, combo))
        (wish, now), (withdrawal, medical), (interest, mood) = c.pop("asq"), c.pop("health"), c.pop("phq")
        yield {
            **c,
            "asq_wish_dead": wish,
            "asq_now": now,
            "withdrawal": withdrawal,
            "medical_daily_care": medical,
            "phq_interest": interest,
            "phq_mood": mood,
        }


def test_no_screen_asks_more_than_ten_questions():
    counts = [len(questions_asked(answers)) for answers in every_screen()]
    assert max(counts) == 10
    # every answer "no": nine
    assert questions_asked({**QUIET_SLOTS, "asq_now": None, "can_attend": None}) == [
        "screen_for",
        "asq_wish_dead",
        "withdrawal",
        "phq_interest",
        "phq_mood",
        "unmanageable",
        "use_frequency",
        "outpatient_failed",
        "home_safe",
    ]


REST = ["phq_interest", "phq_mood", "unmanageable", "use_frequency", "outpatient_failed", "home_safe"]


@pytest.mark.parametrize(
    "answers, asked",
    [
        # thoughts of suicide in the past weeks, not now; weekly use after counselling that did not hold: IOP
        (
            {"asq_wish_dead": True, "asq_now": False, "use_frequency": "weekly", "outpatient_failed": True},
            ["screen_for", "asq_wish_dead", "asq_now", "withdrawal"] + REST,
        ),
        # the same without thoughts of suicide: the schedule instead of the acuity question
        (
            {"use_frequency": "weekly", "outpatient_failed": True},
            ["screen_for", "asq_wish_dead", "withdrawal"] + REST + ["can_attend"],
        ),
    ],
)
def test_the_longest_screens_ask_ten(answers, asked):
    assert questions_asked({**QUIET_SLOTS, "asq_now": None, "can_attend": True, **answers}) == asked


@pytest.mark.parametrize(
    "text, values",
    [
        # a yes again without saying which: withdrawal, the half whose risk is worse to miss
        ("yes", {"withdrawal": True, "medical_daily_care": "skipped", "screen_retry": None}),
        ("both", {"withdrawal": True, "medical_daily_care": True, "screen_retry": None}),
        ("the first one", {"withdrawal": True, "medical_daily_care": False, "screen_retry": None}),
    ],
)
def test_the_answer_to_which_fills_both_halves(text, values, dispatcher, tracker_from):
    assert read_answer("withdrawal", text, dispatcher, tracker_from("screen_validate_which")) == values


def test_skipping_the_health_question_skips_both_halves(dispatcher, tracker_from):
    assert read_answer("withdrawal", "skip", dispatcher, tracker_from("screen_validate_yes")) == {
        "withdrawal": "skipped",
        "medical_daily_care": "skipped",
        "screen_retry": None,
    }
