"""Retention in the running gateway and `python -m bot purge` (SQLite; Rasa's own tracker store on a file)."""

from __future__ import annotations

import asyncio

import pytest
from test_retention_store import SECRET, a_conversation, age, rasa_tracker, tracker_texts

from bot import cli, retention
from bot.config import ConfigError, Settings
from bot.events import Events
from bot.store import audit
from bot.store import conversations as convo
from bot.store import retention as store
from bot.store.database import Database, upgrade


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/helpline.db")
    upgrade(database.engine)
    yield database
    database.dispose()


class Heard:
    def __init__(self) -> None:
        self.events = []

    async def notify(self, kind, data) -> None:
        self.events.append((kind, data))


async def test_the_daily_purge_removes_what_is_older_than_retention_and_tells_staff(sqlite_db, tmp_path):
    old, recent = a_conversation(sqlite_db, "a" * 32), a_conversation(sqlite_db, "b" * 32)
    age(sqlite_db, old, 40)
    tracker_url = f"sqlite:///{tmp_path}/tracker.db"
    rasa = await asyncio.to_thread(rasa_tracker, tracker_url, [old, recent])
    events, heard = Events(), Heard()
    events.subscribe(heard.notify)
    tracker = store.TrackerEvents(tracker_url)
    forgetting = retention.Forgetting(sqlite_db, tracker, events)

    task = asyncio.create_task(retention.purge_daily(forgetting, days=30, first_after=0, every=0.05))
    try:
        for _ in range(100):
            if await sqlite_db.run(convo.conversation_transcript, old) is None:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # a few more rounds: nothing else goes
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        tracker.dispose()

    assert await sqlite_db.run(convo.conversation_transcript, old) is None
    assert await sqlite_db.run(convo.conversation_transcript, recent) is not None
    assert await asyncio.to_thread(tracker_texts, rasa, old) == []
    assert SECRET in await asyncio.to_thread(tracker_texts, rasa, recent)
    [entry] = await sqlite_db.run(audit.entries, "system", "conversation_purged")
    assert entry["detail"] == "1 conversation, older than 30 days"
    assert ("queue", {"purged": 1}) in heard.events


async def test_the_daily_purge_goes_in_batches_each_one_audited(sqlite_db):
    ids = [a_conversation(sqlite_db, f"{i:032x}") for i in range(5)]
    for cid in ids:
        age(sqlite_db, cid, 400)
    forgetting = retention.Forgetting(sqlite_db, store.TrackerEvents("sqlite://"), batch=2)
    purged = await forgetting.expired(365)
    assert (purged.conversations, purged.messages, purged.handoffs) == (5, 10, 5)
    details = [e["detail"] for e in await sqlite_db.run(audit.entries, "system")]
    two, one = "2 conversations, older than 365 days", "1 conversation, older than 365 days"
    assert sorted(details) == sorted([two, two, one])


async def test_a_deletion_that_waited_for_a_crisis_is_done_once_the_ticket_closes(sqlite_db):
    cid, _ = await sqlite_db.run(convo.record_visitor_message, "web", "z" * 32, "i want to end it")
    await sqlite_db.run(convo.request_person, cid, "Crisis", "crisis", "")
    forgetting = retention.Forgetting(sqlite_db, store.TrackerEvents("sqlite://"))
    assert await forgetting.visitor_asked("web", "z" * 32) == store.AFTER_CRISIS
    task = asyncio.create_task(retention.purge_daily(forgetting, days=0, first_after=0, every=0.05))
    try:
        await asyncio.sleep(0.2)
        assert await sqlite_db.run(convo.conversation_transcript, cid) is not None  # the ticket is open
        await sqlite_db.run(convo.close, cid, "they are safe")
        for _ in range(100):
            if await sqlite_db.run(convo.conversation_transcript, cid) is None:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert await sqlite_db.run(convo.conversation_transcript, cid) is None
    [entry] = await sqlite_db.run(audit.entries, "visitor", "conversation_purged")
    assert entry["conversation_id"] == cid


async def test_a_failing_daily_purge_is_logged_and_tried_again(sqlite_db, caplog):
    class Broken(retention.Forgetting):
        calls = 0

        async def expired(self, days, now=None):
            Broken.calls += 1
            raise RuntimeError("store down")

    task = asyncio.create_task(retention.purge_daily(Broken(sqlite_db, store.TrackerEvents("sqlite://")), 30, 0, 0.01))
    await asyncio.sleep(0.2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert Broken.calls > 1 and "daily purge failed" in caplog.text


@pytest.mark.parametrize(("value", "days"), [(None, 365), ("30", 30), ("0", 0)])
def test_retention_days_has_a_documented_default_and_0_keeps_everything(value, days):
    env = {"RETENTION_DAYS": value} if value is not None else {}
    assert Settings.from_env(env).retention_days == days


@pytest.mark.parametrize("value", ["-1", "a year", "3.5"])
def test_a_retention_that_is_not_a_number_of_days_is_refused(value):
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        Settings.from_env({"RETENTION_DAYS": value})


# -- python -m bot purge ---------------------------------------------------------------
@pytest.fixture
def stores(monkeypatch, tmp_path, sqlite_db):
    tracker_url = f"sqlite:///{tmp_path}/tracker.db"
    monkeypatch.setenv("DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    return sqlite_db, tracker_url


def test_purge_one_conversation_by_id(stores, capsys):
    db, tracker_url = stores
    cid, other = a_conversation(db, "c" * 32), a_conversation(db, "d" * 32)
    rasa = rasa_tracker(tracker_url, [cid, other])

    assert cli.main(["purge", "--conversation", cid, "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "Would remove 1 conversation, 2 messages, 1 handoffs, 1 corrections, 2 tracker events" in said
    assert db.call(convo.conversation_transcript, cid) is not None

    assert cli.main(["purge", "--conversation", cid]) == 0
    assert "Removed 1 conversation" in capsys.readouterr().out
    assert db.call(convo.conversation_transcript, cid) is None and tracker_texts(rasa, cid) == []
    assert db.call(convo.conversation_transcript, other) is not None
    [entry] = db.call(audit.entries, "cli", "conversation_purged")
    assert entry["conversation_id"] == cid

    assert cli.main(["purge", "--conversation", cid]) == 1
    assert "no conversation" in capsys.readouterr().err


def test_purge_by_age(stores, capsys):
    db, _ = stores
    old, recent = a_conversation(db, "e" * 32), a_conversation(db, "f" * 32)
    age(db, old, 100)
    assert cli.main(["purge", "--older-than", "90"]) == 0
    assert "Removed 1 conversation," in capsys.readouterr().out
    assert db.call(convo.conversation_transcript, old) is None
    assert db.call(convo.conversation_transcript, recent) is not None


@pytest.mark.parametrize(
    "argv",
    [
        ["purge"],
        ["purge", "--older-than", "0"],
        ["purge", "--older-than", "soon"],
        ["purge", "--conversation", "not-an-id"],
        ["purge", "--older-than", "30", "--conversation", "a" * 32],
    ],
)
def test_purge_refuses_what_it_cannot_do_safely(stores, argv):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
