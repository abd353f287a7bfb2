"""The gateway app over HTTP: REST channel, API, health and metrics (fake Rasa, SQLite)."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp.test_utils import TestClient
from fakes import dead_url

from bot.app import create_app
from bot.config import Settings
from bot.journal import Entry
from bot.store.database import Database
from bot.web_keys import JOURNAL, ROUTER
from core.limits import MAX_MESSAGE_CHARS

TOKEN = "api-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def settings_for(tmp_path, rasa_url, **overrides) -> Settings:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/gateway.db",
            "RASA_URL": rasa_url,
            "ACTION_SERVER_URL": rasa_url,  # the fake also answers the action server's /health
            "BOT_API_TOKEN": TOKEN,
            "RASA_TOKEN": "rasa-token",
        }
    )
    return dataclasses.replace(settings, **overrides)


@pytest.fixture
def client_for(aiohttp_client):
    async def make(settings: Settings, channels=()) -> TestClient:
        return await aiohttp_client(create_app(settings, channels=channels))

    return make


@pytest.fixture
async def client(client_for, tmp_path, fake_rasa):
    return await client_for(settings_for(tmp_path, fake_rasa.url))


async def say(client, sender, message, **extra):
    resp = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message, **extra})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_rest_refuses_a_message_over_the_limit_with_413_and_the_crisis_lines(client, fake_rasa):
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "a", "message": "x " * MAX_MESSAGE_CHARS})
    assert resp.status == 413
    error = (await resp.json())["error"]
    assert "too long" in error and "988" in error and fake_rasa.received == []


async def test_rest_replies_in_rasas_shape(client, fake_rasa):
    fake_rasa.says(
        {"text": "IOP is a structured program.", "buttons": [{"title": "Cost", "payload": "/cost"}]},
        {"custom": {"screen_result": {"level": "iop"}}},
    )
    assert await say(client, "alice", "what is iop", metadata={"page": "/faq"}) == [
        {
            "recipient_id": "alice",
            "text": "IOP is a structured program.",
            "buttons": [{"title": "Cost", "payload": "/cost"}],
        },
        {"recipient_id": "alice", "custom": {"screen_result": {"level": "iop"}}},
    ]
    assert fake_rasa.received[0]["metadata"] == {"page": "/faq", "channel": "rest"}


@pytest.mark.parametrize(
    "body, message",
    [
        ("not json", "must be JSON"),
        ([1, 2], "must be a JSON object"),
        ({"message": "hi"}, "'sender'"),
        ({"sender": "  ", "message": "hi"}, "'sender'"),
        ({"sender": "x" * 129, "message": "hi"}, "'sender'"),
        ({"sender": "a", "message": ""}, "'message'"),
        ({"sender": "a", "message": 5}, "'message'"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "'metadata'"),
    ],
)
async def test_rest_refuses_malformed_requests_with_a_reason(client, body, message):
    as_json = {"Content-Type": "application/json"}
    kwargs = {"data": body, "headers": as_json} if isinstance(body, str) else {"json": body}
    resp = await client.post("/webhooks/rest/webhook", **kwargs)
    assert resp.status == 400
    assert message in (await resp.json())["error"]


async def test_the_api_shows_the_transcript_and_the_handoffs(client, fake_rasa):
    fake_rasa.says(
        {"text": "Asking someone."},
        {"custom": {"handoff": {"reason": "Visitor asked for a person.", "priority": "normal"}}},
    )
    await say(client, "bob", "a real person please")
    resp = await client.get("/api/conversations/by-address/rest/bob", headers=AUTH)
    conversation = await resp.json()
    assert conversation["mode"] == "waiting" and conversation["channel"] == "rest"
    assert [m["author"] for m in conversation["messages"]] == ["visitor", "bot", "system"]
    by_id = await (await client.get(f"/api/conversations/{conversation['id']}", headers=AUTH)).json()
    assert by_id == conversation
    resp = await client.get(f"/api/handoffs?conversation={conversation['id']}", headers=AUTH)
    [ticket] = await resp.json()
    assert (ticket["reason"], ticket["priority"], ticket["status"]) == ("Visitor asked for a person.", "normal", "open")
    assert ticket["created_at"].endswith("+00:00")


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/conversations/nope", 404),
        ("/api/conversations/by-address/rest/nobody", 404),
        ("/api/handoffs", 400),
        ("/api/handoffs?conversation=nope", 200),
    ],
)
async def test_api_answers_for_what_does_not_exist(client, path, status):
    assert (await client.get(path, headers=AUTH)).status == status


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
async def test_api_needs_the_bearer_token(client, headers):
    resp = await client.get("/api/handoffs?conversation=x", headers=headers)
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"] == "Bearer"


async def test_without_a_token_the_api_is_off_and_says_so(client_for, tmp_path, fake_rasa):
    client = await client_for(settings_for(tmp_path, fake_rasa.url, bot_api_token=None))
    resp = await client.get("/api/handoffs?conversation=x", headers={"Authorization": "Bearer "})
    assert resp.status == 503
    assert "BOT_API_TOKEN" in (await resp.json())["error"]
    assert (await client.get("/healthz")).status == 200  # the rest is not affected


async def test_healthz_reports_each_part(client):
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {
        "gateway": "ok",
        "database": "ok",
        "rasa": "ok",
        "action_server": "ok",
        "crisis_escalation": "ok",
        "journal": {"waiting": 0, "crises": 0},
    }


async def test_healthz_with_rasa_down_still_serves_and_says_what_is_down(client_for, tmp_path):
    client = await client_for(settings_for(tmp_path, dead_url()))
    resp = await client.get("/healthz")
    assert resp.status == 200
    body = await resp.json()
    assert {k: body[k] for k in ("gateway", "database", "rasa", "action_server", "crisis_escalation")} == {
        "gateway": "ok",
        "database": "ok",
        "rasa": "down",
        "action_server": "down",
        "crisis_escalation": "ok",
    }


async def test_rest_with_rasa_down_still_answers_a_crisis_first(client_for, tmp_path):
    client = await client_for(settings_for(tmp_path, dead_url()))
    replies = await say(client, "carol", "i want to kill myself")
    assert "988" in replies[0]["text"] and "911" in replies[0]["text"]
    replies = await say(client, "dave", "what are your hours")
    assert "(555) 010-0147" in replies[0]["text"]  # the program phone, from program.yml


async def test_metrics_are_prometheus_text(client, fake_rasa):
    await say(client, "erin", "hello")
    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.content_type == "text/plain"
    body = await resp.text()
    assert 'helpline_inbound_messages_total{channel="rest"} 1.0' in body
    assert "helpline_reply_seconds_bucket" in body


async def test_the_router_is_shared_by_the_app(client):
    assert client.server.app[ROUTER].contact().phone == "(555) 010-0147"


def test_every_door_is_mounted_by_create_app(tmp_path):
    app = create_app(settings_for(tmp_path, "http://127.0.0.1:9"))
    paths = set()
    for resource in app.router.resources():
        info = resource.get_info()
        if "app" in info:  # a sub-app: its own routes, under its prefix
            paths |= {
                r.get_info().get("path") or r.get_info().get("formatter") or r.get_info().get("prefix")
                for r in info["app"].router.resources()
            }
        else:
            paths.add(info.get("path") or info.get("formatter") or info.get("prefix"))
    for door in (
        "/",
        "/webhooks/rest/webhook",
        "/webhooks/twilio/sms",
        "/healthz",
        "/metrics",
        "/chat/assets",
        "/console",
        "/console/login",
        "/console/live",
        "/console/assets",
        "/api/conversations/{id}",
        "/api/queue",
        "/api/dashboard",
        "/api/audit",
        "/api/handoffs",
    ):
        assert door in paths, door


def test_an_unknown_channel_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown channels"):
        create_app(settings_for(tmp_path, "http://127.0.0.1:9"), channels=("fax",))


async def test_rest_refuses_json_nested_too_deep_with_400(client):
    deep = '{"sender": "a", "message": ' + "[" * 100_000 + "]" * 100_000 + "}"
    resp = await client.post("/webhooks/rest/webhook", data=deep, headers={"Content-Type": "application/json"})
    assert resp.status == 400


async def test_rest_message_id_makes_a_retry_safe_stored_once_answered_the_same(client, fake_rasa):
    first = await say(client, "frank", "what is iop", message_id="m-1")
    again = await say(client, "frank", "what is iop", message_id="m-1")
    other_sender = await say(client, "gina", "what is iop", message_id="m-1")
    assert again == first and other_sender[0]["recipient_id"] == "gina"
    assert [body["sender"] for body in fake_rasa.received].count(fake_rasa.received[0]["sender"]) == 1
    data = await (await client.get("/api/conversations/by-address/rest/frank", headers=AUTH)).json()
    assert [m["text"] for m in data["messages"] if m["author"] == "visitor"] == ["what is iop"]


@pytest.mark.parametrize("message_id", ["", "has space", "x" * 65, 7])
async def test_rest_refuses_a_malformed_message_id(client, message_id):
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "a", "message": "hi", "message_id": message_id})
    assert resp.status == 400 and "'message_id'" in (await resp.json())["error"]


async def test_rest_never_answers_200_for_a_message_nobody_kept(client_for, tmp_path, fake_rasa):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    down = "postgresql://postgres@" + dead_url().removeprefix("http://") + "/test"
    settings = settings_for(tmp_path, fake_rasa.url, journal_file=not_a_directory / "journal.jsonl")
    client = await client_for(settings)
    # The store goes away after start-up (migrations ran); the journal cannot be written either.
    client.server.app[ROUTER].db = Database(down)
    resp = await client.post("/webhooks/rest/webhook", json={"sender": "h", "message": "what is iop"})
    assert resp.status == 503 and "988" in (await resp.json())["error"]
    crisis = await client.post("/webhooks/rest/webhook", json={"sender": "h", "message": "i want to kill myself"})
    assert crisis.status == 200 and "988" in (await crisis.json())[0]["text"]
    client.server.app[ROUTER].db.dispose()


async def test_healthz_says_crisis_escalation_is_degraded_while_a_crisis_waits_in_the_journal(
    client_for, tmp_path, fake_rasa
):
    client = await client_for(settings_for(tmp_path, fake_rasa.url))
    journal = client.server.app[JOURNAL]
    await journal.keep(Entry("rest", "i", "help", "gw-1", [], {"reason": "Crisis", "summary": ""}))
    body = await (await client.get("/healthz")).json()
    assert body["crisis_escalation"] == "degraded" and body["journal"] == {"waiting": 1, "crises": 1}
    await journal.replay(client.server.app[ROUTER].store_kept)
    body = await (await client.get("/healthz")).json()
    assert body["crisis_escalation"] == "ok" and body["journal"] == {"waiting": 0, "crises": 0}
