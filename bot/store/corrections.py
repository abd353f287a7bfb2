"""Corrections: what staff say a visitor message should have been understood as.

One correction per message; marking it again replaces the first. Which
topics are valid is the console's business (it knows the domain); the store
only keeps what was chosen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import audit
from bot.store.models import Correction, Message, utcnow


class CorrectionError(ValueError):
    """A message that cannot be marked, with a message for the staff member."""


def correction_as_dict(c: Correction) -> Dict[str, Any]:
    return {
        "id": c.id,
        "message_id": c.message_id,
        "conversation_id": c.conversation_id,
        "intent": c.intent,
        "new_topic": c.new_topic,
        "staff_username": c.staff_username,
        "created_at": c.created_at,
    }


def mark(
    s: Session,
    message_id: int,
    intent: str,
    new_topic: bool,
    staff_username: str,
) -> Optional[Dict[str, Any]]:
    """Record (or replace) the correction of a visitor message; None when there is no such message."""
    message = s.get(Message, message_id)
    if message is None:
        return None
    if message.author != "visitor":
        raise CorrectionError("Only a visitor's message can be marked: the assistant learns from what visitors say.")
    if not (message.text or "").strip():
        raise CorrectionError("This message has no words to learn from.")
    if not intent or len(intent) > 120:
        raise CorrectionError("Choose a topic.")
    correction = s.execute(select(Correction).where(Correction.message_id == message_id)).scalar_one_or_none()
    if correction is None:
        # Two staff marking the same message at once collide on the unique key;
        # Database.call runs the loser again and it replaces the winner's choice.
        correction = Correction(message_id=message_id, conversation_id=message.conversation_id)
        s.add(correction)
    correction.intent = intent
    correction.new_topic = new_topic
    correction.staff_username = staff_username[:64]
    correction.created_at = utcnow()
    s.flush()
    return correction_as_dict(correction)


def of_conversation(s: Session, conversation_id: str) -> Dict[int, Dict[str, Any]]:
    """The corrections in one conversation, by message id (for the transcript page)."""
    rows = s.execute(select(Correction).where(Correction.conversation_id == conversation_id)).scalars()
    return {c.message_id: correction_as_dict(c) for c in rows}


def since(s: Session, when: Optional[datetime] = None) -> List[Dict[str, Any]]:
    """Corrections marked at or after `when` (all without it), oldest first, with the message's text."""
    query = (
        select(Correction, Message.text)
        .join(Message, Message.id == Correction.message_id)
        .order_by(Correction.created_at, Correction.id)
    )
    if when is not None:
        query = query.where(Correction.created_at >= when)
    return [{**correction_as_dict(c), "text": text} for c, text in s.execute(query)]


def mark_and_audit(
    s: Session, message_id: int, intent: str, new_topic: bool, username: str, ip: str, detail: str
) -> Optional[Dict[str, Any]]:
    """The mark and its audit entry in one transaction."""
    marked = mark(s, message_id, intent, new_topic, username)
    if marked is not None:
        audit.record(s, username, "correct_intent", marked["conversation_id"], detail, ip)
    return marked
