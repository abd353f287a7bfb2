"""The level-of-care screen's rules, as one pure function.

The table is the one in the product design ("Level-of-care screen"). The
result is a *suggested* level for a clinician to confirm: never a diagnosis,
never a placement. The questions draw on instruments that are free to use:
the ASQ suicide-risk items (NIMH), PHQ-2, CAGE-AID and AUDIT-C.

Answers are the screen's slot values; a question that was skipped, could not
be read or was never asked is None (or missing). An unknown answer never
raises the level on its own: it is flagged for the clinician instead, except
on the ASQ, where not knowing is treated as the riskier answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

# From least to most intensive; a rule can only raise the level.
from core.care_levels import INPATIENT, IOP, LEVELS, OUTPATIENT, PHP, RESIDENTIAL

# Flags: facts about the answers that the result, the handoff and staff act on.
ASQ_ACUTE = "asq_acute"  # the screen stops for the crisis response
ASQ_NON_ACUTE = "asq_non_acute"  # priority follow-up, 988 offered
ASQ_UNANSWERED = "asq_unanswered"  # neither ASQ question answered yes or no
WITHDRAWAL = "withdrawal"
MEDICAL = "medical"
CO_OCCURRING = "co_occurring"  # PHQ-2 of 3 or more
SOBER_HOUSING = "sober_housing_option"  # home not safe: IOP in sober housing is the alternative
ADOLESCENT = "adolescent"  # under 18: IOP means 6 hours a week, not 9
SCHEDULE_CONFLICT = "schedule_conflict"
INCOMPLETE = "incomplete"

PHQ2_CUTOFF = 3

# Reasons are plain words a visitor reads, and they read the same whether the
# screen is about "you" or about "your loved one".
R_WITHDRAWAL = "withdrawal signs when cutting down, which need medical care"
R_MEDICAL = "a medical condition that needs a nurse or doctor every day"
R_HOME = "home is not a safe place to recover right now"
R_UNMANAGEABLE = "daily life has become unmanageable"
R_DAILY = "using every day or most days"
R_OUTPATIENT_FAILED = "counselling or support groups alone have not been enough"
R_NONE = "nothing in the answers calls for more than a few hours a week"
R_MOOD = "low mood or loss of interest on many days"
R_ASQ_NON_ACUTE = "thoughts of suicide in the past few weeks"
R_ASQ_UNANSWERED = "the questions about suicide were not answered"
R_ASQ_ACUTE = "thoughts of suicide right now"
R_ASQ_ACUTE_UNKNOWN = "thoughts of suicide in the past few weeks, and no answer about right now"
R_INCOMPLETE = "some questions were skipped; a clinician will ask about them"

# Reasons that explain the suggested level (the "why" a visitor is shown);
# the others are notes about the person that do not change the level.
LEVEL_REASONS = frozenset({R_WITHDRAWAL, R_MEDICAL, R_HOME, R_UNMANAGEABLE, R_DAILY, R_OUTPATIENT_FAILED, R_NONE})
ASQ_REASONS = frozenset({R_ASQ_NON_ACUTE, R_ASQ_UNANSWERED, R_ASQ_ACUTE, R_ASQ_ACUTE_UNKNOWN})

# The questions that decide the level or a flag; leaving one of these
# unanswered makes the suggestion incomplete.
DECIDING_QUESTIONS: Tuple[str, ...] = (
    "withdrawal",
    "medical_daily_care",
    "phq_interest",
    "phq_mood",
    "unmanageable",
    "use_frequency",
    "outpatient_failed",
    "home_safe",
)


@dataclass(frozen=True)
class Suggestion:
    """A suggested level (None when the screen ended in a crisis), why, and flags."""

    level: Optional[str]
    reasons: Tuple[str, ...]
    flags: Tuple[str, ...]


# (question, the answer that fires the rule, level reached, reason, flag),
# in the order of the design's table. Only an answer equal to the trigger
# fires: True is a yes, never a "sometimes" or an unknown.
RULES: Tuple[Tuple[str, Any, str, str, Optional[str]], ...] = (
    ("withdrawal", True, INPATIENT, R_WITHDRAWAL, WITHDRAWAL),
    ("medical_daily_care", True, INPATIENT, R_MEDICAL, MEDICAL),
    ("home_safe", False, RESIDENTIAL, R_HOME, SOBER_HOUSING),
    ("unmanageable", True, PHP, R_UNMANAGEABLE, None),
    ("use_frequency", "daily", IOP, R_DAILY, None),
    ("outpatient_failed", True, IOP, R_OUTPATIENT_FAILED, None),
)


def _fires(value: Any, trigger: Any) -> bool:
    # `1 == True` in Python; a yes must be a real yes.
    return value is trigger if isinstance(trigger, bool) else value == trigger


def rank(level: str) -> int:
    return LEVELS.index(level)


def is_acute(answers: Mapping[str, Any]) -> bool:
    """True when the screen must stop for the crisis response.

    A yes to "thoughts of killing yourself right now" is an acute positive
    (ASQ). After a yes to the first ASQ question, no answer to the acuity
    question cannot rule out acute risk, so it is treated the same way.
    """
    now = answers.get("asq_now")
    return now is True or (answers.get("asq_wish_dead") is True and now is None)


def is_minor(answers: Mapping[str, Any]) -> bool:
    return answers.get("screen_age") == "minor"


def phq2_score(answers: Mapping[str, Any]) -> Optional[int]:
    """The sum of the PHQ-2 items answered, or None if neither was."""
    items = [answers.get(q) for q in ("phq_interest", "phq_mood")]
    known = [int(v) for v in items if isinstance(v, int) and not isinstance(v, bool)]
    return sum(known) if known else None


def cannot_change(question: str, answers: Mapping[str, Any]) -> bool:
    """True when no answer to `question` could change the suggestion: every level its rules
    reach is already reached by another answer, and it raises no flag for the clinician."""
    rules = [r for r in RULES if r[0] == question]
    if not rules or any(flag for *_, flag in rules):
        return False
    reached = [rank(level) for q, trigger, level, _, _ in RULES if q != question and _fires(answers.get(q), trigger)]
    current = max(reached, default=rank(OUTPATIENT))
    return all(rank(level) <= current for _, _, level, _, _ in rules)


def asks_schedule(answers: Mapping[str, Any]) -> bool:
    """Whether the schedule question is asked: only when the suggestion so far is IOP, whose hours it is about,
    and the first suicide-risk question was answered no.

    After a yes to it (or no answer, which the ASQ counts as a yes) the acuity question was asked, and the
    clinician who follows up asks about the schedule: the screen stays within ten questions on every path.
    """
    return answers.get("asq_wish_dead") is False and suggest_level(answers).level == IOP


def unanswered(answers: Mapping[str, Any]) -> List[str]:
    """Deciding questions left without an answer that could still have changed the suggestion."""
    return [q for q in DECIDING_QUESTIONS if answers.get(q) is None and not cannot_change(q, answers)]


def _asq(answers: Mapping[str, Any]) -> Tuple[List[str], List[str]]:
    wish, now = answers.get("asq_wish_dead"), answers.get("asq_now")
    if wish is True and now is False:
        return [ASQ_NON_ACUTE], [R_ASQ_NON_ACUTE]
    if wish is None and now is not True:
        # The ASQ counts a refusal as a positive screen; the acuity question
        # is still asked, and its "no" leaves this for the clinician.
        return [ASQ_UNANSWERED], [R_ASQ_UNANSWERED]
    return [], []


def suggest_level(answers: Mapping[str, Any]) -> Suggestion:
    """The most intensive level any rule reaches, its reasons and the flags."""
    answers = answers or {}
    flags: List[str] = [ADOLESCENT] if is_minor(answers) else []

    if is_acute(answers):
        reason = R_ASQ_ACUTE if answers.get("asq_now") is True else R_ASQ_ACUTE_UNKNOWN
        return Suggestion(None, (reason,), tuple([ASQ_ACUTE] + flags))

    fired = [
        (rank(level), i, level, reason, flag)
        for i, (question, trigger, level, reason, flag) in enumerate(RULES)
        if _fires(answers.get(question), trigger)
    ]
    # Most intensive first; within a level, the table's order.
    fired.sort(key=lambda f: (-f[0], f[1]))
    level = fired[0][2] if fired else OUTPATIENT
    reasons = [f[3] for f in fired] or [R_NONE]
    flags += [f[4] for f in fired if f[4]]

    score = phq2_score(answers)
    if score is not None and score >= PHQ2_CUTOFF:
        flags.append(CO_OCCURRING)
        reasons.append(R_MOOD)

    asq_flags, asq_reasons = _asq(answers)
    flags = asq_flags + flags
    reasons += asq_reasons

    if answers.get("can_attend") is False:
        flags.append(SCHEDULE_CONFLICT)
    if unanswered(answers):
        flags.append(INCOMPLETE)
        reasons.append(R_INCOMPLETE)
    return Suggestion(level, tuple(reasons), tuple(flags))
