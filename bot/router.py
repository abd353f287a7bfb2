"""Every inbound message, on every channel: safety net, record, then bot or staff.

The order is the product's promise. The crisis check runs first and its reply
is built before anything that can fail (database, Rasa); a failure after that
is logged and never costs the visitor the crisis lines.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional

from bot import safety, waiting
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.store import repository as repo
from bot.store.database import Database

log = logging.getLogger(__name__)

PRIORITY_RANK = {"normal": 0, "urgent": 1, "crisis": 2}


@dataclass
class Reply:
    """One message for the visitor, in the channel-neutral shape of Rasa's REST replies."""

    text: Optional[str] = None
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None
    author: str = "bot"  # bot | system | staff
    staff_name: Optional[str] = None

    def as_rest(self, recipient_id: str) -> Dict[str, Any]:
        out: Dict[str, Any] = {"recipient_id": recipient_id}
        if self.text:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = self.buttons
        if self.custom:
            out["custom"] = self.custom
        if self.staff_name:
            out["staff_name"] = self.staff_name
        return out


@dataclass
class Inbound:
    channel: str  # web | sms | rest
    address: str  # sender id, socket session or phone number
    text: str
    channel_message_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class Outcome:
    conversation_id: Optional[str]
    replies: List[Reply]
    duplicate: bool = False


# Events for the staff console (queue changes, crisis alerts, new messages).
Notify = Callable[[str, Dict[str, Any]], Awaitable[None]]


async def _no_notify(kind: str, data: Dict[str, Any]) -> None:
    return None


class Router:
    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        contact: Callable[[], waiting.Contact],
        staff_online: Callable[[], int] = lambda: 0,
        notify: Notify = _no_notify,
    ):
        self.db = db
        self.rasa = rasa
        self.contact = contact
        self.staff_online = staff_online
        self.notify = notify

    async def handle(self, msg: Inbound) -> Outcome:
        assessment = safety.assess(msg.text)
        if assessment.is_crisis:
            return await self._crisis(msg, assessment)

        recorded = await self.db.run(
            repo.record_visitor_message, msg.channel, msg.address, msg.text, msg.channel_message_id
        )
        if recorded is None:
            return Outcome(None, [], duplicate=True)
        conversation_id, mode = recorded
        if mode in ("waiting", "human"):
            replies = await self._while_with_staff(conversation_id, mode, msg.text)
        else:
            replies = await self._ask_bot(conversation_id, msg)
        await self._record_replies(conversation_id, replies)
        await self.notify("message", {"conversation_id": conversation_id})
        return Outcome(conversation_id, replies)

    # -- crisis ------------------------------------------------------------
    async def _crisis(self, msg: Inbound, assessment: safety.Assessment) -> Outcome:
        replies = [Reply(text=safety.crisis_reply(about_other=assessment.about_other), author="system")]
        conversation_id = None
        try:
            recorded = await self.db.run(
                repo.record_visitor_message, msg.channel, msg.address, msg.text, msg.channel_message_id
            )
            if recorded is None:
                # A retry of a message already answered: answer the same again.
                return Outcome(None, replies, duplicate=True)
            conversation_id, mode = recorded
            summary = f"Safety net ({assessment.category}, {assessment.matched}): \"{msg.text[:500]}\""
            handoff = await self.db.run(
                repo.request_person, conversation_id, "crisis", "crisis", summary
            )
            if mode == "bot":
                replies.append(Reply(text=await self._acknowledge(handoff), author="system"))
            await self._record_replies(conversation_id, replies)
            await self.notify("crisis", {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
        except Exception:  # the visitor still gets the crisis lines
            log.exception("crisis path: could not record or escalate")
        return Outcome(conversation_id, replies)

    # -- bot mode ----------------------------------------------------------
    async def _ask_bot(self, conversation_id: str, msg: Inbound) -> List[Reply]:
        try:
            rasa_replies = await self.rasa.send(conversation_id, msg.text, {"channel": msg.channel})
        except RasaUnavailable as exc:
            log.warning("assistant unavailable for %s: %s", conversation_id, exc)
            handoff = await self.db.run(
                repo.request_person, conversation_id, "assistant unavailable", "urgent",
                f"The assistant could not answer: \"{msg.text[:500]}\"",
            )
            await self.notify("queue", {"handoff_id": handoff["id"]})
            return [Reply(text=waiting.assistant_unavailable(self.contact()), author="system")]

        replies: List[Reply] = []
        for r in rasa_replies:
            custom = r.get("custom") if isinstance(r.get("custom"), dict) else None
            handoff_request = custom.get("handoff") if custom else None
            if handoff_request:
                replies.extend(await self._open_handoff(conversation_id, handoff_request, custom))
                continue
            if r.get("text") or r.get("buttons") or custom:
                replies.append(Reply(text=r.get("text"), buttons=r.get("buttons") or [], custom=custom))
        return replies

    async def _open_handoff(self, conversation_id: str, request: Dict[str, Any], custom: Dict[str, Any]) -> List[Reply]:
        priority = request.get("priority") if request.get("priority") in PRIORITY_RANK else "normal"
        summary = str(request.get("summary") or "")
        handoff = await self.db.run(
            repo.request_person, conversation_id, str(request.get("reason") or "handoff"), priority, summary,
            custom.get("screen_result"),
        )
        await self.notify("crisis" if priority == "crisis" else "queue", {"conversation_id": conversation_id,
                                                                       "handoff_id": handoff["id"]})
        return [Reply(text=await self._acknowledge(handoff), author="system")]

    async def _acknowledge(self, handoff: Dict[str, Any]) -> str:
        position = await self.db.run(repo.queue_position, handoff["id"])
        return waiting.acknowledgement(position, self.staff_online(), self.contact())

    # -- waiting for or talking with staff ----------------------------------
    async def _while_with_staff(self, conversation_id: str, mode: str, text: str) -> List[Reply]:
        if mode == "human":
            return []  # staff answer in their own words
        handoff = await self.db.run(repo.open_handoff_of, conversation_id)
        if handoff is None:
            return []
        replies: List[Reply] = []
        callback = waiting.parse_callback(text) if not handoff.get("callback_number") else None
        if callback:
            number, when = callback
            await self.db.run(repo.save_callback, handoff["id"], number, when)
            replies.append(Reply(text=waiting.callback_saved(number, when), author="system"))
        else:
            position = await self.db.run(repo.queue_position, handoff["id"])
            replies.append(Reply(text=waiting.still_waiting(position, self.staff_online()), author="system"))
        waited = (datetime.now(timezone.utc) - handoff["created_at"]).total_seconds()
        if waiting.should_repeat_crisis_lines(waited, handoff.get("crisis_lines_repeated", False)):
            await self.db.run(repo.mark_crisis_lines_repeated, handoff["id"])
            replies.append(Reply(text=waiting.CRISIS_LINES, author="system"))
        return replies

    async def _record_replies(self, conversation_id: str, replies: List[Reply]) -> None:
        for r in replies:
            await self.db.run(
                repo.record_reply, conversation_id, r.author, r.text or "",
                {"buttons": r.buttons, "custom": r.custom} if (r.buttons or r.custom) else None,
            )
