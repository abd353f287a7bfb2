"""`python -m bot`: the process definitions, start checks and the terminal chat."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import cli
from bot.config import REPO_ROOT, Settings


def test_rasa_and_the_action_server_listen_on_loopback_and_rasas_api_needs_the_token(tmp_path):
    settings = Settings.from_env({"RASA_URL": "http://127.0.0.1:6005", "ACTION_SERVER_URL": "http://127.0.0.1:6055",
                                  "GATEWAY_PORT": "9090", "TRACKER_STORE_URL": "sqlite:///var/t.db"})
    actions, rasa, gateway = cli.children(settings, "s3cret", tmp_path)
    assert actions.env["SANIC_HOST"] == "127.0.0.1" and "6055" in actions.argv
    assert actions.health_url == "http://127.0.0.1:6055/health"
    argv = rasa.argv
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "6005"
    assert argv[argv.index("--auth-token") + 1] == "s3cret" and "--enable-api" in argv
    assert rasa.env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6055/webhook"
    assert rasa.env["TRACKER_STORE_URL"] == f"sqlite:///{REPO_ROOT}/var/t.db"
    assert gateway.argv[-2:] == ["bot", "serve"] and gateway.env["RASA_TOKEN"] == "s3cret"
    assert gateway.health_url == "http://127.0.0.1:9090/healthz"
    assert all(c.log_path.parent == tmp_path for c in (actions, rasa, gateway))


def test_a_bad_setting_stops_with_the_variable_named():
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=REPO_ROOT, capture_output=True, text=True,
                            env={"GATEWAY_PORT": "eighty", "PYTHONPATH": str(REPO_ROOT)}, timeout=120)
    assert result.returncode == 2
    assert "GATEWAY_PORT='eighty' must be a port number" in result.stderr


def test_run_without_a_model_says_how_to_make_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "MODEL", tmp_path / "models" / "helpline.tar.gz")
    assert cli.run(Settings.from_env({}), chat=False) == 1
    assert "make train" in capsys.readouterr().err


def test_run_refuses_ports_already_taken(monkeypatch, tmp_path, capsys):
    model = tmp_path / "helpline.tar.gz"
    model.write_bytes(b"")
    monkeypatch.setattr(cli, "MODEL", model)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.run(Settings.from_env({"GATEWAY_PORT": str(port)}), chat=False) == 1
    assert f"port {port} (GATEWAY_PORT)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "reply, shown",
    [
        ({"text": "Hi"}, "Hi"),
        ({"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No"}]},
         "Pick one\n  1. Yes\n  2. No"),
        ({"text": "Hello, I'm Dana.", "staff_name": "Dana"}, "[Dana]\nHello, I'm Dana."),
        ({"custom": {"screen_result": {}}}, ""),
    ],
)
def test_render(reply, shown):
    assert cli.render(reply) == shown


async def test_terminal_chat_talks_through_rest_and_a_digit_picks_a_button(monkeypatch, capsys):
    received = []

    async def webhook(request):
        body = await request.json()
        received.append(body)
        return web.json_response([{"recipient_id": body["sender"], "text": "Want a person?",
                                   "buttons": [{"title": "Yes", "payload": "/affirm"}]}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    lines = iter(["hello", "", "1", "2", None])

    async def fake_read_line(prompt):
        return next(lines)

    monkeypatch.setattr(cli, "read_line", fake_read_line)
    try:
        await cli.terminal_chat(str(server.make_url("")).rstrip("/"), sender="t1", closing="bye")
    finally:
        await server.close()
    assert [b["message"] for b in received] == ["hello", "/affirm", "2"]
    assert {b["sender"] for b in received} == {"t1"}
    out = capsys.readouterr().out
    assert "bot> Want a person?\n       1. Yes" in out and out.rstrip().endswith("bye")


async def test_terminal_chat_survives_a_gateway_that_does_not_answer(monkeypatch, capsys):
    from fakes import dead_url

    lines = iter(["hello", None])

    async def fake_read_line(prompt):
        return next(lines)

    monkeypatch.setattr(cli, "read_line", fake_read_line)
    await cli.terminal_chat(dead_url())
    assert "call or text 988" in capsys.readouterr().out
