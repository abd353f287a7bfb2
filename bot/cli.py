"""`python -m bot ...`: run the helpline, serve the gateway, chat in a terminal, manage staff accounts,
export staff corrections for review."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import socket
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlsplit

import aiohttp

from bot.config import VAR_DIR, Settings
from core.paths import REPO_ROOT

MODEL = REPO_ROOT / "models" / "helpline.tar.gz"
RASA_READY_SECONDS = 600.0  # loading the model takes minutes on a busy two-core machine


def port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default


# The gateway's own secrets: neither Rasa nor the action server has any use for them.
GATEWAY_SECRETS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "BOT_API_TOKEN",
    "CONSOLE_SECRET_KEY",
    "CONSOLE_ADMIN_PASSWORD",
    "DATABASE_URL",
)


def children(settings: Settings, rasa_token: str, log_dir: Path):
    """The three processes, in start order; the e2e suite starts the same ones."""
    from bot.supervisor import Child

    py = sys.executable
    actions_port = port_of(settings.action_server_url, 5055)
    rasa_port = port_of(settings.rasa_url, 5005)
    # The sentence model ships in a package: nothing may be fetched from a hub at run time.
    common = {
        "PYTHONPATH": str(REPO_ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    return [
        Child(
            name="action server",
            argv=[py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            health_url=f"http://127.0.0.1:{actions_port}/health",
            env={**common, "SANIC_HOST": "127.0.0.1", "PROGRAM_PROFILE": str(settings.program_profile)},
            # Nor the key to every tracker, nor where the trackers are.
            withheld=GATEWAY_SECRETS + ("RASA_TOKEN", "TRACKER_STORE_URL"),
            log_path=log_dir / "actions.log",
            cwd=REPO_ROOT,
        ),
        Child(
            name="rasa",
            argv=[
                py,
                "-m",
                # Rasa's own command line with our patches applied first (rasa_patched/validator.py says why).
                "rasa_patched",
                "run",
                "--enable-api",
                "--auth-token",
                rasa_token,
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                str(REPO_ROOT / "endpoints.yml"),
                "--credentials",
                str(REPO_ROOT / "credentials.yml"),
            ],
            health_url=f"http://127.0.0.1:{rasa_port}/",
            env={
                **common,
                "ACTION_ENDPOINT_URL": settings.action_server_url.rstrip("/") + "/webhook",
                "TRACKER_STORE_URL": settings.tracker_store_url,
            },
            withheld=GATEWAY_SECRETS + ("RASA_TOKEN",),
            log_path=log_dir / "rasa.log",
            cwd=REPO_ROOT,
            ready_timeout=RASA_READY_SECONDS,
        ),
        Child(
            name="gateway",
            argv=[py, "-m", "bot", "serve"],
            health_url=f"{settings.gateway_url}/healthz",
            env={**common, "RASA_TOKEN": rasa_token},
            log_path=log_dir / "gateway.log",
            cwd=REPO_ROOT,
        ),
    ]


def shown_path(path: Path) -> Path:
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


def busy_ports(settings: Settings) -> List[str]:
    wanted = [
        ("ACTION_SERVER_URL", "127.0.0.1", port_of(settings.action_server_url, 5055)),
        ("RASA_URL", "127.0.0.1", port_of(settings.rasa_url, 5005)),
        ("GATEWAY_PORT", settings.gateway_host, settings.gateway_port),
    ]
    busy = []
    for variable, host, port in wanted:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                busy.append(f"port {port} ({variable})")
    return busy


async def exists(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(url, allow_redirects=False) as resp:
            return resp.status < 400
    except aiohttp.ClientError:
        return False


async def print_addresses(base: str, settings: Settings, log_dir: Path) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        web_chat, console = await exists(http, f"{base}/"), await exists(http, f"{base}/console")
    print(f"\nThe helpline is running (logs in {shown_path(log_dir)}/).")
    if web_chat:
        print(f"  Web chat:      {base}/")
    if console:
        print(f"  Staff console: {base}/console")
    print(f"  REST:          POST {base}/webhooks/rest/webhook")
    if settings.bot_api_token:
        print(f"  API:           {base}/api/... (Authorization: Bearer $BOT_API_TOKEN)")
    print(f"  Health:        {base}/healthz")


def prepare_console(settings: Settings, out=None) -> bool:
    """Migrate the store and make the first admin when there is none; False (said why) on failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot import staff_cli

    try:
        made = staff_cli.first_admin(settings)
    except (ValueError, SQLAlchemyError) as exc:
        print(f"Could not prepare the store and the staff console: {exc}", file=sys.stderr)
        return False
    if made:
        # The only time this password is shown: on the terminal of whoever started the helpline.
        print(f"\n{staff_cli.first_admin_notice(*made)}\n", file=out or sys.stdout, flush=True)
    return True


