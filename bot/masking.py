"""How a visitor's address is shown to staff who have not taken the conversation.

Phone numbers are health-adjacent personal data: lists show only the last
digits; the full number appears only to the staff member who claimed it.
"""

from __future__ import annotations

import re

LAST_DIGITS = 4


def mask_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if len(digits) <= LAST_DIGITS:
        return "•" * len(digits) or "unknown number"
    return f"•••• {digits[-LAST_DIGITS:]}"


PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


def hide_numbers(text: str) -> str:
    """Phone numbers a visitor typed into a message are masked wherever text is shown in a list."""

    def hide(match: "re.Match[str]") -> str:
        found = match.group(0)
        return mask_phone(found) if sum(c.isdigit() for c in found) >= 7 else found

    return PHONE_LIKE.sub(hide, text)


def shown_address(channel: str, address: str, full: bool = False) -> str:
    """What staff see for a visitor: a masked number on SMS, a short tag for web and REST sessions."""
    if channel == "sms":
        return address if full else mask_phone(address)
    label = {"web": "Web visitor", "rest": "REST client"}.get(channel, channel)
    return f"{label} {address[-6:]}" if address else label
