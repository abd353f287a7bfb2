"""Every inbound message, on every channel: safety net, record, then bot or staff.

The order is the product's promise. The crisis check runs first and its reply
is built before anything that can fail (database, Rasa); a failure after that
is logged and never costs the visitor the crisis lines.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional

from bot import safety, understanding, waiting
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.store import conversations as convo
from bot.store.database import Database

log = logging.getLogger(__name__)

PRIORITIES = ("normal", "urgent", "crisis")
CRISIS_REASON = "Crisis: the safety net recognised a message that may mean someone is in danger."
UNAVAILABLE_REASON = "assistant unavailable"


@dataclass
class Reply:
    """One message for the visitor, in the channel-neutral shape of Rasa's REST replies."""

    text: Optional[str] = None
    buttons: List[Dict[str, Any]] = field(default_factory=list)
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

    def stored(self):
        payload = {"buttons": self.buttons, "custom": self.custom} if (self.buttons or self.custom) else None
        return (self.author, self.text or "", payload, self.staff_name)


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


# Events for the staff console: "crisis", "queue", "message".
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
        metrics: Optional[Metrics] = None,
        deliveries: Optional[Deliveries] = None,
    ):
        self.db = db
        self.rasa = rasa
        self.contact = contact
        self.staff_online = staff_online
        self.notify = notify
        self.metrics = metrics or Metrics()
        self.deliveries = deliveries or Deliveries()

    async def handle(self, msg: Inbound) -> Outcome:
        started = time.monotonic()
        assessment = safety.assess(msg.text)
        if assessment.is_crisis:
            outcome = await self._crisis(msg, assessment)
        else:
            outcome = await self._route(msg)
        self.metrics.reply_seconds.labels(channel=msg.channel).observe(time.monotonic() - started)
        return outcome

    async def _route(self, msg: Inbound) -> Outcome:
        try:
            recorded = await self.db.run(
                convo.record_visitor_message_with_id, msg.channel, msg.address, msg.text, msg.channel_message_id
            )
        except Exception:
            log.exception("could not record a message on %s", msg.channel)
            return Outcome(None, [Reply(text=waiting.trouble(self.contact()), author="system")])
        if recorded is None:
            return Outcome(None, [], duplicate=True)
        conversation_id, mode, message_id = recorded
        replies: List[Reply] = []
        try:
            if mode == "waiting":
                replies = await self._while_waiting(conversation_id, msg)
            elif mode == "bot":
                replies = await self._ask_bot(conversation_id, msg, message_id)
            # In human mode staff answer in their own words.
            await self._record(conversation_id, replies)
        except Exception:
            log.exception("could not finish the turn of %s", conversation_id)
            replies = replies or [Reply(text=waiting.trouble(self.contact()), author="system")]
        await self._notify("message", {"conversation_id": conversation_id})
        return Outcome(conversation_id, replies)

    # -- crisis ------------------------------------------------------------
    async def _crisis(self, msg: Inbound, assessment: safety.Assessment) -> Outcome:
        replies = [Reply(text=safety.crisis_reply(about_other=assessment.about_other), author="system")]
        self.metrics.crises.labels(channel=msg.channel).inc()
        conversation_id = None
        try:
            recorded = await self.db.run(
                convo.record_visitor_message, msg.channel, msg.address, msg.text, msg.channel_message_id
            )
            if recorded is None:
                # A retry of a message already answered: answer the same again.
                return Outcome(None, replies, duplicate=True)
            conversation_id, mode = recorded
            summary = f'Safety net ({assessment.category}: "{assessment.matched}"): "{msg.text[:500]}"'
            handoff = await self.db.run(convo.request_person, conversation_id, CRISIS_REASON, "crisis", summary)
            self.metrics.handoffs.labels(priority="crisis").inc()
            if mode != "human":
                replies.append(Reply(text=await self._acknowledge(handoff), author="system"))
            await self._record(conversation_id, replies)
            await self._notify("crisis", {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
        except Exception:
            log.exception("crisis path: could not record or escalate")
        return Outcome(conversation_id, replies)

    # -- bot mode ----------------------------------------------------------
    async def _ask_bot(self, conversation_id: str, msg: Inbound, message_id: Optional[int] = None) -> List[Reply]:
        metadata = {**(msg.metadata or {}), "channel": msg.channel}
        try:
            rasa_replies = await self.rasa.send(conversation_id, msg.text, metadata)
        except RasaUnavailable as exc:
            return await self._assistant_unavailable(conversation_id, msg, exc)

        replies: List[Reply] = []
        for r in rasa_replies:
            custom = r.get("custom") if isinstance(r.get("custom"), dict) else None
            request = custom.get("handoff") if custom else None
            if isinstance(request, dict):
                # The control payload stays inside; whatever rides along goes on.
                rest = {k: v for k, v in custom.items() if k != "handoff"}
                if rest:
                    replies.append(Reply(custom=rest))
                replies.append(await self._open_handoff(
                    conversation_id, request, custom.get("screen_result"), self._phone_in(replies)))
                continue
            if r.get("text") or r.get("buttons") or custom:
                replies.append(Reply(text=r.get("text"), buttons=r.get("buttons") or [], custom=custom))
        # What Rasa understood is read from its tracker afterwards, off the visitor's path.
        understanding.capture_later(self.db, self.rasa, conversation_id, message_id, msg.text)
        return replies

    async def _assistant_unavailable(self, conversation_id: str, msg: Inbound, exc: Exception) -> List[Reply]:
        log.warning("assistant unavailable for %s: %s", conversation_id, exc)
        self.metrics.assistant_failures.inc()
        try:
            handoff = await self.db.run(
                convo.request_person, conversation_id, UNAVAILABLE_REASON, "urgent",
                f'The assistant could not answer ({exc}): "{msg.text[:500]}"',
            )
            self.metrics.handoffs.labels(priority="urgent").inc()
            await self._notify("queue", {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
        except Exception:
            log.exception("could not open a handoff for %s", conversation_id)
        return [Reply(text=waiting.assistant_unavailable(self.contact()), author="system")]

    def _phone_in(self, replies: List[Reply]) -> bool:
        phone = self.contact().phone
        return bool(phone) and any(phone in (r.text or "") for r in replies)

    async def _open_handoff(
        self, conversation_id: str, request: Dict[str, Any], screen_result: Optional[Dict[str, Any]],
        phone_said: bool = False,
    ) -> Reply:
        priority = request.get("priority") if request.get("priority") in PRIORITIES else "normal"
        handoff = await self.db.run(
            convo.request_person, conversation_id, str(request.get("reason") or "handoff requested"), priority,
            str(request.get("summary") or ""), screen_result,
        )
        self.metrics.handoffs.labels(priority=priority).inc()
        await self._notify("crisis" if priority == "crisis" else "queue",
                           {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
        return Reply(text=await self._acknowledge(handoff, phone_said), author="system")

    async def _acknowledge(self, handoff: Dict[str, Any], phone_said: bool = False) -> str:
        position = await self.db.run(convo.queue_position, handoff["id"])
        return waiting.acknowledgement(position, self.staff_online(), self.contact(), phone_said)

    # -- waiting for staff -------------------------------------------------
    async def _while_waiting(self, conversation_id: str, msg: Inbound) -> List[Reply]:
        handoff = await self.db.run(convo.open_handoff_of, conversation_id)
        if handoff is None:
            # Waiting with no ticket (resolved elsewhere): the assistant takes over again.
            await self.db.run(convo.hand_back, conversation_id, None)
            return await self._ask_bot(conversation_id, msg)
        replies: List[Reply] = []
        callback = waiting.parse_callback(msg.text) if not handoff.get("callback_number") else None
        if callback:
            number, when = callback
            await self.db.run(convo.save_callback, handoff["id"], number, when)
            replies.append(Reply(text=waiting.callback_saved(number, when), author="system"))
        else:
            position = await self.db.run(convo.queue_position, handoff["id"])
            replies.append(Reply(text=waiting.still_waiting(position, self.staff_online()), author="system"))
        waited = (datetime.now(timezone.utc) - handoff["created_at"]).total_seconds()
        if waiting.should_repeat_crisis_lines(waited, handoff["crisis_lines_repeated"]):
            await self.db.run(convo.mark_crisis_lines_repeated, handoff["id"])
            replies.append(Reply(text=waiting.CRISIS_LINES, author="system"))
        return replies

    # -- staff -------------------------------------------------------------
    async def staff_says(self, conversation_id: str, staff_name: str, text: str) -> bool:
        """Record a staff message and push it to the visitor's channel; True if it was delivered."""
        reply = Reply(text=text, author="staff", staff_name=staff_name)
        await self._record(conversation_id, [reply])
        return await self._push(conversation_id, reply)

    async def hand_back(self, conversation_id: str, note: Optional[str] = None) -> bool:
        """Staff return the visitor to the assistant, who says so."""
        if not await self.db.run(convo.hand_back, conversation_id, note):
            return False
        reply = Reply(text=waiting.back_to_bot(), author="system")
        await self._record(conversation_id, [reply])
        await self._push(conversation_id, reply)
        await self._notify("queue", {"conversation_id": conversation_id})
        return True

    async def claim(self, handoff_id: int, conversation_id: str, username: str, name: str) -> bool:
        """Staff take a ticket; exactly one of two simultaneous claims wins, and the visitor hears who joined."""
        if not await self.db.run(convo.claim, handoff_id, username, name):
            return False
        await self._push(conversation_id, Reply(text=waiting.joined(name), author="system"))
        await self._notify("queue", {"conversation_id": conversation_id})
        return True

    async def transfer(self, conversation_id: str, to_username: str, to_name: str) -> Optional[str]:
        """Pass a held conversation to a colleague; a problem to show staff, or None."""
        problem = await self.db.run(convo.transfer, conversation_id, to_username, to_name)
        if problem is None:
            await self._push(conversation_id, Reply(text=waiting.taking_over(to_name), author="system"))
            await self._notify("queue", {"conversation_id": conversation_id})
        return problem

    async def close(self, conversation_id: str, staff_name: str, note: str) -> bool:
        """Staff resolve the ticket; the visitor is told how to reach us again."""
        if not await self.db.run(convo.close, conversation_id, note):
            return False
        reply = Reply(text=waiting.closed_by(staff_name), author="system")
        await self._record(conversation_id, [reply])
        await self._push(conversation_id, reply)
        await self._notify("queue", {"conversation_id": conversation_id})
        return True

    async def _push(self, conversation_id: str, reply: Reply) -> bool:
        where = await self.db.run(convo.address_of, conversation_id)
        return bool(where) and await self.deliveries.deliver(where[0], where[1], reply)

    # -- plumbing ----------------------------------------------------------
    async def _record(self, conversation_id: str, replies: List[Reply]) -> None:
        if replies:
            await self.db.run(convo.record_replies, conversation_id, [r.stored() for r in replies])

    async def _notify(self, kind: str, data: Dict[str, Any]) -> None:
        try:
            await self.notify(kind, data)
        except Exception:
            log.exception("could not notify staff of %s", kind)
