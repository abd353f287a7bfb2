"""JSON API for integrations and tests, behind a bearer token (BOT_API_TOKEN)."""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.store import repository as repo
from bot.web_keys import DB, SETTINGS


def authorized(request: web.Request) -> bool:
    expected = request.app[SETTINGS].bot_api_token
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer "):].encode(), expected.encode())


@web.middleware
async def require_token(request: web.Request, handler):
    if request.path.startswith("/api/") and not authorized(request):
        if not request.app[SETTINGS].bot_api_token:
            message = "the API is off: set BOT_API_TOKEN to enable it"
        else:
            message = "a valid 'Authorization: Bearer <token>' header is required"
        return web.json_response({"error": message}, status=401, headers={"WWW-Authenticate": "Bearer"})
    return await handler(request)


async def conversation(request: web.Request) -> web.Response:
    data = await request.app[DB].run(repo.conversation_transcript, request.match_info["id"])
    if data is None:
        return web.json_response({"error": "no such conversation"}, status=404)
    return web.json_response(data, dumps=repo.json_dumps)


async def handoffs(request: web.Request) -> web.Response:
    conversation_id = request.query.get("conversation")
    if not conversation_id:
        return web.json_response({"error": "give ?conversation=ID"}, status=400)
    data = await request.app[DB].run(repo.handoffs_of, conversation_id)
    return web.json_response(data, dumps=repo.json_dumps)


def setup(app: web.Application) -> None:
    app.middlewares.append(require_token)
    app.router.add_get("/api/conversations/{id}", conversation)
    app.router.add_get("/api/handoffs", handoffs)
