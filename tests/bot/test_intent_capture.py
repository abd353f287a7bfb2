"""What the assistant understood, read from Rasa's tracker after the turn and kept on the visitor's message."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from fakes import tracker_latest_message
from sqlalchemy import select

from bot import understanding
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.store import conversations as convo
from bot.store.models import Message
from bot.turn import Inbound
from core.wording import Contact

CONTACT = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def router(db, http, fake_rasa):
    rasa = RasaClient(http, fake_rasa.url, token=fake_rasa.token, timeout=5)
    return Router(db, rasa, contact=lambda: CONTACT, metrics=Metrics())


def visitor_messages(db, conversation_id):
    def read(s):
        rows = s.execute(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.author == "visitor")
            .order_by(Message.id)
        ).scalars()
        return [(m.text, m.intent, m.intent_confidence) for m in rows]

    return db.call(read)


# -- reading the tracker ------------------------------------------------------------------


@pytest.mark.parametrize(
    "latest, expected",
    [
        (tracker_latest_message("how much is it", ("faq/cost", 0.9)), ("faq/cost", 0.8)),
        (tracker_latest_message("hi", ("greet", 0.97)), ("greet", 0.97)),
        (tracker_latest_message("asdf", None), ("nlu_fallback", 0.3)),
        ({"text": "hi", "intent": {"name": "greet", "confidence": 1}}, ("greet", 1.0)),
        ({"text": "hi", "intent": {"name": "greet"}}, ("greet", None)),
        # A selector answer for another retrieval intent is not this message's topic.
        (
            {
                "intent": {"name": "faq", "confidence": 0.5},
                "response_selector": {"faq": {"response": {"intent_response_key": "chitchat/x"}}},
            },
            ("faq", 0.5),
        ),
        ({"intent": {"name": "faq", "confidence": 0.5}, "response_selector": {"faq": None}}, ("faq", 0.5)),
        ({"text": "hi", "intent": {}}, None),
        ({"text": "hi", "intent": {"name": None}}, None),
        ({"text": "hi"}, None),
        (None, None),
    ],
)
def test_understood_reads_intent_and_retrieval_key(latest, expected):
    assert understanding.understood(latest) == expected


@pytest.mark.parametrize(
    "sent, seen, same",
    [
        ("how much", "how much", True),
        ("  how much ", "how much", True),
        ("how much", "is insurance ok", False),
        ("how much", None, False),
        ("", "", True),
    ],
)
def test_same_text(sent, seen, same):
    assert understanding.same_text(sent, seen) is same


# -- the store ------------------------------------------------------------------------------


def test_record_with_id_gives_the_stored_message(db):
    first = db.call(convo.record_visitor_message_with_id, "sms", "+15550100", "hello", "SM1")
    second = db.call(convo.record_visitor_message_with_id, "sms", "+15550100", "again", "SM2")
    assert first[0] == second[0] and first[1] == "bot"
    assert second[2] > first[2]
    assert db.call(convo.record_visitor_message_with_id, "sms", "+15550100", "again", "SM2") is None  # a retry
    assert db.call(convo.latest_visitor_message_id, first[0]) == second[2]
    assert db.call(convo.latest_visitor_message_id, "nobody") is None


def test_set_message_intent_only_on_visitor_messages(db):
    cid, _, mid = db.call(convo.record_visitor_message_with_id, "web", "s1", "how much", None)
    db.call(convo.record_reply, cid, "bot", "It depends.")
    bot_id = mid + 1
    assert db.call(convo.set_message_intent, mid, "faq/cost", 0.8) is True
    assert db.call(convo.set_message_intent, bot_id, "faq/cost", 0.8) is False
    assert db.call(convo.set_message_intent, 999999, "greet", 1.0) is False
    assert visitor_messages(db, cid) == [("how much", "faq/cost", 0.8)]


# -- through the router ----------------------------------------------------------------------


async def test_intent_lands_on_the_visitor_message(router, fake_rasa, db):
    fake_rasa.understands({"how much does iop cost": "faq/cost", "hello": "greet"})
    first = await router.handle(Inbound("sms", "+15550101", "hello"))
    await understanding.settle()
    await router.handle(Inbound("sms", "+15550101", "how much does iop cost"))
    await understanding.settle()
    assert visitor_messages(db, first.conversation_id) == [
        ("hello", "greet", 0.9),
        ("how much does iop cost", "faq/cost", 0.8),
    ]
    asked = fake_rasa.tracker_requests[-1]
    assert asked == {"sender": first.conversation_id, "include_events": "NONE", "token": fake_rasa.token}


async def test_a_quicker_second_message_is_never_mislabelled(router, fake_rasa, db):
    # The first capture reads the tracker after the second message went through Rasa.
    fake_rasa.understands({"hello": "greet", "how much does iop cost": "faq/cost"})
    fake_rasa.tracker_delay = 0.3
    first = await router.handle(Inbound("web", "s2", "hello"))
    await router.handle(Inbound("web", "s2", "how much does iop cost"))
    await understanding.settle()
    assert visitor_messages(db, first.conversation_id) == [
        ("hello", None, None),
        ("how much does iop cost", "faq/cost", 0.8),
    ]


@pytest.mark.parametrize("status", [500, 404])
async def test_a_failing_tracker_does_not_touch_the_reply(router, fake_rasa, db, status, caplog):
    fake_rasa.says({"text": "It depends on your insurance."})
    fake_rasa.tracker_status = status
    outcome = await router.handle(Inbound("web", "s3", "how much does iop cost"))
    await understanding.settle()
    assert [r.text for r in outcome.replies] == ["It depends on your insurance."]
    assert visitor_messages(db, outcome.conversation_id) == [("how much does iop cost", None, None)]
    assert "could not read what the assistant understood" in caplog.text


async def test_a_slow_tracker_does_not_delay_the_reply(router, fake_rasa, db, monkeypatch):
    monkeypatch.setattr(understanding, "TIMEOUT_SECONDS", 0.3)
    fake_rasa.understands({"hello": "greet"})
    fake_rasa.tracker_delay = 2.0
    started = time.monotonic()
    outcome = await router.handle(Inbound("web", "s4", "hello"))
    assert time.monotonic() - started < 1.0
    assert [r.text for r in outcome.replies] == ["echo: hello"]
    await understanding.settle()
    assert time.monotonic() - started < 1.5  # given up after the short timeout
    assert visitor_messages(db, outcome.conversation_id) == [("hello", None, None)]


async def test_no_capture_when_rasa_is_down(db, http, fake_rasa):
    fake_rasa.answer = lambda body: (500, {"error": "down"})
    rasa = RasaClient(http, fake_rasa.url, token=fake_rasa.token, timeout=5)
    router = Router(db, rasa, contact=lambda: CONTACT, metrics=Metrics())
    await router.handle(Inbound("web", "s5", "hello"))
    await understanding.settle()
    assert fake_rasa.tracker_requests == []


async def test_pending_captures_are_cancelled_on_shutdown(router, fake_rasa, db):
    fake_rasa.tracker_delay = 5.0
    await router.handle(Inbound("web", "s6", "hello"))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await understanding.cancel_pending()
    assert time.monotonic() - started < 1.0
    assert not understanding._of_this_loop()
