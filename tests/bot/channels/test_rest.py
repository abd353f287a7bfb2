"""REST as an integration API: JSON only, rate limits whose refusal carries the crisis lines, an optional token."""

from __future__ import annotations

import pytest
from test_gateway import settings_for

from bot.app import create_app
from bot.channels import rest
from bot.rate_limit import Buckets
from bot.store import conversations as convo
from bot.web_keys import DB
from core.limits import MAX_MESSAGE_CHARS

CRISIS = "i want to kill myself"


class StoppedClock:
    """Time stands still while a test posts: the buckets refill only when the test says."""

    now = 0.0

    def __call__(self) -> float:
        return self.now


def gateway(settings, clock):
    app = create_app(settings, channels=())
    app[rest.LIMITS] = rest.Limits(
        by_sender=Buckets(rest.SENDER_RATE, clock=clock), by_address=Buckets(rest.ADDRESS_RATE, clock=clock)
    )
    return app


@pytest.fixture
def clock():
    return StoppedClock()


@pytest.fixture
async def client(aiohttp_client, tmp_path, fake_rasa, clock):
    return await aiohttp_client(gateway(settings_for(tmp_path, fake_rasa.url), clock))


@pytest.fixture
async def client_with_token(aiohttp_client, tmp_path, fake_rasa, clock):
    return await aiohttp_client(gateway(settings_for(tmp_path, fake_rasa.url, rest_token="integration"), clock))


async def post(client, sender="alice", message="hello", **kwargs):
    return await client.post(rest.PATH, json={"sender": sender, "message": message}, **kwargs)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
async def test_a_cross_site_simple_post_is_refused_with_415_and_opens_nothing(client, fake_rasa, content_type):
    headers = {"Content-Type": content_type} if content_type else {"Content-Type": ""}
    body = '{"sender": "victim", "message": "' + CRISIS + '"}'
    resp = await client.post(rest.PATH, data=body, headers=headers)
    assert resp.status == 415 and "application/json" in (await resp.json())["error"]
    assert fake_rasa.received == []
    assert await client.app[DB].run(convo.conversation_by_address, "rest", "victim") is None


def test_the_app_has_its_limits_from_the_start(tmp_path):
    app = create_app(settings_for(tmp_path, "http://127.0.0.1:9"), channels=())
    assert app[rest.LIMITS].by_sender.rate == rest.SENDER_RATE


async def test_json_with_a_charset_is_json(client):
    resp = await client.post(
        rest.PATH,
        data='{"sender": "a", "message": "hello"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert resp.status == 200


async def test_one_sender_is_limited_and_the_refusal_carries_the_crisis_lines(client, fake_rasa, clock):
    for _ in range(int(rest.SENDER_RATE.capacity)):
        assert (await post(client, "bob")).status == 200
    refused = await post(client, "bob")
    assert refused.status == 429 and refused.headers["Retry-After"] == "2"
    error = (await refused.json())["error"]
    assert "wait 2 seconds" in error and "988" in error and "911" in error
    assert len(fake_rasa.received) == rest.SENDER_RATE.capacity
    assert (await post(client, "carol")).status == 200  # someone else is not held back by bob
    clock.now += 2
    assert (await post(client, "bob")).status == 200


async def test_a_refused_crisis_gets_the_crisis_reply_and_opens_no_ticket(client, fake_rasa):
    for _ in range(int(rest.SENDER_RATE.capacity)):
        await post(client, "dan")
    refused = await post(client, "dan", CRISIS)
    assert refused.status == 429
    error = (await refused.json())["error"]
    assert "911" in error and "988" in error and "741741" in error
    transcript = await client.app[DB].run(convo.conversation_by_address, "rest", "dan")
    assert CRISIS not in [m["text"] for m in transcript["messages"]]


async def test_one_address_is_limited_across_made_up_senders(client):
    statuses = [(await post(client, f"sender-{i}")).status for i in range(int(rest.ADDRESS_RATE.capacity) + 1)]
    assert statuses[:-1] == [200] * int(rest.ADDRESS_RATE.capacity) and statuses[-1] == 429


async def test_a_message_over_the_documented_length_is_413_with_the_crisis_lines(client):
    resp = await post(client, "erin", "x" * (MAX_MESSAGE_CHARS + 1))
    assert resp.status == 413 and "988" in (await resp.json())["error"]


async def test_with_a_token_only_its_holders_are_served(client_with_token, fake_rasa):
    assert (await post(client_with_token)).status == 401
    assert (await post(client_with_token, headers={"Authorization": "Bearer wrong"})).status == 401
    assert fake_rasa.received == []
    assert (await post(client_with_token, headers={"Authorization": "Bearer integration"})).status == 200


async def test_a_token_holder_speaks_for_many_people_from_one_address(client_with_token):
    auth = {"Authorization": "Bearer integration"}
    for i in range(int(rest.ADDRESS_RATE.capacity) + 5):
        assert (await post(client_with_token, f"person-{i}", headers=auth)).status == 200


async def test_rate_limits_turned_off_for_a_load_test_let_one_sender_go_on(aiohttp_client, tmp_path, fake_rasa, clock):
    client = await aiohttp_client(gateway(settings_for(tmp_path, fake_rasa.url, rest_rate_limits=False), clock))
    statuses = [(await post(client, "bench")).status for _ in range(int(rest.SENDER_RATE.capacity) + 5)]
    assert statuses == [200] * (int(rest.SENDER_RATE.capacity) + 5)
