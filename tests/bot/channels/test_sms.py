"""The SMS webhook end to end inside the gateway: requests signed with Twilio's own
validator, Twilio's REST API and Rasa's REST channel faked as servers on 127.0.0.1.

Every test runs twice: in the whole gateway as `create_app` builds it (real
router and store), and around a stand-in router that only keeps the router's
contract (crisis reply first, one turn per message id).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Set

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.channels import sms, sms_text
from bot.config import Settings
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.store import conversations as convo
from bot.store import sms as sms_store
from bot.store.database import Database, upgrade
from bot.turn import Outcome, Reply
from bot.web_keys import DB, DELIVERIES, HTTP, METRICS, RASA, ROUTER, SETTINGS
from core import safety, wording
from core.wording import Contact

TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT = "AC" + "0" * 32
OUR_NUMBER = "+15550100147"
VISITOR = "+15550100123"
CONTACT = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")
CRISIS_WITH_STOP = "STOP i want to kill myself"

WHO_BUTTONS = [
    {"title": "Me", "payload": '/inform_who{"who":"self"}'},
    {"title": "Someone I care about", "payload": '/inform_who{"who":"other"}'},
]
LONG_ANSWER = "\n\n".join(f"Paragraph {p}: " + " ".join(f"word{p}x{w}" for w in range(45)) + "." for p in range(4))
# What the fake Rasa answers, by the message it receives.
SCRIPT: Dict[str, List[Dict[str, Any]]] = {
    "who is this for": [{"text": "Who are you asking for?", "buttons": WHO_BUTTONS}],
    WHO_BUTTONS[0]["payload"]: [{"text": "Thanks. What would you like to know?"}],
    WHO_BUTTONS[1]["payload"]: [{"text": "Thanks for looking out for them."}],
    "tell me everything": [{"text": LONG_ANSWER}],
    "markup": [{"text": 'Fees & times: <see below> "soon"'}],
}
DEFAULT_ANSWER = "I can answer questions about our program."


# -- fakes of the other processes -------------------------------------------------
@dataclass
class FakeTwilio:
    """Twilio's Messages resource: records what was sent, refuses blocked numbers like Twilio does."""

    sent: List[Dict[str, str]] = field(default_factory=list)
    blocked: Set[str] = field(default_factory=set)
    url: str = ""

    async def create_message(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.sent.append(
            {
                "account": request.match_info["account"],
                "authorization": request.headers.get("Authorization", ""),
                **form,
            }
        )
        if form["To"] in self.blocked:
            return web.json_response(
                {"code": 21610, "status": 400, "message": "Attempt to send to unsubscribed recipient"}, status=400
            )
        return web.json_response({"sid": f"SM{len(self.sent):032d}", "status": "queued"}, status=201)


@dataclass
class FakeRasa:
    received: List[str] = field(default_factory=list)
    url: str = ""
    delay: float = 0.0  # a slow or hung Rasa

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body["message"])
        await asyncio.sleep(self.delay)
        replies = SCRIPT.get(body["message"], [{"text": DEFAULT_ANSWER}])
        return web.json_response([{"recipient_id": body["sender"], **r} for r in replies])


async def serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


@pytest.fixture
async def twilio():
    fake = FakeTwilio()
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", fake.create_message)
    server = await serve(app)
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


@pytest.fixture
async def rasa():
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/gateway/webhook", fake.webhook)
    server = await serve(app)
    fake.url = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


class StandInRouter:
    """Only the router's contract: crisis reply first, a repeated message id answered once."""

    def __init__(self, db: Database, rasa: RasaClient):
        self.db, self.rasa = db, rasa

    def contact(self) -> Contact:
        return CONTACT

    def assess(self, channel: str, address: str, text: str):
        return safety.assess(text)

    async def handle(self, msg) -> Outcome:
        assessment = safety.assess(msg.text)
        recorded = await self.db.run(
            convo.record_visitor_message, msg.channel, msg.address, msg.text, msg.channel_message_id
        )
        if assessment.is_crisis:
            replies = [Reply(text=wording.crisis_reply(assessment.about_other), author="system")]
        elif recorded is None:
            return Outcome(None, [], duplicate=True)
        else:
            replies = [
                Reply(text=r.get("text"), buttons=r.get("buttons") or [])
                for r in await self.rasa.send(recorded[0], msg.text)
            ]
        if recorded is None:
            return Outcome(None, replies, duplicate=True)
        for r in replies:
            await self.db.run(
                convo.record_reply, recorded[0], r.author, r.text or "", {"buttons": r.buttons} if r.buttons else None
            )
        return Outcome(recorded[0], replies)


