"""A busy desk over HTTP: claim next, replies without a reload, private notes, saved replies,
unread counts, typing both ways, staff names and the admins' staff page."""

from __future__ import annotations

import json
import re
from typing import List, Tuple

import pytest

from bot import events as ev
from bot.channels import webchat
from bot.console.live import LIVE
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store import staff as staff_store
from bot.turn import Reply
from bot.web_keys import DB, DELIVERIES, PROFILE

API = {"Authorization": "Bearer console-api-token"}
JSON = {"Accept": "application/json"}


async def open_ticket(app, channel, address, text, priority="normal") -> Tuple[str, int]:
    conversation_id, _ = await app[DB].run(convo.record_visitor_message, channel, address, text, None)
    handoff = await app[DB].run(convo.request_person, conversation_id, f"{priority} reason", priority, "")
    return conversation_id, handoff["id"]


@pytest.fixture
def delivered(console_server) -> List[Tuple[str, str, object]]:
    """What would reach visitors on web and SMS, typing signals included."""
    sent: List[Tuple[str, str, object]] = []

    def channel(name):
        async def deliver(address: str, reply: Reply) -> bool:
            sent.append((name, address, reply))
            return True

        async def typing(address: str, on: bool) -> None:
            sent.append((name, address, {"typing": on}))

        return deliver, typing

    for name in ("web", "sms"):
        deliver, typing = channel(name)
        console_server.app[DELIVERIES].register(name, deliver)
        console_server.app[DELIVERIES].register_typing(name, typing)
    return sent


async def post(client, path, headers=None, **data):
    return await client.post(
        path, data={"csrf_token": client.csrf, **data}, headers=headers or {}, allow_redirects=False
    )


async def actions(app) -> List[str]:
    return [e["action"] for e in reversed(await app[DB].run(audit_store.entries))]


def origin(server):
    return {"Origin": f"http://{server.host}:{server.port}"}


async def test_claim_next_takes_the_newest_crisis_and_then_the_next(console_server, sign_in, delivered):
    app = console_server.app
    _, normal = await open_ticket(app, "web", "n" * 32, "hello")
    old_crisis, _ = await open_ticket(app, "web", "o" * 32, "i want to die", "crisis")
    new_crisis, _ = await open_ticket(app, "web", "x" * 32, "i have pills", "crisis")
    ana, ben = await sign_in("ana"), await sign_in("ben")
    first = await post(ana, "/console/claim-next")
    assert first.status == 303 and first.headers["Location"] == f"/console/conversations/{new_crisis}#reply"
    second = await post(ben, "/console/claim-next")
    assert second.headers["Location"] == f"/console/conversations/{old_crisis}#reply"
    await post(ana, "/console/claim-next")
    empty = await post(ben, "/console/claim-next")
    assert empty.headers["Location"] == "/console"
    assert "Nobody is waiting" in await (await ben.get("/console")).text()
    assert [a for a in await actions(app) if a == "claim"] == ["claim"] * 3


async def test_the_queue_groups_and_filters(console_server, sign_in, delivered):
    app = console_server.app
    await open_ticket(app, "web", "a" * 32, "hi")
    await open_ticket(app, "web", "b" * 32, "i want to die", "crisis")
    ana = await sign_in("ana")
    await post(ana, "/console/claim-next")
    page = await (await ana.get("/console")).text()
    assert re.search(r"Crisis\s*<span class=\"count\">0 waiting · 1 in progress", page)
    assert re.search(r"Waiting for a person\s*<span class=\"count\">1 waiting · 0 in progress", page)
    mine = await (await ana.get("/console?show=mine")).text()
    assert mine.count("data-handoff=") == 1 and "i want to die" in mine
    unclaimed = await (await ana.get("/console?show=unclaimed")).text()
    assert unclaimed.count("data-handoff=") == 1 and "“hi”" in unclaimed


