"""The screen's words: questions for "you" and "your loved one", options, result, summary."""

import re

import pytest

from actions import screen_scoring as s
from actions.answer_parsing import SKIP, UNREADABLE
from actions.screen import PARSERS, QUESTIONS
from actions.screen_messages import (
    format_result,
    question_options,
    question_text,
    summary_for_staff,
)
from actions.screen_scoring import suggest_level

SCHEDULE = "At Test Valley IOP: Evenings: Monday to Thursday, 6pm to 9pm."
TEENS = "Test Valley IOP runs a track for teens: Tuesday and Thursday, 4pm to 7pm."
QUIET = {
    "screen_for": "self",
    "screen_age": "adult",
    "asq_wish_dead": False,
    "asq_now": None,
    "withdrawal": False,
    "medical_daily_care": False,
    "phq_interest": 0,
    "phq_mood": 1,
    "unmanageable": False,
    "use_frequency": "weekly",
    "outpatient_failed": False,
    "home_safe": True,
    "can_attend": True,
}
BANNED = ("diagnosed", "you have a", "asam", "placement", "guarantee", "will be admitted", "addict")


def words(text):
    return len(text.split())


@pytest.mark.parametrize("slot", QUESTIONS)
def test_every_question_is_worded_for_you_and_for_a_loved_one(slot):
    mine = question_text(slot, "self", "adult")
    theirs = question_text(slot, "other", "adult")
    assert "?" in mine and "?" in theirs
    if slot != "screen_for":
        assert mine != theirs
        assert re.search(r"\byour loved one\b|\bthey\b|\btheir\b|\bthem\b", theirs)
        assert not re.search(r"\byou (are|have|feel|get|cut)\b|\byourself\b", theirs)
    assert words(mine) <= 40 and words(theirs) <= 40


def test_an_unknown_audience_is_asked_as_you():
    assert question_text("withdrawal", None, None) == question_text("withdrawal", "self", "adult")


def test_hours_follow_age():
    assert "9 hours" in question_text("can_attend", "self", "adult")
    assert "6 hours" in question_text("can_attend", "other", "minor")
    assert "6 hours" in question_text("can_attend", "self", "minor")


def test_asq_is_asked_plainly_and_gently():
    assert "thoughts of killing yourself" in question_text("asq_wish_dead", "self", "adult")
    assert "right now" in question_text("asq_now", "self", "adult")
    assert "killing themselves right now" in question_text("asq_now", "other", "minor")


@pytest.mark.parametrize("slot", QUESTIONS)
@pytest.mark.parametrize("age", ["adult", "minor"])
def test_every_button_is_short_and_its_payload_reads_as_an_answer(slot, age):
    for label, payload in question_options(slot, age):
        assert len(label) <= 24, label  # "Reply 1 for ..." on SMS
        assert not payload.startswith("/"), "payloads are words the form reads"
        assert PARSERS[slot](payload) is not UNREADABLE, payload


def test_not_sure_skips():
    assert PARSERS["withdrawal"]("not sure") is SKIP


def test_readiness_is_left_to_the_clinician():
    assert "readiness" not in QUESTIONS
    summary = summary_for_staff(suggest_level(QUIET), QUIET)
    assert "readiness to change (0-10): ask at intake" in summary


def test_the_schedule_is_not_listed_for_staff_when_it_was_not_asked():
    answers = {**QUIET, "can_attend": None}
    assert "can attend IOP hours" not in summary_for_staff(suggest_level(answers), answers)
    iop = {**answers, "use_frequency": "daily"}
    assert "can attend IOP hours: not answered" in summary_for_staff(suggest_level(iop), iop)


def test_the_which_question_offers_only_the_two_halves_and_both():
    assert [payload for _, payload in question_options("withdrawal:which")] == [
        "withdrawal signs",
        "daily medical care",
        "both",
    ]


def test_teens_are_not_offered_mornings():
    labels = [label for label, _ in question_options("can_attend", "minor")]
    assert not any("morning" in label.lower() for label in labels)


