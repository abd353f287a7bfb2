"""Stand-ins for the processes the gateway talks to, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from aiohttp import web
from aiohttp.test_utils import TestServer

# What the fake answers: a list of replies (status 200), or (status, body).
Answer = Union[List[Dict[str, Any]], tuple]


def dead_url() -> str:
    """A port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def tracker_latest_message(text: str, understood: Optional[Tuple[str, float]]) -> Dict[str, Any]:
    """A tracker's `latest_message` as Rasa 3.6 writes it, with the `faq` response selector."""
    name, confidence = understood or ("nlu_fallback", 0.3)
    intent, _, response = name.partition("/")
    key = name if response else "faq/what_is_iop"  # the selector answers for every message
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "responses": [{"text": "..."}],
                    "confidence": 0.8 if response else 0.1,
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                },
                "ranking": [],
            },
        },
    }


class FakeRasa:
    """The gateway's channel into Rasa (connectors/gateway.py) and Rasa's status endpoint, as a test sets."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.authorizations: List[Optional[str]] = []  # the Authorization header of each message
        self.answer: Callable[[Dict[str, Any]], Answer] = lambda body: [
            {"recipient_id": body["sender"], "text": f"echo: {body['message']}"}
        ]
        self.token = "rasa-token"
        app = web.Application()
        app.router.add_post("/webhooks/gateway/webhook", self._webhook)
        app.router.add_get("/", self._root)
        app.router.add_get("/status", self._status)
        app.router.add_get("/health", self._root)  # the action server's, so one fake serves both
        # The tracker: what the sender's last message was understood as.
        self.intent_of: Callable[[str], Optional[Tuple[str, float]]] = lambda text: None
        self.tracker_status = 200
        self.tracker_delay = 0.0
        self.tracker_requests: List[Dict[str, str]] = []
        app.router.add_get("/conversations/{sender}/tracker", self._tracker)
        self.server = TestServer(app, host="127.0.0.1")

    def says(self, *replies: Dict[str, Any]) -> None:
        self.answer = lambda body: [{"recipient_id": body["sender"], **r} for r in replies]

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        self.authorizations.append(request.headers.get("Authorization"))
        answer = self.answer(body)
        status, payload = answer if isinstance(answer, tuple) else (200, answer)
        return web.json_response(payload, status=status)

    async def _root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({"message": "unauthorized"}, status=401)
        return web.json_response({"model_id": "abc", "model_file": "helpline.tar.gz"})

    def understands(self, intents: Dict[str, str], confidence: float = 0.9) -> None:
        """Message text -> intent ("greet", "faq/cost") for the tracker endpoint."""
        self.intent_of = lambda text: (intents[text], confidence) if text in intents else None

    async def _tracker(self, request: web.Request) -> web.Response:
        self.tracker_requests.append({"sender": request.match_info["sender"], **request.query})
        if self.tracker_delay:
            await asyncio.sleep(self.tracker_delay)
        if request.query.get("token") != self.token:
            return web.json_response({"message": "unauthorized"}, status=401)
        if self.tracker_status != 200:
            return web.json_response({"message": "error"}, status=self.tracker_status)
        sender = request.match_info["sender"]
        texts = [body["message"] for body in self.received if body.get("sender") == sender]
        latest = tracker_latest_message(texts[-1], self.intent_of(texts[-1])) if texts else None
        return web.json_response({"sender_id": sender, "latest_message": latest, "events": None})

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> "FakeRasa":
        await self.server.start_server()
        return self

    async def close(self) -> None:
        await self.server.close()


class Recorder:
    """Listens to the staff events and stands in for a channel's deliverer, keeping what each got."""

    def __init__(self) -> None:
        self.events: List[Tuple[str, Dict[str, Any]]] = []
        self.delivered: List[Tuple[str, Any]] = []

    async def notify(self, kind: str, data: Dict[str, Any]) -> None:
        self.events.append((kind, data))

    async def deliver(self, address: str, reply: Any) -> bool:
        self.delivered.append((address, reply))
        return True
