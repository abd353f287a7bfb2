import pytest

from bot import waiting
from core import wording
from core.wording import Contact

FULL = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")
BARE = Contact("Test IOP")


@pytest.mark.parametrize(
    "position, online, contact, expected",
    [
        (
            1,
            2,
            FULL,
            "I've asked our team to join. You're next; someone should be with you in a few minutes. "
            "You can also call us at (555) 010-0100 (weekdays 9 to 5).",
        ),
        (2, 1, BARE, "I've asked our team to join. 1 person is ahead of you; the wait is about 5 minutes."),
        (4, 1, BARE, "I've asked our team to join. 3 people are ahead of you; the wait is about 15 minutes."),
    ],
)
def test_acknowledgement_with_staff_online(position, online, contact, expected):
    assert wording.acknowledgement(position, online, contact) == expected


def test_acknowledgement_with_nobody_online_offers_the_phone_and_a_call_back():
    text = wording.acknowledgement(1, 0, FULL)
    assert "nobody is online right now" in text
    assert "(555) 010-0100 (weekdays 9 to 5)" in text
    assert "call back" in text


def test_acknowledgement_does_not_repeat_a_phone_already_given():
    text = wording.acknowledgement(1, 0, FULL, phone_said=True)
    assert "(555) 010-0100" not in text and "call back" in text


def test_acknowledgement_without_a_phone_invents_none():
    assert "call us" not in wording.acknowledgement(1, 0, BARE)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("555-010-1234", ("(555) 010-1234", None)),
        ("call me at (555) 010 1234 after 5pm", ("(555) 010-1234", "after 5pm")),
        ("my number is +1 555.010.1234, mornings are best", ("(555) 010-1234", "mornings are best")),
        ("tomorrow morning 5550101234", ("(555) 010-1234", "tomorrow morning")),
        ("hello are you there", None),
        ("i have 2 kids", None),
        ("12345", None),
    ],
)
def test_parse_callback(text, expected):
    assert waiting.parse_callback(text) == expected


def test_callback_saved_repeats_what_was_stored():
    text = wording.callback_saved("(555) 010-1234", "after 5pm")
    assert "(555) 010-1234" in text and '"after 5pm"' in text


@pytest.mark.parametrize(
    "waited, repeated, expected",
    [(0, False, False), (599, False, False), (600, False, True), (3600, True, False)],
)
def test_crisis_lines_are_repeated_once_when_the_wait_grows(waited, repeated, expected):
    assert waiting.should_repeat_crisis_lines(waited, repeated) is expected


def test_unavailable_apology_has_phone_and_crisis_lines():
    text = wording.assistant_unavailable(FULL)
    assert "(555) 010-0100" in text and "911" in text and "988" in text


@pytest.mark.parametrize("contact, phone_said", [(FULL, True), (BARE, False)])
def test_trouble_promises_nothing_and_still_gives_the_crisis_lines(contact, phone_said):
    text = wording.trouble(contact)
    assert "saved" not in text and "911" in text and "988" in text
    assert ("(555) 010-0100" in text) is phone_said
