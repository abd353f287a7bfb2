"""Talking to Rasa over the gateway's own channel (connectors/gateway.py). The gateway never imports Rasa.

The channel has Rasa's REST shape and refuses any caller without the token
the gateway and Rasa share, which rides in the Authorization header.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import quote

import aiohttp

# Where connectors.gateway.GatewayInput listens (tests check the two agree).
CHANNEL_PATH = "/webhooks/gateway/webhook"
log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa, or the action server behind it, could not answer this turn."""


def sticky_order(conversation_id: str, count: int) -> List[int]:
    """The Rasa processes to try for a conversation, its own first: the same on every gateway, every restart."""
    first = zlib.crc32(conversation_id.encode("utf-8")) % count
    return [(first + i) % count for i in range(count)]


class RasaClient:
    """One Rasa, or several sharing a tracker store and a lock store (`replicas`).

    Each conversation goes to the same one every turn; when that one cannot be
    reached (nothing was sent), the next is tried. A timeout or an error answer
    is not retried elsewhere: the message may have been taken in already.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        token: Optional[str] = None,
        timeout: float = 10.0,
        replicas: Sequence[str] = (),
    ):
        self._session = session
        self._bases = [u.rstrip("/") for u in (base_url, *replicas)]
        self._base = self._bases[0]
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None, timeout: Optional[float] = None
    ) -> List[Dict[str, Any]]:
        """Send one visitor message; return Rasa's replies in its REST shape.

        `timeout` is the channel's (bot.config): how long this visitor can be kept
        waiting; past it the turn is RasaUnavailable.

        Every turn of our assistant ends in at least one reply, so an empty list
        means a custom action failed (Rasa swallows that and answers 200 []).
        """
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        replies = await self._sticky(
            sender,
            "POST",
            CHANNEL_PATH,
            "",
            json=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout) if timeout else self._timeout,
        )
        if not isinstance(replies, list) or not replies:
            raise RasaUnavailable("Rasa sent no reply (a custom action may have failed)")
        return replies

    async def healthy(self) -> bool:
        """At least one Rasa up, and (when we hold the API token) with a model loaded."""
        answers = await asyncio.gather(*(self._healthy(base) for base in self._bases))
        return any(answers)

    async def _healthy(self, base: str) -> bool:
        url, params = (f"{base}/status", {"token": self._token}) if self._token else (f"{base}/", {})
        try:
            async with self._session.get(url, params=params, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                if resp.status != 200:
                    return False
                return bool((await resp.json(content_type=None)).get("model_id")) if self._token else True
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError, AttributeError):
            return False

    async def latest_message(self, sender: str, timeout: float = 5.0) -> Optional[Dict[str, Any]]:
        """What Rasa understood the sender's last message as: the tracker's `latest_message`.

        Its `intent` ({name, confidence}) and, for a retrieval intent, the full
        key in `response_selector.<intent>.response.intent_response_key`. None
        when the tracker has no message yet; errors are RasaUnavailable.
        """
        params = {"include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        state = await self._sticky(
            sender,
            "GET",
            f"/conversations/{quote(sender, safe='')}/tracker",
            " for the tracker",
            params=params,
            timeout=aiohttp.ClientTimeout(total=timeout),
        )
        latest = state.get("latest_message") if isinstance(state, dict) else None
        return latest if isinstance(latest, dict) else None

    async def _sticky(self, sender: str, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """The call on the conversation's own Rasa, or the next one that can be reached."""
        order = sticky_order(sender, len(self._bases)) if len(self._bases) > 1 else [0]
        for n, i in enumerate(order):
            try:
                return await self._json(method, path, what, base=self._bases[i], **kwargs)
            except RasaUnavailable as exc:
                if not isinstance(exc.__cause__, aiohttp.ClientConnectorError) or n == len(order) - 1:
                    raise
                log.warning("Rasa at %s cannot be reached; trying the next one", self._bases[i])
        raise AssertionError("unreachable")

    async def _json(self, method: str, path: str, what: str, base: Optional[str] = None, **kwargs: Any) -> Any:
        """One call to Rasa's HTTP API and its JSON body; anything but a 200 with JSON is RasaUnavailable."""
        try:
            async with self._session.request(method, f"{base or self._base}{path}", **kwargs) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}{what}")
                return await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
