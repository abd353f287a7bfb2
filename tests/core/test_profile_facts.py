"""Program facts in saved replies: filled from the profile, the unknown and the unset left in view."""

from __future__ import annotations

import pytest

from core import profile_facts
from core.profile import Profile

PROFILE = Profile(
    name="Cedar Bend",
    phone="(555) 010-0147",
    phone_hours="Monday to Friday, 8am to 6pm",
    languages=("English", "Spanish"),
)


@pytest.mark.parametrize(
    "text, filled, missing",
    [
        ("Call {phone}.", "Call (555) 010-0147.", []),
        ("{program_name}: {phone_hours}", "Cedar Bend: Monday to Friday, 8am to 6pm", []),
        ("We speak {languages}.", "We speak English, Spanish.", []),
        ("Text {text_number}.", "Text {text_number}.", ["text_number"]),  # not in this profile
        ("{nonsense} and {phone}", "{nonsense} and (555) 010-0147", ["nonsense"]),
        ("no placeholders {}", "no placeholders {}", []),
    ],
)
def test_fill_and_missing(text, filled, missing):
    assert profile_facts.fill(text, PROFILE) == filled
    assert profile_facts.missing(text, PROFILE) == missing


def test_without_a_profile_nothing_is_filled():
    assert profile_facts.fill("Call {phone}.", None) == "Call {phone}."
