"""A gateway with the console, signed-in clients for each role (fake Rasa, SQLite)."""

from __future__ import annotations

from typing import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer
from console_support import PASSWORD, add_staff, console_settings, csrf_of

from bot.app import create_app


@pytest.fixture
async def console_server(aiohttp_server, tmp_path, fake_rasa) -> TestServer:
    """The gateway app under a test server; `.app` holds the store and router."""
    return await aiohttp_server(create_app(console_settings(tmp_path, fake_rasa.url), channels=()))


@pytest.fixture
def new_client(console_server, aiohttp_client) -> Callable[[], Awaitable[TestClient]]:
    """A browser of its own (cookie jar) on the same server; all are closed after the test."""

    async def make() -> TestClient:
        return await aiohttp_client(console_server)

    return make


@pytest.fixture
async def sign_in(console_server, new_client) -> Callable[..., Awaitable[TestClient]]:
    """sign_in("ana", role="staff") -> a client with its own cookie jar, signed in as a new staff member."""

    async def make(username: str, role: str = "staff", display_name: str = "") -> TestClient:
        await add_staff(console_server.app, username, role, display_name)
        client = await new_client()
        token = await csrf_of(client)
        resp = await client.post(
            "/console/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
        )
        assert resp.status == 303, await resp.text()
        client.csrf = await csrf_of(client, "/console/password")  # any signed-in page carries the token
        return client

    return make
