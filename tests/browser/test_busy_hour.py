"""A busy hour at the intake desk, in Chromium with the console's CSP enforced.

Five visitors wait (three on the web page, two through the REST channel), two
of them in crisis; two counsellors work the queue, a third staff member
follows it on a phone. What each one sees is asserted along the way, and axe
checks every console page they use.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from playwright.sync_api import Page, expect
from test_console import PASSWORD, accessibility_violations, add_staff, visitor_says

from bot.web_keys import PROFILE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of (401|403|429)\b")
# Records what the console asks the browser to show, so a test can read it back.
RECORD_NOTIFICATIONS = """
window.__notifications = [];
(function () {
  var Real = window.Notification;
  if (!Real) { return; }
  function Recorded(title, options) {
    window.__notifications.push({title: title, body: (options || {}).body || ""});
    return new Real(title, options);
  }
  Object.defineProperty(Recorded, "permission", {get: function () { return Real.permission; }});
  Recorded.requestPermission = function () { return Real.requestPermission(); };
  window.Notification = Recorded;
}());
"""


@pytest.fixture(scope="module")
def desk(console_helpline):
    add_staff(console_helpline, "dana", "Administrator", role="admin")
    add_staff(console_helpline, "ravi", "Ravi")
    add_staff(console_helpline, "oncall", "Lee")
    return console_helpline


@pytest.fixture
def people(browser, request) -> Iterator:
    """open(label, width=1100, notifications=False) -> a page in a browser context of its own."""
    opened: List[Tuple[str, Page]] = []
    problems: List[str] = []

    def open_page(label: str, width: int = 1100, height: int = 900, notifications: bool = False) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, permissions=["notifications"] if notifications else []
        )
        context.add_init_script(RECORD_NOTIFICATIONS)
        page = context.new_page()
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

    yield open_page
    ARTIFACTS.mkdir(exist_ok=True)
    for label, page in opened:
        try:
            page.screenshot(path=str(ARTIFACTS / f"busy_hour_{label}.png"), full_page=True)
        finally:
            page.context.close()
    assert not problems, f"errors in the browser: {problems}"


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/console")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    expect(page.get_by_text("Live: this page updates by itself.")).to_be_visible()


def rest_visitor(url: str, sender: str, text: str) -> List[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def web_visitor(page: Page, url: str, *texts: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_role("status")).to_have_text("Connected")
    for text in texts:
        visitor_says(page, text)


def no_axe_violations(page: Page) -> None:
    assert accessibility_violations(page) == [], page.url


def group_counts(page: Page) -> List[str]:
    return [" ".join(t.split()) for t in page.locator("#queue tr.group-head").all_inner_texts()]


def test_a_busy_hour(people, desk):
    url = desk.url
    dana = people("dana_counsellor", notifications=True)
    ravi = people("ravi_counsellor", notifications=True)

    # -- before the rush: Dana sets the name visitors see and a saved reply; Ravi turns his sound off.
    sign_in(dana, url, "dana")
    expect(dana.get_by_text("Visitors see you as “Administrator”.")).to_be_visible()
    dana.get_by_role("link", name="Set the name they see").click()
    dana.get_by_label("Your name").fill("Dana")
    dana.get_by_label("Role line (optional)", exact=False).fill("intake counsellor")
    expect(dana.locator("#name-preview")).to_have_text("Dana, intake counsellor")
    dana.get_by_role("button", name="Save").click()
    expect(dana.get_by_text("Saved. Visitors see this name")).to_be_visible()
    no_axe_violations(dana)
    dana.get_by_role("link", name="Saved replies").click()
    dana.get_by_label("Title").last.fill("Are you safe")
    dana.get_by_label("Words").last.fill("I'm here with you. Are you safe right now? You can also call us on {phone}.")
    dana.get_by_role("button", name="Add", exact=True).click()
    expect(dana.get_by_text("Saved “Are you safe”.")).to_be_visible()
    phone = desk.app[PROFILE].phone
    expect(dana.get_by_text(f"You can also call us on {phone}.", exact=False).first).to_be_visible()
    no_axe_violations(dana)
    dana.get_by_role("link", name="Staff").click()
    expect(dana.get_by_role("cell", name="Dana, intake counsellor")).to_be_visible()
    no_axe_violations(dana)
    dana.get_by_role("link", name="Queue").click()
    dana.locator("main").click()  # a user gesture: the browser now lets the page play the alert sound

    sign_in(ravi, url, "ravi")
    ravi.get_by_role("link", name="You").click()
    ravi.get_by_label("A sound", exact=False).uncheck()
    expect(ravi.get_by_role("status").filter(has_text="Saved for this browser.")).to_be_visible()
    ravi.get_by_role("link", name="Queue").click()
    ravi.locator("main").click()

    # -- the rush: three people ask for a person, then two crises arrive, the second a minute after the first.
    first = people("visitor_1_web")
    web_visitor(first, url, "can i talk to a person")
    expect(first.get_by_text("I've asked our team to join. You're next", exact=False)).to_be_visible()
    second = rest_visitor(url, "rest-visitor-2", "can i talk to a person")
    assert any("1 person is ahead of you" in r.get("text", "") for r in second)
    rest_visitor(url, "rest-visitor-3", "i need to talk to someone today")
    for page in (dana, ravi):
        expect(page.locator("#queue tr[data-handoff]")).to_have_count(3)
    assert dana.locator("#crisis-alert").is_hidden()

    older_crisis = people("visitor_4_crisis")
    web_visitor(older_crisis, url, "i want to end my life tonight")
    expect(older_crisis.get_by_text("988").first).to_be_visible()
    for page in (dana, ravi):
        expect(page.locator("#crisis-alert")).to_contain_text("Crisis: a visitor may be in danger")
    expect(dana).to_have_title(re.compile(r"^\(1 CRISIS\) "))

    newer_crisis = people("visitor_5_crisis")
    web_visitor(newer_crisis, url, "i want to kill myself")
    expect(newer_crisis.get_by_text("988").first).to_be_visible()

    # What both counsellors see: the alert names the newest crisis and how many there are; the newest is on top.
    for page in (dana, ravi):
        alert = page.locator("#crisis-alert")
        expect(alert).to_contain_text("Crisis: 2 visitors who may be in danger are waiting for a person")
        expect(alert.get_by_role("link", name="Open the newest crisis")).to_be_visible()
        expect(page.locator("#queue tr[data-handoff]").first).to_contain_text("i want to kill myself")
        expect(page.locator("#queue tr[data-handoff]").nth(1)).to_contain_text("i want to end my life tonight")
        expect(page).to_have_title(re.compile(r"^\(2 CRISIS\) "))
    assert group_counts(dana) == [
        "Crisis 2 waiting · 0 in progress",
        "Urgent 1 waiting · 0 in progress",
        "Waiting for a person 2 waiting · 0 in progress",
    ]
    newest_href = dana.locator("#crisis-alert a").get_attribute("href")
    assert newest_href == "/console/conversations/" + dana.locator("#queue tr[data-handoff]").first.get_attribute(
        "data-conversation"
    )
    # A notification for each new crisis, with no word of what the visitor wrote; a sound only where it is on.
    notes = dana.evaluate("window.__notifications")
    assert [n["title"] for n in notes] == ["Crisis waiting for a person"] * 2
    assert all("kill" not in n["body"] and "life" not in n["body"] for n in notes)
    assert dana.evaluate("document.documentElement.hasAttribute('data-chimed')")
    assert not ravi.evaluate("document.documentElement.hasAttribute('data-chimed')")
    no_axe_violations(dana)

    # -- one keystroke each: Dana takes the newest crisis, Ravi the next.
    dana.keyboard.press("c")
    expect(dana.get_by_role("heading", level=1)).to_contain_text("Conversation with")
    expect(dana.locator("#timeline")).to_contain_text("i want to kill myself")
    expect(dana.get_by_label("Reply to the visitor")).to_be_focused()
    expect(newer_crisis.get_by_text("Dana, intake counsellor joined the conversation.")).to_be_visible()
    ravi.keyboard.press("c")
    expect(ravi.locator("#timeline")).to_contain_text("i want to end my life tonight")
    expect(older_crisis.get_by_text("Ravi joined the conversation.")).to_be_visible()
    expect(dana.locator("#crisis-alert")).to_be_hidden()
    expect(dana).not_to_have_title(re.compile(r"CRISIS"))

    # -- replying in seconds: a saved reply, Ctrl+Enter, no reload.
    dana.evaluate("window.__stayed = true")
    dana.get_by_label("Saved reply").select_option(label="Are you safe")
    box = dana.get_by_label("Reply to the visitor")
    expect(box).to_have_value(f"I'm here with you. Are you safe right now? You can also call us on {phone}.")
    box.press("Control+Enter")
    expect(dana.locator("#reply-status")).to_have_text("Sent.")
    expect(box).to_have_value("")
    expect(newer_crisis.get_by_text("Are you safe right now?", exact=False)).to_be_visible()
    expect(dana.locator("#timeline")).to_contain_text("Are you safe right now?")
    assert dana.evaluate("window.__stayed === true"), "the page reloaded"

    # Typing both ways: the visitor's page hears Dana is typing; Dana hears the visitor is.
    session_id = newer_crisis.evaluate("window.sessionStorage.getItem('helpline-chat-session')")
    newer_crisis.evaluate(
        """(id) => new Promise((done) => {
            window.__heard = [];
            var s = window.io({path: "/socket.io/"});
            s.on("staff_typing", (data) => window.__heard.push(data));
            s.on("session_confirm", () => { window.__side = s; done(); });
            s.emit("session_request", {session_id: id, features: ["author_metadata"]});
        })""",
        session_id,
    )
    box.press_sequentially("One moment", delay=20)
    newer_crisis.wait_for_function("window.__heard.length > 0")
    assert newer_crisis.evaluate("window.__heard[0]") == {"typing": True}
    newer_crisis.evaluate("window.__side.emit('visitor_typing', {typing: true})")
    expect(dana.get_by_text("The visitor is typing…")).to_be_visible()
    box.fill("")

    # A private note: the colleague sees it, the visitor never does.
    ravi.get_by_label("Private note for colleagues", exact=False).fill("Her sister is on the way; 988 given")
    ravi.get_by_role("button", name="Add note").click()
    expect(ravi.locator("#timeline .note")).to_contain_text("Her sister is on the way")
    no_axe_violations(ravi)
    visitor_says(older_crisis, "thank you, my sister is coming")
    expect(ravi.locator("#timeline")).to_contain_text("thank you, my sister is coming")
    expect(older_crisis.get_by_text("Her sister is on the way")).to_have_count(0)
    older_crisis.reload()
    expect(older_crisis.get_by_text("thank you, my sister is coming")).to_be_visible()
    expect(older_crisis.get_by_text("Her sister is on the way")).to_have_count(0)

    # -- back on the queue: what Dana holds, with unread counts; the filters.
    box.press("Escape")
    dana.keyboard.press("q")
    expect(dana.get_by_role("heading", level=1)).to_have_text("Queue")
    visitor_says(newer_crisis, "ok")
    visitor_says(newer_crisis, "i am at home")
    mine = dana.get_by_role("navigation", name="Conversations you hold")
    expect(mine).to_contain_text("(2 new)")
    expect(dana.locator("tr[data-handoff] .unread")).to_have_text("2 new")
    assert group_counts(dana)[0] == "Crisis 0 waiting · 2 in progress"
    dana.get_by_role("link", name="Mine").click()
    expect(dana.locator("#queue tr[data-handoff]")).to_have_count(1)
    expect(dana.locator("#queue tr[data-handoff]")).to_contain_text("i am at home")
    dana.get_by_role("link", name="Unclaimed").click()
    expect(dana.locator("#queue tr[data-handoff]")).to_have_count(3)
    expect(dana.locator("#queue tr[data-handoff]").first).to_contain_text("urgent")
    no_axe_violations(dana)
    dana.keyboard.press("n")
    expect(dana.locator("#timeline")).to_contain_text("i am at home")
    expect(mine).not_to_contain_text("new)")

    # -- the on-call colleague's phone: the queue and a conversation fit 390 px, Claim in reach.
    phone_page = people("oncall_phone", width=390, height=844)
    sign_in(phone_page, url, "oncall")
    claim = phone_page.locator("#queue tr[data-handoff]").get_by_role("button", name="Claim").first
    expect(claim).to_be_visible()
    box_right = claim.bounding_box()
    assert box_right["x"] + box_right["width"] <= 390
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    no_axe_violations(phone_page)
    claim.click()
    expect(phone_page.get_by_label("Reply to the visitor")).to_be_focused()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    reply_box = phone_page.get_by_label("Reply to the visitor").bounding_box()
    assert reply_box["x"] >= 0 and reply_box["x"] + reply_box["width"] <= 390
    no_axe_violations(phone_page)

    # -- after the hour: what the supervisor reads on the dashboard.
    dana.goto(url + "/console/dashboard?days=1")
    crisis = dana.get_by_role("region", name="Crises: time to the first reply from a person")
    expect(crisis).to_contain_text("for the 2 crisis tickets of this period (1 answered)")
    expect(crisis).to_contain_text("Unclaimed longer than 5 minutes")
    no_axe_violations(dana)
    dana.get_by_role("link", name="Review the messages it was least sure of").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Messages the assistant was least sure of")
    no_axe_violations(dana)


def test_each_alert_can_be_turned_off_and_the_red_alert_stays(people, desk):
    add_staff(desk, "quiet", "Quinn")
    quiet = people("quiet_counsellor", notifications=True)
    sign_in(quiet, desk.url, "quiet")
    quiet.get_by_role("link", name="You").click()
    no_axe_violations(quiet)
    for setting in ("A sound", "A notification", "A count in the tab"):
        quiet.get_by_label(setting, exact=False).uncheck()
    quiet.reload()  # kept for this browser
    for setting in ("A sound", "A notification", "A count in the tab"):
        expect(quiet.get_by_label(setting, exact=False)).not_to_be_checked()
    quiet.get_by_role("link", name="Queue").click()
    quiet.locator("main").click()
    visitor = people("quiet_hour_visitor")
    web_visitor(visitor, desk.url, "i want to kill myself")
    expect(quiet.locator("#crisis-alert")).to_contain_text("Crisis: a visitor may be in danger")
    expect(quiet).not_to_have_title(re.compile("CRISIS"))
    assert quiet.evaluate("window.__notifications") == []
    assert not quiet.evaluate("document.documentElement.hasAttribute('data-chimed')")
