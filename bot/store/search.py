"""Finding past conversations for review: by text, activity dates, channel and outcome.

Filters are EXISTS conditions on messages and handoffs, so a page costs the
same however long the conversations are; counts, outcomes and snippets are
then read for the page's rows only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.masking import hide_numbers, shown_address
from bot.store.models import PRIORITIES, Conversation, Handoff, Message

CHANNELS = {"web": "Web chat", "sms": "SMS", "rest": "REST"}

# The one list of outcomes. A conversation has exactly one of the first four;
# "crisis" cuts across them (any handoff ever raised to crisis priority).
OUTCOMES = {
    "bot_only": "Bot only",
    "waiting": "Waiting for staff",
    "with_staff": "With staff",
    "resolved": "Resolved",
    "crisis": "Crisis",
}

MAX_LIMIT = 200
SNIPPET_CHARS = 120
LIKE_ESCAPE = "\\"


# Seven or more digits, maybe with spaces, dots, dashes or brackets between: likely a phone number.
def like_pattern(text: str) -> str:
    """`%text%` with the user's own % and _ taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def snippet(text: str, needle: str, width: int = SNIPPET_CHARS) -> str:
    """A short, one-line window of a message around the first match, numbers masked."""
    flat = hide_numbers(" ".join(text.split()))
    if len(flat) <= width:
        return flat
    target = " ".join(needle.split()).lower()
    at = flat.lower().find(target)
    if at < 0:  # the needle was itself a number, masked in the text
        target = hide_numbers(target)
        at = max(flat.lower().find(target), 0)
    start = max(0, min(at - (width - len(target)) // 2, len(flat) - width))
    end = start + width
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


def outcome_of(statuses: Iterable[str]) -> str:
    """The state of a conversation from the statuses of its handoffs (first of waiting, with staff, resolved)."""
    statuses = set(statuses)
    if not statuses:
        return "bot_only"
    if "open" in statuses:
        return "waiting"
    if "claimed" in statuses:
        return "with_staff"
    return "resolved"


def _handoff_with(*conditions):
    return exists().where(Handoff.conversation_id == Conversation.id, *conditions)


def _outcome_condition(outcome: str):
    """The SQL twin of `outcome_of` (and the crisis flag)."""
    if outcome == "bot_only":
        return ~_handoff_with()
    if outcome == "waiting":
        return _handoff_with(Handoff.status == "open")
    if outcome == "with_staff":
        return _handoff_with(Handoff.status == "claimed") & ~_handoff_with(Handoff.status == "open")
    if outcome == "resolved":
        return _handoff_with() & ~_handoff_with(Handoff.status.in_(("open", "claimed")))
    if outcome == "crisis":
        return _handoff_with(Handoff.priority == "crisis")
    raise ValueError(f"unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")


def _matches_text(text: str):
    return Message.text.ilike(like_pattern(text), escape=LIKE_ESCAPE)


def search_conversations(
    s: Session,
    text: Optional[str] = None,
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
    channel: Optional[str] = None,
    outcome: Optional[str] = None,
    limit: int = 50,
    offset: int = 0,
) -> Dict[str, Any]:
    """{"total", "conversations"}: newest activity first. `since` is inclusive, `until` exclusive.

    Text matches any message, case-insensitively (on SQLite only for ASCII
    letters); dates match a conversation with a message in the window.
    """
    text = (text or "").strip()
    conditions = []
    if text:
        conditions.append(exists().where(Message.conversation_id == Conversation.id, _matches_text(text)))
    if since or until:
        window = [Message.conversation_id == Conversation.id]
        if since:
            window.append(Message.created_at >= since)
        if until:
            window.append(Message.created_at < until)
        conditions.append(exists().where(*window))
    if channel:
        conditions.append(Conversation.channel == channel)
    if outcome:
        conditions.append(_outcome_condition(outcome))

    total = s.execute(select(func.count()).select_from(Conversation).where(*conditions)).scalar_one()
    page = s.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.address,
            Conversation.created_at,
            Conversation.updated_at,
        )
        .where(*conditions)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(max(1, min(limit, MAX_LIMIT)))
        .offset(max(0, offset))
    ).all()
    ids = [row.id for row in page]
    counts = _message_counts(s, ids)
    handoffs = _handoffs(s, ids)
    snippets = _snippets(s, ids, text) if text else {}
    conversations = []
    for row in page:
        statuses, top = handoffs.get(row.id, ((), None))
        conversations.append(
            {
                "id": row.id,
                "channel": row.channel,
                "address": shown_address(row.channel, row.address),
                "created_at": row.created_at,
                "updated_at": row.updated_at,
                "message_count": counts.get(row.id, 0),
                "outcome": outcome_of(statuses),
                "priority": top,
                "snippet": snippets.get(row.id),
            }
        )
    return {"total": total, "conversations": conversations}


def _message_counts(s: Session, ids: List[str]) -> Dict[str, int]:
    if not ids:
        return {}
    rows = s.execute(
        select(Message.conversation_id, func.count(Message.id))
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
    ).all()
    return {cid: n for cid, n in rows}


def _handoffs(s: Session, ids: List[str]) -> Dict[str, Tuple[List[str], Optional[str]]]:
    """conversation id -> (statuses of its handoffs, highest priority)."""
    if not ids:
        return {}
    statuses: Dict[str, List[str]] = defaultdict(list)
    top: Dict[str, str] = {}
    for cid, status, priority in s.execute(
        select(Handoff.conversation_id, Handoff.status, Handoff.priority).where(Handoff.conversation_id.in_(ids))
    ).all():
        statuses[cid].append(status)
        if cid not in top or PRIORITIES.index(priority) > PRIORITIES.index(top[cid]):
            top[cid] = priority
    return {cid: (statuses[cid], top[cid]) for cid in statuses}


def _snippets(s: Session, ids: List[str], text: str) -> Dict[str, str]:
    if not ids:
        return {}
    first = (
        select(func.min(Message.id))
        .where(Message.conversation_id.in_(ids), _matches_text(text))
        .group_by(Message.conversation_id)
    )
    rows = s.execute(select(Message.conversation_id, Message.text).where(Message.id.in_(first))).all()
    return {cid: snippet(body, text) for cid, body in rows}
