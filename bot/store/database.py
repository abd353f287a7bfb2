"""The store as the async gateway uses it: synchronous sessions in a thread pool.

Each call opens a session, runs one store function in a transaction, commits
and closes: short transactions, nothing shared between threads.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.db import make_engine, make_sessionmaker, upgrade

T = TypeVar("T")

# Two first messages from one address (or one retried message) can race on a
# unique key; the loser runs again and then finds the winner's row.
ATTEMPTS = 3


class Database:
    def __init__(self, url: str, threads: int = 8):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="db")

    async def migrate(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._pool, upgrade, self.engine)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.sessions.begin() as session:
                    return fn(session, *args)
            except IntegrityError:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(session, *args) in a transaction, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(self.call, fn, *args))

    async def ping(self) -> bool:
        def select_one(session: Session) -> bool:
            return session.execute(text("SELECT 1")).scalar() == 1

        try:
            return await asyncio.wait_for(self.run(select_one), timeout=5)
        except Exception:
            return False

    def dispose(self) -> None:
        self._pool.shutdown(wait=True)
        self.engine.dispose()
