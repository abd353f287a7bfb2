"""REST: the same request and reply shape as Rasa's REST channel.

A message longer than `core.limits.MAX_MESSAGE_CHARS` is answered 413 with an
error that carries the crisis lines, unless the safety net finds a crisis in
it: then it gets the crisis reply like any other.

An optional `message_id` (letters, digits, - and _, at most 64) makes a retry
safe: the same sender's message with the same id is stored once, and the
retry gets the answer the first one got. A message that could not be kept
(neither the store nor the gateway's journal took it) is a 503, never a 200.
"""

from __future__ import annotations

from aiohttp import web

from bot.turn import CLIENT_MESSAGE_ID, Inbound, client_message_key
from bot.web_keys import METRICS, ROUTER

PATH = "/webhooks/rest/webhook"
MAX_SENDER = 128


def bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def webhook(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than the parser goes
        return bad_request('the body must be JSON: {"sender": ..., "message": ...}')
    if not isinstance(body, dict):
        return bad_request("the body must be a JSON object")
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
        return bad_request(f"'sender' must be a non-empty string of at most {MAX_SENDER} characters")
    if not isinstance(message, str) or not message.strip():
        return bad_request("'message' must be a non-empty string")
    if metadata is not None and not isinstance(metadata, dict):
        return bad_request("'metadata' must be an object")
    message_id = body.get("message_id")
    if message_id is not None and not (isinstance(message_id, str) and CLIENT_MESSAGE_ID.match(message_id)):
        return bad_request("'message_id' must be 1 to 64 letters, digits, '-' or '_'")
    request.config_dict[METRICS].inbound("rest")
    sender = sender.strip()
    key = client_message_key(sender, message_id) if message_id else None
    outcome = await request.config_dict[ROUTER].handle(
        Inbound("rest", sender, message, channel_message_id=key, metadata=metadata)
    )
    if outcome.refused:
        return web.json_response({"error": " ".join(r.text or "" for r in outcome.replies)}, status=413)
    if not outcome.kept:
        return web.json_response({"error": " ".join(r.text or "" for r in outcome.replies)}, status=503)
    return web.json_response([r.as_rest(sender) for r in outcome.replies])
