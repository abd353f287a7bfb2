"""Nothing sensitive where it does not belong: SQL errors, logs, Rasa's channel."""

from __future__ import annotations

import io
import logging

import pytest
from fakes import dead_url
from sqlalchemy.exc import DBAPIError, StatementError
from test_gateway import settings_for

from bot import log_privacy
from bot.app import create_app
from bot.store import conversations as convo
from bot.store import repository as repo
from bot.web_keys import DB

SECRET = "my name is Jo Example, 555 0100 777, and I drink every night"
NUMBER = "+15550100777"


def failing_insert(db):
    """A statement the database refuses, with a visitor's words in its row: the exception it raises."""
    db.call(convo.record_visitor_message, "sms", NUMBER, "hello")

    def bad_author(s):
        conversation = repo.find_conversation(s, "sms", NUMBER)
        return repo.add_message(s, conversation, "nobody", SECRET)

    with pytest.raises((DBAPIError, StatementError)) as failure:
        db.call(bad_author)
    return failure.value


def test_sqlalchemy_hides_the_parameters_of_a_failing_statement(db):
    shown = str(failing_insert(db))
    assert "SQL parameters hidden" in shown and "INSERT INTO messages" in shown


def test_a_database_error_in_the_log_carries_neither_the_text_nor_the_number(db):
    error = failing_insert(db)
    log = logging.getLogger("test.privacy")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log.addHandler(handler)
    log_privacy.install(log)
    try:
        try:
            raise error
        except DBAPIError:
            log.exception("could not record a message on sms")
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert "could not record a message" in written and "INSERT INTO messages" in written
    assert "drink every night" not in written and "777" not in written


async def test_the_gateway_sends_rasa_its_token_on_every_message(aiohttp_client, tmp_path, fake_rasa):
    client = await aiohttp_client(create_app(settings_for(tmp_path, fake_rasa.url), channels=()))
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "a", "message": "hello"})
    assert resp.status == 200
    assert fake_rasa.authorizations == ["Bearer rasa-token"]


async def test_when_things_fail_the_log_names_the_conversation_never_the_number_or_the_text(
    aiohttp_client, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(create_app(settings_for(tmp_path, dead_url()), channels=()))
    resp = await client.post("/webhooks/rest/webhook", json={"sender": NUMBER, "message": SECRET})
    assert resp.status == 200  # the assistant is down: a person is asked for, and the visitor is told
    cid = (await client.app[DB].run(convo.conversation_by_address, "rest", NUMBER))["id"]
    assert cid in caplog.text
    assert NUMBER not in caplog.text and "drink every night" not in caplog.text
