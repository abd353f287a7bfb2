"""A visitor's turn, on every channel: safety net, record, then the assistant or the queue.

The order is the product's promise. The crisis check runs first and its reply
is built before anything that can fail (database, Rasa); a failure after that
is logged and never costs the visitor the crisis lines.

Nothing the visitor waits on may stall the turn: the store gets
`store_wait_seconds` (a crisis at most CRISIS_STORE_WAIT_SECONDS), Rasa the
channel's time-out. A turn the store could not take in time is kept in the
journal (`bot.journal`) before the visitor is answered, and written to the
store when it is back; a write that merely came late is harmless, because
every turn is keyed by its message's id.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

from bot import events as ev
from bot import understanding, waiting
from bot.delivery import Deliveries
from bot.events import Events
from bot.journal import Entry, Journal
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
# A crisis reply waits this long at most for the store to open the ticket; past it the ticket is journalled.
CRISIS_STORE_WAIT_SECONDS = 1.0

T = TypeVar("T")

# Strong references to store writes that outlived their turn (the loop keeps only weak ones).
_late: Set["asyncio.Future[Any]"] = set()


class StoreSlow(Exception):
    """The store did not answer within the turn's wait (locked, down, or its threads all busy)."""

    def __init__(self, message: str, write: "asyncio.Future[Any]"):
        super().__init__(message)
        self.write = write  # still running: it may yet succeed, or fail


def new_key() -> str:
    """A message id for a turn whose channel gave none: every stored turn is keyed, so none is kept twice."""
    return f"gw-{uuid.uuid4().hex}"


def reply_from_store(message: Dict[str, Any]) -> Reply:
    payload: Dict[str, Any] = message["payload"] if isinstance(message.get("payload"), dict) else {}
    return Reply(
        text=message.get("text") or None,
        buttons=payload.get("buttons") or [],
        custom=payload.get("custom"),
        author=message.get("author") or "system",
        staff_name=message.get("staff_name"),
    )


