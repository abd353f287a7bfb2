"""The counsellor's desk over HTTP: queue, claim races, reply, transfer, resolve, hand back, live feed."""

from __future__ import annotations

import asyncio
import json
from typing import List, Tuple

import pytest
from aiohttp import WSMsgType

from bot.console.live import LIVE
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store import sms as sms_store
from bot.store import staff as staff_store
from bot.turn import Reply
from bot.web_keys import DB, DELIVERIES

PHONE = "+15555550123"


async def open_ticket(
    app, channel: str, address: str, text: str, priority: str = "normal", reason: str = "asked for a person"
) -> Tuple[str, int]:
    db = app[DB]
    conversation_id, _ = await db.run(convo.record_visitor_message, channel, address, text, None)
    handoff = await db.run(convo.request_person, conversation_id, reason, priority, "")
    return conversation_id, handoff["id"]


@pytest.fixture
def delivered(console_server) -> List[Tuple[str, str, Reply]]:
    """What would reach visitors: a stand-in for the web and SMS channels."""
    sent: List[Tuple[str, str, Reply]] = []

    def channel(name):
        async def deliver(address: str, reply: Reply) -> bool:
            sent.append((name, address, reply))
            return True

        return deliver

    for name in ("web", "sms"):
        console_server.app[DELIVERIES].register(name, channel(name))
    return sent


async def actions(app) -> List[str]:
    return [e["action"] for e in reversed(await app[DB].run(audit_store.entries))]


async def post(client, path, **data):
    return await client.post(path, data={"csrf_token": client.csrf, **data})


async def test_the_queue_lists_crisis_first_with_numbers_masked(console_server, sign_in):
    app = console_server.app
    await open_ticket(app, "web", "a" * 32, "can I talk to someone", "normal")
    await open_ticket(app, "sms", PHONE, "please help", "crisis", "Crisis: safety net")
    client = await sign_in("ana")
    html = await (await client.get("/console")).text()
    assert html.index("Crisis: safety net") < html.index("asked for a person")
    assert "•••• 0123" in html and PHONE not in html


async def test_a_number_typed_in_a_message_is_masked_in_the_queue(console_server, sign_in):
    await open_ticket(console_server.app, "web", "n" * 32, "please call me on 555 010 0188 after 5")
    html = await (await (await sign_in("ana")).get("/console")).text()
    assert "please call me on •••• 0188 after 5" in html and "010 0188" not in html


async def test_two_staff_claiming_at_once_exactly_one_wins(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "b" * 32, "I need a person")
    ana, ben = await sign_in("ana", display_name="Ana"), await sign_in("ben", display_name="Ben")
    path = f"/console/handoffs/{handoff_id}/claim"
    first, second = await asyncio.gather(post(ana, path), post(ben, path))
    holder = (await app[DB].run(convo.handoffs_of, conversation_id))[-1]["claimed_by"]
    winner, loser = (first, second) if holder == "ana" else (second, first)
    name = {"ana": "Ana", "ben": "Ben"}[holder]
    assert "You have this conversation" in await winner.text()
    assert f"{name} already has this conversation." in await loser.text()
    assert sorted(a for a in await actions(app) if a.startswith("claim")) == ["claim", "claim_lost"]
    assert [r.text for _, _, r in delivered] == [f"{name} joined the conversation."]


async def test_the_holder_replies_and_the_visitor_receives_it(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "c" * 32, "talk to a human please")
    ana = await sign_in("ana", display_name="Ana")
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    resp = await post(ana, f"/console/conversations/{conversation_id}/reply", text="Hi, I'm Ana from intake.")
    assert resp.status == 200 and "Sent." in await resp.text()
    assert delivered[-1][0:2] == ("web", "c" * 32)
    assert delivered[-1][2].staff_name == "Ana" and delivered[-1][2].text == "Hi, I'm Ana from intake."
    transcript = await app[DB].run(convo.conversation_transcript, conversation_id)
    assert transcript["messages"][-1]["author"] == "staff"
    assert transcript["mode"] == "human"


async def test_only_the_holder_may_reply(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "d" * 32, "person please")
    ana, ben = await sign_in("ana", display_name="Ana"), await sign_in("ben")
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    resp = await post(ben, f"/console/conversations/{conversation_id}/reply", text="Hello")
    assert "Ana has this conversation; only they can do that." in await resp.text()
    assert not [r for _, _, r in delivered if r.author == "staff"]


async def test_a_reply_to_an_opted_out_number_is_refused(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "sms", PHONE, "help")
    await app[DB].run(sms_store.record_keyword, PHONE, "SM-stop", "STOP", "STOP", True, None)
    ana = await sign_in("ana")
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    resp = await post(ana, f"/console/conversations/{conversation_id}/reply", text="Are you still there?")
    assert "opted out of texts" in await resp.text()
    assert not [r for _, _, r in delivered if r.author == "staff"]
    assert "reply_refused" in await actions(app)


async def test_the_full_number_shows_only_to_the_holder(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "sms", PHONE, "help")
    ana, ben = await sign_in("ana"), await sign_in("ben")
    assert PHONE not in await (await ana.get(f"/console/conversations/{conversation_id}")).text()
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    assert PHONE in await (await ana.get(f"/console/conversations/{conversation_id}")).text()
    assert PHONE not in await (await ben.get(f"/console/conversations/{conversation_id}")).text()
    reads = [e for e in await app[DB].run(audit_store.entries, None, "read_transcript")]
    # Ana: before, after the claim (its redirect) and again; Ben once.
    assert sorted(e["actor"] for e in reads) == ["ana", "ana", "ana", "ben"]


