"""The screen's words: questions, options, the result and the staff summary.

Questions are worded for "you" or for "your loved one". The result is
written for someone who may be frightened: the suggestion in plain words, why,
what it means for their week, and that a clinician confirms it. It is a
suggestion, never a diagnosis or a placement. Facts about this program
(its schedule) come in from the profile as `schedule_text`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from actions import screen_scoring as s
from actions.screen_scoring import Suggestion
from core.care_levels import SHORT_NAMES

YES_NO: List[Tuple[str, str]] = [("Yes", "yes"), ("No", "no"), ("Not sure", "not sure")]

# Button payloads are plain words the form reads like typed ones; on SMS the
# gateway turns them into "Reply 1 for ...", so labels stay short.
OPTIONS: Dict[str, List[Tuple[str, str]]] = {
    # Who and how old in one answer: the age question is asked only when this one did not say.
    "screen_for": [
        ("Me (18+)", "me, 18 or older"),
        ("Me (under 18)", "me, under 18"),
        ("Someone else (18+)", "someone i care about, 18 or older"),
        ("Someone else (under 18)", "someone i care about, under 18"),
    ],
    "screen_age": [("18 or older", "18 or older"), ("Under 18", "under 18")],
    "asq_wish_dead": YES_NO,
    "asq_now": YES_NO,
    # One question about withdrawal signs and daily medical care (both mean medical care first).
    "withdrawal": [
        ("Withdrawal signs", "withdrawal signs"),
        ("Daily medical care", "daily medical care"),
        ("Both", "both"),
        ("Neither", "neither"),
        ("Not sure", "not sure"),
    ],
    # After a yes that did not say which.
    "withdrawal:which": [
        ("Withdrawal signs", "withdrawal signs"),
        ("Daily medical care", "daily medical care"),
        ("Both", "both"),
    ],
    "medical_daily_care": YES_NO,
    "phq_interest": [
        ("Not at all", "not at all"),
        ("Several days", "several days"),
        ("More than half the days", "more than half the days"),
        ("Nearly every day", "nearly every day"),
    ],
    "unmanageable": YES_NO,
    "use_frequency": [
        ("Daily or most days", "every day"),
        ("Every week", "every week"),
        ("Less often", "less often"),
        ("Not in 30 days", "not in the last 30 days"),
    ],
    "outpatient_failed": YES_NO,
    "home_safe": YES_NO,
    "can_attend": [
        ("Yes, mornings", "mornings"),
        ("Yes, evenings", "evenings"),
        ("Yes, either", "either works"),
        ("No", "no"),
    ],
}
OPTIONS["phq_mood"] = OPTIONS["phq_interest"]
TEEN_CAN_ATTEND = YES_NO


def question_options(slot: str, screen_age: Optional[str] = None) -> List[Tuple[str, str]]:
    """(label, payload) pairs offered with a question."""
    if slot == "can_attend" and screen_age == "minor":
        return list(TEEN_CAN_ATTEND)
    return list(OPTIONS.get(slot, []))


# (for "you", for "your loved one")
QUESTIONS: Dict[str, Tuple[str, str]] = {
    "screen_for": (
        "First, are these questions about you, or about someone you care about? And how old are you (or they)?",
        "First, are these questions about you, or about someone you care about? And how old are you (or they)?",
    ),
    "screen_age": (
        "Are you 18 or older? You can also just tell me your age.",
        "Is your loved one 18 or older? You can also just tell me their age.",
    ),
    "asq_wish_dead": (
        "This next question is one I ask everyone. In the past few weeks, have you wished you were dead, "
        "or had thoughts of killing yourself?",
        "This next question is one I ask everyone. In the past few weeks, has your loved one wished they were "
        "dead, or had thoughts of killing themselves, as far as you know?",
    ),
    "asq_now": (
        "Thank you for telling me. You can call or text 988 any time, day or night, to talk with someone. "
        "Are you having thoughts of killing yourself right now?",
        "Thank you for telling me. You or they can call or text 988 any time, day or night. "
        "Do you think your loved one is having thoughts of killing themselves right now?",
    ),
    "withdrawal": (
        "When you cut down or stop drinking or using, do you get shakes, sweats, or see or hear things that "
        "aren't there? Any seizures or DTs, ever? Or a medical condition needing a nurse or doctor every day?",
        "When your loved one cuts down or stops drinking or using, do they get shakes, sweats, or see or hear "
        "things that aren't there? Any seizures or DTs, ever? Or a medical condition needing a nurse or doctor "
        "every day?",
    ),
    "withdrawal:which": (
        "Thank you for telling me. Which was it: withdrawal signs (shakes, sweats, seeing things, a seizure), "
        "a medical condition that needs daily care, or both?",
        "Thank you for telling me. Which was it: withdrawal signs (shakes, sweats, seeing things, a seizure), "
        "a medical condition that needs daily care, or both?",
    ),
    "medical_daily_care": (
        "Do you have a medical condition that needs a nurse or doctor every day?",
        "Does your loved one have a medical condition that needs a nurse or doctor every day?",
    ),
    "phq_interest": (
        "Over the last two weeks, how often have you had little interest or pleasure in doing things?",
        "Over the last two weeks, how often has your loved one seemed to have little interest or pleasure "
        "in doing things?",
    ),
    "phq_mood": (
        "And how often have you felt down, depressed or hopeless?",
        "And how often have they seemed down, depressed or hopeless?",
    ),
    "unmanageable": (
        "Right now, do your mood or your drinking or drug use make daily life feel unmanageable, "
        "like work, school or looking after yourself?",
        "Right now, does their mood or their drinking or drug use make daily life unmanageable for them, "
        "like work, school or looking after themselves?",
    ),
    "use_frequency": (
        "How often are you drinking or using drugs these days?",
        "How often is your loved one drinking or using drugs these days?",
    ),
    "outpatient_failed": (
        "Have you tried counselling or support groups before, and still couldn't cut down or stay stopped?",
        "Has your loved one tried counselling or support groups before, and still couldn't cut down or stay stopped?",
    ),
    "home_safe": (
        "Is home a safe place for you to recover: no one drinking or using there, and no violence?",
        "Is home a safe place for them to recover: no one drinking or using there, and no violence?",
    ),
    "can_attend": (
        "If it's suggested, could you make about 9 hours a week for sessions, in the mornings or the evenings?",
        "If it's suggested, could your loved one make about 9 hours a week for sessions, in the mornings "
        "or the evenings?",
    ),
}
TEEN_CAN_ATTEND_QUESTION = (
    "If it's suggested, could you make about 6 hours a week for sessions, for example after school?",
    "If it's suggested, could your loved one make about 6 hours a week for sessions, for example after school?",
)


def _about_other(screen_for: Optional[str]) -> bool:
    return screen_for == "other"


def question_text(slot: str, screen_for: Optional[str], screen_age: Optional[str]) -> str:
    """The question for a slot, for "you" or for "your loved one"."""
    pair = TEEN_CAN_ATTEND_QUESTION if slot == "can_attend" and screen_age == "minor" else QUESTIONS[slot]
    return pair[1] if _about_other(screen_for) else pair[0]


# -- the result ----------------------------------------------------------------
LEVEL_NAMES: Dict[str, str] = {
    s.OUTPATIENT: "standard outpatient care",
    s.IOP: "an Intensive Outpatient Program (IOP)",
    s.PHP: "a Partial Hospitalization Program (PHP)",
    s.RESIDENTIAL: "residential treatment",
    s.INPATIENT: "inpatient care",
}


def level_name(suggestion: Suggestion) -> str:
    if suggestion.level == s.INPATIENT and s.WITHDRAWAL in suggestion.flags and s.MEDICAL not in suggestion.flags:
        return "medically managed withdrawal (detox)"
    return LEVEL_NAMES[suggestion.level]


def level_meaning(suggestion: Suggestion, other: bool) -> str:
    """What the level means for a week, in a sentence or two."""
    you, your = ("they", "their") if other else ("you", "your")
    minor = s.ADOLESCENT in suggestion.flags
    level = suggestion.level
    if level == s.OUTPATIENT:
        return f"Counselling of about 1 to 2 hours a week, while {you} keep up with work, school and home."
    if level == s.IOP:
        hours = "6" if minor else "9"
        return (
            f"About {hours} hours a week of group and one-to-one sessions, over 3 or more days, "
            f"while {you} live at home."
        )
    if level == s.PHP:
        return "Treatment most of the day, 20 hours a week or more, going home in the evening."
    if level == s.RESIDENTIAL:
        text = "Living at a treatment center for a while, with support day and night."
        if s.SOBER_HOUSING in suggestion.flags:
            text += " Another option can be IOP while living in sober housing."
        return text
    if s.WITHDRAWAL in suggestion.flags:
        return (
            "Withdrawal can be dangerous, so care starts with a few days of detox with doctors and nurses, "
            "then steps down, for example to IOP. If a seizure or confusion happens, call 911."
        )
    return f"Care in a hospital or similar setting, with doctors and nurses looking after {your} health day and night."


def format_result(
    suggestion: Suggestion,
    screen_for: Optional[str],
    screen_age: Optional[str],
    schedule_text: Optional[str],
) -> str:
    """The result, short enough to read in 20 seconds."""
    other = _about_other(screen_for)
    if suggestion.level is None:  # the screen stopped for the crisis response
        return ""
    whom = "your loved one" if other else "you"
    lines = [f"Based on these answers, the care that may fit {whom} best is {level_name(suggestion)}."]
    why = [r for r in suggestion.reasons if r in s.LEVEL_REASONS or r == s.R_MOOD]
    if why:
        lines.append("Why: " + "; ".join(why) + ".")
    lines.append("What it means: " + level_meaning(suggestion, other))
    if suggestion.level == s.IOP:
        if schedule_text:
            lines.append(schedule_text)
        if s.SCHEDULE_CONFLICT in suggestion.flags:
            lines.append("If those hours are hard to fit, intake staff can talk through other options with you.")
    elif suggestion.level != s.OUTPATIENT:
        lines.append("Our intake staff can help you find this kind of care.")
    if s.INCOMPLETE in suggestion.flags:
        lines.append("Some questions were skipped; a clinician will ask about them.")
    if s.ASQ_UNANSWERED in suggestion.flags:
        lines.append("If things ever feel unsafe, call or text 988, or call 911 in an emergency.")
    lines.append(
        f"A clinician will confirm this with {'you and your loved one' if other else 'you'}: "
        "it's a suggestion, not a diagnosis."
    )
    return "\n\n".join(lines)


# -- for staff -----------------------------------------------------------------
ANSWER_LABELS: Tuple[Tuple[str, str], ...] = (
    ("asq_wish_dead", "ASQ, past weeks: wished dead / thoughts of killing self"),
    ("asq_now", "ASQ acuity, right now"),
    ("withdrawal", "withdrawal signs when cutting down"),
    ("medical_daily_care", "medical condition needing daily care"),
    ("phq_interest", "PHQ-2 interest (0-3)"),
    ("phq_mood", "PHQ-2 mood (0-3)"),
    ("unmanageable", "daily life unmanageable"),
    ("use_frequency", "use now"),
    ("outpatient_failed", "outpatient tried, could not cut down"),
    ("home_safe", "home safe to recover"),
    ("can_attend", "can attend IOP hours"),
)
# Asked by the clinician who calls back, not by the screen.
AT_INTAKE = "readiness to change (0-10): ask at intake"
FLAG_NOTES: Dict[str, str] = {
    s.ASQ_ACUTE: "ASQ ACUTE: crisis response given, screen stopped",
    s.ASQ_NON_ACUTE: "ASQ non-acute positive: priority follow-up",
    s.ASQ_UNANSWERED: "ASQ not answered",
    s.WITHDRAWAL: "withdrawal risk",
    s.MEDICAL: "daily medical care",
    s.CO_OCCURRING: "co-occurring: PHQ-2 {phq2}",
    s.SOBER_HOUSING: "home not safe: residential, or IOP in sober housing",
    s.ADOLESCENT: "under 18",
    s.SCHEDULE_CONFLICT: "cannot attend IOP hours",
    s.INCOMPLETE: "incomplete",
}


def _shown(value: Any) -> str:
    if value is None:
        return "not answered"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def summary_for_staff(suggestion: Suggestion, answers: Mapping[str, Any]) -> str:
    """A few lines for the handoff: the suggestion, the flags, every answer."""
    answers = answers or {}
    who = "loved one" if answers.get("screen_for") == "other" else "self"
    age = {"minor": "under 18", "adult": "adult"}.get(answers.get("screen_age"), "age not given")
    if suggestion.level is None:
        head = "Screen stopped at the suicide-risk questions (ASQ): crisis response given."
    else:
        head = f"Screen: suggested level {SHORT_NAMES[suggestion.level]} (to be confirmed by a clinician)."
    lines = [head, f"About: {who}, {age}."]
    if suggestion.flags:
        phq2 = s.phq2_score(answers)
        notes = [FLAG_NOTES.get(f, f).format(phq2=phq2) for f in suggestion.flags]
        lines.append("Flags: " + "; ".join(notes) + ".")
    lines.append("Reasons: " + "; ".join(suggestion.reasons) + ".")
    shown = [
        f"{label}: {_shown(answers.get(key))}"
        for key, label in ANSWER_LABELS
        if key != "asq_now" or answers.get("asq_wish_dead") is not False
        # the schedule question is about IOP's hours, and asked only when IOP is suggested
        if key != "can_attend" or answers.get(key) is not None or suggestion.level == s.IOP
    ]
    lines.append("Answers: " + " | ".join(shown + [AT_INTAKE]) + ".")
    return "\n".join(lines)
