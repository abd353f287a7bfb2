"""JSON API for integrations and tests, behind a bearer token (BOT_API_TOKEN).

With no token configured the API is off: every /api/ path answers 503 and says
how to turn it on, rather than being open.
"""

from __future__ import annotations

import hmac
import json
from datetime import date, datetime
from typing import Any, Optional

from aiohttp import web

from bot.client_address import of_request
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.web_keys import DB, SETTINGS


def json_dumps(data: Any) -> str:
    return json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, (datetime, date)) else str(v))


def bearer_token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@web.middleware
async def require_token(request: web.Request, handler):
    if not request.path.startswith("/api/"):
        return await handler(request)
    expected = request.app[SETTINGS].bot_api_token
    if not expected:
        return web.json_response({"error": "the API is off: set BOT_API_TOKEN to enable it"}, status=503)
    if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
        return web.json_response(
            {"error": "a valid 'Authorization: Bearer <token>' header is required"},
            status=401, headers={"WWW-Authenticate": "Bearer"},
        )
    return await handler(request)


API_ACTOR = "api"


async def audit(request: web.Request, action: str, conversation_id: Optional[str] = None, detail: str = "") -> None:
    """Record what an integration read; the token is shared, so the actor is always "api"."""
    await request.app[DB].run(audit_store.record, API_ACTOR, action, conversation_id, detail, of_request(request))


def found(data: Any, what: str) -> web.Response:
    if data is None:
        return web.json_response({"error": f"no such {what}"}, status=404)
    return web.json_response(data, dumps=json_dumps)


async def conversation(request: web.Request) -> web.Response:
    data = await request.app[DB].run(convo.conversation_transcript, request.match_info["id"])
    if data is not None:
        await audit(request, "read_transcript", data["id"])
    return found(data, "conversation")


async def conversation_by_address(request: web.Request) -> web.Response:
    data = await request.app[DB].run(
        convo.conversation_by_address, request.match_info["channel"], request.match_info["address"]
    )
    if data is not None:
        # The conversation id says whose it was; the address (a phone number) stays out of the log.
        await audit(request, "read_transcript", data["id"], "by address")
    return found(data, "conversation")


async def handoffs(request: web.Request) -> web.Response:
    conversation_id = request.query.get("conversation")
    if not conversation_id:
        return web.json_response({"error": "give ?conversation=ID"}, status=400)
    data = await request.app[DB].run(convo.handoffs_of, conversation_id)
    if data:  # tickets hold the screen answers and callback numbers
        await audit(request, "read_handoffs", conversation_id)
    return found(data, "conversation")


def setup(app: web.Application) -> None:
    app.middlewares.append(require_token)
    app.router.add_get("/api/conversations/by-address/{channel}/{address}", conversation_by_address)
    app.router.add_get("/api/conversations/{id}", conversation)
    app.router.add_get("/api/handoffs", handoffs)
