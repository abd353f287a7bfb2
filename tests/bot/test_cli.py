"""`python -m bot`: the process definitions, start checks and the terminal chat."""

from __future__ import annotations

import re
import socket
import subprocess
import sys

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import cli
from bot.config import REPO_ROOT, Settings


def test_rasa_and_the_action_server_listen_on_loopback_and_rasas_api_needs_the_token(tmp_path):
    settings = Settings.from_env(
        {
            "RASA_URL": "http://127.0.0.1:6005",
            "ACTION_SERVER_URL": "http://127.0.0.1:6055",
            "GATEWAY_PORT": "9090",
            "TRACKER_STORE_URL": "sqlite:///var/t.db",
        }
    )
    actions, rasa, gateway = cli.children(settings, "s3cret", tmp_path)
    assert actions.env["SANIC_HOST"] == "127.0.0.1" and "6055" in actions.argv
    assert actions.health_url == "http://127.0.0.1:6055/health"
    argv = rasa.argv
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "6005"
    assert "--auth-token=s3cret" in argv and "--enable-api" in argv
    assert rasa.env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6055/webhook"
    assert rasa.env["TRACKER_STORE_URL"] == f"sqlite:///{REPO_ROOT}/var/t.db"
    assert gateway.argv[-2:] == ["bot", "serve"] and gateway.env["RASA_TOKEN"] == "s3cret"
    assert gateway.health_url == "http://127.0.0.1:9090/healthz"
    assert all(c.log_path.parent == tmp_path for c in (actions, rasa, gateway))


def test_the_gateways_secrets_reach_only_the_gateway(tmp_path):
    from bot.supervisor import environment

    settings = Settings.from_env({"TRACKER_STORE_URL": "sqlite:///var/t.db"})
    ours = {
        "PATH": "/usr/bin",
        "TWILIO_AUTH_TOKEN": "tw",
        "TWILIO_ACCOUNT_SID": "AC1",
        "BOT_API_TOKEN": "api",
        "CONSOLE_SECRET_KEY": "key",
        "CONSOLE_ADMIN_PASSWORD": "pw",
        "DATABASE_URL": "postgresql://u:p@db/helpline",
        "RASA_TOKEN": "rt",
        "TRACKER_STORE_URL": "postgresql://u:p@db/tracker",
    }
    actions, rasa, gateway = cli.children(settings, "rt", tmp_path)
    secrets = set(ours) - {"PATH"}
    assert not secrets & set(environment(actions, ours)) and environment(actions, ours)["PATH"] == "/usr/bin"
    assert secrets & set(environment(rasa, ours)) == {"TRACKER_STORE_URL"}
    assert secrets <= set(environment(gateway, ours))


def test_a_bad_setting_stops_with_the_variable_named():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={"GATEWAY_PORT": "eighty", "PYTHONPATH": str(REPO_ROOT)},
        timeout=120,
    )
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
        (
            {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No"}]},
            "Pick one\n  1. Yes\n  2. No",
        ),
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
        return web.json_response(
            [
                {
                    "recipient_id": body["sender"],
                    "text": "Want a person?",
                    "buttons": [{"title": "Yes", "payload": "/affirm"}],
                }
            ]
        )

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


# -- the first admin, staff accounts and the corrections export --------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_at(tmp_path):
    from bot.store.database import Database

    return Database(f"sqlite:///{tmp_path}/helpline.db")


def local_settings(tmp_path, **env) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/helpline.db",
            "GATEWAY_PORT": str(free_port()),
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
            **env,
        }
    )


FIRST_ADMIN = re.compile(r"sign in as (\S+) with this one-time password; you will choose your own:\n\s+(\S+)\n")


