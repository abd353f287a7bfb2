"""The gateway's channel into Rasa, served by Sanic as `rasa run` serves it: no token, no turn."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid

import aiohttp
import pytest
from sanic import Sanic

from bot.rasa_client import CHANNEL_PATH
from connectors import gateway
from connectors.run import arguments

TOKEN = "shared-gateway-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    """The channel's blueprint on a Sanic app, mounted where Rasa mounts input channels.

    In a thread with its own loop, once per module: Sanic 21.12 rewrites its
    protocol class for the first app and cannot make a second in one process.
    """
    turns: list = []

    async def on_new_message(message) -> None:
        turns.append((message.sender_id, message.text, message.input_channel, message.metadata))
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")

    channel = gateway.GatewayInput.from_credentials({"token": TOKEN})
    app = Sanic(f"rasa_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def serve():
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.start_serving()
        ready.set()
        return server

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder.append(loop.run_until_complete(serve()))
        loop.run_forever()

    holder: list = []
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(30)
    yield f"http://127.0.0.1:{port}", turns
    loop.call_soon_threadsafe(holder[0].close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def rasa_channel(served):
    url, turns = served
    turns.clear()
    return url, turns


async def post(url, headers=None, body=None):
    async with aiohttp.ClientSession() as http:
        async with http.post(url + CHANNEL_PATH, json=body or {"sender": "c1", "message": "hi"}, headers=headers) as r:
            return r.status, await r.json(content_type=None)


def test_the_gateway_and_the_channel_agree_on_the_path():
    assert CHANNEL_PATH == gateway.PATH


@pytest.mark.parametrize(
    "headers",
    [None, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
async def test_a_caller_without_the_gateways_token_is_refused_and_no_turn_happens(rasa_channel, headers):
    url, turns = rasa_channel
    status, _ = await post(url, headers)
    assert status == 401 and turns == []


async def test_the_gateway_with_its_token_gets_rasas_rest_replies(rasa_channel):
    url, turns = rasa_channel
    body = {"sender": "c1", "message": "hi", "metadata": {"channel": "web"}}
    status, replies = await post(url, {"Authorization": f"Bearer {TOKEN}"}, body)
    assert status == 200 and replies == [{"recipient_id": "c1", "text": "echo: hi"}]
    assert turns == [("c1", "hi", "gateway", {"channel": "web"})]


@pytest.mark.parametrize("credentials", [None, {}, {"token": ""}, {"token": "  "}])
def test_the_channel_is_never_left_open(credentials):
    with pytest.raises(ValueError, match="needs `token"):
        gateway.GatewayInput.from_credentials(credentials)


def test_the_launcher_puts_the_token_in_rasas_arguments_inside_the_process():
    assert arguments(["--enable-api", "--port", "5005"], "t0k") == [
        "run",
        "--enable-api",
        "--port",
        "5005",
        "--auth-token",
        "t0k",
    ]
    with pytest.raises(SystemExit, match="RASA_TOKEN is not set"):
        arguments(["--enable-api"], None)
    with pytest.raises(SystemExit, match="not on the command line"):
        arguments(["--auth-token", "visible"], "t0k")
