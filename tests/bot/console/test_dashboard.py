"""The dashboard page and /api/dashboard, with real data made through the store."""

from __future__ import annotations

import asyncio
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer
from console_support import console_settings
from sqlalchemy import update

from bot import understanding
from bot.app import create_app
from bot.console import dashboard
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store.models import Handoff
from bot.web_keys import DB, ZONE

TOKEN = {"Authorization": "Bearer console-api-token"}
SCREEN = {"buttons": [], "custom": {"screen_result": {"level": "iop", "reasons": ["work"], "flags": [], "answers": {}}}}


# -- words and numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, text",
    [
        (None, "–"),
        (0, "0 s"),
        (-3, "0 s"),
        (44.6, "45 s"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (605, "10 min"),
        (3599, "59 min"),
        (3600, "1 h"),
        (3 * 3600 + 600, "3 h 10 min"),
        (86400, "1 d"),
        (2 * 86400 + 5 * 3600, "2 d 5 h"),
    ],
)
def test_duration(seconds, text):
    assert dashboard.duration(seconds) == text


@pytest.mark.parametrize("part, whole, text", [(0, 0, "–"), (0, 5, "0%"), (1, 3, "33%"), (2, 3, "67%"), (3, 3, "100%")])
def test_percent(part, whole, text):
    assert dashboard.percent(part, whole) == text


def test_day_label():
    assert dashboard.day_label(date(2026, 3, 9)) == "Mar 9"


# -- data through the store -----------------------------------------------------------------------


async def run(app, fn, *args):
    return await app[DB].run(fn, *args)


async def handoff_taken_after(app, address: str, priority: str, seconds: float) -> None:
    cid, _, _ = await run(app, convo.record_visitor_message_with_id, "web", address, "can I talk to someone", None)
    ticket = await run(app, convo.request_person, cid, "asked for a person", priority, "")
    assert await run(app, convo.claim, ticket["id"], "dana")
    opened = datetime.now(timezone.utc) - timedelta(hours=1)

    def backdate(s):
        s.execute(
            update(Handoff)
            .where(Handoff.id == ticket["id"])
            .values(created_at=opened, claimed_at=opened + timedelta(seconds=seconds))
        )

    await run(app, backdate)


@pytest.fixture
async def activity(console_server):
    """Five conversations: understood messages and a screen result, three taken handoffs, one waiting."""
    app = console_server.app
    cid, _, first = await run(app, convo.record_visitor_message_with_id, "web", "v1", "how much does it cost", None)
    await run(app, convo.set_message_intent, first, "faq/cost", 0.91)
    _, _, second = await run(app, convo.record_visitor_message_with_id, "web", "v1", "<b>blorp</b>", None)
    await run(app, convo.set_message_intent, second, "nlu_fallback", 0.2)
    _, _, third = await run(app, convo.record_visitor_message_with_id, "web", "v1", "and insurance?", None)
    await run(app, convo.set_message_intent, third, "faq/insurance", 0.8)
    await run(app, convo.record_replies, cid, [("bot", "IOP may fit you best.", SCREEN, None)])

    await handoff_taken_after(app, "v2", "normal", 60)
    await handoff_taken_after(app, "v3", "crisis", 90)
    await handoff_taken_after(app, "v4", "urgent", 300)
    waiting, _, _ = await run(app, convo.record_visitor_message_with_id, "sms", "+15550100", "hello?", None)
    await run(app, convo.request_person, waiting, "asked for a person", "normal", "")
    return app


class Page(HTMLParser):
    """What the accessibility checks need: headings, table headers, charts, ids, attributes."""

    def __init__(self):
        super().__init__()
        self.headings, self.th_scopes, self.svgs, self.ids, self.styles, self.scripts = [], [], [], set(), [], []
        self.figures, self._dt, self._dd, self._in = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "style" in attrs or tag == "style":
            self.styles.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "th":
            self.th_scopes.append(attrs.get("scope"))
        elif tag == "svg":
            self.svgs.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs.get("src"))
        elif tag in ("dt", "dd"):
            self._in = tag

    def handle_data(self, data):
        if self._in == "dt":
            self._dt = data.strip()
        elif self._in == "dd":
            # The figure and its note, as one line of words.
            self.figures[self._dt] = " ".join((self.figures.get(self._dt, "") + " " + data).split())

    def handle_endtag(self, tag):
        if tag in ("dt", "dd"):
            self._in = None
        elif tag == "dl":
            self._dt = None


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def svgs_of(html: str):
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