def run(settings: Settings, chat: bool) -> int:
    from bot.supervisor import supervise

    if not MODEL.exists():
        print(f"No trained model at {shown_path(MODEL)}: run `make train` first.", file=sys.stderr)
        return 1
    busy = busy_ports(settings)
    if busy:
        print(
            f"Already in use: {', '.join(busy)}. Is the helpline running already? "
            "Stop it, or set those variables to free ports.",
            file=sys.stderr,
        )
        return 1
    if not prepare_console(settings):
        return 1
    # Rasa's HTTP API is never left open: a token is made up when none is given.
    rasa_token = settings.rasa_token or secrets.token_urlsafe(32)
    log_dir = VAR_DIR / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    base = settings.gateway_url
    tasks: List[asyncio.Task] = []

    async def ready() -> None:
        await print_addresses(base, settings, log_dir)
        if chat:
            print("\nChat here (Ctrl-D ends the chat, Ctrl-C stops the helpline).\n", flush=True)
            tasks.append(asyncio.create_task(terminal_chat(base, closing="Chat closed; Ctrl-C stops the helpline.")))
        else:
            print("\nPress Ctrl-C to stop.", flush=True)

    print("Starting the action server, Rasa (a minute or two) and the gateway...", flush=True)
    try:
        asyncio.run(supervise(children(settings, rasa_token, log_dir), on_ready=ready))
    except RuntimeError as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    print("Stopped.")
    return 0


def render(reply: dict) -> str:
    lines = []
    if reply.get("staff_name"):
        lines.append(f"[{reply['staff_name']}]")
    if reply.get("text"):
        lines.append(reply["text"])
    for i, button in enumerate(reply.get("buttons") or [], start=1):
        lines.append(f"  {i}. {button.get('title')}")
    return "\n".join(lines)


def _settle(future: "asyncio.Future[Optional[str]]", value: Optional[str]) -> None:
    if not future.done():
        future.set_result(value)


async def read_line(prompt: str) -> Optional[str]:
    """input() in a daemon thread, so a pending prompt never keeps the process alive; None at EOF."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def work() -> None:
        try:
            value: Optional[str] = input(prompt)
        except (EOFError, OSError):
            value = None
        try:
            loop.call_soon_threadsafe(_settle, future, value)
        except RuntimeError:  # the loop is gone: we are shutting down
            pass

    threading.Thread(target=work, name="terminal-input", daemon=True).start()
    return await future


async def terminal_chat(base: str, sender: Optional[str] = None, closing: str = "") -> None:
    """A plain terminal conversation through the gateway's REST channel; a digit picks a button."""
    sender = sender or f"terminal-{secrets.token_hex(6)}"
    buttons: List[dict] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=90)) as http:
        while True:
            line = await read_line("you> ")
            if line is None:
                print(f"\n{closing}".rstrip(), flush=True)
                return
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1].get("payload") or buttons[int(text) - 1].get("title") or text
            try:
                async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as resp:
                    resp.raise_for_status()
                    replies = await resp.json()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                print(
                    f"(the helpline did not answer: {exc or type(exc).__name__}; "
                    "if you are in danger, call 911, or call or text 988)",
                    flush=True,
                )
                continue
            buttons = []
            for reply in replies:
                shown = render(reply)
                if shown:
                    print("bot> " + shown.replace("\n", "\n     "), flush=True)
                buttons = reply.get("buttons") or buttons


def serve(settings: Settings) -> int:
    from aiohttp import web

    from bot.app import create_app

    if not prepare_console(settings, out=sys.stderr):  # stderr: the gateway's log under `run`
        return 1
    web.run_app(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        print=lambda *_: None,
        access_log=None,
    )
    return 0


def since_date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-01-31") from None


def export_corrections(settings: Settings, out: Optional[Path], since: Optional[datetime]) -> int:
    from bot import teaching

    path = out.resolve() if out else settings.corrections_file
    try:
        count = teaching.write_export(settings.database_url, path, since)
    except ValueError as exc:
        print(f"python -m bot export-corrections: {exc}", file=sys.stderr)
        return 2
    print(
        f"Wrote {count} example{'' if count == 1 else 's'} to {shown_path(path)}. "
        "Read them before you copy any into data/nlu.yml."
    )
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the action server, Rasa and the gateway, then chat")
    p_run.add_argument("--no-chat", action="store_true", help="do not open a terminal chat")
    sub.add_parser("serve", help="start only the gateway")
    p_chat = sub.add_parser("chat", help="chat with a running helpline in the terminal")
    p_chat.add_argument("--url", default=None, help="gateway base URL (default: from GATEWAY_HOST/GATEWAY_PORT)")
    from bot import staff_cli

    staff_cli.add_arguments(sub)
    p_export = sub.add_parser(
        "export-corrections", help="write the topics staff marked as Rasa NLU examples, for review before training"
    )
    p_export.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the file to write (default: CORRECTIONS_FILE, var/nlu_corrections.yml); never in data/",
    )
    p_export.add_argument(
        "--since",
        type=since_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="only corrections marked on or after this day (UTC)",
    )
    args = parser.parse_args(argv)
    if args.command in ("run", "serve"):
        # Everything the helpline writes (stores, logs, keys; the children's too) is for its own user only.
        os.umask(0o077)

    # The supervisor's own progress is printed; its log lines would only clutter the chat.
    default_level = "INFO" if args.command == "serve" else "WARNING"
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", default_level), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        parser.error(str(exc))
    if args.command == "run":
        return run(settings, chat=not args.no_chat and sys.stdin.isatty())
    if args.command == "serve":
        return serve(settings)
    if args.command == "staff":
        return staff_cli.main(args, settings)
    if args.command == "export-corrections":
        return export_corrections(settings, args.out, args.since)
    try:
        asyncio.run(terminal_chat((args.url or settings.gateway_url).rstrip("/")))
    except KeyboardInterrupt:
        print()
    return 0
