"""What the gateway does with a conversation, one transaction per function.

Built on the repository's primitives; each function takes a Session first so
`Database.run(fn, ...)` can call it in a worker thread. Results are plain dicts
and tuples, never ORM objects, so nothing leaks out of the session.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.store import repository as repo
from bot.store.models import Conversation, Handoff, Message
from core.handoff import CRISIS


def record_visitor_message_with_id(
    s: Session, channel: str, address: str, text: str, channel_message_id: Optional[str] = None
) -> Optional[Tuple[str, str, int]]:
    """Store an inbound message; (conversation id, mode, message id), or None for a repeat."""
    conversation = repo.get_or_create_conversation(s, channel, address)
    message = repo.add_message(s, conversation, "visitor", text, channel_message_id=channel_message_id)
    if message is None:
        return None
    if conversation.mode == "closed":
        repo.set_mode(s, conversation, "bot")
    return conversation.id, conversation.mode, message.id


def record_visitor_message(
    s: Session, channel: str, address: str, text: str, channel_message_id: Optional[str] = None
) -> Optional[Tuple[str, str]]:
    """Store an inbound message; (conversation id, mode), or None for a repeat."""
    recorded = record_visitor_message_with_id(s, channel, address, text, channel_message_id)
    return recorded[:2] if recorded else None


def record_turn(
    s: Session,
    channel: str,
    address: str,
    text: str,
    key: str,
    replies: List["StoredReply"],
    crisis: Optional[Dict[str, str]] = None,
    at: Optional[datetime] = None,
) -> Optional[Dict[str, Any]]:
    """A whole turn in one transaction: the message, what was answered, and a crisis ticket if it needs one.

    Keyed by the message's channel id, so storing the same turn twice (a journal
    replayed after a crash, a late write racing its journal entry) is a no-op;
    a message already stored without its replies gets them. Returns
    {conversation_id, mode, handoff, acknowledged} for a new turn, None for one already kept. A crisis
    carries {reason, summary, acknowledgement?}: the acknowledgement is added unless staff hold the conversation.
    """
    conversation = repo.get_or_create_conversation(s, channel, address)
    message = repo.add_message(s, conversation, "visitor", text, channel_message_id=key)
    if message is None:
        if not _answered(s, channel, key):
            _add_replies(s, conversation, replies, at)
        return None
    if at is not None:
        message.created_at = at
    if conversation.mode == "closed":
        repo.set_mode(s, conversation, "bot")
    handoff, acknowledged = None, False
    if crisis:
        staff_here = conversation.mode == "human"
        handoff = repo.open_handoff(s, conversation, crisis["reason"], CRISIS, crisis.get("summary", ""))
        if conversation.mode == "bot":
            repo.set_mode(s, conversation, "waiting")
        # Staff already with the visitor answer in their own words.
        if crisis.get("acknowledgement") and not staff_here:
            replies = [*replies, ("system", crisis["acknowledgement"], None, None)]
            acknowledged = True
    _add_replies(s, conversation, replies, at)
    return {
        "conversation_id": conversation.id,
        "mode": conversation.mode,
        "handoff": repo.handoff_as_dict(handoff) if handoff else None,
        "acknowledged": acknowledged,
    }


def _add_replies(s: Session, conversation: Conversation, replies: List["StoredReply"], at: Optional[datetime]) -> None:
    for author, text, payload, staff_name in replies:
        reply = repo.add_message(s, conversation, author, text, payload=payload, staff_name=staff_name)
        if reply is not None and at is not None:
            reply.created_at = at


def _answered(s: Session, channel: str, key: str) -> bool:
    """Whether anything was written to the conversation after the message with this channel id."""
    message = s.execute(
        select(Message).where(Message.channel == channel, Message.channel_message_id == key)
    ).scalar_one_or_none()
    if message is None:
        return False
    later = s.execute(
        select(Message.id).where(Message.conversation_id == message.conversation_id, Message.id > message.id).limit(1)
    ).first()
    return later is not None


def stored_turn(s: Session, channel: str, key: str) -> Optional[Dict[str, Any]]:
    """A message already kept under this channel id: its conversation, mode, id, and the replies that followed.

    For a retry: an answered message is answered the same again; one stored but
    never answered (the gateway died in between) is answered now.
    """
    message = s.execute(
        select(Message).where(Message.channel == channel, Message.channel_message_id == key)
    ).scalar_one_or_none()
    if message is None:
        return None
    replies = []
    for later in s.execute(
        select(Message)
        .where(Message.conversation_id == message.conversation_id, Message.id > message.id)
        .order_by(Message.id)
    ).scalars():
        if later.author == "visitor":
            break
        replies.append(repo.message_as_dict(later))
    return {
        "conversation_id": message.conversation_id,
        "mode": message.conversation.mode,
        "message_id": message.id,
        "replies": replies,
    }


def record_reply(
    s: Session,
    conversation_id: str,
    author: str,
    text: str,
    payload: Optional[Dict[str, Any]] = None,
    staff_name: Optional[str] = None,
) -> None:
    repo.add_message(s, s.get(Conversation, conversation_id), author, text, payload=payload, staff_name=staff_name)


StoredReply = Tuple[str, str, Optional[Dict[str, Any]], Optional[str]]


def record_replies(s: Session, conversation_id: str, replies: List[StoredReply]) -> None:
    """Several (author, text, payload, staff_name) at once, in one transaction."""
    conversation = s.get(Conversation, conversation_id)
    for author, text, payload, staff_name in replies:
        repo.add_message(s, conversation, author, text, payload=payload, staff_name=staff_name)


def record_staff_text(s: Session, conversation_id: str, staff_name: str, text: str, undelivered: bool) -> int:
    """A staff message, marked undelivered until its channel takes it; its id."""
    conversation = s.get(Conversation, conversation_id)
    message = repo.add_message(s, conversation, "staff", text, staff_name=staff_name)
    assert message is not None
    message.undelivered = undelivered
    return int(message.id)


def mark_delivered(s: Session, message_id: int) -> None:
    message = s.get(Message, message_id)
    if message is not None:
        message.undelivered = False


def address_of(s: Session, conversation_id: str) -> Optional[Tuple[str, str]]:
    """(channel, address) of a conversation, for sending outside a request."""
    conversation = s.get(Conversation, conversation_id)
    return (conversation.channel, conversation.address) if conversation else None


def request_person(
    s: Session,
    conversation_id: str,
    reason: str,
    priority: str,
    summary: str,
    screen_result: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """Open (or raise the priority of) the conversation's handoff; the visitor now waits."""
    conversation = s.get(Conversation, conversation_id)
    if screen_result:
        summary = f"{summary}\nScreen result: {json.dumps(screen_result, sort_keys=True)}"
    handoff = repo.open_handoff(s, conversation, reason, priority, summary)
    if conversation.mode == "bot":
        repo.set_mode(s, conversation, "waiting")
    return repo.handoff_as_dict(handoff)


