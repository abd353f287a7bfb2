"""The widget pasted into the program's own site (another origin), as a visitor uses it there.

The site is served from a second local origin that is in WEB_CHAT_ORIGINS; a third origin is not.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, List

from playwright.sync_api import Page, expect

from bot.channels.webchat import WEBCHAT
from bot.web_keys import HANDOFFS
from core import wording

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STORAGE_KEY = "helpline-chat-session"


def widget(page: Page):
    return page.locator("[data-helpline-chat]")


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Chat with us").click()
    expect(widget(page)).to_have_attribute("data-state", "connected")


def messages(page: Page):
    return page.get_by_role("log", name="Conversation").get_by_role("listitem")


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def stored_session(page: Page) -> Any:
    return page.evaluate(f"window.sessionStorage.getItem('{STORAGE_KEY}')")


def test_the_widget_on_the_programs_site_holds_a_conversation_a_reload_and_a_staff_reply(page: Page, helpline):
    requested: List[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(helpline.site_url + "/")
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_be_hidden()

    # Alive from the first second: greeting, the emergency line, suggested questions, the quick exit.
    expect(messages(page).first).to_contain_text(wording.widget_greeting("Cedar Bend Recovery (example program)"))
    panel = page.get_by_role("region", name="Chat with")
    expect(panel.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(panel.get_by_role("link", name="988").first).to_have_attribute("href", "tel:988")
    expect(panel.get_by_role("link", name="988").nth(1)).to_have_attribute("href", "sms:988")
    expect(page.get_by_role("button", name="Quick exit")).to_be_visible()
    suggestions = page.get_by_role("group", name="Suggested replies")
    expect(suggestions.get_by_role("button")).to_have_count(len(wording.WIDGET_SUGGESTIONS))
    expect(widget(page)).to_have_attribute("data-state", "connected")

    suggestions.get_by_role("button", name=wording.WIDGET_SUGGESTIONS[1]).click()
    expect(messages(page).nth(1)).to_have_text(f"You: {wording.WIDGET_SUGGESTIONS[1]}")
    expect(messages(page).nth(2)).to_have_text(f"Assistant: You asked: {wording.WIDGET_SUGGESTIONS[1]}")
    expect(suggestions).to_have_count(0)
    send(page, "what is iop")
    expect(messages(page).nth(4)).to_contain_text("IOP is about 9 hours")
    expect(messages(page).nth(5)).to_contain_text("Who are you asking for?")
    session = stored_session(page)
    assert session and helpline.app[WEBCHAT].session_ids.issued(session)

    # A reload on the same tab: the same conversation, drawn again, and its last buttons still answer.
    page.reload()
    expect(widget(page)).to_have_attribute("data-state", "connected")
    expect(messages(page)).to_have_count(5)  # the greeting is not part of the stored conversation
    expect(messages(page).nth(0)).to_have_text(f"You: {wording.WIDGET_SUGGESTIONS[1]}")
    page.get_by_role("button", name="Someone I care about").click()
    expect(messages(page).nth(6)).to_have_text("Assistant: Thanks for looking out for them.")
    assert stored_session(page) == session

    # A person joins: their name on the message and at the top, kept over a reload.
    # The console's path: recorded in the transcript, then pushed to the page.
    conversation_id = helpline.transcript(session)["id"]
    assert helpline.run(
        helpline.app[HANDOFFS].staff_says(conversation_id, "Dana", "Hi, I'm Dana from intake. How can I help?")
    )
    expect(messages(page).last).to_have_text("Dana (staff): Hi, I'm Dana from intake. How can I help?")
    staff_line = page.get_by_text("You're chatting with Dana from our team.")
    expect(staff_line).to_be_visible()
    helpline.run(helpline.app[WEBCHAT].staff_typing(session, True, "Dana"))
    expect(page.get_by_text("Dana is writing…")).to_be_visible()
    helpline.run(helpline.app[WEBCHAT].staff_typing(session, False, "Dana"))
    expect(page.get_by_text("Dana is writing…")).to_be_hidden()
    page.reload()
    expect(messages(page).last).to_have_text("Dana (staff): Hi, I'm Dana from intake. How can I help?")
    expect(staff_line).to_be_visible()

    visitor = [m["text"] for m in helpline.transcript(session)["messages"] if m["author"] == "visitor"]
    assert visitor == [wording.WIDGET_SUGGESTIONS[1], "what is iop", '/inform_who{"who":"other"}']
    # Nothing from a third party: the site's page and the gateway only.
    assert all(u.startswith((helpline.site_url + "/", helpline.url + "/")) for u in requested), requested


def test_a_site_not_on_the_list_is_refused(page: Page, helpline):
    warnings: List[str] = []
    page.on("console", lambda m: warnings.append(m.text))
    before = len(helpline.app[WEBCHAT].visitors)
    page.goto(helpline.stranger_url + "/")
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(1000)
    expect(widget(page)).to_have_count(0)
    assert any("WEB_CHAT_ORIGINS" in w for w in warnings), warnings

    # The socket.io handshake itself, from that page's origin: the browser gets no answer it may read.
    outcome = page.evaluate(
        """async (url) => {
            try { await fetch(url + '/socket.io/?EIO=4&transport=polling'); return 'answered'; }
            catch (e) { return 'refused'; }
        }""",
        helpline.url,
    )
    assert outcome == "refused"
    refused = page.request.get(
        helpline.url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": helpline.stranger_url}
    )
    assert refused.status == 400
    assert "access-control-allow-origin" not in refused.headers
    settings = page.request.get(helpline.url + "/chat/widget/settings", headers={"Origin": helpline.stranger_url})
    assert settings.status == 403
    assert len(helpline.app[WEBCHAT].visitors) == before


def test_quick_exit_clears_the_chat_and_leaves_without_a_way_back(page: Page, helpline):
    page.goto("about:blank")
    open_widget(page, helpline.site_url + "/")
    send(page, "what is iop")
    expect(messages(page)).to_have_count(4)
    assert stored_session(page)
    length = page.evaluate("history.length")

    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(helpline.stranger_url + "/neutral")
    # Replaced, not added: back goes to where the visitor was before the program's site.
    assert page.evaluate("history.length") == length
    page.go_back()
    assert page.url == "about:blank"

    # Back on the program's site in the same tab: nothing of the chat is left.
    page.goto(helpline.site_url + "/")
    expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
    assert stored_session(page) is None
    assert page.evaluate("window.sessionStorage.length") == 0


def test_escape_is_a_quick_exit_too(page: Page, helpline):
    open_widget(page, helpline.site_url + "/")
    send(page, "hello")
    expect(messages(page)).to_have_count(3)
    page.get_by_label("Your message").press("Escape")
    page.wait_for_url(helpline.stranger_url + "/neutral")
    page.goto(helpline.site_url + "/")
    assert stored_session(page) is None


def test_end_and_delete_asks_first_then_sends_the_request_and_forgets_on_the_answer(page: Page, helpline):
    sio = helpline.app[WEBCHAT].sio
    previous = sio.handlers.get("/", {}).get("delete_conversation")
    asked: List[str] = []
    done = threading.Event()

    # Stands in for the server side of the contract (the privacy work writes the real handler).
    async def delete_conversation(sid: str, data: Any = None) -> None:
        asked.append(helpline.app[WEBCHAT].visitors[sid].session_id)
        await sio.emit("conversation_deleted", {"text": "Your conversation was deleted."}, to=sid)
        done.set()

    sio.on("delete_conversation", delete_conversation)
    try:
        open_widget(page, helpline.site_url + "/")
        send(page, "what is iop")
        expect(messages(page)).to_have_count(4)
        session = stored_session(page)

        page.get_by_role("button", name="End and delete chat").click()
        dialog = page.get_by_role("alertdialog")
        expect(dialog).to_contain_text(wording.WIDGET_DELETE_QUESTION)
        dialog.get_by_role("button", name="Keep chatting").click()
        expect(dialog).to_be_hidden()
        assert not asked

        page.get_by_role("button", name="End and delete chat").click()
        dialog.get_by_role("button", name="Delete it").click()
        expect(messages(page)).to_have_count(1)
        expect(messages(page).first).to_have_text("Assistant: Your conversation was deleted.")
        assert done.wait(5) and asked == [session]
        assert page.evaluate("window.sessionStorage.length") == 0  # nothing about the chat is left

        # Writing again starts a new conversation, not the deleted one.
        send(page, "hello again")
        expect(messages(page).last).to_have_text("Assistant: You asked: hello again")
        assert stored_session(page) not in (None, session)
    finally:
        if previous is None:
            sio.handlers.get("/", {}).pop("delete_conversation", None)
        else:
            sio.on("delete_conversation", previous)


def test_at_phone_size_every_control_is_on_screen_and_axe_finds_no_violation(page: Page, helpline, axe_violations):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(helpline.site_url + "/")
    expect(page.get_by_role("link", name="911")).to_be_in_viewport()  # beside the launcher, before opening
    assert axe_violations(page) == []
    open_widget(page, helpline.site_url + "/")
    send(page, "what is iop")
    expect(page.get_by_role("button", name="Someone I care about")).to_be_visible()

    controls = [
        page.get_by_role("button", name="Quick exit"),
        page.get_by_role("button", name="Minimise the chat"),
        page.get_by_role("link", name="911"),
        page.get_by_role("link", name="988").first,
        page.get_by_label("Your message"),
        page.get_by_role("button", name="Send"),
        page.get_by_role("button", name="End and delete chat"),
    ]
    for control in controls:
        expect(control).to_be_in_viewport(ratio=1)
        box = control.bounding_box()
        assert box and box["height"] >= 24 and box["width"] >= 24, box
    for button in ("Quick exit", "Send", "Minimise the chat"):
        box = page.get_by_role("button", name=button).bounding_box()
        assert box and box["height"] >= 44, (button, box)
    size = page.get_by_label("Your message").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 16  # phones zoom in on smaller inputs
    text_size = messages(page).first.locator("p").last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert text_size >= 16
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed-phone-390.png"))
    assert axe_violations(page) == []

    # With the keyboard up the page has about 320x300 left: the emergency line, the conversation and the input share it.
    page.set_viewport_size({"width": 320, "height": 300})
    page.get_by_label("Your message").focus()
    typing_controls = controls[:-1]
    for control in typing_controls:
        expect(control).to_be_in_viewport(ratio=1)
    log_height = page.get_by_role("log", name="Conversation").evaluate("e => e.getBoundingClientRect().height")
    assert log_height >= 120, log_height
    page.screenshot(path=str(ARTIFACTS / "embed-phone-keyboard-320x300.png"))
    # Out of the message box (the keyboard down), "delete" is back in reach.
    page.get_by_role("button", name="Send").focus()
    expect(page.get_by_role("button", name="End and delete chat")).to_be_in_viewport(ratio=1)


def test_on_a_desktop_the_widget_floats_over_the_site_and_can_be_minimised(page: Page, helpline, axe_violations):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_widget(page, helpline.site_url + "/?position=left&color=%23276749")
    send(page, "what is iop")
    expect(messages(page)).to_have_count(4)
    box = page.get_by_role("region", name="Chat with").bounding_box()
    assert box and box["x"] < 100 and box["width"] <= 400, box  # bottom left, not the whole page
    expect(page.get_by_role("heading", name="Sunrise Recovery")).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "embed-desktop-1280.png"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Minimise the chat").click()
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_focused()
    # Closed stays closed over a reload; the conversation is still there when opened again.
    page.reload()
    expect(launcher).to_be_visible()
    launcher.click()
    expect(messages(page)).to_have_count(3)


def test_mounted_into_a_div_the_chat_is_part_of_the_page(page: Page, helpline):
    page.goto(helpline.site_url + "/inline")
    expect(widget(page)).to_have_attribute("data-state", "connected")
    expect(page.get_by_role("button", name="Chat with us")).to_have_count(0)
    send(page, "hello")
    expect(messages(page).last).to_have_text("Assistant: You asked: hello")
    inside = page.evaluate(
        "() => document.getElementById('helpline-chat').contains(document.querySelector('[data-helpline-chat]'))"
    )
    assert inside


def test_the_preview_page_shows_the_widget_as_it_looks_embedded(page: Page, helpline):
    requested: List[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_widget(page, helpline.url + "/chat/preview")
    expect(page.get_by_role("heading", name="Your program's page")).to_be_visible()
    send(page, "what is iop")
    expect(messages(page).last).to_contain_text("Who are you asking for?")
    assert all(u.startswith(helpline.url + "/") for u in requested), requested


def test_a_made_up_session_id_in_storage_opens_nobodys_conversation(page: Page, helpline, browser):
    open_widget(page, helpline.site_url + "/")
    send(page, "my private question")
    expect(messages(page)).to_have_count(3)
    theirs = stored_session(page)
    altered = theirs[:-1] + ("0" if theirs[-1] != "0" else "1")

    for forged in ("0000000000000000", altered, theirs[:32] + "0" * 32):
        other = browser.new_context()
        try:
            stranger = other.new_page()
            stranger.goto(helpline.site_url + "/")
            stranger.evaluate(f"window.sessionStorage.setItem('{STORAGE_KEY}', '{forged}')")
            stranger.reload()
            expect(widget(stranger)).to_have_attribute("data-state", "connected")
            # A new session: the greeting only, nothing of the other visitor's.
            expect(messages(stranger)).to_have_count(1)
            expect(stranger.get_by_text("my private question")).to_have_count(0)
            mine = stored_session(stranger)
            assert mine not in (forged, theirs) and helpline.app[WEBCHAT].session_ids.issued(mine)
        finally:
            other.close()


def test_a_delete_the_gateway_does_not_confirm_still_clears_this_browser_and_says_so(page: Page, helpline):
    sio = helpline.app[WEBCHAT].sio
    previous = sio.handlers.get("/", {}).get("delete_conversation")

    async def no_answer(sid: str, data: Any = None) -> None:
        return None

    sio.on("delete_conversation", no_answer)
    try:
        open_widget(page, helpline.site_url + "/")
        send(page, "hello")
        expect(messages(page)).to_have_count(3)
        page.get_by_role("button", name="End and delete chat").click()
        page.get_by_role("alertdialog").get_by_role("button", name="Delete it").click()
        expect(messages(page).first).to_have_text(f"Assistant: {wording.WIDGET_DELETE_UNCONFIRMED}", timeout=15_000)
        expect(messages(page)).to_have_count(1)
        assert page.evaluate("window.sessionStorage.length") == 0
    finally:
        if previous is None:
            sio.handlers.get("/", {}).pop("delete_conversation", None)
        else:
            sio.on("delete_conversation", previous)
