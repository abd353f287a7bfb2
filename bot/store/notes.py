"""Private notes staff leave in a conversation's timeline. Nothing here is ever sent to a visitor."""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Conversation, StaffNote


def add(s: Session, conversation_id: str, username: str, name: str, text: str) -> Dict[str, Any]:
    if s.get(Conversation, conversation_id) is None:
        raise LookupError(conversation_id)
    note = StaffNote(conversation_id=conversation_id, staff_username=username, staff_name=name, text=text)
    s.add(note)
    s.flush()
    return note_as_dict(note)


def of_conversation(s: Session, conversation_id: str) -> List[Dict[str, Any]]:
    rows = s.execute(
        select(StaffNote).where(StaffNote.conversation_id == conversation_id).order_by(StaffNote.id)
    ).scalars()
    return [note_as_dict(n) for n in rows]


def note_as_dict(n: StaffNote) -> Dict[str, Any]:
    return {
        "id": n.id,
        "conversation_id": n.conversation_id,
        "staff_username": n.staff_username,
        "staff_name": n.staff_name,
        "text": n.text,
        "created_at": n.created_at,
    }
