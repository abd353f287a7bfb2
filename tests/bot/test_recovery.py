"""Visitors parked while the assistant was down go back to it when it is healthy, unless a person took them."""

from __future__ import annotations

import asyncio

from fakes import Recorder

from bot import recovery
from bot.delivery import Deliveries
from bot.events import Events
from bot.router import CRISIS_REASON, UNAVAILABLE_REASON
from bot.store import conversations as convo
from core import wording


async def parked(db, address: str, reason: str = UNAVAILABLE_REASON, priority: str = "urgent") -> str:
    cid = (await db.run(convo.record_visitor_message, "web", address, "hello"))[0]
    await db.run(convo.request_person, cid, reason, priority, "")
    return cid


def wired(recorder: Recorder):
    deliveries, events = Deliveries(), Events()
    deliveries.register("web", recorder.deliver)
    events.subscribe(recorder.notify)
    return deliveries, events


async def test_parked_visitors_return_to_the_assistant_and_are_told_unless_a_person_or_a_crisis_holds_them(db):
    recorder = Recorder()
    returned = await parked(db, "a" * 20)
    claimed = await parked(db, "b" * 20)
    [ticket] = await db.run(convo.handoffs_of, claimed)
    await db.run(convo.claim, ticket["id"], "dana")
    crisis = await parked(db, "c" * 20)
    await db.run(convo.request_person, crisis, CRISIS_REASON, "crisis", "")
    asked = await parked(db, "d" * 20, reason="Visitor asked for a person.", priority="normal")

    assert await recovery.return_parked(db, *wired(recorder)) == 1
    modes = {
        cid: (await db.run(convo.conversation_transcript, cid))["mode"] for cid in (returned, claimed, crisis, asked)
    }
    assert modes == {returned: "bot", claimed: "human", crisis: "waiting", asked: "waiting"}
    [(address, said)] = recorder.delivered
    assert address == "a" * 20 and said.text == wording.assistant_back()
    texts = [m["text"] for m in (await db.run(convo.conversation_transcript, returned))["messages"]]
    assert texts[-1] == wording.assistant_back()
    [handoff] = await db.run(convo.handoffs_of, returned)
    assert handoff["status"] == "resolved" and handoff["resolution_note"] == recovery.NOTE
    assert await recovery.return_parked(db, *wired(recorder)) == 0


async def test_the_watcher_waits_for_two_healthy_checks_in_a_row(db):
    cid = await parked(db, "e" * 20)
    checks = [False, True, False, True, True]
    asked = []

    async def healthy() -> bool:
        asked.append(True)
        return checks[len(asked) - 1] if len(asked) <= len(checks) else True

    deliveries, events = Deliveries(), Events()
    returned_after = []

    async def deliver(address, reply) -> bool:
        returned_after.append(len(asked))
        return True

    deliveries.register("web", deliver)
    task = asyncio.create_task(recovery.keep_watching(healthy, db, deliveries, events, every=0.05))
    try:
        for _ in range(100):
            if returned_after:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert returned_after == [5]  # not after the lone healthy check at 2
    assert (await db.run(convo.conversation_transcript, cid))["mode"] == "bot"