# -- the result -------------------------------------------------------------------
CASES = {
    "outpatient": ({}, "standard outpatient care", "1 to 2 hours a week"),
    "iop": ({"use_frequency": "daily"}, "Intensive Outpatient Program (IOP)", "About 9 hours a week"),
    "php": ({"unmanageable": True}, "Partial Hospitalization Program (PHP)", "20 hours a week or more"),
    "residential": ({"home_safe": False}, "residential treatment", "IOP while living in sober housing"),
    "detox": ({"withdrawal": True}, "medically managed withdrawal (detox)", "call 911"),
    "inpatient": ({"medical_daily_care": True}, "inpatient care", "doctors and nurses"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_result_says_level_reasons_week_and_clinician_in_20_seconds(case):
    changes, name, meaning = CASES[case]
    suggestion = suggest_level({**QUIET, **changes})
    text = format_result(suggestion, "self", "adult", SCHEDULE)
    assert name in text
    assert meaning in text
    for reason in suggestion.reasons:
        assert reason in text
    assert "A clinician will confirm this with you" in text
    assert "not a diagnosis" in text
    assert words(text) <= 85, f"{words(text)} words"
    for banned in BANNED:
        assert banned not in text.lower()


def test_the_program_schedule_is_shown_with_iop_only():
    iop = suggest_level({**QUIET, "use_frequency": "daily"})
    assert SCHEDULE in format_result(iop, "self", "adult", SCHEDULE)
    php = suggest_level({**QUIET, "unmanageable": True})
    assert SCHEDULE not in format_result(php, "self", "adult", SCHEDULE)
    assert "intake staff can help you find" in format_result(php, "self", "adult", SCHEDULE)


def test_without_a_schedule_in_the_profile_nothing_is_invented():
    iop = suggest_level({**QUIET, "use_frequency": "daily"})
    text = format_result(iop, "self", "adult", None)
    assert "At " not in text and "track" not in text


def test_for_a_teenage_loved_one():
    suggestion = suggest_level(
        {**QUIET, "screen_for": "other", "screen_age": "minor", "use_frequency": "daily", "can_attend": False}
    )
    text = format_result(suggestion, "other", "minor", TEENS)
    assert "may fit your loved one best" in text
    assert "About 6 hours a week" in text and "while they live at home" in text
    assert TEENS in text
    assert "If those hours are hard to fit" in text
    assert "with you and your loved one" in text
    assert words(text) <= 100  # the longest: a teen track from the profile, and the hours that don't fit


def test_skipped_questions_and_unanswered_asq_are_mentioned():
    suggestion = suggest_level({**QUIET, "asq_wish_dead": None, "asq_now": False, "withdrawal": None})
    text = format_result(suggestion, "self", "adult", SCHEDULE)
    assert "Some questions were skipped" in text
    assert "988" in text
    assert s.R_ASQ_UNANSWERED not in text


def test_recent_thoughts_of_suicide_are_not_listed_as_a_reason_for_the_level():
    suggestion = suggest_level({**QUIET, "asq_wish_dead": True, "asq_now": False})
    assert s.R_ASQ_NON_ACUTE not in format_result(suggestion, "self", "adult", SCHEDULE)


# -- for staff -----------------------------------------------------------------------
def test_staff_summary_has_level_flags_reasons_and_every_answer():
    answers = {
        **QUIET,
        "asq_wish_dead": True,
        "asq_now": False,
        "use_frequency": "daily",
        "phq_interest": 3,
        "can_attend": "evenings",
    }
    summary = summary_for_staff(suggest_level(answers), answers)
    assert summary.splitlines() == [
        "Screen: suggested level IOP (to be confirmed by a clinician).",
        "About: self, adult.",
        "Flags: ASQ non-acute positive: priority follow-up; co-occurring: PHQ-2 4.",
        f"Reasons: {s.R_DAILY}; {s.R_MOOD}; {s.R_ASQ_NON_ACUTE}.",
        "Answers: ASQ, past weeks: wished dead / thoughts of killing self: yes | ASQ acuity, right now: no | "
        "withdrawal signs when cutting down: no | medical condition needing daily care: no | "
        "PHQ-2 interest (0-3): 3 | PHQ-2 mood (0-3): 1 | daily life unmanageable: no | use now: daily | "
        "outpatient tried, could not cut down: no | home safe to recover: yes | can attend IOP hours: evenings | "
        "readiness to change (0-10): ask at intake.",
    ]


def test_staff_summary_when_the_screen_stopped_for_a_crisis():
    answers = {"screen_for": "other", "screen_age": "minor", "asq_wish_dead": True, "asq_now": True}
    summary = summary_for_staff(suggest_level(answers), answers)
    assert summary.startswith(
        "Screen stopped at the suicide-risk questions (ASQ): crisis response given.\n"
        "About: loved one, under 18.\nFlags: ASQ ACUTE"
    )
