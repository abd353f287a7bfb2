"""A visitor's turn, on every channel: safety net, record, then the assistant or the queue.

The order is the product's promise. The crisis check runs first and its reply
is built before anything that can fail (database, Rasa); a failure after that
is logged and never costs the visitor the crisis lines.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional, Tuple

from bot import events as ev
from bot import understanding, waiting
from bot.events import Events
from bot.metrics import Metrics
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.store import conversations as convo
from bot.store.database import Database
from bot.store.rasa_events import TrackerEvents
from bot.turn import Inbound, Outcome, Reply, storable
from core import handoff as handoff_request
from core import safety, wording
from core.limits import MAX_MESSAGE_CHARS
from core.safety import context as screen_context

log = logging.getLogger(__name__)

CRISIS_REASON = "Crisis: the safety net recognised a message that may mean someone is in danger."
UNAVAILABLE_REASON = "assistant unavailable"
MAX_REMEMBERED_QUESTIONS = 50_000


class Router:
    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        contact: Callable[[], wording.Contact],
        staff_online: Callable[[], int] = lambda: 0,
        events: Optional[Events] = None,
        metrics: Optional[Metrics] = None,
        tracker_events: Optional[TrackerEvents] = None,
    ):
        self.db = db
        self.rasa = rasa
        self.contact = contact
        self.staff_online = staff_online
        self.events = events or Events()
        self.metrics = metrics or Metrics()
        # Where what Rasa understood is read without replaying its tracker (see bot.understanding).
        self.tracker_events = tracker_events
        # The screen question each visitor was just asked, when it asks about danger as history (see
        # core.safety.context). In memory: a lookup that cannot fail or wait; lost on restart or on another
        # replica, which only makes the net stricter.
        self._asked: "OrderedDict[Tuple[str, str], str]" = OrderedDict()

    def assess(self, channel: str, address: str, text: str) -> safety.Assessment:
        """The safety net's verdict on a message, knowing the screen question it may answer. Never waits."""
        return screen_context.assess_answer(text, self._asked.get((channel, address)))

    async def handle(self, msg: Inbound) -> Outcome:
        started = time.monotonic()
        # Before anything reads it: a message the store cannot keep would be lost, its crisis not escalated.
        msg = dataclasses.replace(msg, text=storable(msg.text))
        asked = self._asked.pop((msg.channel, msg.address), None)
        assessment = screen_context.assess_answer(msg.text, asked)
        if assessment.is_crisis:
            outcome = await self._crisis(msg, assessment)
        elif len(msg.text) > MAX_MESSAGE_CHARS:
            outcome = Outcome(None, [Reply(text=wording.too_long(MAX_MESSAGE_CHARS), author="system")], refused=True)
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
            return Outcome(None, [Reply(text=wording.trouble(self.contact()), author="system")])
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
            replies = replies or [Reply(text=wording.trouble(self.contact()), author="system")]
        await self._notify(ev.MESSAGE, {"conversation_id": conversation_id})
        return Outcome(conversation_id, replies)

    # -- crisis ------------------------------------------------------------
    async def _crisis(self, msg: Inbound, assessment: safety.Assessment) -> Outcome:
        replies = [Reply(text=wording.crisis_reply(about_other=assessment.about_other), author="system")]
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
            handoff = await self.db.run(
                convo.request_person, conversation_id, CRISIS_REASON, handoff_request.CRISIS, summary
            )
            self.metrics.handoffs.labels(priority=handoff_request.CRISIS).inc()
            if mode != "human":
                replies.append(Reply(text=wording.crisis_acknowledgement(self.staff_online()), author="system"))
            await self._record(conversation_id, replies)
            await self._notify(ev.CRISIS, {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
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
            if custom and screen_context.MARKER in custom:
                self._remember_question(msg, str(custom[screen_context.MARKER]))
                custom = {k: v for k, v in custom.items() if k != screen_context.MARKER} or None
                if not (custom or r.get("text") or r.get("buttons")):
                    continue
            request = handoff_request.read(custom)
            if custom and request:
                # The control payload stays inside; whatever rides along goes on.
                rest = {k: v for k, v in custom.items() if k != handoff_request.KEY}
                if rest:
                    replies.append(Reply(custom=rest))
                replies.append(
                    await self._open_handoff(
                        conversation_id, request, custom.get(handoff_request.SCREEN_RESULT), self._phone_in(replies)
                    )
                )
                continue
            if r.get("text") or r.get("buttons") or custom:
                replies.append(Reply(text=r.get("text"), buttons=r.get("buttons") or [], custom=custom))
        # What Rasa understood is read from its tracker afterwards, off the visitor's path.
        understanding.capture_later(self.db, self.rasa, conversation_id, message_id, msg.text, self.tracker_events)
        return replies

    async def _assistant_unavailable(self, conversation_id: str, msg: Inbound, exc: Exception) -> List[Reply]:
        log.warning("assistant unavailable for %s: %s", conversation_id, exc)
        self.metrics.assistant_failures.inc()
        try:
            handoff = await self.db.run(
                convo.request_person,
                conversation_id,
                UNAVAILABLE_REASON,
                handoff_request.URGENT,
                f'The assistant could not answer ({exc}): "{msg.text[:500]}"',
            )
            self.metrics.handoffs.labels(priority=handoff_request.URGENT).inc()
            await self._notify(ev.QUEUE, {"conversation_id": conversation_id, "handoff_id": handoff["id"]})
        except Exception:
            log.exception("could not open a handoff for %s", conversation_id)
        return [Reply(text=wording.assistant_unavailable(self.contact()), author="system")]

    def _remember_question(self, msg: Inbound, question: str) -> None:
        self._asked[(msg.channel, msg.address)] = question
        self._asked.move_to_end((msg.channel, msg.address))
        while len(self._asked) > MAX_REMEMBERED_QUESTIONS:
            self._asked.popitem(last=False)

    def _phone_in(self, replies: List[Reply]) -> bool:
        phone = self.contact().phone
        if not phone:
            return False
        return any(phone in (r.text or "") for r in replies)

    async def _open_handoff(
        self,
        conversation_id: str,
        request: handoff_request.Request,
        screen_result: Optional[Dict],
        phone_said: bool = False,
    ) -> Reply:
        handoff = await self.db.run(
            convo.request_person,
            conversation_id,
            request.reason,
            request.priority,
            request.summary,
            screen_result,
        )
        self.metrics.handoffs.labels(priority=request.priority).inc()
        await self._notify(
            ev.CRISIS if request.priority == handoff_request.CRISIS else ev.QUEUE,
            {"conversation_id": conversation_id, "handoff_id": handoff["id"]},
        )
        if request.priority == handoff_request.CRISIS:
            return Reply(text=wording.crisis_acknowledgement(self.staff_online()), author="system")
        return Reply(text=await self._acknowledge(handoff, phone_said), author="system")

    async def _acknowledge(self, handoff: Dict, phone_said: bool = False) -> str:
        position = await self.db.run(convo.queue_position, handoff["id"])
        return wording.acknowledgement(position, self.staff_online(), self.contact(), phone_said)

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
            replies.append(Reply(text=wording.callback_saved(number, when), author="system"))
        elif handoff.get("priority") == handoff_request.CRISIS:
            replies.append(Reply(text=wording.still_waiting_in_crisis(self.staff_online()), author="system"))
        else:
            position = await self.db.run(convo.queue_position, handoff["id"])
            replies.append(Reply(text=wording.still_waiting(position, self.staff_online()), author="system"))
        waited = (datetime.now(timezone.utc) - handoff["created_at"]).total_seconds()
        if waiting.should_repeat_crisis_lines(waited, handoff["crisis_lines_repeated"]):
            await self.db.run(convo.mark_crisis_lines_repeated, handoff["id"])
            replies.append(Reply(text=wording.CRISIS_LINES, author="system"))
        return replies

    # -- plumbing ----------------------------------------------------------
    async def _record(self, conversation_id: str, replies: List[Reply]) -> None:
        if replies:
            await self.db.run(convo.record_replies, conversation_id, [r.stored() for r in replies])

    async def _notify(self, kind: str, data: Dict) -> None:
        await self.events.publish(kind, data)
