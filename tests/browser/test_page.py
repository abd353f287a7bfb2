"""Our chat page at `/`, as a visitor uses it: keyboard, screen reader semantics, reload, staff, crisis."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bot.web_keys import HANDOFFS
from core import wording

EMERGENCY_LINE = "Automated assistant, not for emergencies. In danger? Call 911, or call or text 988."


def open_chat(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_role("status")).to_have_text("Connected")


def messages(page: Page):
    return page.get_by_role("log", name="Conversation").get_by_role("listitem")


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def session_id(page: Page) -> str:
    value = page.evaluate("window.sessionStorage.getItem('helpline-chat-session')")
    assert value, "the page stored no session id"
    return value


def test_the_page_loads_with_the_emergency_line_visible_and_only_our_own_files(page: Page, helpline):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    open_chat(page, helpline.url)
    expect(page.get_by_text(EMERGENCY_LINE)).to_be_visible()
    expect(page.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chat with")
    # The line stays on screen however long the conversation gets.
    for n in range(12):
        send(page, f"question number {n}")
        expect(messages(page)).to_have_count(2 * (n + 1))
    for width, height in ((800, 900), (360, 640), (320, 300)):  # desktop, a small phone, one with its keyboard up
        page.set_viewport_size({"width": width, "height": height})
        expect(page.get_by_text(EMERGENCY_LINE)).to_be_in_viewport()
        expect(page.get_by_label("Your message")).to_be_in_viewport()
    assert requested and all(u.startswith(helpline.url + "/") for u in requested), requested


def test_a_visitor_chats_with_the_keyboard_and_the_log_announces_replies(page: Page, helpline):
    open_chat(page, helpline.url)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")

    box = page.get_by_label("Your message")
    box.focus()
    page.keyboard.type("what is iop")
    page.keyboard.press("Enter")
    expect(messages(page).nth(0)).to_have_text("You: what is iop")
    expect(messages(page).nth(1)).to_contain_text("Assistant: IOP is about 9 hours")
    expect(messages(page).nth(2)).to_contain_text("Who are you asking for?")
    expect(box).to_be_focused()
    expect(box).to_have_value("")

    choices = page.get_by_role("group", name="Suggested replies")
    me = choices.get_by_role("button", name="Me", exact=True)
    expect(me).to_be_visible()
    # Back from the message box: the suggested replies come just before it.
    page.keyboard.press("Shift+Tab")
    expect(choices.get_by_role("button", name="Someone I care about")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(me).to_be_focused()
    page.keyboard.press("Enter")
    expect(messages(page).nth(3)).to_have_text("You: Me")
    expect(messages(page).nth(4)).to_have_text("Assistant: Thanks. What would you like to know?")
    # The chosen buttons are gone; the keyboard is back in the message box.
    expect(choices).to_have_count(0)
    expect(box).to_be_focused()

    # The button's payload went to Rasa, its title to the screen.
    sent = [m["message"] for m in helpline.rasa.received if m["sender"]]
    assert sent[-2:] == ["what is iop", '/inform_who{"who":"self"}']


def test_a_reload_keeps_the_conversation(page: Page, helpline):
    open_chat(page, helpline.url)
    send(page, "what is iop")
    expect(messages(page)).to_have_count(3)
    first_session = session_id(page)

    page.reload()
    expect(page.get_by_role("status")).to_have_text("Connected")
    expect(messages(page)).to_have_count(3)
    expect(messages(page).nth(0)).to_have_text("You: what is iop")
    expect(messages(page).nth(2)).to_contain_text("Who are you asking for?")
    # The last question's buttons can still be answered after the reload.
    page.get_by_role("button", name="Someone I care about").click()
    expect(messages(page).nth(4)).to_have_text("Assistant: Thanks for looking out for them.")

    assert session_id(page) == first_session
    transcript = helpline.transcript(first_session)
    visitor = [m["text"] for m in transcript["messages"] if m["author"] == "visitor"]
    assert visitor == ["what is iop", '/inform_who{"who":"other"}']


def test_a_staff_reply_shows_with_the_staff_members_name(page: Page, helpline, staff_says):
    open_chat(page, helpline.url)
    send(page, "can I talk to someone")
    expect(messages(page)).to_have_count(2)

    assert staff_says(session_id(page), "Dana", "Hi, I'm Dana from intake. How can I help?") is True
    staff = messages(page).nth(2)
    expect(staff).to_have_text("Dana (staff): Hi, I'm Dana from intake. How can I help?")
    expect(staff).to_have_class("msg msg--staff")


def test_a_staff_message_keeps_the_name_after_a_reload(page: Page, helpline):
    open_chat(page, helpline.url)
    send(page, "I'd like a person please")
    expect(messages(page)).to_have_count(2)
    sid = session_id(page)
    conversation_id = helpline.transcript(sid)["id"]
    # The console's path: recorded in the transcript, then pushed to the page.
    assert helpline.run(
        helpline.app[HANDOFFS].staff_says(conversation_id, "Dana", "Dana here, I'm reading your messages.")
    )
    expect(messages(page).nth(2)).to_have_text("Dana (staff): Dana here, I'm reading your messages.")

    page.reload()
    expect(messages(page)).to_have_count(3)
    expect(messages(page).nth(2)).to_have_text("Dana (staff): Dana here, I'm reading your messages.")


def test_a_crisis_message_gets_the_crisis_reply_first(page: Page, helpline):
    open_chat(page, helpline.url)
    before = len(helpline.rasa.received)
    send(page, "I don't want to be alive anymore, I'm going to kill myself")
    expect(messages(page).nth(1)).to_have_text(f"Assistant: {wording.crisis_reply(about_other=False)}")
    expect(messages(page).nth(2)).to_be_visible()  # then the handoff's acknowledgement
    assert len(helpline.rasa.received) == before, "the safety net answers without asking Rasa"


def test_the_page_has_no_wcag_violations_axe_can_find(page: Page, helpline, staff_says, axe_violations):
    open_chat(page, helpline.url)
    send(page, "what is iop")
    expect(page.get_by_role("group", name="Suggested replies")).to_be_visible()
    staff_says(session_id(page), "Dana", "Hi, I'm Dana.")
    expect(messages(page).last).to_have_text("Dana (staff): Hi, I'm Dana.")
    assert axe_violations(page) == []


def test_quick_exit_clears_the_chat_and_replaces_the_page(page: Page, helpline):
    # No network here: the neutral page is answered by the browser's router.
    page.route(
        "https://www.google.com/**", lambda route: route.fulfill(body="<title>Search</title>", content_type="text/html")
    )
    page.goto("about:blank")
    open_chat(page, helpline.url)
    send(page, "what is iop")
    expect(messages(page)).to_have_count(3)
    before = session_id(page)
    length = page.evaluate("history.length")
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("https://www.google.com/")
    assert page.evaluate("history.length") == length
    page.go_back()
    assert page.url == "about:blank"
    page.goto(helpline.url + "/")
    expect(page.get_by_role("status")).to_have_text("Connected")
    expect(messages(page)).to_have_count(0)
    assert session_id(page) != before  # a new conversation: the old id was removed from storage
    page.get_by_label("Your message").press("Escape")
    page.wait_for_url("https://www.google.com/")
