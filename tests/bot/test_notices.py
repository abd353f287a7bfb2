"""Gateways on one PostgreSQL database tell each other of changes at once (LISTEN/NOTIFY); on SQLite, nothing."""

from __future__ import annotations

import asyncio

from bot.store.notices import ChangeNotices


class Woken:
    def __init__(self) -> None:
        self.times = 0
        self.event = asyncio.Event()

    async def __call__(self, kind, data) -> None:
        self.times += 1
        self.event.set()


async def listening(notices: ChangeNotices) -> None:
    assert await asyncio.get_running_loop().run_in_executor(None, notices.listening.wait, 20)


async def test_a_change_on_one_gateway_wakes_the_other(postgres_url):
    one, other = ChangeNotices(postgres_url), ChangeNotices(postgres_url)
    woken = Woken()
    one.start(Woken())
    other.start(woken)
    try:
        await listening(other)
        await one.publish("queue", {"handoff_id": 1})
        await asyncio.wait_for(woken.event.wait(), 5)
        assert woken.times >= 1
    finally:
        await one.stop()
        await other.stop()


async def test_a_burst_of_changes_is_a_few_notices(postgres_url):
    one, other = ChangeNotices(postgres_url), ChangeNotices(postgres_url)
    woken = Woken()
    one.start(Woken())
    other.start(woken)
    try:
        await listening(other)
        for n in range(100):
            await one.publish("message", {"conversation_id": str(n)})
        await asyncio.wait_for(woken.event.wait(), 5)
        await asyncio.sleep(0.5)
        assert 1 <= woken.times < 100
    finally:
        await one.stop()
        await other.stop()


async def test_on_sqlite_there_is_nobody_else_to_tell(tmp_path):
    notices = ChangeNotices(f"sqlite:///{tmp_path}/h.db")
    woken = Woken()
    notices.start(woken)
    await notices.publish("queue", {})
    await asyncio.sleep(0.2)
    await notices.stop()
    assert not notices.enabled and woken.times == 0
