"""A visitor asks for their conversation to be deleted: DELETE by SMS, the web chat's delete control.

The whole gateway as `create_app` builds it (real router and store, SQLite),
with Rasa faked; Rasa's tracker store is Rasa's own SQLTrackerStore on a file.
"""

from __future__ import annotations

import asyncio

import pytest
from aiohttp.test_utils import TestServer
from test_gateway import settings_for as gateway_settings
from test_retention_store import rasa_tracker, tracker_texts
from test_sms import CONTACT, VISITOR, rasa, start, stop, twilio  # noqa: F401 - fixtures
from test_webchat import Visitor

from bot.app import create_app
from bot.channels import sms_text, webchat
from bot.store import audit
from bot.store import conversations as convo
from bot.web_keys import DB
from core import wording

DELETE_CRISIS = "DELETE i want to kill myself"


@pytest.fixture
async def line(tmp_path, twilio, rasa):  # noqa: F811 - the fixtures imported above
    helpline = await start(tmp_path, twilio, rasa, "real", TRACKER_STORE_URL=f"sqlite:///{tmp_path}/tracker.db")
    yield helpline
    await stop(helpline)


@pytest.mark.parametrize("word", ["DELETE", "delete", " Delete. "])
def test_delete_is_its_own_keyword(word):
    assert sms_text.classify_keyword(word) == "delete"


@pytest.mark.parametrize("text", ["delete my number please", "delete myself", "stop", "help", "yes"])
def test_delete_never_takes_another_keyword_or_a_sentence(text):
    assert sms_text.classify_keyword(text) != "delete"


async def test_delete_by_sms_erases_the_texts_everywhere_and_says_so(line, tmp_path):
    await line.text("how much does it cost")
    cid = (await line.transcript())["id"]
    rasa_store = await asyncio.to_thread(rasa_tracker, f"sqlite:///{tmp_path}/tracker.db", [cid])

    assert await line.text("DELETE") == [wording.sms_deleted(CONTACT)]
    assert await line.transcript() is None
    assert await asyncio.to_thread(tracker_texts, rasa_store, cid) == []
    [entry] = await line.db.run(audit.entries, "visitor", "conversation_purged")
    assert entry["conversation_id"] == cid and VISITOR not in str(entry) and "cost" not in str(entry)


async def test_the_sms_reply_to_delete_is_plain_and_carries_the_crisis_lines(line):
    await line.text("hello")
    [reply] = await line.text("delete")
    assert "deleted" in reply and "988" in reply and "911" in reply


async def test_a_crisis_with_delete_in_it_takes_the_crisis_path_and_deletes_nothing(line):
    await line.text("hello")
    replies = await line.text(DELETE_CRISIS)
    assert "988" in replies[0]
    transcript = await line.transcript()
    assert transcript is not None and [m["text"] for m in transcript["messages"] if m["author"] == "visitor"] == [
        "hello",
        DELETE_CRISIS,
    ]
    [handoff] = await line.db.run(convo.handoffs_of, transcript["id"])
    assert handoff["priority"] == "crisis"


async def test_delete_after_a_crisis_waits_for_staff_and_keeps_the_crisis_ticket(line):
    await line.text("i want to kill myself")
    assert await line.text("DELETE") == [wording.DELETE_AFTER_CRISIS]
    transcript = await line.transcript()
    assert transcript is not None
    [handoff] = await line.db.run(convo.handoffs_of, transcript["id"])
    assert handoff["priority"] == "crisis" and handoff["status"] == "open"


async def test_an_opted_out_number_is_sent_nothing_and_its_opt_out_stays(line):
    await line.text("hello")
    await line.text("STOP")
    assert await line.text("DELETE") == []
    assert await line.opted_out() is True
    transcript = await line.transcript()
    assert transcript is not None and transcript["messages"] == []


# -- the web chat ----------------------------------------------------------------------
async def serve_web(tracker_store_url: str, tmp_path, fake_rasa):
    app = create_app(gateway_settings(tmp_path, fake_rasa.url, tracker_store_url=tracker_store_url), channels=["web"])
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return app, server


async def close(server) -> None:
    await server.close()
    leftovers = asyncio.all_tasks() - {asyncio.current_task()}
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


