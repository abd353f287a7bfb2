"""What the console shows: the live queue and one conversation, as plain dicts.

The queue is the same for every viewer (addresses masked), so one snapshot
can be pushed to every signed-in browser. A conversation shows the full phone
number only to the staff member who holds it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import queue_order
from bot.masking import hide_numbers, shown_address
from bot.store import corrections as corrections_store
from bot.store import notes as notes_store
from bot.store import reads as reads_store
from bot.store import repository as repo
from bot.store import staff as staff_store
from bot.store.models import Conversation, Handoff, Message, Staff

PREVIEW_CHARS = 140


def _staff_names(s: Session) -> Dict[str, str]:
    return dict(s.execute(select(Staff.username, Staff.display_name)).all())


def queue_snapshot(s: Session) -> List[Dict[str, Any]]:
    """Open and claimed tickets in the order of `bot.queue_order` (crisis first, newest crisis first)."""
    rows = s.execute(
        select(Handoff, Conversation)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(Handoff.status.in_(("open", "claimed")))
    ).all()
    names = _staff_names(s)
    last_visitor = _last_visitor_messages(s, [c.id for _, c in rows])
    return queue_order.ordered(
        {
            "handoff_id": h.id,
            "conversation_id": c.id,
            "channel": c.channel,
            "address": shown_address(c.channel, c.address),
            "priority": h.priority,
            "status": h.status,
            "reason": h.reason,
            "claimed_by": h.claimed_by,
            "claimed_by_name": names.get(h.claimed_by, h.claimed_by) if h.claimed_by else None,
            "created_at": h.created_at,
            "callback": bool(h.callback_number),
            "last_message": last_visitor.get(c.id, ""),
        }
        for h, c in rows
    )


def _last_visitor_messages(s: Session, conversation_ids: List[str]) -> Dict[str, str]:
    if not conversation_ids:
        return {}
    latest = (
        select(Message.conversation_id, func.max(Message.id).label("id"))
        .where(Message.conversation_id.in_(conversation_ids), Message.author == "visitor")
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = s.execute(select(Message.conversation_id, Message.text).join(latest, latest.c.id == Message.id)).all()
    return {cid: _preview(text) for cid, text in rows}


def _preview(text: str) -> str:
    text = hide_numbers(" ".join((text or "").split()))
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def screen_result_of(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The latest finished screen in a transcript, if any."""
    for message in reversed(messages):
        custom = (message.get("payload") or {}).get("custom") or {}
        result = custom.get("screen_result") if isinstance(custom, dict) else None
        if isinstance(result, dict) and result.get("level"):
            return result
    return None


def conversation_view(s: Session, conversation_id: str, viewer: str) -> Optional[Dict[str, Any]]:
    """One conversation for the console: timeline, tickets, screen result, and what the viewer may do."""
    conversation = s.get(Conversation, conversation_id)
    if conversation is None:
        return None
    corrections = corrections_store.of_conversation(s, conversation_id)
    messages = []
    for m in repo.list_messages(s, conversation_id):
        item = repo.message_as_dict(m)
        item["intent"] = m.intent
        item["intent_confidence"] = m.intent_confidence
        item["correction"] = corrections.get(m.id)
        messages.append(item)
    notes = notes_store.of_conversation(s, conversation_id)
    if messages:
        reads_store.mark_read(s, viewer, conversation_id, messages[-1]["id"])
    names = _staff_names(s)
    handoffs = [_with_holder_name(h, names) for h in repo.handoffs_for_conversation(s, conversation_id)]
    active = next((h for h in reversed(handoffs) if h["status"] in ("open", "claimed")), None)
    holder = active["claimed_by"] if active and active["status"] == "claimed" else None
    if holder != viewer:
        # Numbers the visitor typed (or that were quoted from them) are the holder's to see, as the address is.
        for item in messages:
            item["text"] = hide_numbers(item["text"] or "")
        for h in handoffs:
            for key in ("summary", "reason", "resolution_note"):
                if h.get(key):
                    h[key] = hide_numbers(h[key])
    return {
        "conversation": repo.conversation_as_dict(conversation),
        "address": shown_address(conversation.channel, conversation.address, full=holder == viewer),
        "messages": messages,
        "notes": notes,
        "timeline": timeline(messages, notes),
        "handoffs": handoffs,
        "active": active,
        "holder": holder,
        "holder_name": names.get(holder, holder) if holder else None,
        "screen_result": screen_result_of(messages),
    }


def holder_of(s: Session, conversation_id: str) -> Optional[str]:
    """The username holding the conversation's active ticket, if anyone does."""
    handoff = repo.active_handoff(s, conversation_id)
    return handoff.claimed_by if handoff is not None and handoff.status == "claimed" else None


def timeline(messages: List[Dict[str, Any]], notes: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Messages and private notes in the order they happened; each item says which it is."""
    items = [{"kind": "message", **m} for m in messages] + [{"kind": "note", **n} for n in notes]
    return sorted(items, key=lambda item: (item["created_at"], item["kind"] == "note", item["id"]))


def ticket(s: Session, handoff_id: int) -> Optional[Dict[str, Any]]:
    """One handoff, with the display name of whoever holds it."""
    handoff = s.get(Handoff, handoff_id)
    return _with_holder_name(handoff, _staff_names(s)) if handoff else None


def _with_holder_name(handoff: Handoff, names: Dict[str, str]) -> Dict[str, Any]:
    data = repo.handoff_as_dict(handoff)
    data["claimed_by_name"] = names.get(handoff.claimed_by, handoff.claimed_by) if handoff.claimed_by else None
    return data


def latest_message_id(s: Session) -> int:
    return s.execute(select(func.coalesce(func.max(Message.id), 0))).scalar_one()


def conversations_with_messages_after(s: Session, message_id: int) -> List[str]:
    return list(s.execute(select(Message.conversation_id).where(Message.id > message_id).distinct()).scalars())


def changes_since(
    s: Session, after_message_id: Optional[int]
) -> Tuple[List[Dict[str, Any]], int, List[str], Dict[str, int]]:
    """The queue, the newest message id, conversations with messages since the last look,
    and each active staff member's session version."""
    latest = latest_message_id(s)
    changed = (
        conversations_with_messages_after(s, after_message_id)
        if after_message_id is not None and latest != after_message_id
        else []
    )
    active = {m["username"]: m["session_version"] for m in staff_store.list_staff(s, active_only=True)}
    return queue_snapshot(s), latest, changed, active
