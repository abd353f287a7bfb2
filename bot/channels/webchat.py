"""Web chat: Rasa's socketio protocol on the gateway, and the demo page at `/`.

The protocol is the one Rasa's own socketio channel speaks with
`session_persistence: true`, so the `rasa-webchat` widget works unchanged:

    session_request {session_id?}    -> session_confirm "<session_id>"
    user_uttered {message, session_id, message_id?} -> bot_uttered {...} (one per message part)

`message_id` (optional; letters, digits, - and _, at most 64) makes a resend
after a reconnect safe: the conversation's message with that id is stored
once, and the resend gets the answer the first one got.

The session id is the conversation's address: a page that reloads and asks for
the same session id is back in the same conversation, and staff replies sent
while it was away reach it through that room. Only ids the gateway issued are
accepted (`web_sessions`): a made-up one gets a new session.

Pages on the program's own sites (WEB_CHAT_ORIGINS) may connect across
origins; a handshake from any other origin is refused (400).

Two things go beyond Rasa's channel, opt-in so plain Rasa clients see exactly
what Rasa would send them:

- A client that sends `"features": ["author_metadata"]` in its session request
  gets `metadata: {author, staff_name}` on each bot_uttered and the
  conversation so far as `session_history`. rasa-webchat renders a message as
  text only when `text` is its only key besides `metadata`, so for every other
  client a staff member's name goes at the start of the text instead.
- `custom` payloads are forwarded only in Rasa's socketio shape
  (`{"data": ...}`): the others (handoff requests, screen results) are for the
  gateway and the staff, not for the browser.

Our widgets (the page at / and the embedded one, bot/static/widget.js) also hear

    staff_typing {typing: bool, staff_name?}   (WebChat.staff_typing)

and say `visitor_typing {typing: bool}` (only whether, never what);

the embedded one asks `delete_conversation` (no payload), expecting
`conversation_deleted {text}` once the gateway has forgotten the session.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import jinja2
import socketio
from aiohttp import web

from bot import guards
from bot.channels.embed import OriginPolicy, program_contact
from bot.channels.web_sessions import SessionIds
from bot.retention import FORGETTING
from bot.store.retention import AFTER_CRISIS
from bot.turn import CLIENT_MESSAGE_ID, Inbound, Reply, client_message_key
from bot.web_keys import DELIVERIES, METRICS, ROUTER
from core import wording

log = logging.getLogger(__name__)

CHANNEL = "web"
BOT_EVENT = "bot_uttered"
USER_EVENT = "user_uttered"
HISTORY_EVENT = "session_history"
STAFF_TYPING_EVENT = "staff_typing"  # to the page: {"typing": bool}
VISITOR_TYPING_EVENT = "visitor_typing"  # from the page: {"typing": bool}
TYPING_REPEAT_SECONDS = 3.0
AUTHOR_METADATA = "author_metadata"
# The visitor's delete control: the widget sends DELETE_EVENT (no payload); we answer DELETED_EVENT {"text"}.
DELETE_EVENT = "delete_conversation"
DELETED_EVENT = "conversation_deleted"

# The widget caps input at 4000 characters like the REST channel; longer text
# from another client still goes through the safety net in full, up to what
# the transport accepts.
MAX_TRANSPORT_BYTES = 64 * 1024
HISTORY_LIMIT = 200

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
NODE_MODULES = PACKAGE.parent / "node_modules"
SOCKET_IO_CLIENT = NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"


WEBCHAT: "web.AppKey[WebChat]" = web.AppKey("webchat")

# (session id) -> the conversation so far, oldest first, in the shape of
# `history_entry`; None when there is none.
HistoryLoader = Callable[[web.Application, str], Awaitable[Optional[List[Dict[str, Any]]]]]


@dataclass
class Visitor:
    session_id: str
    author_metadata: bool


class Turn:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


def quick_replies(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", b.get("title", ""))}
        for b in buttons
    ]


def display_text(text: str, author: str, staff_name: Optional[str], author_metadata: bool) -> str:
    if author == "staff" and staff_name and not author_metadata:
        return f"{staff_name} (staff): {text}"
    return text


def render(reply: Reply, author_metadata: bool) -> List[Any]:
    """The bot_uttered payloads for one reply, in the order Rasa's channel emits them."""
    messages: List[Any] = []
    text = reply.text or ""
    if reply.buttons or text.strip():
        parts = text.strip().split("\n\n")
        messages = [{"text": p} for p in parts]
        messages[0]["text"] = display_text(parts[0], reply.author, reply.staff_name, author_metadata)
        if reply.buttons:
            messages[-1]["quick_replies"] = quick_replies(reply.buttons)
        if author_metadata:
            meta = {"author": reply.author}
            if reply.staff_name:
                meta["staff_name"] = reply.staff_name
            for m in messages:
                m["metadata"] = dict(meta)
    if isinstance(reply.custom, dict) and "data" in reply.custom:
        messages.append(reply.custom["data"])
    return messages


