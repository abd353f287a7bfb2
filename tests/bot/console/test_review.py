"""The review pages: searching past conversations and the admin's audit log."""

from __future__ import annotations

import re
from datetime import timezone
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from bot import review_filters as review
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.web_keys import DB

UTC, CHICAGO = ZoneInfo("UTC"), ZoneInfo("America/Chicago")


async def visitor(app, address, text, channel="sms"):
    cid, _ = await app[DB].run(convo.record_visitor_message, channel, address, text, None)
    return cid


async def audit_log(app, **filters):
    return await app[DB].run(lambda s: audit_store.entries(s, **filters))


class FormCheck(HTMLParser):
    """Collects what accessibility checks need: labels, inputs, table headers."""

    def __init__(self):
        super().__init__()
        self.label_for, self.fields, self.headers = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.label_for.add(attrs.get("for"))
        elif tag in ("input", "select") and attrs.get("type") != "hidden" and "name" in attrs:
            self.fields.append(attrs.get("id"))
        elif tag == "th":
            self.headers.append(attrs.get("scope"))


def check_accessible(html: str) -> FormCheck:
    page = FormCheck()
    page.feed(html)
    assert page.fields and all(field in page.label_for for field in page.fields), (page.fields, page.label_for)
    assert all(scope == "col" for scope in page.headers)
    return page


# -- search -----------------------------------------------------------------------------
async def test_search_finds_by_text_links_to_the_conversation_and_masks_the_number(console_server, sign_in):
    app = console_server.app
    cost = await visitor(app, "+15550100007", "What does the program COST?")
    await visitor(app, "+15550100008", "hello there")
    client = await sign_in("ana")
    resp = await client.get("/console/search", params={"text": "cost"})
    html = await resp.text()
    assert resp.status == 200
    assert f'href="/console/conversations/{cost}"' in html
    assert "•••• 0007" in html and "5550100007" not in html
    assert "0008" not in html
    assert "Showing 1–1 of 1" in html
    page = check_accessible(html)
    assert page.headers  # the results table has column headers
    [entry] = await audit_log(app, action="search")
    assert (entry["actor"], entry["detail"]) == ("ana", '{"text": "cost"}')


async def test_a_search_for_a_phone_number_is_audited_masked(console_server, sign_in):
    app = console_server.app
    await visitor(app, "+15550100007", "call me on 555 010 0199 please")
    client = await sign_in("ana")
    html = await (await client.get("/console/search", params={"text": "555 010 0199", "channel": "sms"})).text()
    snippet = re.search(r'<td class="snippet">(.*?)</td>', html).group(1)
    assert snippet == "call me on •••• 0199 please"  # the form keeps what was typed; the list does not
    [entry] = await audit_log(app, action="search")
    assert "0100199" not in entry["detail"].replace(" ", "") and "•••• 0199" in entry["detail"]
    assert '"channel": "sms"' in entry["detail"]


async def test_the_first_visit_lists_recent_conversations_with_outcome_and_priority(console_server, sign_in):
    app = console_server.app
    quiet = await visitor(app, "+15550100001", "hi")
    urgent = await visitor(app, "+15550100002", "I am not safe")
    await app[DB].run(convo.request_person, urgent, "Crisis words", "crisis", "")
    html = await (await (await sign_in("ana")).get("/console/search")).text()
    assert html.index(urgent) < html.index(quiet)  # newest activity first
    row = re.search(r'<tr class="crisis">(.*?)</tr>', html, re.S).group(1)
    assert urgent in row and "Waiting for staff" in row and 'class="badge crisis"' in row
    assert "Bot only" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "31/05/2024"}, "“from” must be a date like 2024-05-31."),
        ({"to": "tomorrow"}, "“to” must be a date like 2024-05-31."),
        ({"from": "2024-06-02", "to": "2024-06-01"}, "“from” must be before “to”."),
        ({"outcome": "happy"}, "“outcome” must be one of: bot_only, waiting, with_staff, resolved, crisis."),
        ({"channel": "fax"}, "“channel” must be one of: web, sms, rest."),
        ({"offset": "-5"}, "“offset” must be between"),
    ],
)
async def test_bad_filters_get_a_clear_message_not_an_error_page(console_server, sign_in, params, message):
    client = await sign_in("ana")
    resp = await client.get("/console/search", params=params)
    html = await resp.text()
    assert resp.status == 400
    assert message in html.replace("&#34;", '"')
    assert 'id="search-error"' in html
    assert await audit_log(console_server.app, action="search") == []  # nothing was searched


