"""The console's live feed: one websocket per open console page.

Whatever changes the queue or a transcript wakes one loop that reads the
queue from the store and pushes it to every page, with the ids of the
conversations that have new messages. Changes made through another gateway
replica on the same PostgreSQL database wake it too (bot/store/notices.py);
the loop also looks every few seconds, whatever it heard.

Each page also gets its own member's unread counts, and typing signals
(a yes or no, never text) pass straight through. A page may send one thing:
that its member is typing in a conversation they hold.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional, Set

from aiohttp import WSMsgType, web

from bot import events as ev
from bot.console.sessions import STAFF, same_origin, staff_only
from bot.json_text import json_dumps
from bot.store import queue as queue_store
from bot.store import reads as reads_store
from bot.store.database import Database
from bot.web_keys import HANDOFFS, LIVE

log = logging.getLogger(__name__)

POLL_SECONDS = 3.0
HEARTBEAT_SECONDS = 25.0


class LiveFeed:
    def __init__(self, db: Database, poll_seconds: float = POLL_SECONDS):
        self.db = db
        self.poll_seconds = poll_seconds
        self.sockets: Dict[web.WebSocketResponse, str] = {}
        # The session version each socket was opened with: a sign-out elsewhere closes it too.
        self.versions: Dict[web.WebSocketResponse, int] = {}
        self._wake = asyncio.Event()
        self._last_queue: Optional[str] = None
        self._last_message_id: Optional[int] = None
        self._last_unread: Dict[str, str] = {}
        self._touched: Set[str] = set()  # conversations changed without a new message (a note)

    def staff_online(self) -> int:
        """Distinct staff members with a console page open: the router tells visitors whether someone is here."""
        return len(set(self.sockets.values()))

    async def notify(self, kind: str, data: Dict[str, Any]) -> None:
        """The router's hook: something changed, look now (typing is passed on as it is)."""
        if kind in (ev.STAFF_TYPING, ev.VISITOR_TYPING):
            who = "staff" if kind == ev.STAFF_TYPING else "visitor"
            await self.broadcast(
                {
                    "type": "typing",
                    "who": who,
                    "conversation_id": data.get("conversation_id"),
                    "typing": bool(data.get("typing")),
                }
            )
            return
        if kind == ev.NOTE and data.get("conversation_id"):
            self._touched.add(data["conversation_id"])
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
                self._last_unread = {}
                continue
            try:
                await self.publish()
            except Exception:
                log.exception("console live feed: could not read or push the queue")

    async def publish(self, force: bool = False) -> None:
        queue, latest, changed, active = await self.db.run(queue_store.changes_since, self._last_message_id)
        await self._drop_inactive(active)
        touched, self._touched = self._touched, set()
        changed = sorted(set(changed) | touched)
        unread = {u: await self.db.run(reads_store.unread_held, u) for u in set(self.sockets.values())}
        unread_json = {u: json_dumps(counts) for u, counts in unread.items()}
        queue_json = json_dumps(queue)
        messages_changed = latest != self._last_message_id or bool(touched)
        if not (force or queue_json != self._last_queue or messages_changed or unread_json != self._last_unread):
            return
        self._last_queue, self._last_message_id, self._last_unread = queue_json, latest, unread_json
        for ws, username in list(self.sockets.items()):
            event = {
                "type": "update",
                "queue": queue,
                "changed_conversations": changed,
                "unread": unread.get(username, {}),
            }
            await self._send(ws, json_dumps(event))

    async def _drop_inactive(self, active: Dict[str, int]) -> None:
        """A disabled or signed-out account stops receiving the queue at once, not when its page is closed."""
        for ws, username in list(self.sockets.items()):
            if username not in active or active[username] != self.versions.get(ws, active[username]):
                self.sockets.pop(ws, None)
                self.versions.pop(ws, None)
                await ws.close(code=4401, message=b"signed out")

    async def broadcast(self, event: Dict[str, Any]) -> None:
        text = json_dumps(event)
        for ws in list(self.sockets):
            await self._send(ws, text)

    async def _send(self, ws: web.WebSocketResponse, text: str) -> None:
        try:
            await ws.send_str(text)
        except (ConnectionError, RuntimeError):
            self.sockets.pop(ws, None)

    async def snapshot(self, username: str) -> Dict[str, Any]:
        queue, _, _, _ = await self.db.run(queue_store.changes_since, None)
        unread = await self.db.run(reads_store.unread_held, username)
        return {"type": "update", "queue": queue, "changed_conversations": [], "unread": unread}


async def _typing(request: web.Request, data: Any) -> None:
    """A page says its member is (or stopped) typing; passed on only for a conversation they hold."""
    if not (isinstance(data, dict) and data.get("type") == "typing" and isinstance(data.get("conversation_id"), str)):
        return
    conversation_id = data["conversation_id"]
    holder = await request.config_dict[LIVE].db.run(queue_store.holder_of, conversation_id)
    if holder != request[STAFF]["username"]:
        return
    await request.config_dict[HANDOFFS].staff_typing(conversation_id, bool(data.get("typing")))


@staff_only
async def socket(request: web.Request) -> web.WebSocketResponse:
    # Browsers send Origin on websockets; a page on another site must not ride our cookie.
    if not same_origin(request, origin_required=True):
        raise web.HTTPForbidden(text="Cross-site websocket refused.")
    feed = request.config_dict[LIVE]
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
    await ws.prepare(request)
    feed.sockets[ws] = request[STAFF]["username"]
    feed.versions[ws] = request[STAFF]["session_version"]
    try:
        await ws.send_str(json_dumps(await feed.snapshot(request[STAFF]["username"])))
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break
            if message.type == WSMsgType.TEXT and len(message.data) < 500:
                try:
                    await _typing(request, json.loads(message.data))
                except ValueError:
                    pass  # anything else a page sends is ignored
    finally:
        feed.sockets.pop(ws, None)
        feed.versions.pop(ws, None)
    return ws


async def hang_up(app: web.Application) -> None:
    # Open sockets would otherwise hold a shutdown until they time out.
    feed = app.get(LIVE)
    for ws in list(feed.sockets if feed else ()):
        await ws.close(code=1001, message=b"server shutting down")
