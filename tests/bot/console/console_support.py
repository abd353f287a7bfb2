"""Helpers for the console tests (a module of its own: `conftest` is a name several folders use)."""

from __future__ import annotations

import dataclasses
import re

from aiohttp import web
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet

from bot.config import Settings
from bot.store import passwords
from bot.store import staff as staff_store
from bot.web_keys import DB

PASSWORD = "correct horse battery"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def console_settings(tmp_path, rasa_url: str, **overrides) -> Settings:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path}/console.db",
            "RASA_URL": rasa_url,
            "ACTION_SERVER_URL": rasa_url,
            "BOT_API_TOKEN": "console-api-token",
            "RASA_TOKEN": "rasa-token",
            "CONSOLE_SECRET_KEY": Fernet.generate_key().decode(),
        }
    )
    return dataclasses.replace(settings, **overrides)


async def csrf_of(client: TestClient, path: str = "/console/login") -> str:
    resp = await client.get(path)
    match = CSRF.search(await resp.text())
    assert match, f"no CSRF token on {path} (HTTP {resp.status})"
    return match.group(1)


async def add_staff(
    app, username: str, role: str = "staff", display_name: str = "", must_change_password: bool = False
) -> None:
    await app[DB].run(
        staff_store.add,
        username,
        display_name or username.title(),
        role,
        passwords.hash_password(PASSWORD),
        must_change_password,
    )


def console_of(app: web.Application) -> web.Application:
    """The console sub-app the gateway mounts at /console (its templates and topics live there)."""
    for resource in app.router.resources():
        info = resource.get_info()
        if info.get("prefix") == "/console" and "app" in info:
            return info["app"]
    raise LookupError("no console sub-app")
