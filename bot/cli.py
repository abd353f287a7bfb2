"""`python -m bot ...`: run the helpline, serve the gateway, chat in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlsplit

import aiohttp

from bot.config import REPO_ROOT, Settings

MODEL = REPO_ROOT / "models" / "helpline.tar.gz"


def port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default


def children(settings: Settings, rasa_token: str, log_dir: Path):
    from bot.supervisor import Child

    py = sys.executable
    actions_port = port_of(settings.action_server_url, 5055)
    rasa_port = port_of(settings.rasa_url, 5005)
    rasa_env = {
        "ACTION_ENDPOINT_URL": settings.action_server_url.rstrip("/") + "/webhook",
        "TRACKER_STORE_URL": settings.tracker_store_url,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    return [
        Child(
            name="action server",
            argv=[py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            health_url=f"http://127.0.0.1:{actions_port}/health",
            env={"SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(REPO_ROOT)},
            log_path=log_dir / "actions.log",
        ),
        Child(
            name="rasa",
            argv=[py, "-m", "rasa", "run", "--enable-api", "--auth-token", rasa_token,
                  "--interface", "127.0.0.1", "--port", str(rasa_port), "--model", str(MODEL),
                  "--endpoints", str(REPO_ROOT / "endpoints.yml"),
                  "--credentials", str(REPO_ROOT / "credentials.yml")],
            health_url=f"http://127.0.0.1:{rasa_port}/",
            env=rasa_env,
            log_path=log_dir / "rasa.log",
        ),
        Child(
            name="gateway",
            argv=[py, "-m", "bot", "serve"],
            health_url=f"http://{settings.gateway_host}:{settings.gateway_port}/healthz",
            env={"RASA_TOKEN": rasa_token, "PYTHONPATH": str(REPO_ROOT)},
            log_path=log_dir / "gateway.log",
        ),
    ]


def run(settings: Settings, chat: bool) -> int:
    from bot.supervisor import supervise

    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make train` first.", file=sys.stderr)
        return 1
    # Rasa's HTTP API is never left open: a token is made up when none is given.
    rasa_token = settings.rasa_token or secrets.token_urlsafe(32)
    log_dir = REPO_ROOT / "var" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    base = f"http://{settings.gateway_host}:{settings.gateway_port}"

    async def ready() -> None:
        print(f"\nThe helpline is running (logs in {log_dir.relative_to(REPO_ROOT)}/).")
        print(f"  Web chat:      {base}/")
        print(f"  Staff console: {base}/console")
        print(f"  REST:          POST {base}/webhooks/rest/webhook")
        if chat:
            print("\nOr chat here in the terminal (Ctrl-D to stop the chat, Ctrl-C to stop everything).\n")
            await terminal_chat(base)
        else:
            print("\nPress Ctrl-C to stop.")

    print("Starting the action server, Rasa (about a minute) and the gateway...")
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


async def terminal_chat(base: str, sender: Optional[str] = None) -> None:
    """A plain terminal conversation through the gateway's REST channel."""
    sender = sender or f"terminal-{secrets.token_hex(4)}"
    loop = asyncio.get_running_loop()
    buttons: List[dict] = []
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                line = await loop.run_in_executor(None, input, "you> ")
            except EOFError:
                return
            text = line.strip()
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as resp:
                replies = await resp.json()
            buttons = []
            for reply in replies:
                if reply.get("text") or reply.get("buttons"):
                    print("bot> " + render(reply).replace("\n", "\n     "))
                buttons = reply.get("buttons") or buttons


def serve(settings: Settings) -> int:
    from aiohttp import web

    from bot.app import create_app

    web.run_app(create_app(settings), host=settings.gateway_host, port=settings.gateway_port,
                print=lambda *_: None, access_log=None)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="start the action server, Rasa and the gateway")
    p_run.add_argument("--no-chat", action="store_true", help="do not open a terminal chat")
    sub.add_parser("serve", help="start only the gateway")
    p_chat = sub.add_parser("chat", help="chat with a running helpline in the terminal")
    p_chat.add_argument("--url", default=None, help="gateway base URL")
    args = parser.parse_args(argv)

    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        parser.error(str(exc))
    if args.command == "run":
        return run(settings, chat=not args.no_chat and sys.stdin.isatty())
    if args.command == "serve":
        return serve(settings)
    if args.command == "chat":
        asyncio.run(terminal_chat(args.url or f"http://{settings.gateway_host}:{settings.gateway_port}"))
        return 0
    return 2
