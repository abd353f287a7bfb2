"""The level-of-care table: every rule, every precedence, and the edges.

The expected levels and reasons are written out here rather than read from
actions/screen_scoring.RULES, so the test says what the design says.
"""

from itertools import combinations

import pytest

from actions import screen_scoring as s
from actions.screen_scoring import suggest_level

# Everything answered, nothing that points above standard outpatient.
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
    "readiness": 7,
    "can_attend": True,
}

# The design's table, one rule a row: (answer that fires it, level, reason, flags).
RULES = {
    "withdrawal": ({"withdrawal": True}, "inpatient", s.R_WITHDRAWAL, ("withdrawal",)),
    "medical": ({"medical_daily_care": True}, "inpatient", s.R_MEDICAL, ("medical",)),
    "home not safe": ({"home_safe": False}, "residential", s.R_HOME, ("sober_housing_option",)),
    "unmanageable": ({"unmanageable": True}, "php", s.R_UNMANAGEABLE, ()),
    "daily use": ({"use_frequency": "daily"}, "iop", s.R_DAILY, ()),
    "outpatient failed": ({"outpatient_failed": True}, "iop", s.R_OUTPATIENT_FAILED, ()),
}
ORDER = ["outpatient", "iop", "php", "residential", "inpatient"]
TABLE_ORDER = list(RULES)


def suggest(**changes):
    return suggest_level({**QUIET, **changes})


def test_nothing_points_higher_than_standard_outpatient():
    assert suggest() == s.Suggestion("outpatient", (s.R_NONE,), ())


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_alone(rule):
    changes, level, reason, flags = RULES[rule]
    assert suggest(**changes) == s.Suggestion(level, (reason,), flags)


@pytest.mark.parametrize("first, second", list(combinations(RULES, 2)))
def test_the_most_intensive_level_wins_and_every_reason_is_kept(first, second):
    a, b = RULES[first], RULES[second]
    result = suggest(**a[0], **b[0])
    assert result.level == max(a[1], b[1], key=ORDER.index)
    # The deciding reason first; within one level, the table's order.
    ranked = sorted(
        [a, b], key=lambda r: (-ORDER.index(r[1]), TABLE_ORDER.index(next(k for k, v in RULES.items() if v is r)))
    )
    assert result.reasons == tuple(r[2] for r in ranked)
    assert set(result.flags) == set(a[3]) | set(b[3])


def test_every_rule_at_once():
    changes = {k: v for rule in RULES.values() for k, v in rule[0].items()}
    result = suggest(**changes)
    assert result.level == "inpatient"
    assert result.reasons == (s.R_WITHDRAWAL, s.R_MEDICAL, s.R_HOME, s.R_UNMANAGEABLE, s.R_DAILY, s.R_OUTPATIENT_FAILED)
    assert result.flags == ("withdrawal", "medical", "sober_housing_option")


@pytest.mark.parametrize("frequency", ["weekly", "less", "none"])
def test_use_less_than_daily_does_not_raise_the_level(frequency):
    assert suggest(use_frequency=frequency).level == "outpatient"


@pytest.mark.parametrize("answer", ["unsure", "skipped", 1, "yes"])
def test_only_a_real_yes_fires_a_rule(answer):
    for question in ("withdrawal", "medical_daily_care", "unmanageable", "outpatient_failed"):
        assert suggest(**{question: answer}).level == "outpatient"
    assert suggest(home_safe="unsure").level == "outpatient"
    assert suggest(home_safe=0).level == "outpatient"


# -- PHQ-2: co-occurring flag at 3 or more, no change of level ---------------
@pytest.mark.parametrize(
    "interest, mood, flagged",
    [
        (0, 0, False),
        (1, 1, False),
        (2, 0, False),
        (2, 1, True),
        (1, 2, True),
        (3, 0, True),
        (3, 3, True),
        (3, None, True),
        (None, 3, True),
        (2, None, False),
        (None, None, False),
    ],
)
def test_phq2_of_3_or_more_flags_co_occurring(interest, mood, flagged):
    result = suggest(phq_interest=interest, phq_mood=mood)
    assert ("co_occurring" in result.flags) is flagged
    assert (s.R_MOOD in result.reasons) is flagged
    assert result.level == "outpatient"


def test_co_occurring_is_noted_alongside_the_level():
    result = suggest(use_frequency="daily", phq_interest=2, phq_mood=2)
    assert result == s.Suggestion("iop", (s.R_DAILY, s.R_MOOD), ("co_occurring",))


