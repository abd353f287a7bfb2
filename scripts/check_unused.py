"""Fail when an intent, response or action is declared but never used.

`rasa data validate --fail-on-warnings` does not catch these, so stale pieces
would pile up in the domain. Used means:
- an intent has training examples and appears in a rule or story;
- an `faq/<key>` sub-intent has an `utter_faq/<key>` answer and vice versa;
- a response is named in a rule or story, or by an action in actions/;
- a custom action is registered by the action server (actions/) and named in
  a rule or story; a form's `validate_<form>` and `action_ask_<slot>` actions
  count as used by the form itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterable, List, Set

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN_INTENTS = {"nlu_fallback"}
# Set by a component of ours (nlu/crisis_check.py), never trained; it must still be in a rule.
PIPELINE_INTENTS = {"check_safety"}
ACTION_CODE_NAMES = re.compile(r"""["'](utter_[A-Za-z0-9_/]+|action_[a-z0-9_]+)["']""")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def steps_of(files: Iterable[Path]) -> List[dict]:
    steps: List[dict] = []
    for path in files:
        data = load(path)
        for block in (data.get("rules") or []) + (data.get("stories") or []):
            steps.extend(block.get("steps") or [])
            steps.extend(block.get("condition") or [])
    return steps


def nlu_labels(paths: Iterable[Path]) -> Set[str]:
    return {item["intent"] for path in paths for item in load(path).get("nlu") or [] if "intent" in item}


def registered_actions() -> Set[str]:
    """The action names the action server really serves, as rasa_sdk finds them."""
    from rasa_sdk.executor import ActionExecutor

    sys.path.insert(0, str(ROOT))
    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def used_by_forms(forms: dict) -> Set[str]:
    used: Set[str] = set()
    for form, spec in forms.items():
        used.add(f"validate_{form}")
        used.update(f"action_ask_{slot}" for slot in (spec or {}).get("required_slots") or [])
    return used


def problems() -> List[str]:
    domain = load(ROOT / "domain.yml")
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []}
    responses = set(domain.get("responses") or {})
    actions = set(domain.get("actions") or [])
    for form in domain.get("forms") or {}:
        actions.add(form)

    dialogue = steps_of(sorted((ROOT / "data").glob("*.yml")))
    used_intents = {s["intent"] for s in dialogue if "intent" in s}
    used_actions = {s["action"] for s in dialogue if "action" in s}
    used_actions |= {s["active_loop"] for s in dialogue if s.get("active_loop")}
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    named_in_code = set(ACTION_CODE_NAMES.findall(code))
    implemented = registered_actions()
    used_actions |= used_by_forms(domain.get("forms") or {})

    labels = nlu_labels(sorted((ROOT / "data").glob("*.yml")))
    faq_keys = {label.split("/", 1)[1] for label in labels if label.startswith("faq/")}
    faq_answers = {r.split("/", 1)[1] for r in responses if r.startswith("utter_faq/")}

    found: List[str] = []
    for intent in sorted(intents - BUILT_IN_INTENTS):
        if (
            intent not in PIPELINE_INTENTS
            and intent not in labels
            and not any(label.startswith(intent + "/") for label in labels)
        ):
            found.append(f"intent '{intent}' has no training examples")
        if intent not in used_intents:
            found.append(f"intent '{intent}' is in no rule or story")
    for label in sorted(labels):
        if label.split("/", 1)[0] not in intents:
            found.append(f"training examples for '{label}', which the domain does not declare")
    for key in sorted(faq_keys - faq_answers):
        found.append(f"faq/{key} has no answer utter_faq/{key}")
    for key in sorted(faq_answers - faq_keys):
        found.append(f"utter_faq/{key} answers no trained faq/{key}")
    for response in sorted(r for r in responses if not r.startswith("utter_faq/")):
        if response not in used_actions and response not in named_in_code:
            found.append(f"response '{response}' is never used")
    for action in sorted(actions):
        if action not in implemented and action not in (domain.get("forms") or {}):
            found.append(f"action '{action}' is declared but not implemented in actions/")
        if action not in used_actions and action not in named_in_code:
            found.append(f"action '{action}' is in no rule or story")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(f"unused: {line}")
    if not found:
        print("check_unused: every intent, response and action is used")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
