"""The staff console in Chromium, with the Content-Security-Policy enforced.

A counsellor works a crisis handoff from alert to resolution while the visitor
chats on the web page in a second browser context: sign-in, the crisis row
and alert appearing live, claim, a reply the visitor receives, resolve, and
the dashboard drawn from the data this left behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from playwright.sync_api import Page, expect

from bot.store import passwords
from bot.store import staff as staff_store
from bot.web_keys import DB

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # screenshots are kept for people to look at, never committed
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
# A refused sign-in answers 401 or 429 on purpose; Chromium logs that as a failed load.
EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of (401|429)\b")
PASSWORD = "a long staff passphrase"


def add_staff(helpline, username: str, name: str, role: str = "staff") -> None:
    helpline.run(helpline.app[DB].run(staff_store.add, username, name, role, passwords.hash_password(PASSWORD), False))


@pytest.fixture(scope="module")
def staff(console_helpline):
    add_staff(console_helpline, "dana", "Dana")
    add_staff(console_helpline, "sam", "Sam", role="admin")
    return console_helpline


def accessibility_violations(page: Page) -> List[dict]:
    """axe-core's WCAG 2.1 A/AA violations; injected through the debugger, since the page's CSP forbids it."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result["violations"]]


@pytest.fixture
def pages(browser, request) -> Iterator:
    """make(label) -> a page in a browser context of its own; screenshots of each are kept after the test."""
    opened: List[Tuple[str, Page]] = []
    problems: List[str] = []

    def make(label: str) -> Page:
        # CSP is enforced here (no bypass): a blocked script or style shows up as a console error.
        page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda exc: problems.append(f"{label}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                msg.type == "error" and not EXPECTED_STATUS.search(msg.text) and problems.append(f"{label}: {msg.text}")
            ),
        )
        opened.append((label, page))
        return page

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    name = ARTIFACTS_NAME.sub("_", request.node.name)
    for label, page in opened:
        try:
            page.screenshot(path=str(ARTIFACTS / f"console_{name}_{label}.png"), full_page=True)
        finally:
            page.context.close()
    assert not problems, f"errors in the browser: {problems}"


def snapshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console_{name}.png"), full_page=True)


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/console")
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    expect(page.get_by_text("Live: this page updates by itself.")).to_be_visible()


def visitor_says(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def test_a_wrong_password_is_refused_in_plain_words(pages, staff):
    page = pages("staff")
    page.goto(staff.url + "/console/login")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That username and password do not match.")
    assert accessibility_violations(page) == []


def test_a_counsellor_works_a_crisis_from_alert_to_resolution(pages, staff):
    counsellor, colleague, visitor = pages("counsellor"), pages("colleague"), pages("visitor")
    sign_in(counsellor, staff.url, "dana")
    sign_in(colleague, staff.url, "sam")
    expect(counsellor.get_by_text("Nobody is waiting for a person.")).to_be_visible()

    visitor.goto(staff.url + "/")
    expect(visitor.get_by_role("status")).to_have_text("Connected")
    visitor_says(visitor, "what is iop")
    visitor_says(visitor, "i want to end my life tonight")
    expect(visitor.get_by_text("988").first).to_be_visible()

    # Live, without a reload: the crisis row at the top and the alert on every signed-in page.
    for page in (counsellor, colleague):
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Crisis: a visitor may be in danger")
        first_row = page.locator("#queue tr[data-handoff]").first
        expect(first_row).to_contain_text("crisis")
        expect(first_row).to_contain_text("i want to end my life tonight")
    assert counsellor.title().startswith("(1 CRISIS)")
    snapshot(counsellor, "queue_with_crisis_alert")
    assert accessibility_violations(counsellor) == []

    counsellor.locator("#queue tr[data-handoff]").first.get_by_role("button", name="Claim").click()
    expect(counsellor.get_by_role("status").filter(has_text="You have this conversation")).to_be_visible()
    expect(counsellor.locator("#timeline").get_by_text("i want to end my life tonight")).to_be_visible()
    expect(visitor.get_by_text("Dana joined the conversation.")).to_be_visible()
    # The alert clears everywhere once someone has the visitor.
    expect(colleague.locator("#crisis-alert")).to_be_hidden()
    expect(colleague.locator("#queue tr[data-handoff]").first).to_contain_text("Dana")

    counsellor.get_by_label("Reply to the visitor").fill("Hi, I'm Dana. I'm here with you. Are you safe right now?")
    counsellor.get_by_role("button", name="Send").click()
    expect(counsellor.get_by_text("Sent.")).to_be_visible()
    expect(visitor.get_by_text("Hi, I'm Dana. I'm here with you. Are you safe right now?")).to_be_visible()
    expect(visitor.get_by_role("log").get_by_text("Dana (staff)")).to_be_visible()

    # The visitor's answer reaches the open transcript without a reload.
    visitor_says(visitor, "yes i am safe, my sister is here")
    expect(counsellor.locator("#timeline").get_by_text("yes i am safe, my sister is here")).to_be_visible()
    snapshot(counsellor, "conversation_claimed")
    assert accessibility_violations(counsellor) == []

    counsellor.get_by_label("Resolve with a note").fill("Safe with sister; 988 given; intake call tomorrow 10am")
    counsellor.get_by_role("button", name="Resolve").click()
    expect(counsellor.get_by_text("Resolved.")).to_be_visible()
    expect(counsellor.get_by_text("Nobody is waiting for a person.")).to_be_visible()
    expect(visitor.get_by_text("Dana has closed this conversation.", exact=False)).to_be_visible()

    # The admin reads who looked at what.
    colleague.goto(staff.url + "/console/audit")
    for action in ("claim", "reply", "resolve", "read_transcript"):
        expect(colleague.get_by_role("cell", name=action, exact=True).first).to_be_visible()
    assert accessibility_violations(colleague) == []

    # A supervisor finds the conversation again by what was said.
    colleague.goto(staff.url + "/console/search")
    colleague.get_by_label("Words in a message").fill("my sister")
    colleague.get_by_role("button", name="Search").click()
    expect(colleague.locator("table tbody tr")).to_have_count(1)
    expect(colleague.locator("table tbody tr")).to_contain_text("Resolved")
    assert accessibility_violations(colleague) == []


def test_the_dashboard_draws_the_days_data(pages, staff):
    visitor = pages("visitor")
    visitor.goto(staff.url + "/")
    expect(visitor.get_by_role("status")).to_have_text("Connected")
    for text in ("what is iop", "finish the screen"):
        visitor_says(visitor, text)
    expect(visitor.get_by_text("A clinician will confirm.", exact=False)).to_be_visible()

    page = pages("supervisor")
    sign_in(page, staff.url, "sam")
    page.goto(staff.url + "/console/dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    charts = page.locator("svg[role='img']")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    # What the visitor above asked, and their screen's level, are in the charts.
    topics = page.locator("svg[role='img']").filter(has_text="what is iop")
    expect(topics).to_have_count(1)
    levels = page.locator("svg[role='img']").filter(has_text=re.compile(r"\bIOP\b"))
    expect(levels.first).to_be_visible()
    assert page.locator("svg[role='img'] rect").count() > 0
    assert accessibility_violations(page) == []