def test_run_makes_the_first_admin_before_starting_and_shows_its_password_once(monkeypatch, tmp_path, capsys):
    from bot import supervisor
    from bot.store import accounts
    from bot.store import staff as staff_store

    model = tmp_path / "helpline.tar.gz"
    model.write_bytes(b"")
    monkeypatch.setattr(cli, "MODEL", model)
    admins_at_start = []

    async def fake_supervise(children, on_ready=None, stop_event=None):  # Rasa is not started in unit tests
        db = store_at(tmp_path)
        admins_at_start.append(db.call(staff_store.active_admins))
        db.dispose()

    monkeypatch.setattr(supervisor, "supervise", fake_supervise)
    settings = local_settings(tmp_path)
    assert cli.run(settings, chat=False) == 0
    out = capsys.readouterr().out
    username, password = FIRST_ADMIN.search(out).groups()
    assert username == "admin" and admins_at_start == [1]
    assert out.index(password) < out.index("Starting the action server")
    db = store_at(tmp_path)
    try:
        assert db.call(accounts.authenticate, "admin", password, "192.0.2.1").staff["must_change_password"]
    finally:
        db.dispose()
    assert cli.run(settings, chat=False) == 0
    assert "one-time password" not in capsys.readouterr().out


def test_serve_makes_the_first_admin_from_the_environment_or_refuses_a_weak_password(monkeypatch, tmp_path, capsys):
    from aiohttp import web as aiohttp_web

    served = []
    monkeypatch.setattr(aiohttp_web, "run_app", lambda app, **kwargs: served.append(kwargs["port"]))
    weak = local_settings(tmp_path, CONSOLE_ADMIN_PASSWORD="password")
    assert cli.serve(weak) == 1 and served == []
    assert "CONSOLE_ADMIN_PASSWORD is too weak" in capsys.readouterr().err
    assert cli.serve(local_settings(tmp_path)) == 0 and len(served) == 1
    captured = capsys.readouterr()
    assert FIRST_ADMIN.search(captured.err) and "one-time" not in captured.out


def test_staff_commands_are_wired_in(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/helpline.db")
    assert cli.main(["staff", "add", "ana", "--name", "Ana"]) == 0
    assert "One-time password" in capsys.readouterr().out
    assert cli.main(["staff", "disable", "ghost"]) == 2
    assert "no staff member called 'ghost'" in capsys.readouterr().err


def mark_one(tmp_path):
    from bot.store import conversations as convo
    from bot.store import corrections as corrections_store
    from bot.store.database import upgrade

    db = store_at(tmp_path)
    try:
        upgrade(db.engine)
        cid, _ = db.call(convo.record_visitor_message, "web", "s1", "do you take medicaid")
        message_id = db.call(convo.conversation_transcript, cid)["messages"][0]["id"]
        db.call(corrections_store.mark, message_id, "faq/insurance", False, "ana")
    finally:
        db.dispose()


def test_export_corrections_writes_the_review_file_and_says_where(monkeypatch, tmp_path, capsys):
    from bot.store import audit

    mark_one(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/helpline.db")
    monkeypatch.setenv("CORRECTIONS_FILE", str(tmp_path / "default.yml"))
    assert cli.main(["export-corrections"]) == 0
    assert f"Wrote 1 example to {tmp_path / 'default.yml'}" in capsys.readouterr().out
    assert "- do you take medicaid" in (tmp_path / "default.yml").read_text()
    out = tmp_path / "later.yml"
    assert cli.main(["export-corrections", "--out", str(out), "--since", "2999-01-01"]) == 0
    assert "Wrote 0 examples" in capsys.readouterr().out and "do you take medicaid" not in out.read_text()
    db = store_at(tmp_path)
    try:
        details = [e["detail"] for e in db.call(audit.entries, "cli", "export_corrections")]
    finally:
        db.dispose()
    assert details == ["0 examples since 2999-01-01", "1 example"]


def test_export_corrections_refuses_the_training_data_and_a_bad_date(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/helpline.db")
    assert cli.main(["export-corrections", "--out", str(REPO_ROOT / "data" / "corrections.yml")]) == 2
    assert "trained on as it is" in capsys.readouterr().err
    assert not (REPO_ROOT / "data" / "corrections.yml").exists()
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export-corrections", "--since", "last week"])
    assert exit_.value.code == 2 and "not a date like" in capsys.readouterr().err