async def test_a_reply_sent_from_the_page_answers_json_and_stays(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "r" * 32, "help")
    ana = await sign_in("ana")
    await post(ana, "/console/claim-next")
    resp = await post(ana, f"/console/conversations/{conversation_id}/reply", JSON, text="I'm here.")
    assert resp.status == 200 and await resp.json() == {"kind": "ok", "message": "Sent."}
    empty = await post(ana, f"/console/conversations/{conversation_id}/reply", JSON, text="  ")
    assert empty.status == 400 and (await empty.json())["kind"] == "error"
    ben = await sign_in("ben")
    refused = await post(ben, f"/console/conversations/{conversation_id}/reply", JSON, text="hi")
    assert refused.status == 409 and "Ana has this conversation" in (await refused.json())["message"]


async def test_a_private_note_is_never_delivered_on_any_channel(console_server, sign_in, delivered, new_client):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "p" * 32, "help me")
    ana, ben = await sign_in("ana"), await sign_in("ben")
    await post(ana, "/console/claim-next")
    before = len(delivered)
    # Any colleague may leave one, not only the holder.
    resp = await post(ben, f"/console/conversations/{conversation_id}/notes", JSON, text="Known to us; call mum 555")
    assert resp.status == 200 and "Only staff" in (await resp.json())["message"]
    assert len(delivered) == before
    page = await (await ana.get(f"/console/conversations/{conversation_id}")).text()
    assert "Known to us; call mum 555" in page and "Private note · Ben" in page
    # Neither the transcript the API serves nor the visitor's stored history holds it.
    api = await (await new_client()).get(f"/api/conversations/{conversation_id}", headers=API)
    assert api.status == 200 and "call mum" not in await api.text()
    stored = await app[DB].run(convo.conversation_by_address, "web", "p" * 32)
    assert all("call mum" not in m["text"] for m in stored["messages"])
    assert "note" in await actions(app)


async def test_unread_counts_for_held_conversations_over_the_live_feed(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "u" * 32, "first")
    ana = await sign_in("ana")
    await post(ana, "/console/claim-next")
    await ana.get(f"/console/conversations/{conversation_id}")  # read up to here
    async with ana.ws_connect("/console/live", headers=origin(console_server)) as ws:
        assert json.loads((await ws.receive(timeout=5)).data)["unread"] == {}
        for text in ("are you there", "hello?"):
            await app[DB].run(convo.record_visitor_message, "web", "u" * 32, text, None)
        await app[LIVE].notify(ev.MESSAGE, {})
        update = json.loads((await ws.receive(timeout=5)).data)
        assert update["unread"] == {conversation_id: 2}
        await ana.get(f"/console/conversations/{conversation_id}/timeline")
        await app[LIVE].notify(ev.MESSAGE, {})
        assert json.loads((await ws.receive(timeout=5)).data)["unread"] == {}


async def test_typing_both_ways_and_only_by_the_holder(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "t" * 32, "hi")
    ana, ben = await sign_in("ana"), await sign_in("ben")
    await post(ana, "/console/claim-next")
    async with ben.ws_connect("/console/live", headers=origin(console_server)) as ben_ws:
        await ben_ws.receive(timeout=5)
        await ben_ws.send_str(json.dumps({"type": "typing", "conversation_id": conversation_id, "typing": True}))
        async with ana.ws_connect("/console/live", headers=origin(console_server)) as ws:
            await ws.receive(timeout=5)
            await ws.send_str(json.dumps({"type": "typing", "conversation_id": conversation_id, "typing": True}))
            event = json.loads((await ws.receive(timeout=5)).data)
            assert event == {"type": "typing", "who": "staff", "conversation_id": conversation_id, "typing": True}
            # The visitor's page is told, with a yes or no and nothing else; Ben (not the holder) was ignored.
            assert [d for d in delivered if isinstance(d[2], dict)] == [("web", "t" * 32, {"typing": True})]
            await webchat.tell_staff_visitor_typing(app, "t" * 32, True)
            event = json.loads((await ws.receive(timeout=5)).data)
            assert event == {"type": "typing", "who": "visitor", "conversation_id": conversation_id, "typing": True}


