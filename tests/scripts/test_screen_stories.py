"""The committed screen stories are what their generator writes, and they tell the truth.

`rasa test` replays the slot values a story states instead of running the
validation action, so each stated value is checked here against what the
validation action really sets for those words.
"""

import importlib.util
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.screen import RETRY_SLOT, read_answer, remaining_questions

ROOT = Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location("make_screen_stories", ROOT / "scripts" / "make_screen_stories.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stories() -> List[Dict[str, Any]]:
    return yaml.safe_load(load_generator().OUT.read_text(encoding="utf-8"))["stories"]


def test_committed_stories_match_the_generator():
    generator = load_generator()
    assert generator.OUT.read_text(encoding="utf-8") == generator.render(), "run `make stories`"


def test_every_level_has_a_path():
    titles = " ".join(load_generator().PATHS)
    for level in ("outpatient", "IOP", "PHP", "residential", "inpatient"):
        assert level in titles


def test_the_required_situations_have_stories():
    titles = " ".join(story["story"] for story in stories())
    for words in (
        "crisis at the first question",
        "crisis in the middle",
        "thoughts of suicide right now",
        "interrupted by a question",
        "stopped",
        "restarted",
        "yes to intake",
    ):
        assert words in titles


class SlotsOnly:
    """Just enough of a tracker for read_answer."""

    def __init__(self, slots: Dict[str, Any]):
        self.slots = slots

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


def form_turns(story: Dict[str, Any]):
    """(requested slot, text, slots the story says the form set, next requested slot) per answer."""
    steps = story["steps"]
    requested = None
    for i, step in enumerate(steps):
        if step.get("action") == "action_reset_screen":
            yield None, None, None
        if "slot_was_set" in step and "requested_slot" in step["slot_was_set"][0]:
            requested = step["slot_was_set"][0]["requested_slot"]
        if "user" in step and i + 1 < len(steps) and steps[i + 1].get("action") == "screen_form" and requested:
            stated: Dict[str, Any] = {}
            j = i + 2
            while j < len(steps) and "slot_was_set" in steps[j]:
                stated.update(steps[j]["slot_was_set"][0])
                j += 1
            yield requested, step["user"].strip(), stated
            requested = None


@pytest.mark.parametrize("story", stories(), ids=lambda story: story["story"])
async def test_stated_slots_are_what_the_validation_action_sets(story):
    slots: Dict[str, Any] = {}
    for requested, text, stated in form_turns(story):
        if requested is None:  # the screen starts (again) from scratch
            slots = {}
            continue
        values = read_answer(requested, text, CollectingDispatcher(), SlotsOnly(slots))
        values.pop(RETRY_SLOT, None)
        slots.update(values)
        left = [q for q in remaining_questions(slots) if slots.get(q) is None]
        expected = {**values, "requested_slot": left[0] if left else None}
        assert stated == expected, f"{requested}: {text!r}"
