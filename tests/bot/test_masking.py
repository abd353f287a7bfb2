import pytest

from bot.masking import mask_phone, shown_address


@pytest.mark.parametrize(
    "number, shown",
    [
        ("+15555550123", "•••• 0123"),
        ("(555) 555-0199", "•••• 0199"),
        ("+1 555 555 0100", "•••• 0100"),
        ("123", "•••"),
        ("", "unknown number"),
    ],
)
def test_mask_phone_keeps_only_the_last_four_digits(number, shown):
    assert mask_phone(number) == shown


@pytest.mark.parametrize(
    "channel, address, full, shown",
    [
        ("sms", "+15555550123", False, "•••• 0123"),
        ("sms", "+15555550123", True, "+15555550123"),
        ("web", "0123456789abcdef0123456789abcdef", False, "Web visitor abcdef"),
        ("web", "0123456789abcdef0123456789abcdef", True, "Web visitor abcdef"),
        ("rest", "terminal-a1b2c3d4e5f6", False, "REST client d4e5f6"),
    ],
)
def test_shown_address(channel, address, full, shown):
    assert shown_address(channel, address, full) == shown
