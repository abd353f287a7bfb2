"""The understanding benchmark scores a reply the way the visitor gets it."""

import pytest

from scripts.eval_understanding import Judged


def parse(intent, *ranking):
    return {"intent": {"name": intent}, "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}


@pytest.mark.parametrize(
    "message, group, fits",
    [
        (parse("loved_one", ("loved_one", 0.9)), "loved_one", True),
        (parse("faq/cost", ("faq/cost", 0.9)), "loved_one", False),
        # a safety check that first acknowledges the situation (actions/safety_check.py) fits it
        (parse("check_safety", ("check_safety", 1.0), ("loved_one", 0.6), ("crisis", 0.35)), "loved_one", True),
        (parse("check_safety", ("check_safety", 1.0), ("relapse", 0.6), ("crisis", 0.35)), "loved_one", False),
        # a bare safety check fits no situation
        (parse("check_safety", ("check_safety", 1.0), ("crisis", 0.6), ("faq/cost", 0.3)), "help_self", False),
    ],
)
def test_a_reply_fits_its_group(message, group, fits):
    assert Judged("text", message, net=False).fits(group) is fits
