"""How far each staff member has read the conversations they hold: the console's unread counts."""

from __future__ import annotations

from typing import Dict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import ConversationRead, Handoff, Message


def mark_read(s: Session, username: str, conversation_id: str, message_id: int) -> None:
    """Remember the newest message this member was shown; a mark never moves back."""
    mark = s.execute(
        select(ConversationRead).where(
            ConversationRead.staff_username == username, ConversationRead.conversation_id == conversation_id
        )
    ).scalar_one_or_none()
    if mark is None:
        s.add(ConversationRead(staff_username=username, conversation_id=conversation_id, message_id=message_id))
    elif message_id > mark.message_id:
        mark.message_id = message_id


def unread_held(s: Session, username: str) -> Dict[str, int]:
    """Visitor messages not yet seen, per conversation this member holds (only those with some)."""
    mark = (
        select(ConversationRead.conversation_id, ConversationRead.message_id)
        .where(ConversationRead.staff_username == username)
        .subquery()
    )
    rows = s.execute(
        select(Message.conversation_id, func.count(Message.id))
        .join(Handoff, (Handoff.conversation_id == Message.conversation_id) & (Handoff.status == "claimed"))
        .outerjoin(mark, mark.c.conversation_id == Message.conversation_id)
        .where(
            Handoff.claimed_by == username,
            Message.author == "visitor",
            Message.id > func.coalesce(mark.c.message_id, 0),
        )
        .group_by(Message.conversation_id)
    ).all()
    return {cid: n for cid, n in rows}