def history_entry(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One stored message as the page shows it after a reload; None for what it doesn't show."""
    author = message.get("author")
    text = message.get("text") or ""
    if author not in ("visitor", "bot", "system", "staff") or not text.strip():
        return None
    entry: Dict[str, Any] = {"author": author, "text": text}
    if author == "staff" and message.get("staff_name"):
        entry["staff_name"] = message["staff_name"]
    payload = message.get("payload") or {}
    if isinstance(payload, dict) and payload.get("buttons"):
        entry["quick_replies"] = quick_replies(payload["buttons"])
    return entry


def split_entry(entry: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Parts as they were shown live: a reply's paragraphs are separate messages, buttons on the last."""
    if entry["author"] == "visitor":
        return [entry]
    parts = [dict(entry, text=p) for p in entry["text"].strip().split("\n\n")]
    for part in parts[:-1]:
        part.pop("quick_replies", None)
    return parts


def history_entries(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A stored transcript as the page redraws it: the last HISTORY_LIMIT messages it can show."""
    entries = [part for e in (history_entry(m) for m in messages) if e for part in split_entry(e)]
    entries = entries[-HISTORY_LIMIT:]
    # Only the last message's buttons can still be answered.
    for e in entries[:-1]:
        e.pop("quick_replies", None)
    return entries


async def stored_history(app: web.Application, session_id: str) -> Optional[List[Dict[str, Any]]]:
    from bot.store import conversations as convo
    from bot.web_keys import DB

    data = await app[DB].run(convo.conversation_by_address, CHANNEL, session_id)
    return history_entries(data.get("messages", [])) if data else None


async def tell_staff_visitor_typing(app: web.Application, session_id: str, typing: bool) -> None:
    from bot.events import VISITOR_TYPING
    from bot.store import conversations as convo
    from bot.web_keys import DB, EVENTS

    found = await app[DB].run(convo.conversation_id_by_address, CHANNEL, session_id)
    if found is not None:
        await app[EVENTS].publish(VISITOR_TYPING, {"conversation_id": found, "typing": typing})


TypingListener = Callable[[web.Application, str, bool], Awaitable[None]]


def rooms_of(session_id: str) -> tuple[str, str]:
    """Plain Rasa clients and clients that read author metadata get different payloads."""
    # Prefixed so no session id can name a socket's own private room.
    return f"session:{session_id}", f"session:{session_id}#{AUTHOR_METADATA}"


class WebChat:
    def __init__(
        self,
        app: web.Application,
        sio: socketio.AsyncServer,
        history: HistoryLoader = stored_history,
        typing_listener: "TypingListener" = tell_staff_visitor_typing,
        session_ids: Optional[SessionIds] = None,
    ):
        self.app = app
        self.sio = sio
        self.history = history
        self.typing_listener = typing_listener
        self._typing_heard: Dict[str, Tuple[bool, float]] = {}
        self.session_ids = session_ids or SessionIds.ephemeral()
        self.visitors: Dict[str, Visitor] = {}
        self._turns: Dict[str, Turn] = {}
        sio.on("connect", self.on_connect)
        sio.on("disconnect", self.on_disconnect)
        sio.on("session_request", self.on_session_request)
        sio.on(USER_EVENT, self.on_user_uttered)
        sio.on(VISITOR_TYPING_EVENT, self.on_visitor_typing)
        sio.on(DELETE_EVENT, self.on_delete_conversation)

    async def on_connect(self, sid: str, environ: Dict[str, Any], auth: Any = None) -> bool:
        return True

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self.visitors.pop(sid, None)
        self._typing_heard.pop(sid, None)

    async def on_session_request(self, sid: str, data: Any = None) -> None:
        data = data if isinstance(data, dict) else {}
        requested = data.get("session_id")
        # Only an id this gateway issued: a made-up one must not open someone else's transcript.
        session_id = requested if self.session_ids.issued(requested) else self.session_ids.new()
        features = data.get("features")
        wants_metadata = isinstance(features, list) and AUTHOR_METADATA in features
        await self._join(sid, session_id, wants_metadata)
        # Before the confirmation, so a page redraws the conversation first
        # and then sends what the visitor typed while offline.
        if wants_metadata and session_id == requested:
            await self._send_history(sid, session_id)
        # Rasa confirms with the bare id; rasa-webchat reads either shape.
        await self.sio.emit("session_confirm", session_id, to=sid)

    async def _join(self, sid: str, session_id: str, author_metadata: bool) -> None:
        previous = self.visitors.get(sid)
        if previous is not None:
            for room in rooms_of(previous.session_id):
                await self.sio.leave_room(sid, room)
        plain, with_metadata = rooms_of(session_id)
        # A coroutine since python-socketio 5.10: not awaiting it silently
        # leaves the socket outside the room (RasaHQ/rasa#13027).
        await self.sio.enter_room(sid, with_metadata if author_metadata else plain)
        self.visitors[sid] = Visitor(session_id, author_metadata)

    async def _send_history(self, sid: str, session_id: str) -> None:
        try:
            entries = await self.history(self.app, session_id)
        except Exception:
            log.exception("web chat: could not load the conversation so far")
            return
        if entries:
            await self.sio.emit(HISTORY_EVENT, {"session_id": session_id, "messages": entries}, to=sid)

    async def on_user_uttered(self, sid: str, data: Any = None) -> None:
        if not isinstance(data, dict):
            return
        text = data.get("message")
        if not isinstance(text, str) or not text.strip():
            return
        visitor = self.visitors.get(sid)
        claimed = data.get("session_id")
        if visitor is None:
            # Rasa accepts a message from a socket that never asked for a
            # session; join the room it names so the replies reach it.
            if not (isinstance(claimed, str) and self.session_ids.issued(claimed)):
                log.info("web chat: a message without a session id the gateway issued was ignored")
                return
            await self._join(sid, claimed, author_metadata=False)
            visitor = self.visitors[sid]
        elif claimed and claimed != visitor.session_id:
            log.info("web chat: a message for another session than the socket's was ignored")
            return

        session_id = visitor.session_id
        self.app[METRICS].inbound(CHANNEL)
        message_id = data.get("message_id")
        key = (
            client_message_key(session_id, message_id)
            if isinstance(message_id, str) and CLIENT_MESSAGE_ID.match(message_id)
            else None
        )
        inbound = Inbound(CHANNEL, session_id, text, channel_message_id=key)
        router = self.app[ROUTER]
        if router.assess(CHANNEL, session_id, text).is_crisis:
            # A crisis never queues behind a turn still waiting on Rasa or the store.
            await self._answer(inbound)
            return
        # One turn at a time per conversation, so replies come out in order.
        turn = self._turns.setdefault(session_id, Turn())
        turn.users += 1
        try:
            async with turn.lock:
                await self._answer(inbound)
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[session_id]

    async def on_delete_conversation(self, sid: str, data: Any = None) -> None:
        """Erase this socket's conversation at once, tell every page open on it, and forget the session."""
        visitor = self.visitors.get(sid)
        if visitor is None:
            # Nothing was ever said on this socket: nothing is kept, and that is the truth to tell.
            await self.sio.emit(DELETED_EVENT, {"text": wording.CONVERSATION_DELETED}, to=sid)
            return
        session_id = visitor.session_id
        try:
            outcome = await self.app[FORGETTING].visitor_asked(CHANNEL, session_id)
        except Exception:
            log.exception("web chat: could not delete a conversation its visitor asked to delete")
            await self.sio.emit(BOT_EVENT, {"text": wording.DELETE_FAILED}, to=sid)
            return
        if outcome == AFTER_CRISIS:
            # Kept until their crisis ticket closes, so the session stays: staff may still need to reach them.
            await self.sio.emit(BOT_EVENT, {"text": wording.DELETE_AFTER_CRISIS}, to=sid)
            return
        for room in rooms_of(session_id):
            await self.sio.emit(DELETED_EVENT, {"text": wording.CONVERSATION_DELETED}, room=room)
        for other, seen in list(self.visitors.items()):
            if seen.session_id == session_id:
                for room in rooms_of(session_id):
                    await self.sio.leave_room(other, room)
                del self.visitors[other]

    async def _answer(self, inbound: Inbound) -> None:
        try:
            replies = (await self.app[ROUTER].handle(inbound)).replies
        except Exception:
            # The router answers crises before anything that can fail;
            # this is for the rest, so nobody is left without a word.
            log.exception("web chat: the router failed on a message")
            replies = [Reply(text=wording.FALLBACK_REPLY, author="system")]
        for reply in replies:
            await self.send(inbound.address, reply)

    async def send(self, session_id: str, reply: Reply) -> bool:
        """Emit one reply to every page open on this conversation; True if one is connected to this process.

        Emitted even to rooms empty here: with a shared client manager the
        page may be connected to another gateway replica.
        """
        present = False
        for room, author_metadata in zip(rooms_of(session_id), (False, True)):
            present = present or self._has_participants(room)
            for message in render(reply, author_metadata):
                await self.sio.emit(BOT_EVENT, message, room=room)
        return present

    async def staff_typing(self, session_id: str, typing: bool, staff_name: Optional[str] = None) -> None:
        """Show (or hide) "staff are typing" on every page open on this conversation."""
        data: Dict[str, Any] = {"typing": bool(typing)}
        if staff_name:
            data["staff_name"] = staff_name
        for room in rooms_of(session_id):
            await self.sio.emit(STAFF_TYPING_EVENT, data, room=room)

    async def on_visitor_typing(self, sid: str, data: Any = None) -> None:
        """Tell the console the visitor is writing; only a yes or no travels, never the text."""
        visitor = self.visitors.get(sid)
        if visitor is None or not isinstance(data, dict):
            return
        typing, now = bool(data.get("typing")), asyncio.get_running_loop().time()
        last = self._typing_heard.get(sid)
        if last is not None and last[0] == typing and now - last[1] < TYPING_REPEAT_SECONDS:
            return  # a page that says "typing" on every key costs one look-up every few seconds, not one per key
        self._typing_heard[sid] = (typing, now)
        try:
            await self.typing_listener(self.app, visitor.session_id, typing)
        except Exception:
            log.exception("web chat: could not tell staff the visitor is typing")

    def _has_participants(self, room: str) -> bool:
        return any(True for _ in self.sio.manager.get_participants("/", room))


@guards.public
async def page(request: web.Request) -> web.Response:
    contact = program_contact(request.app)
    phone = getattr(contact, "phone", None)
    html = (
        request.app[TEMPLATE_ENV]
        .get_template("index.html")
        .render(
            program_name=getattr(contact, "program_name", None) or "our program",
            phone=phone,
            phone_href=re.sub(r"[^0-9+]", "", phone or ""),
            phone_hours=getattr(contact, "phone_hours", None),
        )
    )
    return web.Response(text=html, content_type="text/html", headers=PAGE_HEADERS)


@guards.public
async def socket_io_client(request: web.Request) -> web.StreamResponse:
    if not SOCKET_IO_CLIENT.is_file():
        return web.Response(status=404, text="socket.io-client is not installed: run `make install`")
    return web.FileResponse(SOCKET_IO_CLIENT, headers={"Cache-Control": "no-cache"})


# Everything the page needs comes from the gateway itself: no third party can
# see who opens a chat about treatment.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

TEMPLATE_ENV: "web.AppKey[jinja2.Environment]" = web.AppKey("webchat_templates")


async def _register_delivery(app: web.Application) -> None:
    chat = app[WEBCHAT]
    app[DELIVERIES].register(CHANNEL, chat.send)
    app[DELIVERIES].register_typing(CHANNEL, chat.staff_typing)
    if not SOCKET_IO_CLIENT.is_file():
        log.warning("web chat: %s is missing; run `make install` (npm ci) for the page at /", SOCKET_IO_CLIENT.name)


async def _hang_up(app: web.Application) -> None:
    # aiohttp waits for open requests on shutdown: a page's long-poll would
    # hold a stop for up to a minute.
    sio = app[WEBCHAT].sio
    if sio.eio.sockets:  # python-engineio raises on an empty asyncio.wait
        await sio.eio.disconnect()
    await sio.shutdown()


def attach(
    app: web.Application,
    history: HistoryLoader = stored_history,
    typing_listener: TypingListener = tell_staff_visitor_typing,
    session_ids: Optional[SessionIds] = None,
    origins: Optional[OriginPolicy] = None,
) -> WebChat:
    """The socket.io endpoint at /socket.io/ (python-socketio mounts it), and the chat as a deliverer.

    The page at / and its assets are mounted by `bot.app` with the other routes.
    """
    policy = origins or OriginPolicy()
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        # The gateway's own pages and the sites in WEB_CHAT_ORIGINS; a
        # handshake from any other origin is refused with a 400.
        cors_allowed_origins=policy.allows,
        # The chat uses no cookies: nothing to send along across origins.
        cors_credentials=False,
        max_http_buffer_size=MAX_TRANSPORT_BYTES,
        logger=False,
        engineio_logger=False,
    )
    sio.attach(app, socketio_path="socket.io")
    guards.declare_path(app, "/socket.io", guards.VISITOR)
    chat = WebChat(app, sio, history, typing_listener, session_ids)
    app[WEBCHAT] = chat
    app[TEMPLATE_ENV] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    # aiohttp 3.9 types its signals wrongly; these are plain (app) -> awaitable handlers.
    app.on_startup.append(_register_delivery)  # type: ignore[arg-type]
    app.on_shutdown.append(_hang_up)  # type: ignore[arg-type]
    return chat