async def test_staff_see_the_figures_and_charts(activity, sign_in):
    client = await sign_in("ana")
    resp = await client.get("/console/dashboard", params={"days": "7"})
    html = await resp.text()
    assert resp.status == 200, html
    page = read_page(html)
    assert page.figures == {
        "Conversations started": "5",
        "Handoffs to a person": "4",
        "Crisis handoffs": "1",
        "Median wait for a person": "1 min 30 s",
        "9 in 10 waited at most": "4 min 18 s",  # 90 + (300 - 90) * 0.8 = 258 s
        "Not understood": "33% 1 of 3 messages",
        "Waiting now": page.figures["Waiting now"],
        "Corrected by staff as misunderstood": "0 0 of them the assistant was at least 80% sure of",
        # The one crisis was claimed in 90 s but nobody has written to the visitor: no median, and it is the worst.
        "Median": "–",
        "9 in 10 within": "–",
        "Worst": page.figures["Worst"],
        "Unclaimed longer than 5 minutes": "0 of 1 crises",
    }
    assert re.fullmatch(r"1 longest \d+ s", page.figures["Waiting now"])
    assert re.fullmatch(r"1 h( 1 min)? counting any not answered yet", page.figures["Worst"])
    assert re.search(r"<strong>1</strong> visitor message of this period the assistant was less than 50% sure of", html)
    charts = svgs_of(html)
    assert len(charts) == 4
    titles = [c.find("{http://www.w3.org/2000/svg}title").text for c in charts]
    assert titles == [
        "Conversations started per day",
        "Handoffs per day, by priority",
        "Top topics",
        "Screens by suggested level",
    ]
    bars = {
        t: [r for r in c.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"]
        for t, c in zip(titles, charts)
    }
    assert [b.get("data-value") for b in bars["Top topics"]] == ["1", "1"]
    assert [b.find("{http://www.w3.org/2000/svg}title").text for b in bars["Screens by suggested level"]] == ["IOP: 1"]
    assert sum(float(b.get("data-value")) for b in bars["Handoffs per day, by priority"]) == 4
    assert '<th scope="row">cost</th><td>1</td>' in html
    assert '<th scope="row">insurance</th><td>1</td>' in html
    assert "blorp" not in html  # counts only, never what a visitor wrote


async def test_the_review_queue_shows_what_the_assistant_was_least_sure_of_and_is_audited(activity, sign_in):
    client = await sign_in("ana")
    resp = await client.get("/console/review-queue", params={"days": "7"})
    html = await resp.text()
    assert resp.status == 200
    rows = re.findall(r'<td data-label="Visitor wrote">(.*?)</td>', html)
    assert rows == ["&lt;b&gt;blorp&lt;/b&gt;", "and insurance?", "how much does it cost"]  # least sure first
    assert (await client.get("/console/review-queue", params={"days": "0"})).status == 400
    entries = await run(activity, audit_store.entries)
    assert any(e["action"] == "read_review_queue" and e["actor"] == "ana" for e in entries)


async def test_viewing_the_dashboard_is_audited(activity, sign_in):
    client = await sign_in("ana")
    assert (await client.get("/console/dashboard", params={"days": "14"})).status == 200
    entries = await activity[DB].run(lambda s: audit_store.entries(s, action="view_dashboard"))
    assert [(e["actor"], e["detail"]) for e in entries] == [("ana", "days=14")]


async def test_the_page_is_accessible(activity, sign_in):
    client = await sign_in("ana")
    page = read_page(await (await client.get("/console/dashboard")).text())
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
    assert page.th_scopes and all(scope in ("col", "row") for scope in page.th_scopes)
    assert len(page.svgs) == 4
    for svg in page.svgs:
        assert svg["role"] == "img"
        assert svg["aria-labelledby"] in page.ids and svg["aria-describedby"] in page.ids
    assert page.styles == []  # the CSP would block them
    assert all(src and src.startswith("/") for src in page.scripts)  # nothing from another site


async def test_an_empty_period_renders_with_empty_charts(console_server, sign_in):
    client = await sign_in("ana")
    resp = await client.get("/console/dashboard")
    html = await resp.text()
    assert resp.status == 200
    assert html.count("Nothing in this period.") >= 4
    assert read_page(html).figures["Median wait for a person"] == "–"
    assert 'value="30"' in html


@pytest.mark.parametrize("days", ["0", "366", "abc", "-1", "2.5"])
async def test_a_bad_days_value_gets_a_clear_message(console_server, sign_in, days):
    client = await sign_in("ana")
    resp = await client.get("/console/dashboard", params={"days": days})
    html = await resp.text()
    assert resp.status == 400
    assert "Days must be a whole number from 1 to 365." in html
    assert 'aria-invalid="true"' in html and "<svg" not in html


async def test_a_visitor_who_is_not_signed_in_goes_to_sign_in(console_server, new_client):
    client = await new_client()
    resp = await client.get("/console/dashboard?days=7", allow_redirects=False)
    assert resp.status == 303
    location = urlsplit(resp.headers["Location"])
    assert location.path == "/console/login"
    assert parse_qs(location.query) == {"next": ["/console/dashboard?days=7"]}


# -- the JSON API ---------------------------------------------------------------------------------


async def test_api_gives_the_same_numbers(activity, sign_in, new_client):
    client = await new_client()
    resp = await client.get("/api/dashboard", params={"days": "7"}, headers=TOKEN)
    assert resp.status == 200
    data = await resp.json()
    today = datetime.now(activity[ZONE]).date()  # the program's day, not UTC's
    assert (data["days"], data["to"], data["from"]) == (7, today.isoformat(), (today - timedelta(days=6)).isoformat())
    assert data["timezone"] == "America/Chicago"
    assert data["conversations"]["total"] == 5 and len(data["conversations"]["per_day"]) == 7
    assert data["conversations"]["per_day"][-1] == {"date": today.isoformat(), "count": 5}
    assert data["handoffs"]["by_priority"] == {"normal": 2, "urgent": 1, "crisis": 1}
    assert data["crisis_handoffs"] == 1
    assert data["wait"]["claimed"] == 3
    assert data["wait"]["median_seconds"] == pytest.approx(90)
    assert data["wait"]["p90_seconds"] == pytest.approx(258)
    assert data["wait"]["waiting_now"] == 1
    assert data["screen_levels"] == [{"level": "iop", "count": 1}]
    assert data["top_topics"] == [
        {"intent": "faq/cost", "topic": "cost", "count": 1},
        {"intent": "faq/insurance", "topic": "insurance", "count": 1},
    ]
    assert data["fallback"] == {"messages": 3, "fallbacks": 1, "rate": pytest.approx(1 / 3)}

    staff = await sign_in("ana")
    html = await (await staff.get("/console/dashboard", params={"days": "7"})).text()
    assert f"{data['from']} to {data['to']} (days in America/Chicago), counted at " in html
    assert re.search(r"counted at \d\d:\d\d C[SD]T\.", html) and "UTC" not in html
    page = read_page(html)
    assert page.figures["Conversations started"] == str(data["conversations"]["total"])
    assert page.figures["Crisis handoffs"] == str(data["crisis_handoffs"])


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "console-api-token"}])
async def test_api_needs_the_token(console_server, new_client, headers):
    client = await new_client()
    resp = await client.get("/api/dashboard", headers=headers)
    assert resp.status == 401