# -- ASQ ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "wish, now, level, reasons, flags",
    [
        (False, None, "outpatient", (s.R_NONE,), ()),
        (True, False, "outpatient", (s.R_NONE, s.R_ASQ_NON_ACUTE), ("asq_non_acute",)),
        (True, True, None, (s.R_ASQ_ACUTE,), ("asq_acute",)),
        # no answer on "right now" after a yes cannot rule out acute risk
        (True, None, None, (s.R_ASQ_ACUTE_UNKNOWN,), ("asq_acute",)),
        # the ASQ counts a refusal as positive: acuity is still asked
        (None, True, None, (s.R_ASQ_ACUTE,), ("asq_acute",)),
        (None, False, "outpatient", (s.R_NONE, s.R_ASQ_UNANSWERED), ("asq_unanswered",)),
        (None, None, "outpatient", (s.R_NONE, s.R_ASQ_UNANSWERED), ("asq_unanswered",)),
    ],
)
def test_asq(wish, now, level, reasons, flags):
    assert suggest(asq_wish_dead=wish, asq_now=now) == s.Suggestion(level, reasons, flags)


def test_acute_risk_stops_the_screen_whatever_else_was_said():
    result = suggest(asq_wish_dead=True, asq_now=True, withdrawal=True, home_safe=False)
    assert result == s.Suggestion(None, (s.R_ASQ_ACUTE,), ("asq_acute",))


def test_non_acute_flag_comes_with_any_level():
    result = suggest(asq_wish_dead=True, asq_now=False, withdrawal=True)
    assert result.level == "inpatient"
    assert result.flags == ("asq_non_acute", "withdrawal")
    assert result.reasons == (s.R_WITHDRAWAL, s.R_ASQ_NON_ACUTE)


# -- adolescents ----------------------------------------------------------------
def test_under_18_is_flagged_for_the_6_hour_variant():
    result = suggest(screen_age="minor", use_frequency="daily")
    assert result == s.Suggestion("iop", (s.R_DAILY,), ("adolescent",))


@pytest.mark.parametrize("rule", list(RULES))
def test_the_table_is_the_same_for_adolescents(rule):
    changes, level, reason, flags = RULES[rule]
    assert suggest(screen_age="minor", **changes) == s.Suggestion(level, (reason,), ("adolescent",) + flags)


def test_acute_risk_keeps_the_adolescent_flag():
    assert suggest(screen_age="minor", asq_wish_dead=True, asq_now=True).flags == ("asq_acute", "adolescent")


# -- schedule and readiness -----------------------------------------------------
@pytest.mark.parametrize(
    "attend, conflict",
    [(False, True), (True, False), ("mornings", False), ("evenings", False), ("unsure", False), (None, False)],
)
def test_cannot_attend_is_flagged_without_changing_the_level(attend, conflict):
    result = suggest(can_attend=attend)
    assert ("schedule_conflict" in result.flags) is conflict
    assert result.level == "outpatient"


@pytest.mark.parametrize("readiness", [0, 3, 10, None])
def test_readiness_is_only_noted(readiness):
    assert suggest(readiness=readiness) == s.Suggestion("outpatient", (s.R_NONE,), ())


# -- unanswered questions ---------------------------------------------------------
@pytest.mark.parametrize("question", s.DECIDING_QUESTIONS)
def test_an_unanswered_question_never_raises_the_level_and_is_flagged(question):
    result = suggest(**{question: None})
    assert result.level == "outpatient"
    assert result.flags == ("incomplete",)
    assert result.reasons == (s.R_NONE, s.R_INCOMPLETE)


def test_an_unanswered_question_does_not_hide_a_rule_that_fired():
    result = suggest(withdrawal=None, use_frequency="daily")
    assert result == s.Suggestion("iop", (s.R_DAILY, s.R_INCOMPLETE), ("incomplete",))


@pytest.mark.parametrize("answers", [{}, None, {q: None for q in QUIET}])
def test_nothing_answered_at_all(answers):
    assert suggest_level(answers) == s.Suggestion(
        "outpatient", (s.R_NONE, s.R_ASQ_UNANSWERED, s.R_INCOMPLETE), ("asq_unanswered", "incomplete")
    )


def test_never_called_a_diagnosis_or_a_placement():
    words = " ".join(v for k, v in vars(s).items() if k.startswith("R_")).lower()
    for banned in ("diagnos", "asam", "placement"):
        assert banned not in words


def test_questions_not_asked_because_they_could_not_change_the_level_do_not_make_it_incomplete():
    answers = {**QUIET, "unmanageable": True, "use_frequency": None, "outpatient_failed": None}
    suggestion = s.suggest_level(answers)
    assert suggestion.level == s.PHP
    assert s.INCOMPLETE not in suggestion.flags
    # a question skipped by the visitor that could have raised the level still does
    skipped = s.suggest_level({**QUIET, "unmanageable": None})
    assert s.INCOMPLETE in skipped.flags


@pytest.mark.parametrize(
    "question, answers, expected",
    [
        ("outpatient_failed", {"use_frequency": "daily"}, True),
        ("outpatient_failed", {"use_frequency": "weekly"}, False),
        ("use_frequency", {"unmanageable": True}, True),
        ("unmanageable", {"withdrawal": True}, True),
        ("unmanageable", {"use_frequency": "daily"}, False),
        # a question that raises a flag is always asked
        ("home_safe", {"withdrawal": True}, False),
        ("withdrawal", {"medical_daily_care": True}, False),
    ],
)
def test_cannot_change(question, answers, expected):
    assert s.cannot_change(question, answers) is expected
