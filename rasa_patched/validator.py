"""The custom-action reply checked with a JSON Schema validator built once.

Rasa 3.6 checks every reply from the action server with
`jsonschema.validate(result, schema)`, which first checks the *schema* itself
against the meta-schema and builds a new validator: about 50 ms of CPU per
custom action on our machines, half of Rasa's time under load, for a schema
that never changes (`RemoteAction.action_response_format_spec()` is a
constant). Here the schema is checked and the validator built once; each reply
is then validated the same way `jsonschema.validate` would (the best-matching
error raised, with Rasa's own hint appended). Remove this when leaving Rasa 3.6.
"""

from __future__ import annotations

import functools
from typing import Any, Dict

import jsonschema
from jsonschema import exceptions
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

HINT = (
    ". Failed to validate Action server response from API, "
    "make sure your response from the Action endpoint is valid. "
    f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)

_original = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    error = exceptions.best_match(action_result_validator().iter_errors(result))
    if error is not None:
        error.message += HINT
        raise error
    return True


def apply() -> None:
    """Idempotent: Rasa's method is replaced once, and `unapply` puts it back (tests)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def unapply() -> None:
    RemoteAction._validate_action_result = _original  # type: ignore[method-assign]
