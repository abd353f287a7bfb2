"""Forgetting a conversation everywhere it is kept: the transcript store and Rasa's tracker store.

A purge removes the conversation, its messages (with what the assistant
understood each as), its handoffs and the corrections staff made to it, and
deletes Rasa's events for it (Rasa keeps each turn's text there, keyed by the
conversation id). Both happen in one step: the tracker's rows go inside the
transcript store's transaction, so a failure on either side leaves both as
they were, and running the purge again finishes it. The step's audit entry
says who purged how many and why, never what was said.

Two things outlive a purge, on purpose: the audit trail (who read or did what
to which conversation id, with any staff note copied into it blanked), and an
SMS number's opt-out, kept as an empty conversation so nothing is ever texted
to a number that said STOP.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import Column, MetaData, String, Table, create_engine, delete, func, inspect, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bot.store import audit
from bot.store import repository as repo
from bot.store.models import AuditEntry, Conversation, Correction, Handoff, Message, utcnow

CHUNK = 500  # ids per IN (...): well inside every backend's limit on bound parameters
# Audit actions whose detail is a staff member's note about the visitor.
NOTE_ACTIONS = ("resolve", "hand_back")

_tracker_metadata = MetaData()
# The one table of Rasa 3.6's SQLTrackerStore that holds a conversation: every event as JSON.
TRACKER_EVENTS = Table("events", _tracker_metadata, Column("sender_id", String(255)))


def _chunks(ids: Sequence[str]) -> Iterable[List[str]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


class TrackerEvents:
    """Rasa's SQL tracker store, opened only to count and delete one conversation's events.

    Nothing is connected (or created) until a purge asks; an SQLite file that
    does not exist yet holds nothing to forget.
    """

    def __init__(self, url: str):
        self.url = url
        self._engine: Optional[Engine] = None

    def _open(self) -> Optional[Engine]:
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file():
                return None
        if self._engine is None:
            self._engine = create_engine(self.url, future=True, hide_parameters=True, pool_pre_ping=True)
        if not inspect(self._engine).has_table(TRACKER_EVENTS.name):
            return None
        return self._engine

    def count(self, sender_ids: Sequence[str]) -> int:
        engine = self._open()
        if engine is None or not sender_ids:
            return 0
        with engine.connect() as connection:
            return sum(
                connection.execute(
                    select(func.count()).select_from(TRACKER_EVENTS).where(TRACKER_EVENTS.c.sender_id.in_(chunk))
                ).scalar_one()
                for chunk in _chunks(sender_ids)
            )

    def forget(self, sender_ids: Sequence[str]) -> int:
        """Delete every event of these senders in one transaction; how many went."""
        engine = self._open()
        if engine is None or not sender_ids:
            return 0
        with engine.begin() as connection:
            return sum(
                connection.execute(delete(TRACKER_EVENTS).where(TRACKER_EVENTS.c.sender_id.in_(chunk))).rowcount or 0
                for chunk in _chunks(sender_ids)
            )

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@dataclass(frozen=True)
class Purged:
    """What a purge removed (or, in a dry run, would remove)."""

    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    corrections: int = 0
    tracker_events: int = 0
    dry_run: bool = False

    def __add__(self, other: "Purged") -> "Purged":
        return Purged(
            self.conversations + other.conversations,
            self.messages + other.messages,
            self.handoffs + other.handoffs,
            self.corrections + other.corrections,
            self.tracker_events + other.tracker_events,
            self.dry_run and other.dry_run,
        )

    def summary(self) -> str:
        return (
            f"{self.conversations} conversation{'' if self.conversations == 1 else 's'}, "
            f"{self.messages} messages, {self.handoffs} handoffs, {self.corrections} corrections, "
            f"{self.tracker_events} tracker events"
        )


def last_activity():
    """The later of a conversation's own last change and its newest message."""
    newest = select(func.max(Message.created_at)).where(Message.conversation_id == Conversation.id).scalar_subquery()
    return func.coalesce(newest, Conversation.updated_at)


def expired(s: Session, cutoff: datetime) -> List[str]:
    """Conversations with nothing new since `cutoff` that still hold something to forget.

    An opted-out SMS number kept after an earlier purge (no messages, no
    handoffs) is not counted again.
    """
    has_messages = select(Message.id).where(Message.conversation_id == Conversation.id).exists()
    has_handoffs = select(Handoff.id).where(Handoff.conversation_id == Conversation.id).exists()
    query = (
        select(Conversation.id)
        .where(Conversation.updated_at < cutoff, last_activity() < cutoff)
        .where(has_messages | has_handoffs | Conversation.opted_out.is_(False))
        .order_by(Conversation.id)
    )
    return list(s.execute(query).scalars())


