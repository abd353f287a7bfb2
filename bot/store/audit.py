"""The audit log: append and read, nothing else. No function here changes a row once written."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import AuditEntry, utcnow


def record(
    s: Session,
    actor: str,
    action: str,
    conversation_id: Optional[str] = None,
    detail: str = "",
    ip: Optional[str] = None,
) -> None:
    s.add(
        AuditEntry(
            at=utcnow(),
            actor=actor[:64],
            action=action[:40],
            conversation_id=conversation_id,
            detail=detail or "",
            ip=(ip or None) and ip[:64],
        )
    )


def entry_as_dict(e: AuditEntry) -> Dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "conversation_id": e.conversation_id,
        "detail": e.detail,
        "ip": e.ip,
    }


def entries(
    s: Session,
    actor: Optional[str] = None,
    action: Optional[str] = None,
    conversation_id: Optional[str] = None,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
    limit: int = 100,
    before_id: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """Newest first; `before_id` pages back."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000)))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if conversation_id:
        query = query.where(AuditEntry.conversation_id == conversation_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return [entry_as_dict(e) for e in s.execute(query).scalars()]
