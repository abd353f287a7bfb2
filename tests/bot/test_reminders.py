"""The crisis lines again for a visitor waiting in silence (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from bot import reminders, waiting
from bot.delivery import Deliveries
from bot.store import conversations as convo
from bot.store.models import utcnow
from core import wording


async def test_a_long_silent_wait_hears_the_crisis_lines_once(db):
    sent = []

    async def deliver(address, reply):
        sent.append((address, reply.text))
        return True

    deliveries = Deliveries()
    deliveries.register("web", deliver)
    tickets = {}
    for address, claimed in [("waiting-long", False), ("with-staff", True), ("just-arrived", False)]:
        cid, _ = await db.run(convo.record_visitor_message, "web", address, "hi", None)
        tickets[address] = (cid, await db.run(convo.request_person, cid, "r", "normal", ""))
        if claimed:
            await db.run(convo.claim, tickets[address][1]["id"], "Dana")
    limit = timedelta(seconds=waiting.REPEAT_CRISIS_LINES_AFTER_SECONDS)
    assert await reminders.remind_once(db, deliveries, now=utcnow() + limit - timedelta(seconds=5)) == 0
    later = utcnow() + limit + timedelta(seconds=5)
    assert await reminders.remind_once(db, deliveries, now=later) == 2  # not the one with staff
    assert await reminders.remind_once(db, deliveries, now=later) == 0  # once only
    assert sorted(a for a, _ in sent) == ["just-arrived", "waiting-long"]
    assert all(text == wording.CRISIS_LINES for _, text in sent)
    cid = tickets["waiting-long"][0]
    messages = (await db.run(convo.conversation_transcript, cid))["messages"]
    assert (messages[-1]["author"], messages[-1]["text"]) == ("system", wording.CRISIS_LINES)
    assert (await db.run(convo.open_handoff_of, cid))["crisis_lines_repeated"] is True
