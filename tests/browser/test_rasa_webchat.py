"""The `rasa-webchat` npm widget, unchanged, talking to the gateway's socket.io endpoint."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from core import wording


def open_widget(page: Page, url: str) -> None:
    page.goto(url + "/test/rasa-webchat/")
    # The widget sends its init payload once the session is confirmed.
    expect(page.locator(".rw-response").first).to_have_text(
        "Hi! I can answer questions about our Intensive Outpatient Program."
    )


def send(page: Page, text: str) -> None:
    box = page.locator("input.rw-new-message, textarea.rw-new-message")
    box.fill(text)
    box.press("Enter")


def widget_session(page: Page) -> str:
    stored = page.evaluate("window.sessionStorage.getItem('chat_session')")
    assert stored, "rasa-webchat stored no session"
    return json.loads(stored)["session_id"]


def test_rasa_webchat_holds_a_conversation_with_buttons(page: Page, helpline):
    open_widget(page, helpline.url)
    send(page, "what is iop")
    expect(page.locator(".rw-client").last).to_have_text("what is iop")
    expect(page.get_by_text("IOP is about 9 hours", exact=False)).to_be_visible()
    expect(page.get_by_text("Who are you asking for?")).to_be_visible()
    page.locator(".rw-reply", has_text="Someone I care about").click()
    expect(page.get_by_text("Thanks for looking out for them.")).to_be_visible()

    transcript = helpline.transcript(widget_session(page))
    visitor = [m["text"] for m in transcript["messages"] if m["author"] == "visitor"]
    assert visitor == ["/greet", "what is iop", '/inform_who{"who":"other"}']


def test_rasa_webchat_shows_staff_by_name_and_the_crisis_reply_first(page: Page, helpline, staff_says):
    open_widget(page, helpline.url)
    assert staff_says(widget_session(page), "Dana", "Hi, I'm Dana from intake.") is True
    expect(page.locator(".rw-response").last).to_have_text("Dana (staff): Hi, I'm Dana from intake.")

    responses_before = page.locator(".rw-response").count()
    send(page, "my friend just took a whole bottle of pills")
    first_reply = page.locator(".rw-response").nth(responses_before)
    expect(first_reply).to_have_text(wording.crisis_reply(about_other=True))


def test_rasa_webchat_keeps_its_conversation_over_a_reload(page: Page, helpline):
    open_widget(page, helpline.url)
    send(page, "what is iop")
    expect(page.get_by_text("Who are you asking for?")).to_be_visible()
    session = widget_session(page)

    page.reload()
    expect(page.get_by_text("Who are you asking for?")).to_be_visible()
    send(page, "and the cost?")
    expect(page.get_by_text("You asked: and the cost?")).to_be_visible()
    assert widget_session(page) == session
    texts = [m["text"] for m in helpline.transcript(session)["messages"] if m["author"] == "visitor"]
    assert texts[-2:] == ["what is iop", "and the cost?"]


def test_rasa_webchat_on_the_programs_own_site_talks_to_the_gateway_across_origins(page: Page, helpline):
    page.goto(helpline.site_url + "/rasa-webchat")
    expect(page.locator(".rw-response").first).to_have_text(
        "Hi! I can answer questions about our Intensive Outpatient Program."
    )
    send(page, "what is iop")
    expect(page.get_by_text("Who are you asking for?")).to_be_visible()
    texts = [m["text"] for m in helpline.transcript(widget_session(page))["messages"] if m["author"] == "visitor"]
    assert texts == ["/greet", "what is iop"]
