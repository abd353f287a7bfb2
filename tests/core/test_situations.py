"""Which situation is acknowledged before a safety check (table-driven)."""

import pytest

from core.situations import situation_behind


def ranked(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


@pytest.mark.parametrize(
    "ranking, expected",
    [
        (ranked(("check_safety", 1.0), ("loved_one", 0.6), ("crisis", 0.35)), "loved_one"),
        (ranked(("check_safety", 1.0), ("crisis", 0.5), ("relapse", 0.4)), "relapse"),
        # the fallback's "not understood" says nothing about the situation
        (ranked(("check_safety", 1.0), ("nlu_fallback", 0.5), ("help_self", 0.45)), "help_self"),
        # the best other label is not a situation: nothing to acknowledge
        (ranked(("check_safety", 1.0), ("faq/cost", 0.5), ("help_self", 0.3)), None),
        (ranked(("check_safety", 1.0), ("hard_feelings", 0.5)), None),
        # too unsure of the situation to say it back
        (ranked(("check_safety", 1.0), ("crisis", 0.7), ("not_ready", 0.1)), None),
        (ranked(("check_safety", 1.0), ("crisis", 0.7)), None),
        ([], None),
    ],
)
def test_situation_behind(ranking, expected):
    assert situation_behind(ranking) == expected
