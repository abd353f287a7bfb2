"""The gateway restarted while a visitor has the chat open: the page reconnects and the conversation goes on."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect
from test_page import messages, open_chat, send


class Restartable:
    """A gateway on a fixed port and store, so a new process-like start is where the page expects it."""

    def __init__(self, folder: Path, gateway_thread):
        self.gateway_thread = gateway_thread
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.folder = folder
        self.thread = gateway_thread(folder, self.port)
        self.thread.start()
        self.helpline = self.thread.ready.result(30)

    @property
    def url(self) -> str:
        return self.helpline.url

    def stop(self) -> None:
        self.thread.stop()

    def start(self) -> None:
        self.thread = self.gateway_thread(self.folder, self.port)
        self.thread.start()
        self.helpline = self.thread.ready.result(30)


@pytest.fixture
def gateway(tmp_path, gateway_thread) -> Iterator[Restartable]:
    restartable = Restartable(tmp_path, gateway_thread)
    yield restartable
    restartable.stop()


def test_after_a_gateway_restart_the_page_reconnects_and_the_conversation_continues(page: Page, gateway):
    open_chat(page, gateway.url)
    send(page, "what is iop")
    expect(messages(page)).to_have_count(3)
    session = page.evaluate("window.sessionStorage.getItem('helpline-chat-session')")

    gateway.stop()
    expect(page.get_by_role("status")).not_to_have_text("Connected", timeout=20_000)
    # Typed while the gateway is away: kept on the page and sent once it is back.
    send(page, "are you still there")
    gateway.start()
    expect(page.get_by_role("status")).to_have_text("Connected", timeout=30_000)
    expect(messages(page).last).to_have_text("Assistant: You asked: are you still there", timeout=15_000)
    send(page, "finish the screen")
    expect(messages(page).last).to_contain_text("A clinician will confirm", timeout=15_000)

    transcript = gateway.helpline.transcript(session)
    visitor = [m["text"] for m in transcript["messages"] if m["author"] == "visitor"]
    assert visitor == ["what is iop", "are you still there", "finish the screen"]  # each once, in order
    # The page shows each of them once too.
    texts = [" ".join(t.split()) for t in messages(page).all_text_contents()]
    shown = [t for t in texts if t.startswith("You:")]
    assert shown == ["You: what is iop", "You: are you still there", "You: finish the screen"]
