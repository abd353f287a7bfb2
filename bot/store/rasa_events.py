"""What Rasa understood a message as, read from Rasa's own tracker store (its `events` table).

Rasa's REST channel does not say which intent a message was. Asking Rasa's HTTP
API for the tracker replays the whole conversation on Rasa's busy CPU on every
turn (9 ms at turn 1, over 100 ms at turn 120); the user event Rasa saved before
it replied holds the same `parse_data` as the tracker's `latest_message`, and
one indexed row read finds it. Read only: Rasa owns this table, and its schema
is Rasa 3.6's `SQLTrackerStore` (sender_id, type_name, data as JSON text).
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

LATEST_USER_EVENT = text(
    "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id DESC LIMIT 1"
)


def make_reader(url: str, pool_size: int = 2) -> Engine:
    """An engine that only reads, its connections kept open; on SQLite it never takes a write lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # Read-only: a gateway started before Rasa must not create Rasa's file (nor write to it, ever).
            parsed = parsed.set(database=f"file:{parsed.database}", query={"mode": "ro", "uri": "true"})
        return create_engine(
            parsed,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 5},
            poolclass=QueuePool,
            pool_size=pool_size,
        )
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=pool_size)


def latest_parse(engine: Engine, sender: str) -> Optional[Dict[str, Any]]:
    """The `parse_data` of the sender's latest message as Rasa stored it; None if there is none."""
    with engine.connect() as connection:
        data = connection.execute(LATEST_USER_EVENT, {"sender": sender}).scalar()
    if not data:
        return None
    event = json.loads(data)
    parse = event.get("parse_data") if isinstance(event, dict) else None
    if not isinstance(parse, dict):
        return None
    # The event keeps the text beside parse_data too; parse_data's own copy is what the tracker shows.
    return {"text": event.get("text"), **parse}


class TrackerEvents:
    """Reads Rasa's tracker store off the event loop."""

    def __init__(self, url: str, threads: int = 2):
        self.engine = make_reader(url, pool_size=threads)
        self.failed_before = False
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rasa-events")

    async def latest_message(self, sender: str) -> Optional[Dict[str, Any]]:
        return await asyncio.get_running_loop().run_in_executor(self._pool, latest_parse, self.engine, sender)

    def dispose(self) -> None:
        self._pool.shutdown(wait=True)
        self.engine.dispose()
