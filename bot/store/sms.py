"""The SMS line's own state: opt-outs (STOP/START) and the buttons a number was last offered.

One transaction per function, each taking the Session first for `Database.run`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import repository as repo
from bot.store.models import Message

CHANNEL = "sms"
# Marks our replies to STOP/START/HELP so they never hide the buttons the
# conversation offered just before.
KEYWORD_MARK = "sms_keyword"
BUTTON_LOOKBACK = 10


def sms_state(s: Session, address: str) -> Tuple[bool, Optional[List[Dict[str, Any]]]]:
    """(opted out?, the buttons of the last message we sent, if it offered any)."""
    conversation = repo.find_conversation(s, CHANNEL, address)
    if conversation is None:
        return False, None
    recent = s.execute(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id.desc())
        .limit(BUTTON_LOOKBACK)
    ).scalars()
    for message in recent:
        payload = message.payload if isinstance(message.payload, dict) else {}
        if message.author == "visitor" or payload.get(KEYWORD_MARK):
            continue
        return bool(conversation.opted_out), (payload.get("buttons") or None)
    return bool(conversation.opted_out), None


def record_keyword(
    s: Session, address: str, sid: str, body: str, keyword: str, opt_out: Optional[bool], reply: Optional[str]
) -> Optional[bool]:
    """Keep a keyword message and our answer; None for a Twilio retry, else whether opt-out changed."""
    conversation = repo.get_or_create_conversation(s, CHANNEL, address)
    if repo.add_message(s, conversation, "visitor", body, channel_message_id=sid) is None:
        return None
    changed = opt_out is not None and bool(conversation.opted_out) != opt_out
    if opt_out is not None and changed:
        repo.set_opt_out(s, conversation, opt_out)
    if reply and (changed or opt_out is None):
        repo.add_message(s, conversation, "system", reply, payload={KEYWORD_MARK: keyword})
    return changed


def record_unanswered(s: Session, address: str, sid: str, body: str, reply: Optional[str] = None) -> bool:
    """Keep a message that does not go to the assistant; False for a Twilio retry."""
    conversation = repo.get_or_create_conversation(s, CHANNEL, address)
    if repo.add_message(s, conversation, "visitor", body, channel_message_id=sid) is None:
        return False
    if reply:
        repo.add_message(s, conversation, "system", reply, payload={KEYWORD_MARK: "media"})
    return True


def is_opted_out(s: Session, address: str) -> bool:
    conversation = repo.find_conversation(s, CHANNEL, address)
    return bool(conversation and conversation.opted_out)


def mark_opted_out(s: Session, address: str) -> None:
    repo.set_opt_out(s, repo.get_or_create_conversation(s, CHANNEL, address), True)
