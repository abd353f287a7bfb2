"""The console's live feed: one websocket per open console page.

Whatever changes the queue or a transcript wakes one loop that reads the
queue from the store and pushes it to every page, with the ids of the
conversations that have new messages. Changes made through another gateway
replica on the same PostgreSQL database wake it too (bot/store/notices.py);
the loop also looks every few seconds, whatever it heard.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Set

from aiohttp import WSMsgType, web

from bot.console.sessions import STAFF, same_origin, staff_only
from bot.json_text import json_dumps
from bot.store import queue as queue_store
from bot.store.database import Database
from bot.web_keys import LIVE

log = logging.getLogger(__name__)

POLL_SECONDS = 3.0
HEARTBEAT_SECONDS = 25.0


class LiveFeed:
    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS):
        self.db = db
        self.poll_seconds = poll_seconds
        self.sockets: Dict[web.WebSocketResponse, str] = {}
        self._wake = asyncio.Event()
        self._last_queue: Optional[str] = None
        self._last_message_id: Optional[int] = None

    def staff_online(self) -> int:
        """Distinct staff members with a console page open: the router tells visitors whether someone is here."""
        return len(set(self.sockets.values()))

    async def notify(self, kind: str, data: Dict[str, Any]) -> None:
        """The router's hook: something changed, look now."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if not self.sockets:
                # Nobody is watching: no need to read the store. Start afresh when someone connects.
                self._last_queue = self._last_message_id = None
                continue
            try:
                await self.publish()
            except Exception:
                log.exception("console live feed: could not read or push the queue")

    async def publish(self, force: bool = False) -> None:
        queue, latest, changed, active = await self.db.run(queue_store.changes_since, self._last_message_id)
        await self._drop_inactive(active)
        queue_json = json_dumps(queue)
        messages_changed = latest != self._last_message_id
        if not (force or queue_json != self._last_queue or messages_changed):
            return
        self._last_queue, self._last_message_id = queue_json, latest
        await self.broadcast({"type": "update", "queue": queue, "changed_conversations": changed})

    async def _drop_inactive(self, active: Set[str]) -> None:
        """A disabled account stops receiving the queue at once, not when its page is closed."""
        for ws, username in list(self.sockets.items()):
            if username not in active:
                self.sockets.pop(ws, None)
                await ws.close(code=4401, message=b"signed out")

    async def broadcast(self, event: Dict[str, Any]) -> None:
        text = json_dumps(event)
        for ws in list(self.sockets):
            try:
                await ws.send_str(text)
            except (ConnectionError, RuntimeError):
                self.sockets.pop(ws, None)

    async def snapshot(self) -> Dict[str, Any]:
        queue, _, _, _ = await self.db.run(queue_store.changes_since, None)
        return {"type": "update", "queue": queue, "changed_conversations": []}


@staff_only
async def socket(request: web.Request) -> web.WebSocketResponse:
    # Browsers send Origin on websockets; a page on another site must not ride our cookie.
    if not same_origin(request, origin_required=True):
        raise web.HTTPForbidden(text="Cross-site websocket refused.")
    feed = request.config_dict[LIVE]
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await ws.prepare(request)
    feed.sockets[ws] = request[STAFF]["username"]
    try:
        await ws.send_str(json_dumps(await feed.snapshot()))
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break  # the console only listens; what a page sends is ignored
    finally:
        feed.sockets.pop(ws, None)
    return ws


async def hang_up(app: web.Application) -> None:
    # Open sockets would otherwise hold a shutdown until they time out.
    feed = app.get(LIVE)
    for ws in list(feed.sockets if feed else ()):
        await ws.close(code=1001, message=b"server shutting down")