async def test_api_refuses_a_bad_days_value(console_server, new_client):
    client = await new_client()
    resp = await client.get("/api/dashboard", params={"days": "400"}, headers=TOKEN)
    assert resp.status == 400
    assert (await resp.json()) == {"error": "Days must be a whole number from 1 to 365."}


async def test_a_signed_in_session_is_not_an_api_token(console_server, sign_in):
    client = await sign_in("ana")
    assert (await client.get("/api/dashboard")).status == 401


# -- the intent capture the topics come from ---------------------------------------------------------


async def test_the_gateway_stores_intents_and_stops_slow_captures_on_shutdown(tmp_path, fake_rasa):
    server = TestServer(create_app(console_settings(tmp_path, fake_rasa.url), channels=()), host="127.0.0.1")
    client = TestClient(server)
    await client.start_server()
    fake_rasa.understands({"how much does it cost": "faq/cost"})
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": "how much does it cost"})
    assert resp.status == 200
    await understanding.settle()
    data = await (await client.get("/api/dashboard", params={"days": "1"}, headers=TOKEN)).json()
    assert data["top_topics"] == [{"intent": "faq/cost", "topic": "cost", "count": 1}]

    fake_rasa.tracker_delay = 5.0
    await client.post("/webhooks/rest/webhook", json={"sender": "s2", "message": "hello"})
    await asyncio.sleep(0.1)
    assert understanding._of_this_loop()
    started = time.monotonic()
    await client.close()  # and the server with it
    assert time.monotonic() - started < 2
    assert not understanding._of_this_loop()
