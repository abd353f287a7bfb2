"""The console shows times, and filters by days, in the program's time zone (profile `timezone`).

The shipped example program is in America/Chicago; each moment below is late
in the evening there, already the next day in UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from console_support import PASSWORD, add_staff, console_settings, csrf_of
from sqlalchemy import update

from bot.app import create_app
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store.models import AuditEntry, Conversation, Handoff, Message
from bot.web_keys import DB, ZONE

AUTH = {"Authorization": "Bearer console-api-token"}
MINIMAL_PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "minimal.yml"
# 23:30 on Sunday 8 March 2026 in Chicago, the day the clocks went forward (a 23-hour day).
SPRING_EVENING = datetime(2026, 3, 9, 4, 30, tzinfo=timezone.utc)
# 23:30 on Tuesday 24 November 2026 in Chicago (standard time).
NOVEMBER_EVENING = datetime(2026, 11, 25, 5, 30, tzinfo=timezone.utc)


async def conversation_at(app, address: str, text: str, moment: datetime) -> str:
    """A conversation whose one message, start and last activity are all at `moment`."""
    cid, _ = await app[DB].run(convo.record_visitor_message, "sms", address, text, None)

    def move(s):
        s.execute(update(Conversation).where(Conversation.id == cid).values(created_at=moment, updated_at=moment))
        s.execute(update(Message).where(Message.conversation_id == cid).values(created_at=moment))

    await app[DB].run(move)
    return cid


def test_the_console_runs_in_the_example_programs_zone(console_server):
    assert console_server.app[ZONE] == ZoneInfo("America/Chicago")


async def test_the_conversation_page_shows_local_times_and_keeps_utc_for_machines(console_server, sign_in):
    cid = await conversation_at(console_server.app, "+15550100001", "is anyone there", SPRING_EVENING)
    html = await (await (await sign_in("ana")).get(f"/console/conversations/{cid}")).text()
    assert "started 2026-03-08 23:30 CDT" in html
    assert '<time datetime="2026-03-09T04:30:00+00:00">2026-03-08 23:30 CDT</time>' in html
    assert "UTC" not in html


async def test_the_queue_shows_the_local_clock(console_server, sign_in):
    app = console_server.app
    cid, _ = await app[DB].run(convo.record_visitor_message, "web", "v" * 32, "can I talk to someone", None)
    ticket = await app[DB].run(convo.request_person, cid, "asked for a person", "normal", "")

    def move(s):
        s.execute(update(Handoff).where(Handoff.id == ticket["id"]).values(created_at=NOVEMBER_EVENING))

    await app[DB].run(move)
    html = await (await (await sign_in("ana")).get("/console")).text()
    assert 'datetime="2026-11-25T05:30:00+00:00"' in html and ">23:30 CST</time>" in html


async def test_search_dates_are_whole_local_days(console_server, sign_in):
    app = console_server.app
    cid = await conversation_at(app, "+15550100002", "late question about cost", SPRING_EVENING)
    client = await sign_in("ana")
    html = await (await client.get("/console/search", params={"from": "2026-03-08", "to": "2026-03-08"})).text()
    assert "Active from (America/Chicago)" in html and "Active until (America/Chicago)" in html
    assert f"/console/conversations/{cid}" in html and "Showing 1–1 of 1" in html
    assert "<td>2026-03-08 23:30 CDT</td>" in html
    for params in ({"from": "2026-03-09"}, {"to": "2026-03-07"}):
        html = await (await client.get("/console/search", params=params)).text()
        assert "No conversations match." in html, params


async def test_the_search_api_reads_days_in_the_zone_and_answers_in_utc(console_server, new_client):
    app = console_server.app
    cid = await conversation_at(app, "+15550100003", "late question", SPRING_EVENING)
    api = await new_client()

    async def found(**params):
        body = await (await api.get("/api/conversations", params=params, headers=AUTH)).json()
        return [c["id"] for c in body["conversations"]], body["conversations"]

    ids, rows = await found(**{"from": "2026-03-08", "to": "2026-03-08"})
    assert ids == [cid] and rows[0]["created_at"] == "2026-03-09T04:30:00+00:00"
    assert (await found(**{"from": "2026-03-09"}))[0] == []
    # A time without an offset is read in the zone; an explicit offset wins.
    assert (await found(**{"from": "2026-03-08T23:00"}))[0] == [cid]
    assert (await found(**{"from": "2026-03-08T23:45"}))[0] == []
    assert (await found(**{"from": "2026-03-09T04:00:00Z"}))[0] == [cid]
    assert (await found(**{"from": "2026-03-09T05:00:00+00:00"}))[0] == []


async def test_the_audit_day_is_a_local_day(console_server, sign_in, new_client):
    app = console_server.app
    await app[DB].run(audit_store.record, "ana", "read_transcript", "late-read", "", "127.0.0.1")

    def move(s):
        s.execute(update(AuditEntry).where(AuditEntry.conversation_id == "late-read").values(at=NOVEMBER_EVENING))

    await app[DB].run(move)
    admin = await sign_in("boss", role="admin")
    html = await (await admin.get("/console/audit", params={"date": "2026-11-24"})).text()
    assert "Times are in America/Chicago." in html and "Day (America/Chicago)" in html
    assert "<td>2026-11-24 23:30 CST</td>" in html and "conversation=late-read" in html
    html = await (await admin.get("/console/audit", params={"date": "2026-11-25"})).text()
    assert "late-read" not in html
    api = await new_client()
    body = await (await api.get("/api/audit", params={"date": "2026-11-24"}, headers=AUTH)).json()
    [entry] = [e for e in body["entries"] if e["conversation_id"] == "late-read"]
    assert entry["at"] == "2026-11-25T05:30:00+00:00"


async def test_a_profile_without_a_timezone_shows_utc(tmp_path, fake_rasa, aiohttp_client):
    settings = console_settings(tmp_path, fake_rasa.url, program_profile=MINIMAL_PROFILE)
    client = await aiohttp_client(create_app(settings, channels=()))
    app = client.server.app
    assert app[ZONE] == timezone.utc
    cid = await conversation_at(app, "+15550100004", "hello", SPRING_EVENING)
    await add_staff(app, "ana")
    token = await csrf_of(client)
    await client.post("/console/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    html = await (await client.get("/console/search", params={"from": "2026-03-09", "to": "2026-03-09"})).text()
    assert "Active from (UTC)" in html and f"/console/conversations/{cid}" in html
    assert "<td>2026-03-09 04:30 UTC</td>" in html
