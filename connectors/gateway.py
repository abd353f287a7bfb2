"""The gateway's own channel into Rasa: Rasa's REST shape, for callers holding the gateway's token only.

Rasa's stock REST channel takes a message from anyone who can reach its port,
so a local process could talk to the assistant directly and skip the safety
net and the transcript. This one answers only a request that carries the
token the gateway and Rasa share (`Authorization: Bearer $RASA_TOKEN`; set in
credentials.yml from the environment), and it never writes the visitor's text
into Rasa's log when a turn fails (Rasa's REST channel does).

    POST /webhooks/gateway/webhook  {"sender", "message", "metadata"?}  -> [{"recipient_id", "text"?, ...}]
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

NAME = "gateway"
PATH = f"/webhooks/{NAME}/webhook"


def authorized(header: Optional[str], token: str) -> bool:
    """Whether an Authorization header carries exactly this bearer token (in constant time)."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GatewayInput":
        token = str((credentials or {}).get("token") or "").strip()
        if not token:
            # Never left open: without a token there is nobody this channel could tell from a stranger.
            raise ValueError("credentials.yml: the gateway channel needs `token: ${RASA_TOKEN}`")
        return cls(token)

    def __init__(self, token: str) -> None:
        self.token = token

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorized(request.headers.get("Authorization"), self.token):
                return response.json({"error": "this channel is the gateway's; send its token"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "'sender' and 'message' must be strings"}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=NAME,
                        metadata=metadata if isinstance(metadata, dict) else None,
                    )
                )
            except CancelledError:
                log.error("gateway channel: a turn of %s timed out", sender)
            except Exception:
                log.exception("gateway channel: a turn of %s failed", sender)
            return response.json(collector.messages)

        return webhook
