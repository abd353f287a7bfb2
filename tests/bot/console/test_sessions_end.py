"""Sessions that end: signing out, disabling and a new password end every session of the account at once."""

from __future__ import annotations

import json
import time

from aiohttp import WSMsgType
from console_support import PASSWORD, csrf_of
from cryptography.fernet import Fernet

from bot.console import sessions
from bot.store import accounts
from bot.store import staff as staff_store
from bot.web_keys import DB, SETTINGS


def cookie_of(client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == sessions.COOKIE)


async def with_cookie(new_client, value: str):
    """Another browser holding a copy of a session cookie (copied from a shared computer, or stolen)."""
    client = await new_client()
    client.session.cookie_jar.update_cookies({sessions.COOKIE: value})
    return client


async def opens_the_console(client) -> bool:
    resp = await client.get("/console/password", allow_redirects=False)
    if resp.status == 303:
        assert resp.headers["Location"].startswith(sessions.LOGIN_PATH)
        return False
    assert resp.status == 200
    return True


async def test_signing_out_ends_a_copy_of_the_cookie_too(console_server, new_client, sign_in):
    client = await sign_in("ana")
    copy = await with_cookie(new_client, cookie_of(client))
    assert await opens_the_console(copy)

    resp = await client.post("/console/logout", data={"csrf_token": client.csrf}, allow_redirects=False)
    assert resp.status == 303

    assert not await opens_the_console(copy)
    assert not await opens_the_console(client)


async def test_signing_out_on_one_device_ends_the_others(console_server, new_client, sign_in):
    phone = await sign_in("ana")
    desk = await new_client()
    token = await csrf_of(desk)
    await desk.post("/console/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert await opens_the_console(desk)

    await phone.post("/console/logout", data={"csrf_token": phone.csrf}, allow_redirects=False)

    assert not await opens_the_console(desk)


async def test_signing_out_does_not_end_a_colleagues_session(console_server, sign_in):
    ana, ben = await sign_in("ana"), await sign_in("ben")
    await ana.post("/console/logout", data={"csrf_token": ana.csrf}, allow_redirects=False)
    assert await opens_the_console(ben)


async def test_a_new_password_ends_the_other_sessions_and_keeps_the_one_that_changed_it(
    console_server, new_client, sign_in
):
    client = await sign_in("ana")
    copy = await with_cookie(new_client, cookie_of(client))
    new = "a brand new passphrase"
    resp = await client.post(
        "/console/password",
        data={"csrf_token": client.csrf, "current_password": PASSWORD, "new_password": new, "confirm_password": new},
        allow_redirects=False,
    )
    assert resp.status == 303 and resp.headers["Location"] == "/console"
    assert await opens_the_console(client)
    assert not await opens_the_console(copy)


async def test_a_reset_or_disabling_from_the_command_line_ends_every_session(console_server, sign_in):
    ana, ben = await sign_in("ana"), await sign_in("ben")
    await console_server.app[DB].run(accounts.reset, "ana", "$argon2id$v=19$m=65536,t=3,p=4$x$y")
    await console_server.app[DB].run(accounts.set_active, "ben", False)
    assert not await opens_the_console(ana)
    assert not await opens_the_console(ben)


async def test_a_revoked_session_posting_a_form_gets_the_sign_in_page(console_server, new_client, sign_in):
    client = await sign_in("ana")
    copy = await with_cookie(new_client, cookie_of(client))
    token = await csrf_of(copy, "/console/password")
    await client.post("/console/logout", data={"csrf_token": client.csrf}, allow_redirects=False)
    resp = await copy.post("/console/conversations/" + "0" * 32 + "/reply", data={"csrf_token": token, "text": "hi"})
    assert resp.status == 401
    page = await resp.text()
    assert 'action="/console/login"' in page and "Sign in again" in page


async def test_an_expired_cookie_gets_the_sign_in_page(console_server, new_client, sign_in):
    client = await sign_in("ana")
    key = console_server.app[SETTINGS].console_secret_key.encode()
    member = await console_server.app[DB].run(staff_store.get, "ana")
    long_ago = int(time.time()) - sessions.SESSION_HOURS * 3600 - 60
    data = {
        "created": long_ago,
        "session": {
            "username": "ana",
            "password_changed_at": member["password_changed_at"].isoformat(),
            "version": member["session_version"],
            sessions.CSRF_FIELD: "t",
        },
    }
    old = Fernet(key).encrypt_at_time(json.dumps(data).encode(), long_ago).decode()
    assert await opens_the_console(client)
    assert not await opens_the_console(await with_cookie(new_client, old))


async def test_signing_out_closes_the_live_feed_of_every_page_of_that_account(console_server, sign_in):
    client = await sign_in("ana")
    async with client.ws_connect("/console/live", headers={"Origin": str(client.make_url("")).rstrip("/")}) as ws:
        first = await ws.receive_json(timeout=5)
        assert first["type"] == "update"
        await console_server.app[DB].run(accounts.sign_out, "ana")
        message = await ws.receive(timeout=10)
        while message.type == WSMsgType.TEXT:  # updates already on their way
            message = await ws.receive(timeout=10)
        assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)
