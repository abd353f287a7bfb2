"""Everything the helpline itself says to visitors, in one place.

The assistant's answers live in domain.yml; these are the gateway's own lines:
the crisis reply, what a visitor waiting for a person hears, the SMS line's
fixed replies, and the apologies when something on our side failed. Changing a
crisis number or adding a language starts here. Pure functions and constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# A rough wait per person ahead in the queue.
MINUTES_PER_PERSON_AHEAD = 5


@dataclass(frozen=True)
class Contact:
    """The program's own line, from the program profile."""

    program_name: str
    phone: Optional[str] = None
    phone_hours: Optional[str] = None


# -- a crisis ----------------------------------------------------------------
_REPLY_SELF = (
    "I'm really glad you reached out, and I'm sorry you're going through this. "
    "If you are in immediate danger or may have overdosed, call 911 now. "
    "You can call or text 988 any time, or chat at 988lifeline.org. "
    "You can also text HOME to 741741 (Crisis Text Line)."
)

_REPLY_OTHER = (
    "Thank you for reaching out for them. "
    "If they are in immediate danger or may have overdosed, call 911 now. "
    "Stay with them if it is safe. "
    "You can call or text 988, or chat at 988lifeline.org, for help with what to do. "
    "Crisis Text Line: text HOME to 741741."
)


def crisis_reply(about_other: bool = False) -> str:
    """The first reply to a crisis: the lines to reach, said briefly and warmly.

    Whether a person is coming is the next line's (`crisis_acknowledgement`), said once it is known: never
    "asking a person now" followed by "nobody is signed in".
    """
    return _REPLY_OTHER if about_other else _REPLY_SELF


# -- waiting for a person ----------------------------------------------------
CRISIS_LINES = "If you feel unsafe while you wait: call 911 for an emergency, or call or text 988 any time."


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


def crisis_acknowledgement(staff_online: int) -> str:
    """After the crisis lines: never a queue position or a wait in minutes, and 988 in every line."""
    if staff_online > 0:
        return (
            "A person from our team is being called to this chat now. If you can't wait, call or text 988, or call 911."
        )
    return (
        "Nobody from our team is signed in right now, so please don't wait for us: call or text 988 now, "
        "or call 911 in an emergency. We'll see your message as soon as someone is back."
    )


def still_waiting_in_crisis(staff_online: int) -> str:
    if staff_online > 0:
        return "Thank you, they'll see that. Someone is coming. If you can't wait, call or text 988, or call 911."
    return "Thank you, it's saved for our team. Please call or text 988 now, or call 911 in an emergency."


def still_waiting(position: int, staff_online: int) -> str:
    if staff_online > 0:
        return f"Thanks, I've added that for the team. You're number {position} in line."
    return "Thanks, I've added that for the team; they'll see it as soon as someone is back."


def callback_saved(number: str, when: Optional[str], in_crisis: bool = False) -> str:
    when_part = f' (best time: "{when}")' if when else ""
    if in_crisis:
        # Every reply while someone in crisis waits carries 988.
        return (
            f"Thank you. I've passed {number}{when_part} to our team. "
            "If you can't wait, call or text 988 now, or call 911."
        )
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
    call = (
        f" Please try again in a moment, or call us at {contact.phone}."
        if contact.phone
        else (" Please try again in a moment.")
    )
    return f"Sorry, something went wrong on our side.{call} If you are in danger, call 911, or call or text 988."


def kept_for_later(contact: Contact) -> str:
    """The store is away but the message is kept on the side: it will be in the transcript, not answered now."""
    return (
        "Sorry, I'm having trouble on our side right now. Your message is saved, but I can't answer it yet: "
        f"please write again in a few minutes.{phone_sentence(contact)} If you are in danger, call 911, "
        "or call or text 988."
    )


def assistant_back() -> str:
    """To a visitor parked while the assistant was down, once it is back (and no person took them)."""
    return (
        "Sorry for the wait: I'm working again. Ask me anything, or ask for a person at any time. "
        "If you are in danger, call 911, or call or text 988."
    )


def back_to_bot() -> str:
    return "You're back with the automated assistant. Ask me anything, or ask for a person again at any time."


def joined(staff_name: str) -> str:
    return f"{staff_name} joined the conversation."


def taking_over(staff_name: str) -> str:
    return f"{staff_name} is taking over the conversation."


def closed_by(staff_name: str) -> str:
    return (
        f"{staff_name} has closed this conversation. If you write again, the automated assistant will answer, "
        "and you can ask for a person at any time. In an emergency, call 911, or call or text 988."
    )