async def test_dates_filter_on_activity_and_refill_the_form(console_server, sign_in):
    app = console_server.app
    await visitor(app, "+15550100001", "hi")
    client = await sign_in("ana")
    html = await (await client.get("/console/search", params={"from": "2000-01-01", "to": "2000-12-31"})).text()
    assert "No conversations match." in html
    assert 'value="2000-01-01"' in html and 'value="2000-12-31"' in html
    html = await (await client.get("/console/search", params={"from": "2000-01-01"})).text()
    assert "Showing 1–1 of 1" in html


async def test_results_page_forward_and_back_keeping_the_filters(console_server, sign_in):
    app = console_server.app
    for n in range(5):
        await visitor(app, f"+1555010000{n}", f"question {n} about cost")
    client = await sign_in("ana")
    html = await (await client.get("/console/search", params={"text": "cost", "limit": "2"})).text()
    assert "Showing 1–2 of 5" in html and "Previous page" not in html
    next_url = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert next_url == "/console/search?text=cost&limit=2&offset=2"
    html = await (await client.get(next_url)).text()
    assert "Showing 3–4 of 5" in html
    previous_url = re.search(r'<a href="([^"]+)" rel="prev">', html).group(1).replace("&amp;", "&")
    assert previous_url == "/console/search?text=cost&limit=2"


