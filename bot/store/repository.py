"""Primitive reads and writes on the store's tables, each inside the caller's session.

Higher-level steps (what the router and the channels do with a conversation)
live in `bot.store.conversations`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from bot.store.models import MODES, PRIORITIES, Conversation, Handoff, Message, utcnow

PRIORITY_RANK = {p: rank for rank, p in enumerate(PRIORITIES)}  # normal < urgent < crisis


# -- conversations ---------------------------------------------------------


def find_conversation(s: Session, channel: str, address: str) -> Optional[Conversation]:
    return s.execute(
        select(Conversation).where(Conversation.channel == channel, Conversation.address == address)
    ).scalar_one_or_none()


def get_or_create_conversation(s: Session, channel: str, address: str) -> Conversation:
    """A race with another first message raises IntegrityError; Database.run retries."""
    conversation = find_conversation(s, channel, address)
    if conversation is None:
        conversation = Conversation(channel=channel, address=address, mode="bot", opted_out=False)
        s.add(conversation)
        s.flush()
    return conversation


def set_mode(s: Session, conversation: Conversation, mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown conversation mode {mode!r}")
    conversation.mode = mode
    conversation.updated_at = utcnow()


def set_opt_out(s: Session, conversation: Conversation, opted_out: bool) -> None:
    conversation.opted_out = opted_out
    conversation.updated_at = utcnow()


def conversation_as_dict(c: Conversation) -> Dict[str, Any]:
    return {
        "id": c.id,
        "channel": c.channel,
        "address": c.address,
        "mode": c.mode,
        "opted_out": c.opted_out,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


# -- messages --------------------------------------------------------------


def add_message(
    s: Session,
    conversation: Conversation,
    author: str,
    text: str,
    payload: Optional[Dict[str, Any]] = None,
    channel_message_id: Optional[str] = None,
    staff_name: Optional[str] = None,
) -> Optional[Message]:
    """Append a message; None when the channel already delivered this message id."""
    if channel_message_id is not None:
        seen = s.execute(
            select(Message.id).where(
                Message.channel == conversation.channel, Message.channel_message_id == channel_message_id
            )
        ).first()
        if seen:
            return None
    message = Message(
        conversation_id=conversation.id,
        channel=conversation.channel,
        author=author,
        text=text or "",
        payload=payload,
        channel_message_id=channel_message_id,
        staff_name=staff_name,
    )
    s.add(message)
    conversation.updated_at = utcnow()
    s.flush()
    return message


def list_messages(s: Session, conversation_id: str) -> List[Message]:
    return list(
        s.execute(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)).scalars()
    )


def message_as_dict(m: Message) -> Dict[str, Any]:
    return {
        "id": m.id,
        "author": m.author,
        "text": m.text,
        "payload": m.payload,
        "staff_name": m.staff_name,
        "channel_message_id": m.channel_message_id,
        "undelivered": bool(m.undelivered),
        "created_at": m.created_at,
    }


# -- handoffs --------------------------------------------------------------


def active_handoff(s: Session, conversation_id: str) -> Optional[Handoff]:
    return s.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(("open", "claimed")))
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_handoff(s: Session, conversation: Conversation, reason: str, priority: str, summary: str) -> Handoff:
    """A new ticket, or the conversation's active one raised to the higher priority."""
    if priority not in PRIORITY_RANK:
        raise ValueError(f"unknown handoff priority {priority!r}")
    handoff = active_handoff(s, conversation.id)
    if handoff is None:
        handoff = Handoff(
            conversation_id=conversation.id,
            reason=reason,
            priority=priority,
            status="open",
            summary=summary or "",
            crisis_lines_repeated=False,
        )
        s.add(handoff)
    else:
        if PRIORITY_RANK[priority] > PRIORITY_RANK[handoff.priority]:
            handoff.priority = priority
            handoff.reason = reason
        if summary and summary not in handoff.summary:
            handoff.summary = f"{handoff.summary}\n{summary}".strip()
    s.flush()
    return handoff


def handoffs_for_conversation(s: Session, conversation_id: str) -> List[Handoff]:
    return list(
        s.execute(select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.id)).scalars()
    )


def open_handoffs_queue(s: Session) -> List[Handoff]:
    """Unclaimed tickets in the order staff should take them: crisis first, then longest waiting."""
    rank = case(
        *((Handoff.priority == p, -r) for p, r in PRIORITY_RANK.items()),
        else_=0,
    )
    return list(
        s.execute(
            select(Handoff).where(Handoff.status == "open").order_by(rank, Handoff.created_at, Handoff.id)
        ).scalars()
    )


def claim_handoff(s: Session, handoff_id: int, staff: str) -> bool:
    """True for the one caller that claimed it; a conditional UPDATE, so two clicks cannot both win."""
    result = s.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "open")
        .values(status="claimed", claimed_by=staff, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def resolve_handoff(s: Session, handoff_id: int, note: Optional[str] = None) -> Optional[Handoff]:
    handoff = s.get(Handoff, handoff_id)
    if handoff is None or handoff.status == "resolved":
        return None
    handoff.status = "resolved"
    handoff.resolved_at = utcnow()
    handoff.resolution_note = note
    s.flush()
    return handoff


def handoff_as_dict(h: Handoff) -> Dict[str, Any]:
    return {
        "id": h.id,
        "conversation_id": h.conversation_id,
        "reason": h.reason,
        "priority": h.priority,
        "status": h.status,
        "summary": h.summary,
        "claimed_by": h.claimed_by,
        "callback_number": h.callback_number,
        "callback_time": h.callback_time,
        "crisis_lines_repeated": h.crisis_lines_repeated,
        "resolution_note": h.resolution_note,
        "created_at": h.created_at,
        "claimed_at": h.claimed_at,
        "resolved_at": h.resolved_at,
    }
