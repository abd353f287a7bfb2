"""The router when what it waits on stalls or fails: a SQLite write lock held elsewhere, a store that
refuses connections, a hung Rasa. Crisis lines first and in time, nothing acknowledged lost, nothing twice."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import contextmanager

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fakes import Recorder, dead_url

from bot.delivery import Deliveries
from bot.events import Events
from bot.journal import Journal
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.store import conversations as convo
from bot.store.database import Database, upgrade
from bot.turn import Inbound
from core import wording
from core.wording import Contact

CONTACT = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")
CRISIS = "i want to kill myself"
FAQ = "how much does iop cost"
STORE_WAIT = 0.5


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/helpline.db")
    upgrade(database.engine)
    yield database
    database.dispose()


@contextmanager
def write_lock(path):
    """Another connection holding SQLite's write lock, as another process would."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def make_router(db, http, rasa_url, journal, recorder=None, rasa_timeout=5.0):
    events = Events()
    deliveries = Deliveries()
    if recorder:
        events.subscribe(recorder.notify)
        deliveries.register("web", recorder.deliver)
    return Router(
        db,
        RasaClient(http, rasa_url),
        contact=lambda: CONTACT,
        events=events,
        metrics=Metrics(),
        journal=journal,
        deliveries=deliveries,
        store_wait=STORE_WAIT,
        rasa_timeout=lambda channel: rasa_timeout,
    )


def is_crisis_reply(text: str) -> bool:
    return "911" in text and "988" in text and "741741" in text


async def settled(router: Router, journal: Journal, timeout: float = 40.0) -> None:
    """Replay the journal until it is empty (the store is back)."""
    deadline = time.monotonic() + timeout
    while journal.pending:
        await journal.replay(router.store_kept)
        assert time.monotonic() < deadline, "the journal never emptied"
        await asyncio.sleep(0.1)


async def visitor_texts(db, channel, address):
    data = await db.run(convo.conversation_by_address, channel, address)
    return [m["text"] for m in data["messages"] if m["author"] == "visitor"], data


@pytest.mark.parametrize("channel", ["web", "sms", "rest"])
async def test_a_crisis_under_a_held_write_lock_is_answered_at_once_and_escalated_once_after(
    sqlite_db, http, fake_rasa, tmp_path, channel
):
    journal = Journal(tmp_path / "journal.jsonl")
    recorder = Recorder()
    router = make_router(sqlite_db, http, fake_rasa.url, journal, recorder)
    with write_lock(tmp_path / "helpline.db"):
        started = time.monotonic()
        outcome = await router.handle(Inbound(channel, "visitor-1", CRISIS))
        took = time.monotonic() - started
        assert is_crisis_reply(outcome.replies[0].text)
        assert took < 1.5, f"the crisis reply waited {took:.1f}s on a locked store"
        assert journal.pending_crises == 1 and journal.escalation_degraded
    await settled(router, journal)
    # The write that came late and the journal both tried: one message, one ticket.
    for _ in range(50):
        if any(kind == "crisis" for kind, _ in recorder.events):
            break
        await asyncio.sleep(0.1)
    texts, data = await visitor_texts(sqlite_db, channel, "visitor-1")
    assert texts == [CRISIS]
    [ticket] = await sqlite_db.run(convo.handoffs_of, data["id"])
    assert ticket["priority"] == "crisis" and ticket["status"] == "open"
    assert not journal.escalation_degraded
    assert any(kind == "crisis" for kind, _ in recorder.events)
    journal.close()


async def test_an_ordinary_message_under_a_held_write_lock_is_acknowledged_kept_and_stored_once(
    sqlite_db, http, fake_rasa, tmp_path
):
    journal = Journal(tmp_path / "journal.jsonl")
    router = make_router(sqlite_db, http, fake_rasa.url, journal)
    with write_lock(tmp_path / "helpline.db"):
        started = time.monotonic()
        outcomes = [await router.handle(Inbound("rest", "visitor-1", f"{FAQ} {n}")) for n in range(3)]
        assert time.monotonic() - started < 3 * (STORE_WAIT + 0.5)
        for outcome in outcomes:
            assert outcome.kept and outcome.replies[0].text == wording.kept_for_later(CONTACT)
        assert journal.pending == 3
    await settled(router, journal)
    texts, data = await visitor_texts(sqlite_db, "rest", "visitor-1")
    assert texts == [f"{FAQ} {n}" for n in range(3)]
    # What the visitor was told is in the transcript too, after the message it answered.
    kept = [m for m in data["messages"] if m["text"] == wording.kept_for_later(CONTACT)]
    assert len(kept) == 3
    journal.close()


