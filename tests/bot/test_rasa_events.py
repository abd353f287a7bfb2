"""What Rasa understood, read from rows Rasa 3.6's own SQL tracker store wrote: the same as its tracker says."""

from __future__ import annotations

import os

import pytest
from fakes import tracker_latest_message
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError

from bot import understanding
from bot.store.rasa_events import TrackerEvents, latest_parse


def user(text, understood):
    parse = tracker_latest_message(text, understood)
    return UserUttered(text, parse["intent"], parse["entities"], parse_data=parse)


async def saved(url, sender, events):
    store = SQLTrackerStore(Domain.empty(), host=url)
    await store.save(DialogueStateTracker.from_events(sender, events))
    return await store.retrieve(sender)


CONVERSATIONS = [
    [user("hi", ("greet", 0.97))],
    [user("hi", ("greet", 0.97)), BotUttered("Hello."), user("how much is it", ("faq/cost", 0.9))],
    [user("asdf", None), ActionExecuted("utter_default")],
    [user("i need a person", ("human_handoff", 0.88)), BotUttered("One moment."), ActionExecuted("action_listen")],
]


@pytest.mark.parametrize("events", CONVERSATIONS)
async def test_the_latest_message_is_what_rasas_tracker_says(tmp_path, events):
    url = f"sqlite:///{tmp_path}/tracker.db"
    tracker = await saved(url, "c1", [ActionExecuted("action_listen"), *events])
    reader = TrackerEvents(url)
    try:
        stored = await reader.latest_message("c1")
    finally:
        reader.dispose()
    expected = tracker.current_state()["latest_message"]
    assert understanding.same_text(expected["text"], stored["text"])
    assert understanding.understood(stored) == understanding.understood(expected)
    assert understanding.understood(stored) is not None


async def test_another_senders_rows_and_no_rows(tmp_path):
    url = f"sqlite:///{tmp_path}/tracker.db"
    await saved(url, "c1", [user("hi", ("greet", 0.97))])
    await saved(url, "c2", [user("how much is it", ("faq/cost", 0.9))])
    reader = TrackerEvents(url)
    try:
        assert understanding.understood(await reader.latest_message("c1"))[0] == "greet"
        assert understanding.understood(await reader.latest_message("c2"))[0] == "faq/cost"
        assert await reader.latest_message("nobody") is None
    finally:
        reader.dispose()


def test_a_missing_tracker_file_is_never_created(tmp_path):
    url = f"sqlite:///{tmp_path}/not-yet.db"
    reader = TrackerEvents(url)
    try:
        with pytest.raises(OperationalError):
            latest_parse(reader.engine, "c1")
        assert not os.path.exists(tmp_path / "not-yet.db")
    finally:
        reader.dispose()


async def test_on_postgresql_too(postgres_url):
    await saved(postgres_url, "c1", [user("hi", ("greet", 0.97)), user("how much is it", ("faq/cost", 0.9))])
    reader = TrackerEvents(postgres_url)
    try:
        assert understanding.understood(await reader.latest_message("c1")) == ("faq/cost", 0.8)
    finally:
        reader.dispose()


# -- the capture reads the rows, and asks Rasa only when it cannot -------------------------


@pytest.fixture
async def http():
    import aiohttp

    async with aiohttp.ClientSession() as session:
        yield session


def message_intent(db, message_id):
    from bot.store.models import Message

    return db.call(lambda s: (lambda m: (m.intent, m.intent_confidence))(s.get(Message, message_id)))


async def test_the_capture_reads_rasas_rows_without_asking_rasa(db, http, fake_rasa, tmp_path):
    from bot.rasa_client import RasaClient
    from bot.store import conversations as convo

    cid, _, mid = db.call(convo.record_visitor_message_with_id, "web", "s1", "how much is it", None)
    url = f"sqlite:///{tmp_path}/tracker.db"
    await saved(url, cid, [user("hi", ("greet", 0.97)), user("how much is it", ("faq/cost", 0.9))])
    reader = TrackerEvents(url)
    try:
        rasa = RasaClient(http, fake_rasa.url, token=fake_rasa.token, timeout=5)
        assert await understanding.capture(db, rasa, cid, mid, "how much is it", tracker_events=reader) == "faq/cost"
    finally:
        reader.dispose()
    assert fake_rasa.tracker_requests == []
    assert message_intent(db, mid) == ("faq/cost", 0.8)


async def test_without_rasas_rows_the_capture_asks_rasa(db, http, fake_rasa, tmp_path, caplog):
    from bot.rasa_client import RasaClient
    from bot.store import conversations as convo

    fake_rasa.understands({"hello": "greet"})
    cid, _, mid = db.call(convo.record_visitor_message_with_id, "web", "s2", "hello", None)
    await fake_rasa_turn(http, fake_rasa, cid, "hello")
    reader = TrackerEvents(f"sqlite:///{tmp_path}/elsewhere.db")  # Rasa keeps its trackers somewhere else
    try:
        rasa = RasaClient(http, fake_rasa.url, token=fake_rasa.token, timeout=5)
        assert await understanding.capture(db, rasa, cid, mid, "hello", tracker_events=reader) == "greet"
        await understanding.capture(db, rasa, cid, mid, "hello", tracker_events=reader)
    finally:
        reader.dispose()
    assert len(fake_rasa.tracker_requests) == 2
    assert caplog.text.count("could not read Rasa's tracker store") == 1  # said once, not every turn
    assert message_intent(db, mid) == ("greet", 0.9)


async def fake_rasa_turn(http, fake_rasa, sender, text):
    from bot.rasa_client import RasaClient

    await RasaClient(http, fake_rasa.url, token=fake_rasa.token, timeout=5).send(sender, text)
