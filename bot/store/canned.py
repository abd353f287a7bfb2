"""Saved replies: kept by admins, offered to every counsellor in the reply box."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import CannedReply, utcnow


class CannedError(ValueError):
    """A saved reply that cannot be stored, with a message for the admin."""


def list_all(s: Session) -> List[Dict[str, Any]]:
    return [as_dict(c) for c in s.execute(select(CannedReply).order_by(CannedReply.title)).scalars()]


def save(s: Session, reply_id: Optional[int], title: str, text: str, username: str) -> Dict[str, Any]:
    """Add (no id) or change a saved reply; titles are unique so the picker is unambiguous."""
    clash = s.execute(select(CannedReply).where(CannedReply.title == title)).scalar_one_or_none()
    if clash is not None and clash.id != reply_id:
        raise CannedError(f"There is already a saved reply called “{title}”.")
    if reply_id is None:
        reply = CannedReply(title=title, text=text, updated_by=username, updated_at=utcnow())
        s.add(reply)
    else:
        found = s.get(CannedReply, reply_id)
        if found is None:
            raise CannedError("That saved reply no longer exists.")
        reply = found
        reply.title, reply.text, reply.updated_by, reply.updated_at = title, text, username, utcnow()
    s.flush()
    return as_dict(reply)


def delete(s: Session, reply_id: int) -> Optional[str]:
    """The deleted reply's title, or None if there was none."""
    reply = s.get(CannedReply, reply_id)
    if reply is None:
        return None
    s.delete(reply)
    return reply.title


def as_dict(c: CannedReply) -> Dict[str, Any]:
    return {"id": c.id, "title": c.title, "text": c.text, "updated_by": c.updated_by, "updated_at": c.updated_at}