class Router:
    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        contact: Callable[[], wording.Contact],
        staff_online: Callable[[], int] = lambda: 0,
        events: Optional[Events] = None,
        metrics: Optional[Metrics] = None,
        journal: Optional[Journal] = None,
        deliveries: Optional[Deliveries] = None,
        store_wait: float = 2.0,
        rasa_timeout: Callable[[str], float] = lambda channel: 10.0,
        tracker_events: Optional[TrackerEvents] = None,
    ):
        self.db = db
        self.rasa = rasa
        self.contact = contact
        self.staff_online = staff_online
        self.events = events or Events()
        self.metrics = metrics or Metrics()
        self.journal = journal
        self.deliveries = deliveries or Deliveries()
        self.store_wait = store_wait
        self.rasa_timeout = rasa_timeout
        # Messages being answered right now in this process: a retry arriving meanwhile is not a second turn.
        self._in_flight: Set[Tuple[str, str]] = set()
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
        msg = dataclasses.replace(msg, text=storable(msg.text), channel_message_id=msg.channel_message_id or new_key())
        assert msg.channel_message_id is not None
        asked = self._asked.pop((msg.channel, msg.address), None)
        assessment = screen_context.assess_answer(msg.text, asked)
        flight = (msg.channel, msg.channel_message_id)
        if assessment.is_crisis:
            outcome = await self._crisis(msg, assessment, again=flight in self._in_flight)
        elif len(msg.text) > MAX_MESSAGE_CHARS:
            outcome = Outcome(None, [Reply(text=wording.too_long(MAX_MESSAGE_CHARS), author="system")], refused=True)
        elif flight in self._in_flight:
            outcome = Outcome(None, [], duplicate=True)
        else:
            self._in_flight.add(flight)
            try:
                outcome = await self._route(msg)
            finally:
                self._in_flight.discard(flight)
        self.metrics.reply_seconds.labels(channel=msg.channel).observe(time.monotonic() - started)
        return outcome

    async def _store(self, fn: Callable[..., T], *args: Any, wait: Optional[float] = None) -> T:
        """One store call, waited for at most `wait`; a call still running then finishes on its own."""
        future = asyncio.ensure_future(self.db.run(fn, *args))
        done, _ = await asyncio.wait({future}, timeout=self.store_wait if wait is None else wait)
        if not done:
            _late.add(future)
            future.add_done_callback(_settle_late)
            raise StoreSlow(f"the store did not answer {getattr(fn, '__name__', 'a call')} in time", future)
        return future.result()

    async def _keep(self, msg: Inbound, replies: List[Reply], crisis: Optional[Dict[str, str]] = None) -> bool:
        """Journal a turn the store could not take, before the visitor is answered; False if that failed too."""
        if self.journal is None:
            return False
        assert msg.channel_message_id is not None
        entry = Entry(
            channel=msg.channel,
            address=msg.address,
            text=msg.text,
            key=msg.channel_message_id,
            replies=[list(r.stored()) for r in replies],
            crisis=crisis,
            at=datetime.now(timezone.utc).isoformat(),
        )
        try:
            await self.journal.keep(entry)
        except Exception:
            log.exception("could not journal a message on %s", msg.channel)
            return False
        self.metrics.journalled.labels(kind="crisis" if crisis else "message").inc()
        return True

    async def _route(self, msg: Inbound) -> Outcome:
        try:
            recorded = await self._store(
                convo.record_visitor_message_with_id, msg.channel, msg.address, msg.text, msg.channel_message_id
            )
        except Exception as exc:
            log.warning("could not record a message on %s (%s): keeping it in the journal", msg.channel, exc)
            replies = [Reply(text=wording.kept_for_later(self.contact()), author="system")]
            if await self._keep(msg, replies):
                return Outcome(None, replies)
            return Outcome(None, [Reply(text=wording.trouble(self.contact()), author="system")], kept=False)
        if recorded is None:
            return await self._again(msg)
        conversation_id, mode, message_id = recorded
        return await self._continue(msg, conversation_id, mode, message_id)

    async def _again(self, msg: Inbound) -> Outcome:
        """A retry of a message already kept: answered the same again, or answered now if it never was."""
        try:
            prior = await self._store(convo.stored_turn, msg.channel, msg.channel_message_id)
        except Exception:
            log.exception("could not read back a repeated message on %s", msg.channel)
            return Outcome(None, [], duplicate=True)
        if prior is None:
            return Outcome(None, [], duplicate=True)
        if prior["replies"]:
            return Outcome(prior["conversation_id"], [reply_from_store(m) for m in prior["replies"]], duplicate=True)
        # Kept, then the gateway stopped before answering: this retry gets the answer.
        return await self._continue(msg, prior["conversation_id"], prior["mode"], prior["message_id"])

    async def _continue(self, msg: Inbound, conversation_id: str, mode: str, message_id: int) -> Outcome:
        replies: List[Reply] = []
        try:
            if mode == "waiting":
                replies = await self._while_waiting(conversation_id, msg)
            elif mode == "bot":
                replies = await self._ask_bot(conversation_id, msg, message_id)
            # In human mode staff answer in their own words.
        except Exception:
            log.exception("could not finish the turn of %s", conversation_id)
            replies = replies or [Reply(text=wording.kept_for_later(self.contact()), author="system")]
        try:
            await self._record(conversation_id, replies)
        except StoreSlow as slow:
            # Still being written (a second copy now could land beside it); should that write fail after all,
            # the journal takes the replies.
            slow.write.add_done_callback(lambda f: self._keep_if_failed(f, msg, replies))
        except Exception as exc:
            # The message is kept; what it was answered goes in the journal, to follow it into the transcript.
            log.warning("could not record the replies in %s (%s): journalled", conversation_id, exc)
            await self._keep(msg, replies)
        await self._notify(ev.MESSAGE, {"conversation_id": conversation_id})
        return Outcome(conversation_id, replies)

    def _keep_if_failed(self, write: "asyncio.Future[Any]", msg: Inbound, replies: List[Reply]) -> None:
        if write.cancelled() or write.exception() is None:
            return
        task = asyncio.ensure_future(self._keep(msg, replies))
        _late.add(task)
        task.add_done_callback(_settle_late)

    # -- crisis ------------------------------------------------------------
    async def _crisis(self, msg: Inbound, assessment: safety.Assessment, again: bool = False) -> Outcome:
        replies = [Reply(text=wording.crisis_reply(about_other=assessment.about_other), author="system")]
        self.metrics.crises.labels(channel=msg.channel).inc()
        if again:
            # The same message is being escalated right now: the crisis lines again, one ticket.
            return Outcome(None, replies, duplicate=True)
        summary = f'Safety net ({assessment.category}: "{assessment.matched}"): "{msg.text[:500]}"'
        acknowledgement = Reply(text=wording.crisis_acknowledgement(self.staff_online()), author="system")
        ticket = {"reason": CRISIS_REASON, "summary": summary}
        args = (msg.channel, msg.address, msg.text, msg.channel_message_id, [r.stored() for r in replies])
        future = asyncio.ensure_future(
            self.db.run(convo.record_turn, *args, dict(ticket, acknowledgement=acknowledgement.text))
        )
        done, _ = await asyncio.wait({future}, timeout=min(CRISIS_STORE_WAIT_SECONDS, self.store_wait))
        if done and future.exception() is None:
            result = future.result()
            if result is None:
                # A retry of a message already escalated: answer the same again.
                return Outcome(None, replies, duplicate=True)
            await self._crisis_escalated(result)
            if result["acknowledged"]:
                replies.append(acknowledgement)
            return Outcome(result["conversation_id"], replies)

        # The store is locked, down or slow: the crisis lines go now, the ticket waits on disk for the store.
        log.error("crisis path: the store could not open the ticket in time; journalled, escalation degraded")
        if not await self._keep(msg, replies, crisis=ticket):
            log.critical("crisis path: neither the store nor the journal could keep a crisis message")
        if not done:
            # Should the store still open the ticket, staff hear of it then, and so does the visitor.
            _late.add(future)
            future.add_done_callback(_settle_late)
            future.add_done_callback(lambda f: self._late_crisis(f, msg, acknowledgement))
        return Outcome(None, replies)

    def _late_crisis(self, future: "asyncio.Future[Any]", msg: Inbound, acknowledgement: Reply) -> None:
        if future.cancelled() or future.exception() is not None or future.result() is None:
            return
        result = future.result()

        async def tell() -> None:
            await self._crisis_escalated(result)
            if result["acknowledged"]:
                await self.deliveries.deliver(msg.channel, msg.address, acknowledgement)

        task = asyncio.ensure_future(tell())
        _late.add(task)
        task.add_done_callback(_settle_late)

    async def _crisis_escalated(self, result: Dict[str, Any]) -> None:
        self.metrics.handoffs.labels(priority=handoff_request.CRISIS).inc()
        handoff = result.get("handoff") or {}
        await self._notify(ev.CRISIS, {"conversation_id": result["conversation_id"], "handoff_id": handoff.get("id")})

    # -- the journal, back in the store ------------------------------------
    async def store_kept(self, entry: Entry) -> Optional[str]:
        """Write one journalled turn to the store (Journal.replay); its conversation, or None if it was there."""
        crisis = entry.crisis
        if crisis:
            crisis = dict(crisis, acknowledgement=wording.crisis_acknowledgement(self.staff_online()))
        at = datetime.fromisoformat(entry.at) if entry.at else None
        replies = [tuple(r) for r in entry.replies]
        result = await self.db.run(
            convo.record_turn, entry.channel, entry.address, entry.text, entry.key, replies, crisis, at
        )
        if result is None:
            return None
        if crisis:
            log.warning("journal: a crisis kept while the store was away is now at the top of the queue")
            await self._crisis_escalated(result)
            if result["acknowledged"]:
                # Now that staff can see it, the visitor hears that they are being called.
                await self.deliveries.deliver(
                    entry.channel, entry.address, Reply(text=crisis["acknowledgement"], author="system")
                )
        else:
            await self._notify(ev.MESSAGE, {"conversation_id": result["conversation_id"]})
        return str(result["conversation_id"])

    # -- bot mode ----------------------------------------------------------
    async def _ask_bot(self, conversation_id: str, msg: Inbound, message_id: Optional[int] = None) -> List[Reply]:
        metadata = {**(msg.metadata or {}), "channel": msg.channel}
        try:
            rasa_replies = await self.rasa.send(
                conversation_id, msg.text, metadata, timeout=self.rasa_timeout(msg.channel)
            )
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
            handoff = await self._store(
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
        handoff = await self._store(
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
        position = await self._store(convo.queue_position, handoff["id"])
        return wording.acknowledgement(position, self.staff_online(), self.contact(), phone_said)

    # -- waiting for staff -------------------------------------------------
    async def _while_waiting(self, conversation_id: str, msg: Inbound) -> List[Reply]:
        handoff = await self._store(convo.open_handoff_of, conversation_id)
        if handoff is None:
            # Waiting with no ticket (resolved elsewhere): the assistant takes over again.
            await self._store(convo.hand_back, conversation_id, None)
            return await self._ask_bot(conversation_id, msg)
        replies: List[Reply] = []
        callback = waiting.parse_callback(msg.text) if not handoff.get("callback_number") else None
        if callback:
            number, when = callback
            await self._store(convo.save_callback, handoff["id"], number, when)
            in_crisis = handoff.get("priority") == handoff_request.CRISIS
            replies.append(Reply(text=wording.callback_saved(number, when, in_crisis), author="system"))
        elif handoff.get("priority") == handoff_request.CRISIS:
            replies.append(Reply(text=wording.still_waiting_in_crisis(self.staff_online()), author="system"))
        else:
            position = await self._store(convo.queue_position, handoff["id"])
            replies.append(Reply(text=wording.still_waiting(position, self.staff_online()), author="system"))
        waited = (datetime.now(timezone.utc) - handoff["created_at"]).total_seconds()
        if waiting.should_repeat_crisis_lines(waited, handoff["crisis_lines_repeated"]):
            await self._store(convo.mark_crisis_lines_repeated, handoff["id"])
            replies.append(Reply(text=wording.CRISIS_LINES, author="system"))
        return replies

    # -- plumbing ----------------------------------------------------------
    async def _record(self, conversation_id: str, replies: List[Reply]) -> None:
        if replies:
            await self._store(convo.record_replies, conversation_id, [r.stored() for r in replies])

    async def _notify(self, kind: str, data: Dict) -> None:
        await self.events.publish(kind, data)


def _settle_late(future: "asyncio.Future[Any]") -> None:
    _late.discard(future)
    if not future.cancelled() and future.exception() is not None:
        log.warning("a store write that came too late for its turn failed: %s", future.exception())
