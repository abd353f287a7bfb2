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