async def test_saved_replies_are_kept_by_admins_and_filled_with_program_facts(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "s" * 32, "how do i call")
    ana, boss = await sign_in("ana"), await sign_in("boss", role="admin")
    assert (await ana.get("/console/replies")).status == 403
    assert (await post(ana, "/console/replies", title="x", text="y")).status == 403
    saved = await post(boss, "/console/replies", title="Call us", text="Call {program_name} at {phone} ({nonsense}).")
    assert saved.status == 303
    clash = await post(boss, "/console/replies", title="Call us", text="again")
    assert clash.status == 400 and "already a saved reply" in await clash.text()
    page = await (await boss.get("/console/replies")).text()
    assert "has no nonsense" in page
    await post(ana, "/console/claim-next")
    conversation = await (await ana.get(f"/console/conversations/{conversation_id}")).text()
    profile = app[PROFILE]
    assert f"Call {profile.name} at {profile.phone} ({{nonsense}})." in conversation.replace("&#34;", '"')
    assert {"saved_reply_added"} <= set(await actions(app))


async def test_each_member_sets_the_name_visitors_see(console_server, sign_in, delivered):
    app = console_server.app
    conversation_id, _ = await open_ticket(app, "web", "d" * 32, "hi")
    dana = await sign_in("dana", display_name="Administrator")
    resp = await post(dana, "/console/me", display_name="  Dana  ", role_line="intake counsellor")
    assert resp.status == 303
    assert (await post(dana, "/console/me", display_name="", role_line="")).status == 400
    await post(dana, "/console/claim-next")
    await post(dana, f"/console/conversations/{conversation_id}/reply", JSON, text="Hi, I'm Dana.")
    told = [r.text for _, _, r in delivered if isinstance(r, Reply)]
    assert told[0] == "Dana, intake counsellor joined the conversation."
    assert [r.staff_name for _, _, r in delivered if isinstance(r, Reply) and r.author == "staff"] == [
        "Dana, intake counsellor"
    ]
    assert "profile_changed" in await actions(app)


async def test_admins_add_disable_and_reset_staff_from_the_console(console_server, sign_in, new_client):
    app = console_server.app
    boss, ana = await sign_in("boss", role="admin"), await sign_in("ana")
    assert (await ana.get("/console/staff")).status == 403
    added = await post(boss, "/console/staff", username="lee", display_name="Lee")
    page = await added.text()
    one_time = re.search(r'<code class="one-time">([^<]+)</code>', page).group(1)
    assert (await app[DB].run(staff_store.get, "lee"))["must_change_password"] is True
    lee = await new_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', await (await lee.get("/console/login")).text()).group(1)
    signed = await lee.post(
        "/console/login", data={"username": "lee", "password": one_time, "csrf_token": token}, allow_redirects=False
    )
    assert signed.headers["Location"] == "/console/password"
    assert (await post(boss, "/console/staff", username="lee", display_name="Lee")).status == 400
    assert (await post(boss, "/console/staff", username="Bad Name!", display_name="x")).status == 400
    assert (await post(boss, "/console/staff/ana/active", active="0")).status == 303
    assert (await ana.get("/console", allow_redirects=False)).status == 303  # signed out at once
    refused = await post(boss, "/console/staff/boss/active", active="0")
    assert refused.status == 400 and "your own account" in await refused.text()
    own = await post(boss, "/console/staff/boss/reset")
    assert own.status == 400 and "password page" in await own.text()
    reset = await post(boss, "/console/staff/lee/reset")
    assert re.search(r'<code class="one-time">([^<]+)</code>', await reset.text()).group(1) != one_time
    entries = [(e["actor"], e["action"], e["detail"]) for e in await app[DB].run(audit_store.entries)]
    assert ("boss", "staff_added", "lee (staff)") in entries
    assert ("boss", "staff_disabled", "ana") in entries
    assert ("boss", "password_reset", "lee") in entries