def too_long(limit: int) -> str:
    """A message longer than any channel accepts (and no crisis in it)."""
    return (
        f"Sorry, that message is too long for me to read (more than {limit:,} characters). "
        "Please send it in shorter parts. If you are in danger, call 911, or call or text 988."
    )


# -- the web chat ------------------------------------------------------------
FALLBACK_REPLY = (
    "Sorry, something went wrong on our side and I could not read that. Please try again in a moment. "
    "If you are in danger, call 911, or call or text 988."
)


# -- the widget on the program's own site ------------------------------------
WIDGET_NOTICE = "Automated assistant, not for emergencies."
WIDGET_SUGGESTIONS = (
    "What is IOP?",
    "How much does it cost?",
    "Can I keep working while I attend?",
    "I'd like to talk to a person",
)
WIDGET_DELETE_QUESTION = (
    "End this chat and delete it? What you wrote is removed from this browser and from our records."
)
WIDGET_OFFLINE = "The chat is offline right now. In an emergency call 911, or call or text 988."
# Said by the widget itself when it cleared the chat but the gateway did not confirm the deletion.
WIDGET_CLEARED_HERE = "This chat was cleared from this browser."
WIDGET_DELETE_UNCONFIRMED = (
    "This chat was cleared from this browser, but our records could not be reached to delete it. "
    "You can ask our team to delete it."
)


def widget_greeting(program_name: str) -> str:
    """The first words a visitor sees when the chat opens, before anything is sent."""
    return (
        f"Hi, I'm the automated assistant for {program_name}. I can answer questions about our program "
        "and connect you with a person from our team. What would you like to know?"
    )


# -- the SMS line ------------------------------------------------------------
def _call_us(contact: Contact) -> str:
    if not contact.phone:
        return ""
    hours = f" ({contact.phone_hours})" if contact.phone_hours else ""
    return f" Call us at {contact.phone}{hours}."


def help_text(contact: Contact) -> str:
    return (
        f"{contact.program_name}: an automated assistant for questions about our program, "
        f"and a way to reach our team.{_call_us(contact)} "
        "In a crisis, call or text 988 any time, or call 911 in an emergency. Reply STOP to opt out, "
        "DELETE to erase our texts."
    )


def stop_confirmation(contact: Optional[Contact] = None) -> str:
    sender = f"{contact.program_name} " if contact else ""
    return (
        f"You're unsubscribed and won't get any more {sender}texts. Reply START if you'd like to text with us again. "
        "If you ever need help right away, call or text 988, or call 911."
    )


def start_confirmation(contact: Optional[Contact] = None) -> str:
    sender = f" from {contact.program_name}" if contact else ""
    return (
        f"Welcome back. You'll get texts{sender} again. What can I help you with? Reply HELP for help, STOP to opt out."
    )


def trouble_reply(contact: Contact) -> str:
    """When our side failed before the message could be kept: nothing is promised."""
    return (
        f"Sorry, something went wrong on our side. Please try again in a few minutes.{_call_us(contact)} "
        "If you're in danger, call 911, or call or text 988."
    )


def media_only_reply() -> str:
    return (
        "Sorry, I can only read text, not pictures or files. Please type your message. "
        "If you're in danger, call 911, or call or text 988."
    )


# -- forgetting a conversation -------------------------------------------------
# Said once the conversation is gone from our records (transcript and assistant), at the visitor's request.
CONVERSATION_DELETED = (
    "Done: this conversation is deleted from our records. If you write again, a new conversation starts. "
    "If you are in danger, call 911, or call or text 988."
)

DELETE_FAILED = (
    "Sorry, I could not delete this conversation just now. Please try again in a moment. "
    "If you are in danger, call 911, or call or text 988."
)


def sms_deleted(contact: Optional[Contact] = None) -> str:
    sender = f" with {contact.program_name}" if contact else ""
    return (
        f"Done: your texts{sender} are deleted from our records. If you text again, a new conversation starts. "
        "If you're in danger, call 911, or call or text 988."
    )


# -- the REST channel -----------------------------------------------------------
def too_fast(seconds: int) -> str:
    """Too many messages in a short time (from one sender or one address); never without the crisis lines."""
    return (
        f"Sorry, that is more messages than I can take in so short a time. Please wait {seconds} seconds and "
        "send it again. If you are in danger, call 911, or call or text 988."
    )


# A deletion asked for while a crisis ticket is open waits for it: our team must still be able to reach them.
DELETE_AFTER_CRISIS = (
    "I'll delete this conversation as soon as our team has finished with your request: because of what you "
    "wrote earlier, a person is being called to reach you. If you are in danger, call 911, or call or text 988."
)
