"""The staff console against the real processes: the first admin from the environment, a handoff asked
for in plain words, what the assistant understood on each message, claim and reply."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def signed_in(helpline) -> tuple:
    """The first admin, made at start from CONSOLE_ADMIN_USERNAME and CONSOLE_ADMIN_PASSWORD."""
    url = helpline.url
    session = requests.Session()
    token = CSRF.search(session.get(f"{url}/console/login", timeout=10).text).group(1)
    resp = session.post(
        f"{url}/console/login",
        data={
            "username": helpline.env["CONSOLE_ADMIN_USERNAME"],
            "password": helpline.env["CONSOLE_ADMIN_PASSWORD"],
            "csrf_token": token,
        },
        timeout=10,
    )
    resp.raise_for_status()
    assert resp.url.endswith("/console"), resp.url  # a password from the environment need not be changed
    return session, CSRF.search(resp.text).group(1)


def test_a_person_asked_for_in_plain_words_reaches_the_console(helpline):
    sender = f"e2e-{uuid.uuid4().hex[:12]}"
    helpline.say(sender, "how much does iop cost")
    replies = helpline.say(sender, "can i please talk to a real person")
    assert any("team" in (r.get("text") or "") for r in replies), replies

    session, token = signed_in(helpline)
    conversation_id = helpline.api(f"/api/conversations/by-address/rest/{sender}")["id"]
    handoff_id = helpline.api(f"/api/handoffs?conversation={conversation_id}")[-1]["id"]
    assert f"/console/handoffs/{handoff_id}/claim" in session.get(f"{helpline.url}/console", timeout=10).text
    page = session.post(
        f"{helpline.url}/console/handoffs/{handoff_id}/claim", data={"csrf_token": token}, timeout=10
    ).text
    assert "You have this conversation" in page and f"REST client {sender[-6:]}" in page

    # What Rasa understood is read from its tracker after each turn, in the background.
    conversation_path = f"/console/conversations/{conversation_id}"
    deadline = time.monotonic() + 15
    while "understood as <strong>faq/cost</strong>" not in page and time.monotonic() < deadline:
        time.sleep(0.5)
        page = session.get(f"{helpline.url}{conversation_path}", timeout=10).text
    assert "understood as <strong>faq/cost</strong>" in page
    assert "understood as <strong>human_handoff</strong>" in page

    resp = session.post(
        f"{helpline.url}{conversation_path}/reply",
        data={"csrf_token": token, "text": "Hi, this is the intake team."},
        timeout=10,
    )
    assert "This visitor uses the REST API" in resp.text
    transcript = helpline.api(f"/api/conversations/by-address/rest/{sender}")
    assert transcript["messages"][-1]["author"] == "staff"
    assert transcript["messages"][-1]["text"] == "Hi, this is the intake team."