@dataclass
class Helpline:
    client: TestClient
    app: web.Application
    twilio: FakeTwilio
    rasa: FakeRasa
    sids: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def db(self) -> Database:
        return self.app[DB]

    def url(self) -> str:
        return str(self.client.make_url(sms.PATH))

    async def post(
        self,
        params: Dict[str, str],
        signed_url: Optional[str] = None,
        token: str = TOKEN,
        signature: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
    ):
        if signature is None:
            signature = RequestValidator(token).compute_signature(signed_url or self.url(), params)
        return await self.client.post(
            sms.PATH, data=params, headers={"X-Twilio-Signature": signature, **(headers or {})}
        )

    def params(
        self, body: Optional[str], sender: str = VISITOR, sid: Optional[str] = None, media: int = 0
    ) -> Dict[str, str]:
        sid = sid or f"SM{next(self.sids):032x}"
        params = {
            "ToCountry": "US",
            "ToState": "IL",
            "SmsMessageSid": sid,
            "NumMedia": str(media),
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "IL",
            "SmsStatus": "received",
            "FromCity": "",
            "FromCountry": "US",
            "To": OUR_NUMBER,
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT,
            "From": sender,
            "ApiVersion": "2010-04-01",
        }
        if body is not None:
            params["Body"] = body
        for i in range(media):
            params[f"MediaUrl{i}"] = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}/Media/ME{i}"
            params[f"MediaContentType{i}"] = "image/jpeg"
        return params

    async def text(self, body: Optional[str], **kwargs) -> List[str]:
        """Send a signed text; the texts of the TwiML reply."""
        resp = await self.post(self.params(body, **kwargs))
        assert resp.status == 200, await resp.text()
        assert resp.content_type in ("application/xml", "text/xml")
        return twiml_messages(await resp.text())

    async def transcript(self, address: str = VISITOR) -> Optional[Dict[str, Any]]:
        return await self.db.run(convo.conversation_by_address, "sms", address)

    async def opted_out(self, address: str = VISITOR) -> bool:
        return await self.db.run(sms_store.is_opted_out, address)

    async def deliver(self, reply: Reply, address: str = VISITOR) -> bool:
        return await self.app[DELIVERIES].deliver("sms", address, reply)


def twiml_messages(xml: str) -> List[str]:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def settings_for(tmp_path, twilio: FakeTwilio, rasa: FakeRasa, **env: str) -> Settings:
    profile = tmp_path / "program.yml"
    profile.write_text(
        f'name: "{CONTACT.program_name}"\nphone: "{CONTACT.phone}"\nphone_hours: "{CONTACT.phone_hours}"\n'
    )
    base = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/helpline.db",
        "PROGRAM_PROFILE": str(profile),
        "RASA_URL": rasa.url,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE": twilio.url,
    }
    base.update(env)
    return Settings.from_env({k: v for k, v in base.items() if v is not None})


def stand_in_app(settings: Settings) -> web.Application:
    """The app keys the SMS channel uses, around the stand-in router."""
    app = web.Application()
    app[SETTINGS], app[METRICS], app[DELIVERIES] = settings, Metrics(), Deliveries()

    async def resources(app: web.Application):
        app[DB] = Database(settings.database_url)
        upgrade(app[DB].engine)
        app[HTTP] = aiohttp.ClientSession()
        app[RASA] = RasaClient(app[HTTP], settings.rasa_url)
        app[ROUTER] = StandInRouter(app[DB], app[RASA])
        yield
        await app[HTTP].close()
        app[DB].dispose()

    app.cleanup_ctx.append(resources)
    app.router.add_post(sms.PATH, sms.inbound)
    sms.attach(app)
    return app


async def start(tmp_path, twilio, rasa, router_kind: str, **env: str) -> Helpline:
    """ "real": the gateway as `create_app` builds it, with SMS as its one optional channel;
    "stand-in": only what SMS needs."""
    settings = settings_for(tmp_path, twilio, rasa, **env)
    app = create_app(settings, channels=["sms"]) if router_kind == "real" else stand_in_app(settings)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return Helpline(client, app, twilio, rasa)


async def stop(helpline: Helpline) -> None:
    await helpline.client.close()


@pytest.fixture(params=["real", "stand-in"])
async def helpline(request, tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, request.param)
    yield line
    await stop(line)


