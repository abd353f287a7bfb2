"""The rules of waiting for a person: a callback number in a message, and when the crisis lines are said again.

What the visitor is told while they wait is in `core.wording`.
"""

from __future__ import annotations

import re
from typing import Optional

# Crisis lines are said again once when the wait grows past this.
REPEAT_CRISIS_LINES_AFTER_SECONDS = 10 * 60

PHONE = re.compile(r"(\+?1[\s.-]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})\b")


def parse_callback(text: str) -> Optional[tuple[str, Optional[str]]]:
    """A phone number and, if given, the rest of the message as the good time."""
    match = PHONE.search(text)
    if not match:
        return None
    number = f"({match.group(2)}) {match.group(3)}-{match.group(4)}"
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" ,.;:-")
    rest = re.sub(r"^(my (phone )?(number|cell) is|call me (at|on)?|it'?s)\s*", "", rest, flags=re.I).strip(" ,.;:-")
    return number, (rest or None)


def should_repeat_crisis_lines(waited_seconds: float, already_repeated: bool) -> bool:
    return not already_repeated and waited_seconds >= REPEAT_CRISIS_LINES_AFTER_SECONDS