def existing(s: Session, conversation_ids: Sequence[str]) -> List[str]:
    found: List[str] = []
    for chunk in _chunks(list(conversation_ids)):
        found.extend(s.execute(select(Conversation.id).where(Conversation.id.in_(chunk))).scalars())
    return sorted(found)


def _count(s: Session, model, ids: Sequence[str]) -> int:
    return sum(
        s.execute(select(func.count()).select_from(model).where(model.conversation_id.in_(chunk))).scalar_one()
        for chunk in _chunks(ids)
    )


def purge(
    s: Session,
    conversation_ids: Sequence[str],
    tracker: Optional[TrackerEvents],
    actor: str,
    reason: str,
    dry_run: bool = False,
) -> Purged:
    """Remove these conversations from both stores; one audit entry (none for a dry run).

    `reason` goes into the audit entry, so it must hold no content: "older than
    90 days", "asked by the visitor".
    """
    ids = existing(s, conversation_ids)
    counts = Purged(
        conversations=len(ids),
        messages=_count(s, Message, ids),
        handoffs=_count(s, Handoff, ids),
        corrections=_count(s, Correction, ids),
    )
    if dry_run:
        return dataclasses.replace(counts, tracker_events=tracker.count(ids) if tracker else 0, dry_run=True)
    if not ids:
        return Purged()
    kept_opt_outs: List[str] = []
    for chunk in _chunks(ids):
        kept_opt_outs.extend(
            s.execute(
                select(Conversation.id).where(Conversation.id.in_(chunk), Conversation.opted_out.is_(True))
            ).scalars()
        )
        s.execute(delete(Correction).where(Correction.conversation_id.in_(chunk)))
        s.execute(delete(Message).where(Message.conversation_id.in_(chunk)))
        s.execute(delete(Handoff).where(Handoff.conversation_id.in_(chunk)))
        s.execute(
            delete(Conversation).where(Conversation.id.in_(chunk), Conversation.opted_out.is_(False)),
            execution_options={"synchronize_session": False},
        )
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.conversation_id.in_(chunk), AuditEntry.action.in_(NOTE_ACTIONS))
            .values(detail="")
        )
    for conversation in kept_opt_outs:
        s.execute(update(Conversation).where(Conversation.id == conversation).values(mode="closed"))
    # Last, inside this transaction: if Rasa's store refuses, nothing above is committed.
    tracker_events = tracker.forget(ids) if tracker else 0
    result = dataclasses.replace(counts, tracker_events=tracker_events)
    audit.record(
        s,
        actor,
        "conversation_purged" if len(ids) == 1 else "conversations_purged",
        conversation_id=ids[0] if len(ids) == 1 else None,
        detail=f"{len(ids)} conversation{'' if len(ids) == 1 else 's'}, {reason}",
    )
    return result


# What became of a visitor's request to delete their conversation.
DELETED, AFTER_CRISIS, NOTHING = "deleted", "after crisis", "nothing"
AFTER_CRISIS_LINE = (
    "The visitor asked for this conversation to be deleted. It will be, as soon as the crisis ticket is closed."
)


def _open_crisis(s: Session, conversation_id: str) -> bool:
    return (
        s.execute(
            select(Handoff.id).where(
                Handoff.conversation_id == conversation_id,
                Handoff.priority == "crisis",
                Handoff.status.in_(("open", "claimed")),
            )
        ).first()
        is not None
    )


def visitor_deletion(
    s: Session, channel: str, address: str, tracker: Optional[TrackerEvents], reason: str
) -> Tuple[str, Optional[Purged]]:
    """The visitor's own request: their conversation goes at once, unless a crisis ticket of theirs is
    still open. Then staff must still be able to reach them: it is marked, said in the transcript, and
    purged when the ticket closes (`pending_deletions`)."""
    conversation = s.execute(
        select(Conversation).where(Conversation.channel == channel, Conversation.address == address)
    ).scalar_one_or_none()
    if conversation is None:
        return NOTHING, None
    if _open_crisis(s, conversation.id):
        if conversation.delete_requested_at is None:
            conversation.delete_requested_at = utcnow()
            repo.add_message(s, conversation, "system", AFTER_CRISIS_LINE)
            audit.record(s, "visitor", "deletion_requested", conversation.id, "after the crisis ticket closes")
        return AFTER_CRISIS, None
    return DELETED, purge(s, [conversation.id], tracker, "visitor", reason)


def pending_deletions(s: Session) -> List[str]:
    """Conversations whose visitor asked for deletion during a crisis, now that no crisis ticket is open."""
    open_crisis = (
        select(Handoff.id)
        .where(
            Handoff.conversation_id == Conversation.id,
            Handoff.priority == "crisis",
            Handoff.status.in_(("open", "claimed")),
        )
        .exists()
    )
    query = select(Conversation.id).where(Conversation.delete_requested_at.isnot(None), ~open_crisis)
    return list(s.execute(query.order_by(Conversation.id)).scalars())