# -- signature ---------------------------------------------------------------------
async def test_a_signed_text_gets_the_assistants_reply_as_twiml(helpline):
    assert await helpline.text("hello") == [DEFAULT_ANSWER]
    assert helpline.rasa.received == ["hello"]
    assert helpline.twilio.sent == []  # the reply rides on the TwiML response


@pytest.mark.parametrize(
    "how",
    ["missing", "garbage", "other token", "other url", "body changed after signing"],
)
async def test_a_bad_or_missing_signature_is_refused_and_nothing_happens(helpline, how):
    params = helpline.params("hello")
    if how == "missing":
        resp = await helpline.client.post(sms.PATH, data=params)
    elif how == "garbage":
        resp = await helpline.post(params, signature="bm90IGEgc2lnbmF0dXJl")
    elif how == "other token":
        resp = await helpline.post(params, token="someone-elses-token")
    elif how == "other url":
        resp = await helpline.post(params, signed_url="https://elsewhere.example/webhooks/twilio/sms")
    else:
        signature = RequestValidator(TOKEN).compute_signature(helpline.url(), params)
        resp = await helpline.post({**params, "Body": "something else"}, signature=signature)
    assert resp.status == 403
    assert helpline.rasa.received == []
    assert await helpline.transcript() is None


async def test_without_an_auth_token_every_request_is_refused(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real", TWILIO_AUTH_TOKEN="")
    try:
        resp = await line.post(line.params("hello"))
        assert resp.status == 403
    finally:
        await stop(line)


async def test_behind_a_proxy_the_public_url_is_what_twilio_signed(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real", PUBLIC_URL="https://help.example.org")
    try:
        public = "https://help.example.org/webhooks/twilio/sms"
        assert (await line.post(line.params("hello"), signed_url=public)).status == 200
        # Signed for the address the gateway listens on, not the one Twilio knows: refused.
        assert (await line.post(line.params("hello"))).status == 403
    finally:
        await stop(line)


async def test_without_a_public_url_the_proxys_forwarded_scheme_and_host_are_accepted(helpline):
    public = "https://help.example.org/webhooks/twilio/sms"
    resp = await helpline.post(
        helpline.params("hello"),
        signed_url=public,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "help.example.org"},
    )
    assert resp.status == 200


async def test_a_post_without_sender_or_message_sid_is_a_bad_request(helpline):
    params = helpline.params("hello")
    del params["MessageSid"]
    assert (await helpline.post(params)).status == 400


# -- retries -------------------------------------------------------------------------
async def test_a_twilio_retry_with_the_same_message_sid_is_processed_once(helpline):
    params = helpline.params("hello")
    first = await helpline.post(params)
    again = await helpline.post(params)
    assert twiml_messages(await first.text()) == [DEFAULT_ANSWER]
    assert twiml_messages(await again.text()) == []
    assert helpline.rasa.received == ["hello"]
    visitor = [m for m in (await helpline.transcript())["messages"] if m["author"] == "visitor"]
    assert [m["text"] for m in visitor] == ["hello"]


# -- STOP / START / HELP ---------------------------------------------------------------
async def test_stop_opts_out_confirmed_once_and_nothing_is_sent_afterwards(helpline):
    await helpline.text("hello")
    [confirmation] = await helpline.text("Stop")
    assert confirmation == wording.stop_confirmation(CONTACT)
    assert await helpline.opted_out()
    assert await helpline.text("STOP") == []  # already out: no second confirmation
    assert await helpline.text("are you there?") == []
    assert await helpline.text("HELP") == []
    assert await helpline.text(None, media=1) == []
    assert helpline.rasa.received == ["hello"]
    assert await helpline.deliver(Reply(text="Hi, this is Dana from intake.", author="staff")) is False
    assert helpline.twilio.sent == []
    kept = [m["text"] for m in (await helpline.transcript())["messages"] if m["author"] == "visitor"]
    assert kept[-2:] == ["HELP", "[a picture or file, no text]"] and "are you there?" in kept


async def test_a_retried_stop_is_confirmed_once(helpline):
    params = helpline.params("STOP")
    first = twiml_messages(await (await helpline.post(params)).text())
    again = twiml_messages(await (await helpline.post(params)).text())
    assert len(first) == 1 and again == []


@pytest.mark.parametrize("keyword", ["START", "unstop", "Yes"])
async def test_start_opts_back_in(helpline, keyword):
    await helpline.text("STOP")
    [welcome] = await helpline.text(keyword)
    assert welcome == wording.start_confirmation(CONTACT)
    assert not await helpline.opted_out()
    assert await helpline.text("hello") == [DEFAULT_ANSWER]
    assert await helpline.deliver(Reply(text="Hi again.", author="staff")) is True
    assert [m["Body"] for m in helpline.twilio.sent] == ["Hi again."]


@pytest.mark.parametrize("word", ["yes", "START"])
async def test_yes_or_start_from_a_number_still_subscribed_is_an_ordinary_message(helpline, word):
    assert await helpline.text(word) == [DEFAULT_ANSWER]
    assert helpline.rasa.received == [word]


async def test_help_gives_the_program_its_phone_and_988_without_asking_the_assistant(helpline):
    [text] = await helpline.text(" help ")
    assert text == wording.help_text(CONTACT)
    assert "Test IOP" in text and "(555) 010-0100" in text and "988" in text
    assert helpline.rasa.received == []


async def test_stop_inside_a_sentence_is_a_message_for_the_assistant(helpline):
    assert await helpline.text("how do I stop drinking") == [DEFAULT_ANSWER]
    assert not await helpline.opted_out()


# -- crisis before keywords -------------------------------------------------------------
async def test_a_crisis_text_containing_stop_gets_the_crisis_reply_and_does_not_opt_out(helpline):
    replies = await helpline.text(CRISIS_WITH_STOP)
    # First, and whole in one text however long it is.
    assert replies[0] == sms_text.smart_encode(wording.crisis_reply(about_other=False))
    assert "988" in replies[0]
    assert not await helpline.opted_out()
    assert helpline.rasa.received == []


async def test_a_crisis_text_reaches_staff_with_the_real_router(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real")
    try:
        await line.text(CRISIS_WITH_STOP)
        conversation = await line.transcript()
        handoffs = await line.db.run(convo.handoffs_of, conversation["id"])
        assert [h["priority"] for h in handoffs] == ["crisis"]
    finally:
        await stop(line)


async def test_a_crisis_from_an_opted_out_number_sends_nothing_but_still_reaches_staff(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real")
    try:
        await line.text("STOP")
        assert await line.text("i want to kill myself") == []
        conversation = await line.transcript()
        assert conversation["opted_out"]
        handoffs = await line.db.run(convo.handoffs_of, conversation["id"])
        assert [h["priority"] for h in handoffs] == ["crisis"]
        assert line.twilio.sent == []
    finally:
        await stop(line)


async def test_a_retried_crisis_text_gets_the_crisis_lines_again(helpline):
    params = helpline.params("i want to kill myself")
    first = twiml_messages(await (await helpline.post(params)).text())
    again = twiml_messages(await (await helpline.post(params)).text())
    assert "988" in first[0] and "988" in again[0]


async def test_a_long_crisis_reply_stays_one_text_so_it_cannot_arrive_out_of_order(helpline, monkeypatch):
    long_reply = "Please call 911 now if you are in danger. " + "You can call or text 988 any time. " * 12
    monkeypatch.setattr(wording, "crisis_reply", lambda about_other=False: long_reply)
    replies = await helpline.text("i want to kill myself")
    assert replies[0] == long_reply.strip()
    assert sms_text.gsm7_length(replies[0]) > sms_text.GSM7_LIMIT


async def test_the_crisis_lines_go_out_even_when_the_opt_out_state_cannot_be_read(helpline, monkeypatch):
    def broken(*args):
        raise RuntimeError("database is down")

    monkeypatch.setattr(sms_store, "is_opted_out", broken)
    replies = await helpline.text("i want to kill myself")
    assert "988" in replies[0]


async def test_the_crisis_lines_go_out_even_when_the_router_fails(helpline, monkeypatch):
    async def broken(msg):
        raise RuntimeError("router bug")

    monkeypatch.setattr(helpline.app[ROUTER], "handle", broken)
    assert await helpline.text("my friend took a bottle of pills") == [
        sms_text.smart_encode(wording.crisis_reply(about_other=True))
    ]


async def test_when_our_side_fails_the_visitor_still_gets_the_phone_and_crisis_lines(helpline, monkeypatch):
    def broken(*args):
        raise RuntimeError("database is down")

    monkeypatch.setattr(sms_store, "sms_state", broken)
    monkeypatch.setattr(convo, "record_visitor_message_with_id", broken)
    [reply] = await helpline.text("hello")
    assert CONTACT.phone in reply and "911" in reply and "988" in reply


# -- buttons -------------------------------------------------------------------------------
async def test_buttons_become_numbered_options_and_a_digit_maps_back(helpline):
    [question] = await helpline.text("who is this for")
    assert question == "Who are you asking for?\nReply 1 for Me, 2 for Someone I care about"
    assert await helpline.text("2") == ["Thanks for looking out for them."]
    assert helpline.rasa.received[-1] == WHO_BUTTONS[1]["payload"]
    # The options are spent: a digit now is just a digit.
    await helpline.text("1")
    assert helpline.rasa.received[-1] == "1"


async def test_a_digit_that_is_not_an_option_goes_to_the_assistant_as_written(helpline):
    await helpline.text("who is this for")
    await helpline.text("7")
    assert helpline.rasa.received[-1] == "7"


async def test_the_options_survive_a_help_in_between(helpline):
    await helpline.text("who is this for")
    await helpline.text("HELP")
    assert await helpline.text("1") == ["Thanks. What would you like to know?"]


async def test_the_options_belong_to_their_own_number(helpline):
    await helpline.text("who is this for")
    await helpline.text("1", sender="+15550100999")
    assert helpline.rasa.received[-1] == "1"


# -- long replies, media, markup ----------------------------------------------------------
async def test_a_long_reply_is_split_into_several_texts(helpline):
    parts = await helpline.text("tell me everything")
    assert len(parts) > 1
    assert all(sms_text.gsm7_length(p) <= sms_text.GSM7_LIMIT for p in parts)
    assert " ".join(parts).split() == LONG_ANSWER.split()
    assert parts[0].startswith("Paragraph 0:")


@pytest.mark.parametrize("body", [None, ""])
async def test_a_picture_without_words_gets_a_polite_text_only_reply(helpline, body):
    assert await helpline.text(body, media=2) == [wording.media_only_reply()]
    assert helpline.rasa.received == []
    kept = (await helpline.transcript())["messages"]
    assert kept[0]["text"] == "[2 pictures or files, no text]"


async def test_a_picture_with_words_is_answered_by_its_words(helpline):
    assert await helpline.text("hello", media=1) == [DEFAULT_ANSWER]


async def test_markup_in_a_reply_is_escaped_in_the_twiml(helpline):
    resp = await helpline.post(helpline.params("markup"))
    assert "<see" not in await resp.text()
    assert twiml_messages(await resp.text()) == ['Fees & times: <see below> "soon"']


# -- messages outside a request -------------------------------------------------------------
async def test_a_staff_reply_goes_out_through_twilios_rest_api(helpline):
    await helpline.text("hello")
    assert await helpline.deliver(Reply(text=LONG_ANSWER, author="staff", staff_name="Dana")) is True
    sent = helpline.twilio.sent
    assert len(sent) > 1
    assert {m["account"] for m in sent} == {ACCOUNT}
    assert {(m["To"], m["From"]) for m in sent} == {(VISITOR, OUR_NUMBER)}
    assert {m["authorization"] for m in sent} == {aiohttp.BasicAuth(ACCOUNT, TOKEN).encode()}
    assert sent[0]["Body"].startswith("Dana: Paragraph 0:")
    assert " ".join(m["Body"] for m in sent).split() == ("Dana: " + LONG_ANSWER).split()


async def test_a_number_twilio_has_blocked_is_remembered_as_opted_out(helpline):
    helpline.twilio.blocked.add(VISITOR)
    assert await helpline.deliver(Reply(text="Hi, it's Dana.", author="staff")) is False
    assert await helpline.opted_out()
    assert await helpline.deliver(Reply(text="Hello?", author="staff")) is False
    assert len(helpline.twilio.sent) == 1


async def test_buttons_in_a_delivered_message_are_numbered_too(helpline):
    await helpline.deliver(
        Reply(
            text="Still want a call back?",
            buttons=[{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        )
    )
    assert helpline.twilio.sent[0]["Body"] == "Still want a call back?\nReply 1 for Yes, 2 for No"


async def test_the_gateway_mounts_the_route_and_the_delivery(tmp_path):
    nowhere = SimpleNamespace(url="http://127.0.0.1:9")
    app = create_app(settings_for(tmp_path, nowhere, nowhere), channels=["sms"])
    assert any(r.method == "POST" and r.resource.canonical == sms.PATH for r in app.router.routes())
    assert "sms" in app[DELIVERIES]._by_channel


# -- the staff console, end to end over SMS ------------------------------------------
async def console_sign_in(line: Helpline, username: str, name: str) -> str:
    """Sign a staff member in on the helpline's own client; the CSRF token for their posts."""
    from bot.store import passwords
    from bot.store import staff as staff_store

    await line.db.run(staff_store.add, username, name, "staff", passwords.hash_password("sms staff passphrase"), False)
    page = await (await line.client.get("/console/login")).text()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    resp = await line.client.post(
        "/console/login",
        data={"username": username, "password": "sms staff passphrase", "csrf_token": token},
        allow_redirects=False,
    )
    assert resp.status == 303
    # Signing in starts a new session with a token of its own.
    page = await (await line.client.get("/console")).text()
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


async def test_a_counsellor_answers_a_texter_from_the_console_and_stop_is_respected(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real", CONSOLE_SECRET_KEY=Fernet.generate_key().decode())
    try:
        SCRIPT["can i talk to a person"] = [
            {"text": "Of course."},
            {"custom": {"handoff": {"reason": "visitor asked for a person", "priority": "normal", "summary": ""}}},
        ]
        replies = await line.text("can i talk to a person")
        assert replies[0] == "Of course." and "passed this to our team" in replies[1]
        token = await console_sign_in(line, "dana", "Dana")
        queue = await (await line.client.get("/console")).text()
        assert "•••• 0123" in queue and VISITOR not in queue  # masked until claimed
        handoff_id = re.search(r"/console/handoffs/(\d+)/claim", queue).group(1)
        claimed = await line.client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
        assert VISITOR in await claimed.text()  # the holder sees the number
        conversation_id = re.search(r"/console/conversations/(\w+)/reply", await claimed.text()).group(1)
        assert line.twilio.sent[-1]["Body"] == "Dana joined the conversation."

        sent = await line.client.post(
            f"/console/conversations/{conversation_id}/reply",
            data={"csrf_token": token, "text": "Hi, this is Dana from intake."},
        )
        assert "Sent." in await sent.text()
        assert line.twilio.sent[-1]["To"] == VISITOR
        assert line.twilio.sent[-1]["Body"] == "Dana: Hi, this is Dana from intake."

        assert await line.text("can you call me later") == []  # with a person now: no bot reply
        assert await line.text("STOP") != []
        before = len(line.twilio.sent)
        refused = await line.client.post(
            f"/console/conversations/{conversation_id}/reply",
            data={"csrf_token": token, "text": "Are you still there?"},
        )
        assert "opted out of texts" in await refused.text()
        assert len(line.twilio.sent) == before
    finally:
        SCRIPT.pop("can i talk to a person", None)
        await stop(line)


# -- within Twilio's window, whatever stalls --------------------------------------------
async def test_a_slow_assistant_still_gets_twiml_in_time_and_its_answer_follows_by_rest(tmp_path, twilio, rasa):
    rasa.delay = 2.0
    line = await start(tmp_path, twilio, rasa, "real", SMS_REPLY_SECONDS="0.5", SMS_RASA_TIMEOUT_SECONDS="5")
    try:
        started = time.monotonic()
        assert await line.text("hello") == []
        assert time.monotonic() - started < 1.5
        for _ in range(60):
            if twilio.sent:
                break
            await asyncio.sleep(0.1)
        assert [m["Body"] for m in twilio.sent] == [DEFAULT_ANSWER] and twilio.sent[0]["To"] == VISITOR
    finally:
        rasa.delay = 0.0
        await stop(line)


async def test_a_crisis_text_under_a_held_write_lock_gets_the_crisis_lines_in_the_twiml(tmp_path, twilio, rasa):
    line = await start(tmp_path, twilio, rasa, "real")
    holder = sqlite3.connect(tmp_path / "helpline.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        texts = await line.text("I want to kill myself")
        assert time.monotonic() - started < 3
        assert "988" in texts[0] and "911" in texts[0]
        holder.execute("ROLLBACK")
        for _ in range(100):
            data = await line.transcript()
            if data and await line.db.run(convo.handoffs_of, data["id"]):
                break
            await asyncio.sleep(0.1)
        [ticket] = await line.db.run(convo.handoffs_of, data["id"])
        assert ticket["priority"] == "crisis"
        assert [m["text"] for m in data["messages"] if m["author"] == "visitor"] == ["I want to kill myself"]
    finally:
        holder.close()
        await stop(line)
