"""What a visitor waiting for a person is told: never silence.

Pure functions; the router decides when to call them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Crisis lines are said again once when the wait grows past this.
REPEAT_CRISIS_LINES_AFTER_SECONDS = 10 * 60
MINUTES_PER_PERSON_AHEAD = 5

CRISIS_LINES = (
    "If you feel unsafe while you wait: call 911 for an emergency, "
    "or call or text 988 any time."
)


@dataclass(frozen=True)
class Contact:
    program_name: str
    phone: Optional[str] = None
    phone_hours: Optional[str] = None


def phone_sentence(contact: Contact) -> str:
    if not contact.phone:
        return ""
    hours = f" ({contact.phone_hours})" if contact.phone_hours else ""
    return f" You can also call us at {contact.phone}{hours}."


def acknowledgement(position: int, staff_online: int, contact: Contact, phone_said: bool = False) -> str:
    """The first message after a handoff opens; phone_said when this turn already gave the number."""
    if phone_said:
        contact = Contact(contact.program_name)
    if staff_online > 0:
        ahead = position - 1
        if ahead <= 0:
            wait = "You're next; someone should be with you in a few minutes."
        else:
            minutes = ahead * MINUTES_PER_PERSON_AHEAD
            people = "person is" if ahead == 1 else "people are"
            wait = f"{ahead} {people} ahead of you; the wait is about {minutes} minutes."
        return f"I've asked our team to join. {wait}{phone_sentence(contact)}"
    return (
        "I've passed this to our team, but nobody is online right now."
        f"{phone_sentence(contact)} If you'd like a call back, reply with your phone number "
        "and a good time to call, and we'll store it for the team."
    )


def still_waiting(position: int, staff_online: int) -> str:
    if staff_online > 0:
        return f"Thanks, I've added that for the team. You're number {position} in line."
    return "Thanks, I've added that for the team; they'll see it as soon as someone is back."


def callback_saved(number: str, when: Optional[str]) -> str:
    when_part = f' (best time: "{when}")' if when else ""
    return (
        f"Thank you. I've passed {number}{when_part} to our team so someone can call you back. "
        "If anything changes, just write here."
    )


def assistant_unavailable(contact: Contact) -> str:
    return (
        "Sorry, I'm having trouble right now, but your message is saved and I've asked our team to "
        f"look at it.{phone_sentence(contact)} If you are in danger, call 911, or call or text 988."
    )


def trouble(contact: Contact) -> str:
    """When the gateway itself failed: no promise that anything was saved."""
    call = f" Please try again in a moment, or call us at {contact.phone}." if contact.phone else (
        " Please try again in a moment.")
    return f"Sorry, something went wrong on our side.{call} If you are in danger, call 911, or call or text 988."


def back_to_bot() -> str:
    return "You're back with the automated assistant. Ask me anything, or ask for a person again at any time."


def joined(staff_name: str) -> str:
    return f"{staff_name} joined the conversation."


def taking_over(staff_name: str) -> str:
    return f"{staff_name} is taking over the conversation."


def closed_by(staff_name: str) -> str:
    return (f"{staff_name} has closed this conversation. If you write again, the automated assistant will answer, "
            "and you can ask for a person at any time. In an emergency, call 911, or call or text 988.")


PHONE = re.compile(r"(\+?1[\s.-]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})\b")


def parse_callback(text: str) -> Optional[tuple[str, Optional[str]]]:
    """A phone number and, if given, the rest of the message as the good time."""
    match = PHONE.search(text)
    if not match:
        return None
    number = f"({match.group(2)}) {match.group(3)}-{match.group(4)}"
    rest = (text[: match.start()] + " " + text[match.end():]).strip(" ,.;:-")
    rest = re.sub(r"^(my (phone )?(number|cell) is|call me (at|on)?|it'?s)\s*", "", rest, flags=re.I).strip(" ,.;:-")
    return number, (rest or None)


def should_repeat_crisis_lines(waited_seconds: float, already_repeated: bool) -> bool:
    return not already_repeated and waited_seconds >= REPEAT_CRISIS_LINES_AFTER_SECONDS
