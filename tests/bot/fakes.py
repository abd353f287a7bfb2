"""Stand-ins for the processes the gateway talks to, on 127.0.0.1."""

from __future__ import annotations

import socket
from typing import Any, Callable, Dict, List, Union

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


class FakeRasa:
    """Rasa's REST channel and status endpoint, answering what a test sets."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.answer: Callable[[Dict[str, Any]], Answer] = lambda body: [
            {"recipient_id": body["sender"], "text": f"echo: {body['message']}"}
        ]
        self.token = "rasa-token"
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/", self._root)
        app.router.add_get("/status", self._status)
        app.router.add_get("/health", self._root)  # the action server's, so one fake serves both
        self.server = TestServer(app, host="127.0.0.1")

    def says(self, *replies: Dict[str, Any]) -> None:
        self.answer = lambda body: [{"recipient_id": body["sender"], **r} for r in replies]

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        answer = self.answer(body)
        status, payload = answer if isinstance(answer, tuple) else (200, answer)
        return web.json_response(payload, status=status)

    async def _root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    async def _status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({"message": "unauthorized"}, status=401)
        return web.json_response({"model_id": "abc", "model_file": "helpline.tar.gz"})

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> "FakeRasa":
        await self.server.start_server()
        return self

    async def close(self) -> None:
        await self.server.close()
