"""The staff desk (claim, reply, transfer, close, hand back) on the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from fakes import Recorder

from bot import events as ev
from bot.delivery import Deliveries
from bot.events import Events
from bot.handoffs import Handoffs
from bot.store import conversations as convo


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def desk(db, recorder):
    deliveries = Deliveries()
    deliveries.register("sms", recorder.deliver)
    events = Events()
    events.subscribe(recorder.notify)
    return Handoffs(db, deliveries, events)


async def waiting_conversation(db, address="+1555"):
    cid, _ = await db.run(convo.record_visitor_message, "sms", address, "can I talk to someone", None)
    handoff = await db.run(convo.request_person, cid, "Visitor asked for a person.", "normal", "")
    return cid, handoff["id"]


async def system_lines(db, cid):
    return [
        m["text"] for m in (await db.run(convo.conversation_transcript, cid))["messages"] if m["author"] == "system"
    ]


async def test_a_claim_writes_and_says_who_joined_and_tells_the_queue(db, desk, recorder):
    cid, handoff_id = await waiting_conversation(db)
    assert await desk.claim(handoff_id, cid, "dana", "Dana")
    assert await system_lines(db, cid) == ["Dana joined the conversation."]
    assert [(a, r.text) for a, r in recorder.delivered] == [("+1555", "Dana joined the conversation.")]
    assert recorder.events == [(ev.QUEUE, {"conversation_id": cid})]
    assert not await desk.claim(handoff_id, cid, "ben", "Ben")  # taken: nothing is said twice
    assert await system_lines(db, cid) == ["Dana joined the conversation."]


async def test_staff_messages_are_delivered_and_handing_back_returns_to_the_bot(db, desk, recorder):
    cid, handoff_id = await waiting_conversation(db)
    assert await desk.claim(handoff_id, cid, "dana", "Dana")
    recorder.delivered.clear()
    assert await desk.staff_says(cid, "Dana", "Hi, I'm Dana from intake.")
    assert await desk.hand_back(cid, "answered")
    assert [(a, r.author, r.staff_name) for a, r in recorder.delivered] == [
        ("+1555", "staff", "Dana"),
        ("+1555", "system", None),
    ]
    assert "automated assistant" in recorder.delivered[1][1].text
    assert "automated assistant" in (await system_lines(db, cid))[-1]
    [ticket] = await db.run(convo.handoffs_of, cid)
    assert ticket["status"] == "resolved"
    assert (await db.run(convo.conversation_transcript, cid))["mode"] == "bot"
    assert await desk.hand_back("nope") is False


async def test_transfer_and_close_each_write_their_line(db, desk, recorder):
    cid, handoff_id = await waiting_conversation(db)
    assert await desk.transfer(cid, "ben", "Ben") == "Nobody holds this conversation, so there is nothing to transfer."
    assert await desk.claim(handoff_id, cid, "dana", "Dana")
    assert await desk.transfer(cid, "ben", "Ben") is None
    assert await desk.transfer(cid, "ben", "Ben") == "Ben already holds this conversation."
    assert await desk.close(cid, "Ben", "answered about insurance")
    lines = await system_lines(db, cid)
    assert lines[:2] == ["Dana joined the conversation.", "Ben is taking over the conversation."]
    assert lines[2].startswith("Ben has closed this conversation.") and "988" in lines[2]
    assert recorder.delivered[-1][1].text == lines[2]
    assert not await desk.close(cid, "Ben", "again")  # nothing open any more


async def staff_messages(db, cid):
    return [m for m in (await db.run(convo.conversation_transcript, cid))["messages"] if m["author"] == "staff"]


async def test_a_staff_text_that_fails_is_marked_undelivered_retried_and_unmarked_when_it_goes(db):
    import asyncio
    import time

    attempts = []

    async def twilio_failing_then_hanging_then_ok(address, reply):
        if reply.author != "staff":
            return True
        attempts.append(reply.text)
        if len(attempts) == 1:
            raise ConnectionError("Twilio answered 500")
        if len(attempts) == 2:
            await asyncio.sleep(1)  # hangs until the deliverer's own time-out
            raise asyncio.TimeoutError()
        return True

    deliveries = Deliveries(retry_pauses=(0.05, 0.05, 0.05))
    deliveries.register("sms", twilio_failing_then_hanging_then_ok, retried=True)
    recorder = Recorder()
    events = Events()
    events.subscribe(recorder.notify)
    desk = Handoffs(db, deliveries, events, first_attempt_seconds=0.5)
    cid, handoff_id = await waiting_conversation(db, "+1666")
    await desk.claim(handoff_id, cid, "dana", "Dana")

    started = time.monotonic()
    assert await desk.staff_says(cid, "Dana", "Are you still there?") is False
    assert time.monotonic() - started < 1.5  # the console page does not wait on Twilio
    [message] = await staff_messages(db, cid)
    assert message["undelivered"] is True
    for _ in range(200):
        if not (await staff_messages(db, cid))[0]["undelivered"]:
            break
        await asyncio.sleep(0.05)
    assert (await staff_messages(db, cid))[0]["undelivered"] is False
    assert len(attempts) == 3
    assert (ev.MESSAGE, {"conversation_id": cid}) in recorder.events


async def test_a_staff_text_that_goes_at_once_is_never_marked(db, desk, recorder):
    desk.deliveries.register("sms", recorder.deliver, retried=True)
    cid, handoff_id = await waiting_conversation(db, "+1777")
    await desk.claim(handoff_id, cid, "dana", "Dana")
    assert await desk.staff_says(cid, "Dana", "Hello") is True
    assert [m["undelivered"] for m in await staff_messages(db, cid)] == [False]
