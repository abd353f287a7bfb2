"""Privacy against the real Rasa: its channel needs the gateway's token, no command line shows it, and a
purge removes a conversation from Rasa's tracker store as well as the transcript store."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e

RASA_TOKEN = "e2e-rasa-token"
ROOT = Path(__file__).resolve().parents[2]


def rasa(helpline) -> str:
    return f"http://127.0.0.1:{helpline.rasa_port}"


def test_rasas_channel_refuses_a_caller_without_the_gateways_token(helpline):
    body = {"sender": f"direct-{uuid.uuid4().hex[:8]}", "message": "hello"}
    assert requests.post(f"{rasa(helpline)}/webhooks/gateway/webhook", json=body, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer guessed"}
    assert (
        requests.post(f"{rasa(helpline)}/webhooks/gateway/webhook", json=body, headers=wrong, timeout=30).status_code
        == 401
    )
    # Rasa's own REST channel, which asked for nothing, is not there at all.
    assert requests.post(f"{rasa(helpline)}/webhooks/rest/webhook", json=body, timeout=30).status_code == 404
    right = {"Authorization": f"Bearer {RASA_TOKEN}"}
    resp = requests.post(f"{rasa(helpline)}/webhooks/gateway/webhook", json=body, headers=right, timeout=60)
    assert resp.status_code == 200 and resp.json()


def test_no_command_line_shows_the_rasa_token(helpline):
    """What `ps` shows every local user: /proc/<pid>/cmdline of every process."""
    assert helpline.procs["rasa"].poll() is None
    shown = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            shown.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    rasa_lines = [line for line in shown if "connectors.run" in line]
    assert rasa_lines, "the Rasa child is not among the processes"
    assert not [line for line in shown if RASA_TOKEN in line]


def tracker_events(helpline, conversation_id: str) -> list:
    resp = requests.get(
        f"{rasa(helpline)}/conversations/{conversation_id}/tracker",
        params={"token": RASA_TOKEN, "include_events": "ALL"},
        timeout=30,
    )
    resp.raise_for_status()
    return resp.json().get("events") or []


def test_a_purge_removes_the_conversation_from_rasas_tracker_store_too(helpline):
    sender = f"e2e-{uuid.uuid4().hex[:12]}"
    secret = "my name is Jo Example and I drink every night"
    helpline.say(sender, secret)
    conversation_id = helpline.api(f"/api/conversations/by-address/rest/{sender}")["id"]
    assert any(e.get("text") == secret for e in tracker_events(helpline, conversation_id))

    result = subprocess.run(
        [sys.executable, "-m", "bot", "purge", "--conversation", conversation_id],
        cwd=ROOT,
        env=helpline.env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Removed 1 conversation" in result.stdout
    assert not any(e.get("event") == "user" for e in tracker_events(helpline, conversation_id))
    gone = requests.get(
        f"{helpline.url}/api/conversations/{conversation_id}",
        headers={"Authorization": f"Bearer {helpline.env['BOT_API_TOKEN']}"},
        timeout=10,
    )
    assert gone.status_code == 404
