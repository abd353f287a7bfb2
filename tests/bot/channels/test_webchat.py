"""The web chat's socket.io protocol against a stand-in router.

The stand-in keeps only the router's contract (Inbound in, replies out, the
crisis reply first); the real router is exercised by the browser tests.
Clients use the polling transport: python-socketio's websocket client needs a
newer aiohttp than Rasa allows.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import pytest
import socketio
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.channels import webchat
from bot.channels.embed import OriginPolicy
from bot.channels.web_sessions import SessionIds
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.turn import Inbound, Outcome, Reply, client_message_key
from bot.web_keys import DELIVERIES, METRICS, ROUTER
from core import safety
from core.wording import Contact

CRISIS_TEXT = "I want to kill myself"
CRISIS_REPLY = "I'm really glad you told me. If you might be in danger right now, call 911."
BUTTONS = [
    {"title": "Me", "payload": '/inform_who{"who":"self"}'},
    {"title": "Someone I care about", "payload": '/inform_who{"who":"other"}'},
]
EMERGENCY_LINE = (
    'Automated assistant, not for emergencies. In danger? Call <a href="tel:911">911</a>, '
    'or call or text <a href="tel:988">988</a>.'
)


class StandInRouter:
    def __init__(self) -> None:
        self.received: List[Inbound] = []
        self.fail_next = False
        self.delay: Dict[str, float] = {}

    def contact(self) -> Contact:
        return Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")

    def assess(self, channel: str, address: str, text: str) -> safety.Assessment:
        return safety.assess(text)

    async def handle(self, msg: Inbound) -> Outcome:
        self.received.append(msg)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database down")
        await asyncio.sleep(self.delay.get(msg.text, 0))
        if msg.text == CRISIS_TEXT:
            return Outcome(
                "c1",
                [
                    Reply(text=CRISIS_REPLY, author="system"),
                    Reply(text="I've asked our team to join.", author="system"),
                ],
            )
        if msg.text == "who":
            return Outcome("c1", [Reply(text="Who are you asking for?", buttons=BUTTONS)])
        if msg.text == "screen done":
            return Outcome(
                "c1",
                [
                    Reply(text="Thanks.\n\nA clinician will confirm it."),
                    Reply(custom={"screen_result": {"level": "iop"}}),
                    Reply(custom={"data": {"kind": "card"}}),
                ],
            )
        return Outcome("c1", [Reply(text=f"echo: {msg.text}")])


IDS = SessionIds(b"a key for the web chat's tests, 32+ bytes")
RETURNING = IDS.new()  # a visitor with a conversation so far
ISSUED_ID = re.compile(r"[0-9a-f]{64}")

HISTORY = {
    RETURNING: [
        {"author": "visitor", "text": "hello", "payload": None, "staff_name": None},
        {"author": "bot", "text": "Who are you asking for?", "payload": {"buttons": BUTTONS}, "staff_name": None},
        {"author": "staff", "text": "Hi, I'm Dana.", "payload": None, "staff_name": "Dana"},
        {"author": "bot", "text": "", "payload": {"custom": {"screen_result": {}}}, "staff_name": None},
    ],
}


async def fake_history(app: web.Application, session_id: str) -> Optional[List[Dict[str, Any]]]:
    stored = HISTORY.get(session_id)
    if stored is None:
        return None
    return webchat.history_entries(stored)


TYPING: "web.AppKey[List[Tuple[str, bool]]]" = web.AppKey("typing_heard")


async def record_typing(app: web.Application, session_id: str, typing: bool) -> None:
    app[TYPING].append((session_id, typing))


@pytest.fixture
async def gateway():
    app = web.Application()
    app[METRICS] = Metrics()
    app[DELIVERIES] = Deliveries()
    app[ROUTER] = StandInRouter()
    app[TYPING] = []
    webchat.attach(
        app,
        history=fake_history,
        typing_listener=record_typing,
        session_ids=IDS,
        origins=OriginPolicy(["https://program.example.org"]),
    )
    app.add_routes(
        [
            web.get("/", webchat.page),
            web.get("/chat/vendor/socket.io.min.js", webchat.socket_io_client),
            web.static("/chat/assets/", webchat.STATIC),
        ]
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield app, str(server.make_url("")).rstrip("/")
    await server.close()
    # Engine.IO leaves a sleeping ping task per closed socket.
    leftovers = asyncio.all_tasks() - {asyncio.current_task()}
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


class Visitor:
    """A socket.io client that records every event it gets, in order."""

    def __init__(self, gateway: Tuple[web.Application, str]):
        self.app, self.url = gateway
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[Tuple[str, Any]] = asyncio.Queue()
        self.gone = asyncio.Event()
        for name in ("session_confirm", "bot_uttered", "session_history", "staff_typing"):
            self.sio.on(name, self._recorder(name))
        self.sio.on("disconnect", self._disconnected)

    async def _disconnected(self, reason: Any = None) -> None:
        self.gone.set()

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            await self.events.put((name, data))

        return record

    async def __aenter__(self) -> "Visitor":
        await self.sio.connect(self.url, transports=["polling"], socketio_path="socket.io")
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # The server hangs up, as when a tab closes: python-engineio's polling
        # client drops its own close packet, and after a close from the server
        # its write loop idles for 30 s unless told to stop.
        await self.app[webchat.WEBCHAT].sio.eio.disconnect(self.sio.eio.sid)
        await asyncio.wait_for(self.gone.wait(), 5)
        self.sio.eio.queue.put_nowait(None)
        await asyncio.wait_for(self.sio.eio.read_loop_task, 5)

    async def next(self, timeout: float = 5) -> Tuple[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def start(self, session_id: Optional[str] = None, **extra: Any) -> str:
        await self.sio.emit("session_request", {"session_id": session_id, **extra})
        name, data = await self.next()
        while name == "session_history":
            name, data = await self.next()
        assert name == "session_confirm"
        return data

    async def say(self, text: str, session_id: str) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})

    async def bot_messages(self, count: int) -> List[Dict[str, Any]]:
        out = []
        for _ in range(count):
            name, data = await self.next()
            assert name == "bot_uttered"
            out.append(data)
        return out

    def nothing_more(self) -> bool:
        return self.events.empty()


# -- pure rendering ---------------------------------------------------------------
def test_text_is_split_into_parts_like_rasas_channel():
    assert webchat.render(Reply(text="One.\n\nTwo."), author_metadata=False) == [{"text": "One."}, {"text": "Two."}]


def test_buttons_become_quick_replies_on_the_last_part():
    messages = webchat.render(Reply(text="Hi.\n\nWho is it for?", buttons=BUTTONS), author_metadata=False)
    assert messages == [
        {"text": "Hi."},
        {
            "text": "Who is it for?",
            "quick_replies": [
                {"content_type": "text", "title": "Me", "payload": '/inform_who{"who":"self"}'},
                {"content_type": "text", "title": "Someone I care about", "payload": '/inform_who{"who":"other"}'},
            ],
        },
    ]


def test_a_staff_reply_names_the_person_in_the_text_for_plain_rasa_clients():
    messages = webchat.render(
        Reply(text="Hi, I'm here.\n\nHow can I help?", author="staff", staff_name="Dana"), author_metadata=False
    )
    # rasa-webchat only shows a message whose sole key is `text`.
    assert messages == [{"text": "Dana (staff): Hi, I'm here."}, {"text": "How can I help?"}]


def test_a_staff_reply_carries_the_name_as_metadata_for_our_page():
    messages = webchat.render(Reply(text="Hi, I'm here.", author="staff", staff_name="Dana"), author_metadata=True)
    assert messages == [{"text": "Hi, I'm here.", "metadata": {"author": "staff", "staff_name": "Dana"}}]


def test_only_rasa_shaped_custom_payloads_reach_the_browser():
    assert webchat.render(Reply(custom={"screen_result": {"level": "iop"}}), author_metadata=False) == []
    assert webchat.render(Reply(custom={"handoff": {"reason": "x"}}), author_metadata=True) == []
    assert webchat.render(Reply(custom={"data": {"kind": "card"}}), author_metadata=False) == [{"kind": "card"}]


def test_history_keeps_what_the_visitor_saw_and_names_staff():
    entries = [webchat.history_entry(m) for m in HISTORY[RETURNING]]
    assert entries == [
        {"author": "visitor", "text": "hello"},
        {"author": "bot", "text": "Who are you asking for?", "quick_replies": webchat.quick_replies(BUTTONS)},
        {"author": "staff", "text": "Hi, I'm Dana.", "staff_name": "Dana"},
        None,
    ]


# -- the protocol -----------------------------------------------------------------
async def test_a_new_visitor_gets_a_fresh_session_id(gateway):
    async with Visitor(gateway) as v:
        session_id = await v.start()
    assert ISSUED_ID.fullmatch(session_id) and IDS.issued(session_id)


async def test_a_returning_visitor_keeps_their_session_id(gateway):
    mine = IDS.new()
    async with Visitor(gateway) as v:
        assert await v.start(mine) == mine


FORGED = [
    "0000000000000000",
    "0" * 64,
    "b" * 32,
    RETURNING[:32] + "0" * 32,  # another visitor's random part with a made-up signature
    RETURNING[:-1] + ("0" if RETURNING[-1] != "0" else "1"),  # one digit changed
    RETURNING.upper(),
    SessionIds(b"another gateway's key, also 32 bytes").new(),
    "short",
    "x" * 200,
    "../../etc",
    12345,
    "",
]


@pytest.mark.parametrize("forged", FORGED)
async def test_a_made_up_session_id_gets_a_new_session_and_no_transcript(gateway, forged):
    async with Visitor(gateway) as v:
        await v.sio.emit("session_request", {"session_id": forged, "features": ["author_metadata"]})
        name, session_id = await v.next()
        # Straight to the confirmation: nobody's conversation so far came first.
        assert name == "session_confirm"
        assert session_id != forged and IDS.issued(session_id)
        await asyncio.sleep(0.1)
        assert v.nothing_more()


def test_issued_ids_are_told_apart_from_made_up_ones():
    ids = {IDS.new() for _ in range(200)}
    assert len(ids) == 200 and all(IDS.issued(i) for i in ids)
    assert not any(IDS.issued(f) for f in FORGED)
    # The same secret on another replica accepts them; another secret does not.
    secret = b"the gateway's console secret"
    one, two = SessionIds.from_secret(secret), SessionIds.from_secret(secret)
    issued = one.new()
    assert two.issued(issued) and not SessionIds.from_secret(b"another secret").issued(issued)


async def test_a_message_goes_through_the_router_and_the_reply_comes_back(gateway):
    app, _ = gateway
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say("hello there", session_id)
        assert await v.bot_messages(1) == [{"text": "echo: hello there"}]
    inbound = app[ROUTER].received[-1]
    assert (inbound.channel, inbound.address, inbound.text) == ("web", session_id, "hello there")


async def test_the_crisis_reply_is_the_first_message(gateway):
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say(CRISIS_TEXT, session_id)
        first, second = await v.bot_messages(2)
    assert first == {"text": CRISIS_REPLY}
    assert second == {"text": "I've asked our team to join."}


async def test_buttons_and_custom_payloads_in_rasas_shape(gateway):
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say("who", session_id)
        [asked] = await v.bot_messages(1)
        await v.say("screen done", session_id)
        done = await v.bot_messages(3)
    assert asked["quick_replies"][0] == {"content_type": "text", "title": "Me", "payload": BUTTONS[0]["payload"]}
    assert done == [{"text": "Thanks."}, {"text": "A clinician will confirm it."}, {"kind": "card"}]


async def test_a_reload_is_the_same_conversation(gateway):
    app, _ = gateway
    async with Visitor(gateway) as first:
        session_id = await first.start()
        await first.say("before", session_id)
        await first.bot_messages(1)
    async with Visitor(gateway) as again:
        assert await again.start(session_id) == session_id
        await again.say("after", session_id)
        await again.bot_messages(1)
    assert [m.address for m in app[ROUTER].received] == [session_id, session_id]


async def test_our_page_gets_the_conversation_so_far_before_the_confirmation(gateway):
    async with Visitor(gateway) as v:
        await v.sio.emit("session_request", {"session_id": RETURNING, "features": ["author_metadata"]})
        name, history = await v.next()
        assert name == "session_history"
        assert history["session_id"] == RETURNING
        assert [m["author"] for m in history["messages"]] == ["visitor", "bot", "staff"]
        # Buttons of an earlier message can no longer be answered.
        assert "quick_replies" not in history["messages"][1]
        assert await v.next() == ("session_confirm", RETURNING)


async def test_plain_rasa_clients_get_no_history(gateway):
    async with Visitor(gateway) as v:
        await v.sio.emit("session_request", {"session_id": RETURNING})
        assert await v.next() == ("session_confirm", RETURNING)
        await v.say("ping", RETURNING)
        assert await v.next() == ("bot_uttered", {"text": "echo: ping"})


async def test_a_staff_reply_reaches_every_page_of_the_conversation(gateway):
    app, _ = gateway
    async with Visitor(gateway) as plain, Visitor(gateway) as ours:
        session_id = await plain.start()
        await ours.start(session_id, features=["author_metadata"])
        delivered = await app[DELIVERIES].deliver(
            "web", session_id, Reply(text="Hi, I'm Dana from intake.", author="staff", staff_name="Dana")
        )
        assert delivered is True
        assert await plain.bot_messages(1) == [{"text": "Dana (staff): Hi, I'm Dana from intake."}]
        assert await ours.bot_messages(1) == [
            {"text": "Hi, I'm Dana from intake.", "metadata": {"author": "staff", "staff_name": "Dana"}}
        ]


async def test_staff_typing_reaches_every_page_of_the_conversation_as_a_yes_or_no(gateway):
    app, _ = gateway
    async with Visitor(gateway) as plain, Visitor(gateway) as ours, Visitor(gateway) as other:
        session_id = await plain.start()
        await ours.start(session_id, features=["author_metadata"])
        await other.start()
        await app[DELIVERIES].typing("web", session_id, True)
        assert await plain.next() == ("staff_typing", {"typing": True})
        assert await ours.next() == ("staff_typing", {"typing": True})
        await asyncio.sleep(0.2)
        assert other.nothing_more()


async def test_visitor_typing_is_passed_on_for_the_socket_own_session_only(gateway):
    app, _ = gateway
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.sio.emit("visitor_typing", {"typing": True, "session_id": "f" * 32})
        await v.sio.emit("visitor_typing", {"typing": True})  # a repeat within seconds is dropped
        await v.sio.emit("visitor_typing", "nonsense")
        await v.sio.emit("visitor_typing", {"typing": False})
        for _ in range(50):
            if len(app[TYPING]) == 2:
                break
            await asyncio.sleep(0.05)
        assert app[TYPING] == [(session_id, True), (session_id, False)]


async def test_a_staff_reply_to_nobody_connected_says_so(gateway):
    app, _ = gateway
    reply = Reply(text="Are you still there?", author="staff", staff_name="Dana")
    assert await app[DELIVERIES].deliver("web", IDS.new(), reply) is False


async def test_other_sessions_do_not_see_a_conversation(gateway):
    app, _ = gateway
    async with Visitor(gateway) as mine, Visitor(gateway) as other:
        session_id = await mine.start()
        other_id = await other.start()
        await other.say("not yours", session_id)
        await other.say("ping", other_id)
        assert await other.bot_messages(1) == [{"text": "echo: ping"}]
        await app[DELIVERIES].deliver("web", session_id, Reply(text="for you", author="staff", staff_name="Dana"))
        assert await mine.bot_messages(1) == [{"text": "Dana (staff): for you"}]
        assert other.nothing_more() and mine.nothing_more()
    assert [(m.address, m.text) for m in app[ROUTER].received] == [(other_id, "ping")]


async def test_a_message_without_a_session_request_joins_the_session_it_names(gateway):
    app, _ = gateway
    d, e = IDS.new(), IDS.new()
    async with Visitor(gateway) as v:
        await v.say("hi", d)
        assert await v.bot_messages(1) == [{"text": "echo: hi"}]
        await v.say("hi", e)  # not the session this socket joined
        await v.say("again", d)
        assert await v.bot_messages(1) == [{"text": "echo: again"}]
    assert [(m.address, m.text) for m in app[ROUTER].received] == [(d, "hi"), (d, "again")]


async def test_a_message_naming_a_made_up_session_is_ignored(gateway):
    app, _ = gateway
    async with Visitor(gateway) as v:
        await v.say("let me in", "0000000000000000")
        await v.say("let me in", RETURNING[:32] + "f" * 32)
        await asyncio.sleep(0.2)
        assert v.nothing_more()
    assert app[ROUTER].received == []


async def test_replies_keep_the_order_of_the_messages(gateway):
    app, _ = gateway
    app[ROUTER].delay["slow"] = 0.3
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say("slow", session_id)
        await v.say("fast", session_id)
        assert await v.bot_messages(2) == [{"text": "echo: slow"}, {"text": "echo: fast"}]
    assert app[webchat.WEBCHAT]._turns == {}


async def test_a_crisis_does_not_wait_behind_a_slow_turn_of_the_same_conversation(gateway):
    app, _ = gateway
    app[ROUTER].delay["slow"] = 2.0
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say("slow", session_id)
        await asyncio.sleep(0.1)
        await v.say(CRISIS_TEXT, session_id)
        first = await v.bot_messages(1)
    assert first == [{"text": CRISIS_REPLY}]


async def test_a_client_message_id_reaches_the_router_scoped_to_the_session(gateway):
    app, _ = gateway
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.sio.emit("user_uttered", {"message": "hello", "session_id": session_id, "message_id": "m-1"})
        await v.bot_messages(1)
        await v.sio.emit("user_uttered", {"message": "again", "session_id": session_id, "message_id": "not ok!"})
        await v.bot_messages(1)
    first, second = app[ROUTER].received
    assert first.channel_message_id == client_message_key(session_id, "m-1")
    assert second.channel_message_id is None


async def test_a_router_failure_still_answers_with_the_crisis_lines(gateway):
    app, _ = gateway
    app[ROUTER].fail_next = True
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.say("hello", session_id)
        [message] = await v.bot_messages(1)
    assert "911" in message["text"] and "988" in message["text"]


async def test_empty_and_malformed_messages_are_ignored(gateway):
    app, _ = gateway
    async with Visitor(gateway) as v:
        session_id = await v.start()
        await v.sio.emit("user_uttered", {"message": "   ", "session_id": session_id})
        await v.sio.emit("user_uttered", {"message": {"not": "text"}, "session_id": session_id})
        await v.sio.emit("user_uttered", "just a string")
        await v.say("real", session_id)
        assert await v.bot_messages(1) == [{"text": "echo: real"}]
    assert [m.text for m in app[ROUTER].received] == ["real"]


# -- the page ---------------------------------------------------------------------
async def test_the_page_has_the_emergency_line_and_no_third_party_sources(gateway):
    _, url = gateway
    async with aiohttp.ClientSession() as http:
        async with http.get(url + "/") as resp:
            html = await resp.text()
            headers = resp.headers
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', html):
            async with http.get(url + asset) as asset_resp:
                assert asset_resp.status == 200, asset
    assert EMERGENCY_LINE in html
    assert "Chat with Test IOP" in html and 'href="tel:5550100100"' in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_history_shows_a_reply_in_the_parts_it_was_sent_in():
    entries = webchat.history_entries(
        [
            {"author": "visitor", "text": "what is iop\n\nreally"},
            {"author": "bot", "text": "IOP is a program.\n\nWho is it for?", "payload": {"buttons": BUTTONS}},
        ]
    )
    assert entries == [
        {"author": "visitor", "text": "what is iop\n\nreally"},
        {"author": "bot", "text": "IOP is a program."},
        {"author": "bot", "text": "Who is it for?", "quick_replies": webchat.quick_replies(BUTTONS)},
    ]


async def test_the_widget_hears_who_is_writing(gateway):
    app, _ = gateway
    async with Visitor(gateway) as ours:
        ours.sio.on("staff_typing", ours._recorder("staff_typing"))
        session_id = await ours.start(None, features=["author_metadata"])
        await app[webchat.WEBCHAT].staff_typing(session_id, True, "Dana")
        assert await ours.next() == ("staff_typing", {"typing": True, "staff_name": "Dana"})
        await app[webchat.WEBCHAT].staff_typing(session_id, False, "Dana")
        assert await ours.next() == ("staff_typing", {"typing": False, "staff_name": "Dana"})
