"""The texting line and the web chat in front of the real assistant.

The same questions get the same answers as on REST, and a crisis gets the
crisis lines first, on each channel.
"""

from __future__ import annotations

import secrets
import threading
import xml.etree.ElementTree as ET
from typing import List

import pytest
import requests
import socketio
from twilio.request_validator import RequestValidator

PROGRAM_NUMBER = "+15550100147"


def text_message(helpline, sender: str, body: str, signed: bool = True) -> requests.Response:
    url = f"{helpline.url}/webhooks/twilio/sms"
    form = {
        "From": sender,
        "To": PROGRAM_NUMBER,
        "Body": body,
        "AccountSid": "ACe2e",
        "MessageSid": "SM" + secrets.token_hex(16),
    }
    signature = RequestValidator(helpline.env["TWILIO_AUTH_TOKEN"]).compute_signature(url, form)
    headers = {"X-Twilio-Signature": signature if signed else "forged"}
    return requests.post(url, data=form, headers=headers, timeout=60)


def twiml_texts(response: requests.Response) -> List[str]:
    return ["".join(m.itertext()) for m in ET.fromstring(response.text).iter("Message")]


def new_number() -> str:
    return "+1555" + str(secrets.randbelow(10**7)).zfill(7)


def test_a_text_gets_the_assistants_answer_with_the_program_facts(helpline):
    response = text_message(helpline, new_number(), "how much does it cost")
    assert response.status_code == 200
    replies = " ".join(twiml_texts(response))
    assert "sliding scale" in replies
    assert "$250" in replies  # from program.yml


def test_a_crisis_text_gets_the_crisis_lines_first(helpline):
    replies = twiml_texts(text_message(helpline, new_number(), "i took a whole bottle of pills"))
    assert "911" in replies[0] and "988" in replies[0]


def test_an_unsigned_text_is_refused(helpline):
    assert text_message(helpline, new_number(), "hi", signed=False).status_code == 403


class WebVisitor:
    """A browser's side of Rasa's socketio protocol (python-socketio client)."""

    def __init__(self, url: str):
        self.replies: List[dict] = []
        self.arrived = threading.Condition()
        self.confirmed = threading.Event()
        self.session_id = ""
        self.client = socketio.Client()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_reply)
        # Polling: the websocket client over aiohttp 3.9 is not usable here.
        self.client.connect(url, transports=["polling"])
        # No id of our own: the gateway issues (and signs) it, as for any new browser.
        self.client.emit("session_request", {"session_id": None})
        assert self.confirmed.wait(30), "no session_confirm"

    def _on_confirm(self, data) -> None:
        self.session_id = data if isinstance(data, str) else (data or {}).get("session_id", "")
        self.confirmed.set()

    def _on_reply(self, data: dict) -> None:
        with self.arrived:
            self.replies.append(data)
            self.arrived.notify_all()

    def say(self, text: str, timeout: float = 60) -> List[dict]:
        start = len(self.replies)
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.replies) > start, timeout), f"no reply to {text!r}"
        return self.replies[start:]


@pytest.fixture
def visitor(helpline):
    web = WebVisitor(helpline.url)
    yield web
    web.client.disconnect()


def test_the_web_chat_gets_the_assistants_answer(visitor):
    replies = visitor.say("how long does the program last")
    assert "weeks" in replies[0].get("text", "")


def test_a_crisis_on_the_web_chat_gets_the_crisis_lines_first(visitor):
    first = visitor.say("i want to kill myself")[0]
    assert "911" in first["text"] and "988" in first["text"]
