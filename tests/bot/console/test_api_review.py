"""The JSON API for review: search, the audit log, and audited transcript reads."""

from __future__ import annotations

import pytest

from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.web_keys import DB

AUTH = {"Authorization": "Bearer console-api-token"}


async def visitor(app, address, text, channel="sms"):
    cid, _ = await app[DB].run(convo.record_visitor_message, channel, address, text, None)
    return cid


async def audit_log(app, **filters):
    return await app[DB].run(lambda s: audit_store.entries(s, **filters))


@pytest.fixture
async def api(console_server, new_client):
    return await new_client()


async def test_search_needs_the_token(api):
    for path in ("/api/conversations", "/api/audit"):
        assert (await api.get(path)).status == 401
        assert (await api.get(path, headers={"Authorization": "Bearer wrong"})).status == 401


async def test_search_returns_the_total_and_masked_rows_and_is_audited(console_server, api):
    app = console_server.app
    waiting = await visitor(app, "+15550100007", "How much does IOP cost?")
    await app[DB].run(convo.request_person, waiting, "Visitor asked for a person.", "urgent", "")
    await visitor(app, "+15550100008", "hello")
    await visitor(app, "web-session-123456", "cost per week?", channel="web")

    resp = await api.get("/api/conversations", params={"text": "COST", "channel": "sms"}, headers=AUTH)
    body = await resp.json()
    assert resp.status == 200
    assert body["total"] == 1
    [row] = body["conversations"]
    assert row["id"] == waiting and row["address"] == "•••• 0007"
    assert (row["outcome"], row["priority"], row["message_count"]) == ("waiting", "urgent", 1)
    assert row["snippet"] == "How much does IOP cost?" and row["updated_at"].endswith("+00:00")

    body = await (await api.get("/api/conversations", params={"limit": "1", "offset": "1"}, headers=AUTH)).json()
    assert body["total"] == 3 and len(body["conversations"]) == 1
    body = await (await api.get("/api/conversations", params={"outcome": "bot_only"}, headers=AUTH)).json()
    assert body["total"] == 2 and waiting not in [r["id"] for r in body["conversations"]]

    searches = await audit_log(app, action="search")
    assert [e["actor"] for e in searches] == ["api"] * 3
    assert searches[-1]["detail"] == '{"text": "COST", "channel": "sms"}'


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=yesterday", "“from” must be a date like 2024-05-31."),
        ("to=2024-13-01", "“to” must be a date like 2024-05-31."),
        ("from=2024-06-02&to=2024-06-01", "“from” must be before “to”."),
        ("limit=0", "“limit” must be between 1 and 200."),
        ("limit=1000", "“limit” must be between 1 and 200."),
        ("limit=ten", "“limit” must be a whole number."),
        ("offset=-1", "“offset” must be between"),
        ("outcome=happy", "“outcome” must be one of"),
        ("channel=fax", "“channel” must be one of"),
        ("text=" + "x" * 201, "“text” is too long"),
    ],
)
async def test_bad_search_values_get_400_with_a_reason(api, query, message):
    resp = await api.get(f"/api/conversations?{query}", headers=AUTH)
    assert resp.status == 400
    assert message in (await resp.json())["error"]


async def test_the_audit_log_over_the_api_pages_back_and_records_the_look(console_server, api):
    app = console_server.app
    for n in range(3):
        await app[DB].run(audit_store.record, "ana", "read_transcript", f"c{n}", "", "10.0.0.1")
    await app[DB].run(audit_store.record, "cy", "claim", "c1", "", "10.0.0.2")

    body = await (await api.get("/api/audit", params={"actor": "ana", "limit": "2"}, headers=AUTH)).json()
    assert [e["conversation_id"] for e in body["entries"]] == ["c2", "c1"]
    assert body["entries"][0]["at"].endswith("+00:00") and body["entries"][0]["ip"] == "10.0.0.1"
    older = await (
        await api.get(
            "/api/audit", params={"actor": "ana", "limit": "2", "before_id": body["next_before_id"]}, headers=AUTH
        )
    ).json()
    assert [e["conversation_id"] for e in older["entries"]] == ["c0"] and older["next_before_id"] is None

    body = await (await api.get("/api/audit", params={"conversation": "c1"}, headers=AUTH)).json()
    assert [(e["actor"], e["action"]) for e in body["entries"]] == [("cy", "claim"), ("ana", "read_transcript")]
    body = await (await api.get("/api/audit", params={"action": "view_audit"}, headers=AUTH)).json()
    # This very request is already in the log, with what it asked for.
    assert body["entries"][0]["actor"] == "api" and body["entries"][0]["detail"] == '{"action": "view_audit"}'
    assert len(body["entries"]) == 4


@pytest.mark.parametrize(
    "query, message",
    [
        ("before_id=abc", "“before_id” must be a whole number."),
        ("before_id=0", "“before_id” must be between"),
        ("limit=0", "“limit” must be between 1 and 500."),
        ("date=last-week", "“date” must be a date like 2024-05-31."),
    ],
)
async def test_bad_audit_values_get_400_with_a_reason(api, query, message):
    resp = await api.get(f"/api/audit?{query}", headers=AUTH)
    assert resp.status == 400
    assert message in (await resp.json())["error"]


async def test_every_transcript_read_over_the_api_is_audited_without_the_number(console_server, api):
    app = console_server.app
    cid = await visitor(app, "+15550100007", "hello")
    assert (await api.get(f"/api/conversations/{cid}", headers=AUTH)).status == 200
    assert (await api.get("/api/conversations/by-address/sms/+15550100007", headers=AUTH)).status == 200
    assert (await api.get("/api/conversations/nope", headers=AUTH)).status == 404
    reads = await audit_log(app, action="read_transcript")
    assert [(e["actor"], e["conversation_id"], e["detail"]) for e in reads] == [
        ("api", cid, "by address"),
        ("api", cid, ""),
    ]
    assert all(e["ip"] == "127.0.0.1" for e in reads)
    assert "0100007" not in repr(await audit_log(app))


async def test_reading_handoff_tickets_over_the_api_is_audited(console_server, api):
    app = console_server.app
    cid = await visitor(app, "+15550100007", "a person please")
    await app[DB].run(convo.request_person, cid, "Visitor asked for a person.", "normal", "")
    assert len(await (await api.get("/api/handoffs", params={"conversation": cid}, headers=AUTH)).json()) == 1
    assert await (await api.get("/api/handoffs", params={"conversation": "nope"}, headers=AUTH)).json() == []
    [entry] = await audit_log(app, action="read_handoffs")
    assert (entry["actor"], entry["conversation_id"]) == ("api", cid)
