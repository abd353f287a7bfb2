"""Changes staff should see, told to every gateway process at once through PostgreSQL's LISTEN/NOTIFY.

Each gateway hears its own changes directly (bot.events); this carries them to
the other gateways on the same database, so a console open on one sees a
ticket opened through another at once rather than on its next look. On SQLite
(one process) it does nothing. A notice carries no data, only "look again":
nothing about a visitor goes over it.
"""

from __future__ import annotations

import asyncio
import logging
import select
import threading
from typing import Any, Callable, Coroutine, Dict, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

CHANNEL = "helpline_changes"
RECONNECT_SECONDS = 2.0

Wake = Callable[[str, Dict[str, Any]], Coroutine[Any, Any, None]]


class ChangeNotices:
    def __init__(self, url: str):
        self.enabled = make_url(url).get_backend_name() == "postgresql"
        self._engine: Optional[Engine] = create_engine(url, future=True, poolclass=NullPool) if self.enabled else None
        self._pending = asyncio.Event()
        self._sender: Optional["asyncio.Task[None]"] = None
        self._stop = threading.Event()
        self._listener: Optional[threading.Thread] = None
        self.listening = threading.Event()  # set once LISTEN is in place (tests wait for it)

    async def publish(self, kind: str, data: Dict[str, Any]) -> None:
        """The events' listener: ask the sender to tell the others. Never waits on the database."""
        if self.enabled:
            self._pending.set()

    def start(self, wake: Wake) -> None:
        """Send our notices and listen for the others', calling `wake` on each (in the running loop)."""
        if not self.enabled:
            return
        loop = asyncio.get_running_loop()
        self._sender = loop.create_task(self._send_loop(), name="change-notices")
        self._listener = threading.Thread(target=self._listen, args=(loop, wake), name="change-notices", daemon=True)
        self._listener.start()

    async def stop(self) -> None:
        self._stop.set()
        if self._sender:
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)
        if self._listener:
            await asyncio.get_running_loop().run_in_executor(None, self._listener.join, 5)
        if self._engine:
            self._engine.dispose()

    async def _send_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._pending.wait()
            # Changes made meanwhile ride on this one notice: one NOTIFY however busy the gateway is.
            self._pending.clear()
            try:
                await loop.run_in_executor(None, self._notify)
            except Exception as exc:
                log.warning("could not tell the other gateways of a change: %s", exc)
                await asyncio.sleep(RECONNECT_SECONDS)

    def _notify(self) -> None:
        assert self._engine is not None
        with self._engine.begin() as connection:
            connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})

    def _listen(self, loop: asyncio.AbstractEventLoop, wake: Wake) -> None:
        assert self._engine is not None
        while not self._stop.is_set():
            try:
                fairy = self._engine.raw_connection()
                try:
                    connection = fairy.dbapi_connection
                    connection.autocommit = True
                    with connection.cursor() as cursor:
                        cursor.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        if select.select([connection], [], [], 1.0)[0]:
                            connection.poll()
                            if connection.notifies:
                                connection.notifies.clear()
                                asyncio.run_coroutine_threadsafe(wake("notice", {}), loop)
                finally:
                    fairy.close()
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("not hearing other gateways' changes (retrying): %s", exc)
                self._stop.wait(RECONNECT_SECONDS)