async def test_a_store_refusing_connections_loses_nothing_and_never_claims_to_keep_what_it_could_not(
    http, fake_rasa, tmp_path
):
    down = Database(dead_url().replace("http://", "postgresql://postgres@") + "/test")
    journal = Journal(tmp_path / "journal.jsonl")
    router = make_router(down, http, fake_rasa.url, journal)
    crisis = await router.handle(Inbound("sms", "+15550001111", CRISIS, channel_message_id="SM1"))
    ordinary = await router.handle(Inbound("sms", "+15550001111", FAQ, channel_message_id="SM2"))
    assert is_crisis_reply(crisis.replies[0].text)
    assert ordinary.kept and ordinary.replies[0].text == wording.kept_for_later(CONTACT)
    assert [e.key for e in journal.entries()] == ["SM1", "SM2"] and journal.escalation_degraded
    assert fake_rasa.received == []
    down.dispose()
    journal.close()

    # Neither the store nor the journal: the message was not kept, and the channel must not say 200.
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    broken = Journal(not_a_directory / "journal.jsonl")
    down = Database(dead_url().replace("http://", "postgresql://postgres@") + "/test")
    router = make_router(down, http, fake_rasa.url, broken)
    lost = await router.handle(Inbound("rest", "v", FAQ))
    assert lost.kept is False and "988" in lost.replies[0].text
    down.dispose()
    broken.close()


async def test_the_journal_of_a_store_that_was_down_goes_in_when_it_is_back(sqlite_db, http, fake_rasa, tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    down = Database(dead_url().replace("http://", "postgresql://postgres@") + "/test")
    await make_router(down, http, fake_rasa.url, journal).handle(Inbound("web", "s" * 20, CRISIS))
    down.dispose()
    recorder = Recorder()
    back = make_router(sqlite_db, http, fake_rasa.url, journal, recorder)
    await settled(back, journal)
    texts, data = await visitor_texts(sqlite_db, "web", "s" * 20)
    assert texts == [CRISIS]
    assert [h["priority"] for h in await sqlite_db.run(convo.handoffs_of, data["id"])] == ["crisis"]
    # Staff are told, and so is the visitor, now that it is true.
    assert [kind for kind, _ in recorder.events] == ["crisis"]
    [(address, said)] = recorder.delivered
    assert address == "s" * 20 and "988" in said.text
    journal.close()


@pytest.fixture
async def hung_rasa():
    """A Rasa that takes a request and never answers."""
    release = asyncio.Event()

    async def webhook(request):
        await release.wait()
        return web.json_response([])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    release.set()
    await server.close()


async def test_a_hung_rasa_costs_the_visitor_the_channels_timeout_not_more(sqlite_db, http, hung_rasa, tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    router = make_router(sqlite_db, http, hung_rasa, journal, rasa_timeout=1.0)
    started = time.monotonic()
    outcome = await router.handle(Inbound("rest", "v", FAQ))
    assert time.monotonic() - started < 2.5
    assert outcome.replies[0].text == wording.assistant_unavailable(CONTACT)
    crisis = await router.handle(Inbound("rest", "v", CRISIS))
    assert is_crisis_reply(crisis.replies[0].text)
    journal.close()


async def test_a_message_kept_but_never_answered_is_answered_on_its_retry_and_stored_once(
    sqlite_db, http, fake_rasa, tmp_path
):
    journal = Journal(tmp_path / "journal.jsonl")
    router = make_router(sqlite_db, http, fake_rasa.url, journal)
    # The gateway stored it, then died before Rasa answered.
    await sqlite_db.run(convo.record_visitor_message, "rest", "v", FAQ, "c-retry")
    outcome = await router.handle(Inbound("rest", "v", FAQ, channel_message_id="c-retry"))
    assert [r.text for r in outcome.replies] == [f"echo: {FAQ}"]
    again = await router.handle(Inbound("rest", "v", FAQ, channel_message_id="c-retry"))
    assert again.duplicate and [r.text for r in again.replies] == [f"echo: {FAQ}"]
    texts, _ = await visitor_texts(sqlite_db, "rest", "v")
    assert texts == [FAQ] and len(fake_rasa.received) == 1
    journal.close()


async def test_replies_whose_write_outlives_the_turn_are_stored_once_when_the_lock_goes(
    sqlite_db, http, fake_rasa, tmp_path
):
    journal = Journal(tmp_path / "journal.jsonl")
    router = make_router(sqlite_db, http, fake_rasa.url, journal)
    holder = sqlite3.connect(tmp_path / "helpline.db", isolation_level=None)

    def answer_then_lock(body):
        # The message is stored; the lock arrives while the assistant answers.
        holder.execute("BEGIN IMMEDIATE")
        return [{"recipient_id": body["sender"], "text": "an answer"}]

    fake_rasa.answer = answer_then_lock
    outcome = await router.handle(Inbound("rest", "v", FAQ))
    assert [r.text for r in outcome.replies] == ["an answer"]
    await asyncio.sleep(1.0)
    holder.execute("ROLLBACK")
    holder.close()
    for _ in range(100):
        data = await sqlite_db.run(convo.conversation_by_address, "rest", "v")
        if len(data["messages"]) >= 2:
            break
        await asyncio.sleep(0.1)
    await settled(router, journal)
    await asyncio.sleep(0.5)
    data = await sqlite_db.run(convo.conversation_by_address, "rest", "v")
    assert [(m["author"], m["text"]) for m in data["messages"]] == [("visitor", FAQ), ("bot", "an answer")]
    journal.close()