@pytest.fixture
async def web_gateway(tmp_path, fake_rasa):
    app, server = await serve_web(f"sqlite:///{tmp_path}/tracker.db", tmp_path, fake_rasa)
    yield app, str(server.make_url("")).rstrip("/")
    await close(server)


@pytest.fixture
async def web_gateway_without_tracker_store(tmp_path, fake_rasa):
    """Rasa's tracker store is down (nobody listens on its port)."""
    app, server = await serve_web("postgresql://postgres@127.0.0.1:9/rasa", tmp_path, fake_rasa)
    yield app, str(server.make_url("")).rstrip("/")
    await close(server)


class DeletingVisitor(Visitor):
    def __init__(self, gateway):
        super().__init__(gateway)
        self.sio.on(webchat.DELETED_EVENT, self._recorder(webchat.DELETED_EVENT))


async def test_the_delete_control_erases_the_conversation_and_forgets_the_session(web_gateway, tmp_path):
    app, _ = web_gateway
    async with DeletingVisitor(web_gateway) as visitor, DeletingVisitor(web_gateway) as other_tab:
        session = await visitor.start()
        await other_tab.start(session)
        await visitor.say("how much does it cost", session)
        await visitor.bot_messages(1)
        await other_tab.next()  # the same reply, in the other tab
        cid = (await app[DB].run(convo.conversation_by_address, "web", session))["id"]
        rasa_store = await asyncio.to_thread(rasa_tracker, f"sqlite:///{tmp_path}/tracker.db", [cid])

        await visitor.sio.emit(webchat.DELETE_EVENT)

        assert await visitor.next() == (webchat.DELETED_EVENT, {"text": wording.CONVERSATION_DELETED})
        assert await other_tab.next() == (webchat.DELETED_EVENT, {"text": wording.CONVERSATION_DELETED})
        assert await app[DB].run(convo.conversation_by_address, "web", session) is None
        assert await asyncio.to_thread(tracker_texts, rasa_store, cid) == []
        # The session is forgotten: a staff reply to it reaches no page, a message needs a new session.
        assert app[webchat.WEBCHAT].visitors == {}
        assert await app[webchat.WEBCHAT].send(session, webchat.Reply(text="hello?")) is False


async def test_the_delete_control_during_a_crisis_waits_and_says_why(web_gateway, fake_rasa):
    app, _ = web_gateway
    async with DeletingVisitor(web_gateway) as visitor:
        session = await visitor.start()
        await visitor.say("i want to kill myself", session)
        await visitor.bot_messages(2)  # the crisis lines, then that a person is being called
        await visitor.sio.emit(webchat.DELETE_EVENT)
        assert await visitor.next() == ("bot_uttered", {"text": wording.DELETE_AFTER_CRISIS})
        assert await app[DB].run(convo.conversation_by_address, "web", session) is not None
        assert app[webchat.WEBCHAT].visitors  # still connected: staff can still reach them


async def test_the_delete_control_before_anything_was_said_says_the_same(web_gateway):
    async with DeletingVisitor(web_gateway) as visitor:
        await visitor.sio.emit(webchat.DELETE_EVENT)
        assert await visitor.next() == (webchat.DELETED_EVENT, {"text": wording.CONVERSATION_DELETED})


def test_the_words_are_plain_and_carry_the_crisis_lines():
    for text in (wording.CONVERSATION_DELETED, wording.sms_deleted(None), wording.DELETE_FAILED):
        assert "988" in text and "911" in text and len(text) < 200


async def test_when_a_store_fails_the_visitor_is_told_nothing_was_deleted(web_gateway_without_tracker_store):
    app, _ = web_gateway_without_tracker_store
    async with DeletingVisitor(web_gateway_without_tracker_store) as visitor:
        session = await visitor.start()
        await visitor.say("hello", session)
        await visitor.bot_messages(1)
        await visitor.sio.emit(webchat.DELETE_EVENT)
        assert await visitor.next(timeout=15) == ("bot_uttered", {"text": wording.DELETE_FAILED})
        assert await app[DB].run(convo.conversation_by_address, "web", session) is not None