def queue_position(s: Session, handoff_id: int) -> int:
    """1 for the first in the queue; a handoff not in the queue counts as first.

    Counted, not loaded: the open tickets ahead of this one in the queue's own order
    (`repo.open_handoffs_queue`: higher priority, then older, then lower id).
    """
    handoff = s.get(Handoff, handoff_id)
    if handoff is None or handoff.status != "open":
        return 1
    higher = [p for p, r in repo.PRIORITY_RANK.items() if r > repo.PRIORITY_RANK.get(handoff.priority, 0)]
    ahead = or_(
        Handoff.priority.in_(higher),
        and_(
            Handoff.priority == handoff.priority,
            or_(
                Handoff.created_at < handoff.created_at,
                and_(Handoff.created_at == handoff.created_at, Handoff.id < handoff.id),
            ),
        ),
    )
    count = s.execute(select(func.count()).select_from(Handoff).where(Handoff.status == "open", ahead)).scalar_one()
    return count + 1


def open_handoff_of(s: Session, conversation_id: str) -> Optional[Dict[str, Any]]:
    handoff = repo.active_handoff(s, conversation_id)
    return repo.handoff_as_dict(handoff) if handoff else None


def save_callback(s: Session, handoff_id: int, number: str, when: Optional[str]) -> None:
    handoff = s.get(Handoff, handoff_id)
    handoff.callback_number = number
    handoff.callback_time = when


def mark_crisis_lines_repeated(s: Session, handoff_id: int) -> None:
    s.get(Handoff, handoff_id).crisis_lines_repeated = True


def conversation_transcript(s: Session, conversation_id: str) -> Optional[Dict[str, Any]]:
    conversation = s.get(Conversation, conversation_id)
    if conversation is None:
        return None
    data = repo.conversation_as_dict(conversation)
    data["messages"] = [repo.message_as_dict(m) for m in repo.list_messages(s, conversation_id)]
    return data


def conversation_id_by_address(s: Session, channel: str, address: str) -> Optional[str]:
    conversation = repo.find_conversation(s, channel, address)
    return conversation.id if conversation else None


def conversation_by_address(s: Session, channel: str, address: str) -> Optional[Dict[str, Any]]:
    conversation = repo.find_conversation(s, channel, address)
    return conversation_transcript(s, conversation.id) if conversation else None


