"""REST: the same request and reply shape as Rasa's REST channel, as an integration API.

- JSON only (`Content-Type: application/json`, else 415): a page on another
  site can make a browser post a form or text/plain anywhere, but not JSON
  without a CORS preflight, which the gateway never grants.
- A message longer than `core.limits.MAX_MESSAGE_CHARS` is answered 413 with
  an error that carries the crisis lines, unless the safety net finds a crisis
  in it: then it gets the crisis reply like any other.
- Rate limits per sender and per address (`bot.rate_limit`): a refusal (429,
  Retry-After) carries the crisis lines, and is the crisis reply itself when
  the refused message may mean danger. A refused message opens no ticket: a
  script cannot bury real crises in the queue.
- With REST_TOKEN set, only callers that send it (`Authorization: Bearer`)
  are served, and they are limited per sender only (an integration speaks for
  many people from one address). Unset, REST is open like the web chat.
- An optional `message_id` (letters, digits, - and _, at most 64) makes a retry
  safe: the same sender's message with the same id is stored once, and the
  retry gets the answer the first one got. A message that could not be kept
  (neither the store nor the gateway's journal took it) is a 503, never a 200.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from math import ceil

from aiohttp import web

from bot import guards
from bot.client_address import of_request
from bot.rate_limit import Buckets, Rate, take_all
from bot.turn import CLIENT_MESSAGE_ID, Inbound, client_message_key
from bot.web_keys import METRICS, ROUTER, SETTINGS
from core import wording

PATH = "/webhooks/rest/webhook"
MAX_SENDER = 128
JSON = "application/json"
# Far above anyone typing (or clicking through the screen), far below a script.
SENDER_RATE = Rate(capacity=30, per_second=0.5)
ADDRESS_RATE = Rate(capacity=60, per_second=1.0)


@dataclass
class Limits:
    by_sender: Buckets = field(default_factory=lambda: Buckets(SENDER_RATE))
    by_address: Buckets = field(default_factory=lambda: Buckets(ADDRESS_RATE))


LIMITS: "web.AppKey[Limits]" = web.AppKey("rest_limits")


def attach(app: web.Application) -> None:
    app[LIMITS] = Limits()


def bad_request(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


def holds_token(request: web.Request, token: str) -> bool:
    sent = request.headers.get("Authorization", "")
    return sent.startswith("Bearer ") and hmac.compare_digest(sent[len("Bearer ") :].encode(), token.encode())


@guards.visitor
async def webhook(request: web.Request) -> web.Response:
    token = request.config_dict[SETTINGS].rest_token
    if token and not holds_token(request, token):
        return web.json_response(
            {"error": "this REST channel needs its token: Authorization: Bearer $REST_TOKEN"},
            status=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.content_type != JSON:
        return web.json_response({"error": f"the body must be JSON, sent as Content-Type: {JSON}"}, status=415)
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
    sender = sender.strip()
    router = request.config_dict[ROUTER]
    limits = request.config_dict[LIMITS]
    checks = [(limits.by_sender, sender)]
    if not token:
        checks.append((limits.by_address, of_request(request)))
    wait = take_all(*checks) if request.config_dict[SETTINGS].rest_rate_limits else None
    if wait is not None:
        seconds = max(1, ceil(wait))
        assessment = router.assess("rest", sender, message)
        text = wording.crisis_reply(assessment.about_other) if assessment.is_crisis else wording.too_fast(seconds)
        return web.json_response({"error": text}, status=429, headers={"Retry-After": str(seconds)})
    request.config_dict[METRICS].inbound("rest")
    key = client_message_key(sender, message_id) if message_id else None
    outcome = await router.handle(Inbound("rest", sender, message, channel_message_id=key, metadata=metadata))
    if outcome.refused:
        return web.json_response({"error": " ".join(r.text or "" for r in outcome.replies)}, status=413)
    if not outcome.kept:
        return web.json_response({"error": " ".join(r.text or "" for r in outcome.replies)}, status=503)
    return web.json_response([r.as_rest(sender) for r in outcome.replies])