async def test_search_needs_a_signed_in_member(console_server, new_client):
    client = await new_client()
    resp = await client.get("/console/search", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")


# -- audit log --------------------------------------------------------------------------
async def test_staff_who_are_not_admins_cannot_see_the_audit_log(console_server, sign_in):
    client = await sign_in("ana", role="staff")
    resp = await client.get("/console/audit")
    assert resp.status == 403
    assert await audit_log(console_server.app, action="view_audit") == []


async def test_admins_read_the_audit_log_newest_first_and_the_look_is_audited(console_server, sign_in):
    app = console_server.app
    client = await sign_in("ana")
    await client.get("/console/search", params={"text": "cost"})
    admin = await sign_in("boss", role="admin")
    resp = await admin.get("/console/audit")
    html = await resp.text()
    assert resp.status == 200
    check_accessible(html)
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", html)
    assert rows[0] == ("boss", "view_audit")
    assert ("ana", "search") in rows and rows.index(("ana", "search")) < rows.index(("ana", "sign_in"))
    [look] = await audit_log(app, action="view_audit")
    assert look["actor"] == "boss" and look["detail"] == "{}"


async def test_the_audit_log_filters_and_pages_back_by_id(console_server, sign_in):
    app = console_server.app
    for n in range(5):
        await app[DB].run(audit_store.record, "ana", "read_transcript", f"c{n}", "", "127.0.0.1")
    await app[DB].run(audit_store.record, "cy", "read_transcript", "c9", "", "127.0.0.1")
    admin = await sign_in("boss", role="admin")
    html = await (
        await admin.get("/console/audit", params={"actor": "ana", "action": "read_transcript", "limit": "2"})
    ).text()
    assert re.findall(r"conversation=(c\d)", html) == ["c4", "c3"]
    older = re.search(r'<a href="([^"]+)" rel="next">Older entries', html).group(1).replace("&amp;", "&")
    assert "actor=ana" in older and "limit=2" in older and "before_id=" in older
    html = await (await admin.get(older)).text()
    assert re.findall(r"conversation=(c\d)", html) == ["c2", "c1"]
    assert "Newest entries" in html
    html = await (await admin.get("/console/audit", params={"conversation": "c9"})).text()
    assert re.findall(r"conversation=(c\d)", html) == ["c9"] and "Older entries" not in html
    html = await (await admin.get("/console/audit", params={"date": "2000-01-01"})).text()
    assert "No entries match." in html
    resp = await admin.get("/console/audit", params={"date": "01/01/2000"})
    assert resp.status == 400 and "must be a date" in await resp.text()


async def test_no_route_can_change_the_audit_log(console_server):
    routes = [
        (route.method, route.resource.canonical)
        for route in console_server.app.router.routes()
        if route.resource is not None
    ]
    audit_routes = [
        (m, path) for m, path in routes if "audit" in path and (path.startswith("/console") or path.startswith("/api"))
    ]
    assert ("GET", "/console/audit") in audit_routes and ("GET", "/api/audit") in audit_routes
    assert [(m, path) for m, path in audit_routes if m not in ("GET", "HEAD")] == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_writing_to_the_audit_pages_is_refused(console_server, sign_in, method):
    admin = await sign_in("boss", role="admin")
    before = await audit_log(console_server.app)
    for path in ("/console/audit", "/api/audit"):
        resp = await admin.request(
            method, path, headers={"X-CSRF-Token": admin.csrf, "Authorization": "Bearer console-api-token"}
        )
        assert resp.status == 405, (path, resp.status)
    assert await audit_log(console_server.app) == before


# -- the pure pieces --------------------------------------------------------------------
@pytest.mark.parametrize(
    "zone, value, end, expected",
    [
        (UTC, "", False, None),
        (UTC, "2024-05-31", False, "2024-05-31T00:00:00+00:00"),
        (UTC, "2024-05-31", True, "2024-06-01T00:00:00+00:00"),
        (UTC, "2024-05-31T10:30", False, "2024-05-31T10:30:00+00:00"),
        (UTC, "2024-05-31T10:30:00Z", True, "2024-05-31T10:30:00+00:00"),
        (UTC, "2024-05-31T10:30:00-04:00", False, "2024-05-31T14:30:00+00:00"),
        # A day is a whole day in the program's zone; a time without an offset is read there too.
        (CHICAGO, "", True, None),
        (CHICAGO, "2024-05-31", False, "2024-05-31T05:00:00+00:00"),
        (CHICAGO, "2024-05-31", True, "2024-06-01T05:00:00+00:00"),
        (CHICAGO, "2024-12-31", True, "2025-01-01T06:00:00+00:00"),
        (CHICAGO, "2026-03-08", False, "2026-03-08T06:00:00+00:00"),  # 23 hours long
        (CHICAGO, "2026-03-08", True, "2026-03-09T05:00:00+00:00"),
        (CHICAGO, "2026-11-01", True, "2026-11-02T06:00:00+00:00"),  # 25 hours long
        (CHICAGO, "2024-05-31T10:30", False, "2024-05-31T15:30:00+00:00"),
        # An explicit offset wins over the zone.
        (CHICAGO, "2024-05-31T10:30:00Z", True, "2024-05-31T10:30:00+00:00"),
        (CHICAGO, "2024-05-31T10:30:00-04:00", False, "2024-05-31T14:30:00+00:00"),
    ],
)
def test_parse_moment(zone, value, end, expected):
    moment = review.parse_moment(value, "from", zone, end)
    assert (moment.astimezone(timezone.utc).isoformat() if moment else None) == expected


@pytest.mark.parametrize(
    "filters, detail",
    [
        ({"text": "", "offset": 0}, "{}"),
        ({"text": "cost", "channel": "sms", "offset": 50}, '{"text": "cost", "channel": "sms", "offset": 50}'),
        ({"text": "+1 555 010 0199"}, '{"text": "•••• 0199"}'),
    ],
)
def test_audit_detail_keeps_set_filters_and_masks_numbers(filters, detail):
    assert review.detail_of(filters) == detail


@pytest.mark.parametrize(
    "query, changes, url",
    [
        ({}, {}, "/console/search"),
        ({"text": "a b"}, {"offset": 50}, "/console/search?text=a+b&offset=50"),
        ({"text": "x", "offset": "50"}, {"offset": None}, "/console/search?text=x"),
    ],
)
def test_with_query(query, changes, url):
    assert review.with_query("/console/search", query, **changes) == url
