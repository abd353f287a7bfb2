"""What the scripts that start the helpline take for "up"."""

import pytest

from scripts.healthz import all_up

UP = {"gateway": "ok", "database": "ok", "rasa": "ok", "action_server": "ok"}


@pytest.mark.parametrize(
    "body, expected",
    [
        (UP, True),
        ({**UP, "crisis_escalation": "ok", "journal": {"waiting": 0, "crises": 0}}, True),
        ({**UP, "rasa": "down"}, False),
        ({**UP, "crisis_escalation": "degraded", "journal": {"waiting": 1, "crises": 1}}, False),
        ({}, False),
    ],
)
def test_all_up(body, expected):
    assert all_up(body) is expected
