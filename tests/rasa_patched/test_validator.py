"""The patched action-reply check accepts and refuses exactly what Rasa's own does, with a validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_patched import validator

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "screen_age", "value": 34}], "responses": [{"text": "Thanks."}]},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"custom": {"handoff": {}}}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "no such event"}]},
    {"responses": {"text": "a dict, not a list"}},
]


def original_verdict(result):
    try:
        return validator._original(RemoteAction("action_x", None), result), None
    except jsonschema.ValidationError as exc:
        return False, exc.message


def patched_verdict(result):
    try:
        return validator.validate_action_result(RemoteAction("action_x", None), result), None
    except jsonschema.ValidationError as exc:
        return False, exc.message


@pytest.mark.parametrize("result", VALID + INVALID)
def test_the_same_verdict_and_message_as_rasas_own(result):
    assert patched_verdict(result) == original_verdict(result)


@pytest.mark.parametrize("result", INVALID)
def test_a_bad_reply_is_refused_with_rasas_hint(result):
    verdict, message = patched_verdict(result)
    assert verdict is False
    assert message.endswith(validator.HINT)


def test_the_validator_is_built_once(monkeypatch):
    validator.action_result_validator.cache_clear()
    checks = []
    cls = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, schema: checks.append(schema)))
    for result in VALID * 3:
        assert patched_verdict(result) == (True, None)
    assert len(checks) == 1
    validator.action_result_validator.cache_clear()


def test_apply_replaces_rasas_method_and_unapply_restores_it():
    try:
        validator.apply()
        assert RemoteAction._validate_action_result is validator.validate_action_result
    finally:
        validator.unapply()
    assert RemoteAction._validate_action_result is validator._original