def handoffs_of(s: Session, conversation_id: str) -> List[Dict[str, Any]]:
    return [repo.handoff_as_dict(h) for h in repo.handoffs_for_conversation(s, conversation_id)]


def claim(s: Session, handoff_id: int, staff: str, line: Optional[str] = None) -> bool:
    """Staff (a username) take the ticket; only one of two simultaneous claims wins. `line` goes in the transcript."""
    if not repo.claim_handoff(s, handoff_id, staff):
        return False
    handoff = s.get(Handoff, handoff_id)
    s.refresh(handoff)
    repo.set_mode(s, handoff.conversation, "human")
    if line:
        repo.add_message(s, handoff.conversation, "system", line)
    return True


def hand_back(s: Session, conversation_id: str, note: Optional[str] = None, line: Optional[str] = None) -> bool:
    """Staff return the visitor to the assistant; the ticket is resolved. `line` goes in the transcript."""
    conversation = s.get(Conversation, conversation_id)
    if conversation is None:
        return False
    handoff = repo.active_handoff(s, conversation_id)
    if handoff is not None:
        repo.resolve_handoff(s, handoff.id, note)
    repo.set_mode(s, conversation, "bot")
    if line:
        repo.add_message(s, conversation, "system", line)
    return True


def return_parked(s: Session, reason: str, note: str, line: str) -> List[Tuple[str, str, str]]:
    """Visitors parked by an outage (an open, unclaimed ticket with `reason`) go back to the assistant.

    A ticket a person claimed, or one raised to another reason (a crisis), stays.
    Each is resolved with `note` and `line` written to the transcript, in one
    transaction (two gateways never both do it); returns (conversation id,
    channel, address) of each, to tell them.
    """
    parked = (
        s.execute(
            select(Handoff)
            .where(Handoff.status == "open", Handoff.reason == reason, Handoff.priority != CRISIS)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    returned = []
    for handoff in parked:
        conversation = handoff.conversation
        repo.resolve_handoff(s, handoff.id, note)
        if conversation.mode == "waiting":
            repo.set_mode(s, conversation, "bot")
            repo.add_message(s, conversation, "system", line)
            returned.append((conversation.id, conversation.channel, conversation.address))
    return returned


def transfer(
    s: Session, conversation_id: str, to_username: str, to_display_name: str, line: Optional[str] = None
) -> Optional[str]:
    """Give a claimed conversation to a colleague; the visitor hears who is taking over. A problem, or None."""
    handoff = repo.active_handoff(s, conversation_id)
    if handoff is None or handoff.status != "claimed":
        return "Nobody holds this conversation, so there is nothing to transfer."
    if handoff.claimed_by == to_username:
        return f"{to_display_name} already holds this conversation."
    handoff.claimed_by = to_username
    if line:
        repo.add_message(s, handoff.conversation, "system", line)
    return None


def close(s: Session, conversation_id: str, note: str, line: Optional[str] = None) -> bool:
    """Resolve the conversation's ticket with a note; the next message starts again with the assistant."""
    conversation = s.get(Conversation, conversation_id)
    handoff = repo.active_handoff(s, conversation_id)
    if conversation is None or handoff is None:
        return False
    repo.resolve_handoff(s, handoff.id, note)
    repo.set_mode(s, conversation, "closed")
    if line:
        repo.add_message(s, conversation, "system", line)
    return True


def take_due_crisis_reminders(s: Session, waiting_since: datetime, text: str) -> List[Tuple[str, str]]:
    """Unclaimed tickets opened before `waiting_since` whose visitor has not heard the crisis lines again.

    Each is marked and the message recorded here, in one transaction, so two
    gateways never both send it; returns (channel, address) to deliver to.
    """
    due = (
        s.execute(
            select(Handoff)
            .where(
                Handoff.status == "open", Handoff.crisis_lines_repeated.is_(False), Handoff.created_at <= waiting_since
            )
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    targets = []
    for handoff in due:
        handoff.crisis_lines_repeated = True
        repo.add_message(s, handoff.conversation, "system", text)
        targets.append((handoff.conversation.channel, handoff.conversation.address))
    return targets


# -- what the assistant understood (for the dashboard) ------------------------


def latest_visitor_message_id(s: Session, conversation_id: str) -> Optional[int]:
    return s.execute(
        select(Message.id)
        .where(Message.conversation_id == conversation_id, Message.author == "visitor")
        .order_by(Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def set_message_intent(s: Session, message_id: int, intent: str, confidence: Optional[float]) -> bool:
    """Store what a visitor message was understood as; False if there is no such visitor message."""
    message = s.get(Message, message_id)
    if message is None or message.author != "visitor":
        return False
    message.intent = intent
    message.intent_confidence = confidence
    return True
