"""The JSON API at /api, for integrations: an aiohttp sub-app behind a bearer token (BOT_API_TOKEN).

Its middleware guards every route mounted here, and nothing else. With no
token configured the API is off: every /api/ path answers 503 and says how to
turn it on, rather than being open. What an integration reads is audited.
"""

from __future__ import annotations

import hmac
from typing import Any, Optional

from aiohttp import web

from bot import dashboard_figures, guards
from bot import review_filters as filters
from bot.client_address import of_request
from bot.json_text import json_dumps
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store import queue as queue_store
from bot.store import stats
from bot.web_keys import DB, SETTINGS, ZONE


def bearer_token(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@web.middleware
async def require_token(request: web.Request, handler):
    expected = request.config_dict[SETTINGS].bot_api_token
    if not expected:
        return web.json_response({"error": "the API is off: set BOT_API_TOKEN to enable it"}, status=503)
    if not hmac.compare_digest(bearer_token(request).encode(), expected.encode()):
        return web.json_response(
            {"error": "a valid 'Authorization: Bearer <token>' header is required"},
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await handler(request)


API_ACTOR = "api"


async def audit(request: web.Request, action: str, conversation_id: Optional[str] = None, detail: str = "") -> None:
    """Record what an integration read; the token is shared, so the actor is always "api"."""
    await request.config_dict[DB].run(
        audit_store.record, API_ACTOR, action, conversation_id, detail, of_request(request)
    )


def found(data: Any, what: str) -> web.Response:
    if data is None:
        return web.json_response({"error": f"no such {what}"}, status=404)
    return web.json_response(data, dumps=json_dumps)


async def conversation(request: web.Request) -> web.Response:
    data = await request.config_dict[DB].run(convo.conversation_transcript, request.match_info["id"])
    if data is not None:
        await audit(request, "read_transcript", data["id"])
    return found(data, "conversation")


async def conversation_by_address(request: web.Request) -> web.Response:
    data = await request.config_dict[DB].run(
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
    data = await request.config_dict[DB].run(convo.handoffs_of, conversation_id)
    if data:  # tickets hold the screen answers and callback numbers
        await audit(request, "read_handoffs", conversation_id)
    return found(data, "conversation")


async def queue(request: web.Request) -> web.Response:
    """The console's queue; addresses masked as in the console."""
    return web.json_response({"queue": await request.config_dict[DB].run(queue_store.queue_snapshot)}, dumps=json_dumps)


def bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def search(request: web.Request) -> web.Response:
    """GET /api/conversations?text=&from=&to=&channel=&outcome=&limit=&offset= -> {total, conversations}."""
    try:
        q = filters.search_query(request.query, request.config_dict[ZONE])
    except filters.BadQuery as exc:
        return bad_request(str(exc))
    result = await request.config_dict[DB].run(q.run)
    await audit(request, "search", detail=filters.search_detail(request.query, q))
    return web.json_response(result, dumps=json_dumps)


async def audit_log(request: web.Request) -> web.Response:
    """GET /api/audit?actor=&action=&conversation=&date=&before_id=&limit= -> {entries, next_before_id}."""
    try:
        q = filters.audit_query(request.query, request.config_dict[ZONE])
    except filters.BadQuery as exc:
        return bad_request(str(exc))
    await audit(request, "view_audit", detail=filters.audit_detail(request.query, q))
    entries, older = filters.page_of(await request.config_dict[DB].run(q.run), q.limit)
    return web.json_response({"entries": entries, "next_before_id": older}, dumps=json_dumps)


async def dashboard(request: web.Request) -> web.Response:
    """The supervisor dashboard's figures, days counted in the program's time zone."""
    try:
        days = stats.parse_days(request.query.get("days"))
    except ValueError as exc:
        return bad_request(str(exc))
    return web.json_response(await dashboard_figures.figures(request, days), dumps=json_dumps)


def create_app() -> web.Application:
    api = web.Application(middlewares=[require_token])
    api[guards.WHOLE_APP] = guards.API_TOKEN
    api.add_routes(
        [
            web.get("/conversations", search),
            web.get("/conversations/by-address/{channel}/{address}", conversation_by_address),
            web.get("/conversations/{id}", conversation),
            web.get("/handoffs", handoffs),
            web.get("/queue", queue),
            web.get("/audit", audit_log),
            web.get("/dashboard", dashboard),
        ]
    )
    return api
