"""Numbers a visitor typed are shown in full only to the staff member who holds the conversation."""

from __future__ import annotations

from bot.store import conversations as convo
from bot.web_keys import DB

TYPED = "please call me on 555-010-0199 after six"
CALLBACK_SUMMARY = 'Visitor asked: "call me on (555) 010 0188"'


async def ticket_with_numbers(app) -> tuple:
    db = app[DB]
    cid, _ = await db.run(convo.record_visitor_message, "web", "m" * 32, TYPED, None)
    handoff = await db.run(convo.request_person, cid, "asked for a person", "normal", CALLBACK_SUMMARY)
    return cid, handoff["id"]


async def page(client, cid) -> str:
    resp = await client.get(f"/console/conversations/{cid}")
    assert resp.status == 200
    return await resp.text()


async def test_before_anyone_claims_it_every_number_is_masked(console_server, sign_in):
    cid, _ = await ticket_with_numbers(console_server.app)
    shown = await page(await sign_in("ana"), cid)
    assert "555-010-0199" not in shown and "•••• 0199" in shown
    assert "010 0188" not in shown and "•••• 0188" in shown
    assert "after six" in shown  # the words stay


async def test_the_holder_sees_the_numbers_and_a_colleague_does_not(console_server, sign_in):
    cid, handoff_id = await ticket_with_numbers(console_server.app)
    ana, ben = await sign_in("ana"), await sign_in("ben")
    resp = await ben.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": ben.csrf}, allow_redirects=False)
    assert resp.status == 303
    assert "555-010-0199" in await page(ben, cid)
    colleague = await page(ana, cid)
    assert "555-010-0199" not in colleague and "•••• 0199" in colleague


async def test_the_live_timeline_is_masked_the_same_way(console_server, sign_in):
    cid, _ = await ticket_with_numbers(console_server.app)
    ana = await sign_in("ana")
    resp = await ana.get(f"/console/conversations/{cid}/timeline")
    assert resp.status == 200 and "555-010-0199" not in await resp.text()
