"""Several Rasa processes: each conversation sticks to one, and moves on only when that one cannot be reached."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from fakes import FakeRasa

from bot.rasa_client import RasaClient, RasaUnavailable, sticky_order


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def two_rasas():
    first, second = await FakeRasa().start(), await FakeRasa().start()
    yield first, second
    await first.close()
    await second.close()


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_order_starts_at_the_conversations_own_and_tries_every_one_once(count):
    for n in range(50):
        order = sticky_order(f"conversation-{n}", count)
        assert sorted(order) == list(range(count))
        assert order == sticky_order(f"conversation-{n}", count)  # the same every time, on every gateway


def test_conversations_are_spread_over_the_processes():
    firsts = [sticky_order(f"c{n}", 3)[0] for n in range(300)]
    assert all(60 < firsts.count(i) < 140 for i in range(3))


def senders_of(rasa):
    return {body["sender"] for body in rasa.received}


async def test_each_conversation_always_goes_to_the_same_rasa(http, two_rasas):
    first, second = two_rasas
    client = RasaClient(http, first.url, token=first.token, replicas=[second.url])
    for turn in range(3):
        for n in range(20):
            await client.send(f"c{n}", f"turn {turn}")
    assert senders_of(first) and senders_of(second)
    assert not senders_of(first) & senders_of(second)
    assert len(first.received) + len(second.received) == 60


async def test_a_rasa_that_cannot_be_reached_hands_its_conversations_to_the_next(http, fake_rasa):
    dead = dead_url()
    client = RasaClient(http, dead, token=fake_rasa.token, replicas=[fake_rasa.url])
    conversations = [f"c{n}" for n in range(10)]
    assert any(sticky_order(c, 2)[0] == 0 for c in conversations)  # some belong to the dead one
    for c in conversations:
        assert (await client.send(c, "hello"))[0]["text"] == "echo: hello"
    assert senders_of(fake_rasa) == set(conversations)
    assert await client.healthy()


async def test_an_error_answer_is_not_sent_again_elsewhere(http, two_rasas):
    first, second = two_rasas
    for rasa in two_rasas:
        rasa.answer = lambda body: (500, {"error": "boom"})
    client = RasaClient(http, first.url, token=first.token, replicas=[second.url])
    with pytest.raises(RasaUnavailable, match="HTTP 500"):
        await client.send("c1", "hello")
    assert len(first.received) + len(second.received) == 1


async def test_when_none_can_be_reached_the_turn_is_unavailable(http):
    client = RasaClient(http, dead_url(), replicas=[dead_url()])
    with pytest.raises(RasaUnavailable):
        await client.send("c1", "hello")
    assert not await client.healthy()


async def test_the_tracker_is_read_from_the_conversations_own_rasa(http, two_rasas):
    first, second = two_rasas
    client = RasaClient(http, first.url, token=first.token, replicas=[second.url])
    await client.send("c7", "hello")
    await client.latest_message("c7")
    own = first if first.received else second
    assert [r["sender"] for r in own.tracker_requests] == ["c7"]