async def test_transfer_then_resolve_with_a_note(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "e" * 32, "person")
    ana, ben = await sign_in("ana", display_name="Ana"), await sign_in("ben", display_name="Ben")
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    resp = await post(ana, f"/console/conversations/{conversation_id}/transfer", to="ben")
    assert "Ben has this conversation now." in await resp.text()
    assert delivered[-1][2].text == "Ben is taking over the conversation."
    # Ana no longer holds it; Ben does.
    assert (
        "only they can do that"
        in await (await post(ana, f"/console/conversations/{conversation_id}/reply", text="x")).text()
    )
    no_note = await post(ben, f"/console/conversations/{conversation_id}/resolve", note=" ")
    assert "Add a short note" in await no_note.text()
    await post(ben, f"/console/conversations/{conversation_id}/resolve", note="booked an intake call")
    handoffs = await app[DB].run(convo.handoffs_of, conversation_id)
    assert handoffs[-1]["status"] == "resolved" and handoffs[-1]["resolution_note"] == "booked an intake call"
    assert (await app[DB].run(convo.conversation_transcript, conversation_id))["mode"] == "closed"
    assert "Ben has closed this conversation" in delivered[-1][2].text
    assert [a for a in await actions(app) if a not in ("sign_in", "read_transcript")] == [
        "claim",
        "transfer",
        "resolve",
    ]


async def test_hand_back_returns_the_visitor_to_the_assistant(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "f" * 32, "person")
    ana = await sign_in("ana")
    await post(ana, f"/console/handoffs/{handoff_id}/claim")
    await post(ana, f"/console/conversations/{conversation_id}/hand-back", note="answered the cost question")
    assert (await app[DB].run(convo.conversation_transcript, conversation_id))["mode"] == "bot"
    assert "back with the automated assistant" in delivered[-1][2].text
    assert "hand_back" in await actions(app)


async def test_every_action_needs_the_csrf_token(console_server, sign_in):
    app = console_server.app
    conversation_id, handoff_id = await open_ticket(app, "web", "g" * 32, "person")
    ana = await sign_in("ana")
    resp = await ana.post(f"/console/handoffs/{handoff_id}/claim", data={})
    assert resp.status == 403
    assert (await app[DB].run(convo.handoffs_of, conversation_id))[-1]["status"] == "open"


async def test_the_live_feed_shows_a_crisis_at_the_top_at_once(console_server, sign_in, fake_rasa):
    app = console_server.app
    await open_ticket(app, "web", "h" * 32, "can someone call me", "normal")
    ana = await sign_in("ana")
    origin = {"Origin": f"http://{console_server.host}:{console_server.port}"}
    async with ana.ws_connect("/console/live", headers=origin) as ws:
        first = json.loads((await ws.receive(timeout=5)).data)
        assert [i["priority"] for i in first["queue"]] == ["normal"]
        assert app[LIVE].staff_online() == 1
        resp = await ana.post(
            "/webhooks/rest/webhook", json={"sender": "visitor-9", "message": "i want to kill myself"}
        )
        assert resp.status == 200
        update = json.loads((await ws.receive(timeout=2)).data)
        assert update["queue"][0]["priority"] == "crisis" and update["queue"][0]["status"] == "open"


async def test_the_live_feed_refuses_other_sites_and_strangers(console_server, sign_in, new_client):
    ana = await sign_in("ana")
    resp = await ana.get(
        "/console/live",
        headers={
            "Origin": "https://evil.example",
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert resp.status == 403
    stranger = await new_client()
    resp = await stranger.get(
        "/console/live", headers={"Upgrade": "websocket", "Connection": "Upgrade"}, allow_redirects=False
    )
    assert resp.status == 401


async def test_the_queue_api_needs_the_token(console_server, new_client):
    client = await new_client()
    assert (await client.get("/api/queue")).status == 401
    resp = await client.get("/api/queue", headers={"Authorization": "Bearer console-api-token"})
    assert resp.status == 200 and (await resp.json()) == {"queue": []}


async def test_a_disabled_member_stops_receiving_the_live_queue(console_server, sign_in):
    app = console_server.app
    ana = await sign_in("ana")
    origin = {"Origin": f"http://{console_server.host}:{console_server.port}"}
    async with ana.ws_connect("/console/live", headers=origin) as ws:
        await ws.receive(timeout=5)  # the snapshot
        await app[DB].run(staff_store.set_active, "ana", False)
        await app[LIVE].notify("queue", {})
        closing = await ws.receive(timeout=5)
        assert closing.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)
        assert app[LIVE].staff_online() == 0


async def test_the_live_feed_accepts_its_own_site_as_the_proxy_in_front_names_it(console_server, sign_in):
    ana = await sign_in("ana")
    headers = {"Origin": "https://help.example.org", "X-Forwarded-Host": "help.example.org"}
    async with ana.ws_connect("/console/live", headers=headers) as ws:
        assert json.loads((await ws.receive(timeout=5)).data)["type"] == "update"
