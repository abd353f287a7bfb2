"""Signing in: passwords, sessions, CSRF, throttling, forced password change."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from console_support import PASSWORD, add_staff, csrf_of

from bot.store import audit as audit_store
from bot.store import passwords
from bot.store import staff as staff_store
from bot.web_keys import DB


def next_of(location: str) -> str:
    """Where the sign-in page will send the member afterwards."""
    path, query = urlsplit(location).path, parse_qs(urlsplit(location).query)
    assert path == "/console/login"
    return query["next"][0]


async def post_login(client, username, password, token=None):
    token = token if token is not None else await csrf_of(client)
    return await client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": token}, allow_redirects=False
    )


async def test_pages_need_a_signed_in_member(console_server, new_client):
    client = await new_client()
    resp = await client.get("/console/password", allow_redirects=False)
    assert resp.status == 303
    assert next_of(resp.headers["Location"]) == "/console/password"


async def test_after_sign_in_the_page_asked_for_opens_with_its_query(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    resp = await client.get("/console/search?text=a&channel=sms", allow_redirects=False)
    assert next_of(resp.headers["Location"]) == "/console/search?text=a&channel=sms"
    token = await csrf_of(client, resp.headers["Location"])
    resp = await client.post(
        "/console/login",
        data={
            "username": "ana",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/console/search?text=a&channel=sms",
        },
        allow_redirects=False,
    )
    assert resp.headers["Location"] == "/console/search?text=a&channel=sms"
    evil = await client.get("/console/login?next=https://evil.example/", allow_redirects=False)
    assert evil.headers["Location"] == "/console"  # signed in: sent on, but only ever within the console


async def test_sign_in_then_out(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    resp = await post_login(client, "Ana ", PASSWORD)
    assert resp.status == 303 and resp.headers["Location"] == "/console"
    page = await client.get("/console/password")
    assert page.status == 200 and "Ana" in await page.text()
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    token = await csrf_of(client, "/console/password")
    resp = await client.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
    assert resp.status == 303
    assert (await client.get("/console/password", allow_redirects=False)).status == 303
    actions = [e["action"] for e in await console_server.app[DB].run(audit_store.entries)]
    assert actions[:2] == ["sign_out", "sign_in"]


async def test_a_wrong_password_or_unknown_name_says_the_same(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    wrong = await post_login(client, "ana", "not the password")
    unknown = await post_login(client, "nobody", PASSWORD)
    assert wrong.status == unknown.status == 401
    assert "do not match" in await wrong.text() and "do not match" in await unknown.text()


async def test_a_post_without_the_csrf_token_is_refused(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    await csrf_of(client)
    assert (await post_login(client, "ana", PASSWORD, token="")).status == 403
    assert (await post_login(client, "ana", PASSWORD, token="forged")).status == 403
    assert (await post_login(client, "ana", PASSWORD)).status == 303


async def test_a_post_from_another_site_is_refused(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    token = await csrf_of(client)
    resp = await client.post(
        "/console/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert resp.status == 403


async def test_repeated_failures_from_one_place_make_it_wait_even_with_the_right_password(console_server, new_client):
    await add_staff(console_server.app, "ana")
    client = await new_client()
    for _ in range(passwords.FREE_FAILURES_PER_USER_AT_ADDRESS + 1):
        assert (await post_login(client, "ana", "guess")).status == 401
    resp = await post_login(client, "ana", PASSWORD)
    assert resp.status == 429 and "Too many failed sign-ins from here. Wait " in await resp.text()
    assert resp.headers["Retry-After"] in ("1", "2")  # 2 s after the last failure
    actions = [e["action"] for e in await console_server.app[DB].run(audit_store.entries)]
    assert actions.count("sign_in_failed") == 4 and actions[0] == "sign_in_throttled"


async def test_a_disabled_member_is_signed_out_at_once(console_server, new_client, sign_in):
    client = await sign_in("ana")
    assert (await client.get("/console/password")).status == 200
    await console_server.app[DB].run(staff_store.set_active, "ana", False)
    assert (await client.get("/console/password", allow_redirects=False)).status == 303
    assert (await post_login(client, "ana", PASSWORD)).status == 401


async def test_a_given_password_must_be_changed_first(console_server, new_client):
    await add_staff(console_server.app, "ana", must_change_password=True)
    client = await new_client()
    resp = await post_login(client, "ana", PASSWORD)
    assert resp.headers["Location"] == "/console/password"
    token = await csrf_of(client, "/console/password")
    short = await client.post(
        "/console/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert short.status == 400 and "at least 12" in await short.text()
    resp = await client.post(
        "/console/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "a much better passphrase",
            "confirm_password": "a much better passphrase",
        },
        allow_redirects=False,
    )
    assert resp.status == 303 and resp.headers["Location"] == "/console"
    member = await console_server.app[DB].run(staff_store.get, "ana")
    assert member["must_change_password"] is False
    assert (await client.get("/console/password")).status == 200  # the new session is good


async def test_behind_a_trusted_proxy_the_audit_log_names_the_real_client(tmp_path, fake_rasa, aiohttp_client):
    from console_support import console_settings

    from bot.app import create_app
    from bot.config import parse_networks

    settings = console_settings(tmp_path, fake_rasa.url, trusted_proxies=parse_networks("127.0.0.1"))
    client = await aiohttp_client(create_app(settings, channels=()))
    app = client.server.app
    await add_staff(app, "ana")
    for address in ("198.51.100.1", "198.51.100.2"):
        token = await csrf_of(client)
        await client.post(
            "/console/login",
            data={"username": "ana", "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": f"6.6.6.6, {address}"},
        )
    entries = await app[DB].run(audit_store.entries)
    assert [e["ip"] for e in entries] == ["198.51.100.2", "198.51.100.1"]


async def test_someone_who_must_change_the_password_can_still_sign_out(console_server, new_client):
    await add_staff(console_server.app, "ana", must_change_password=True)
    client = await new_client()
    await post_login(client, "ana", PASSWORD)
    assert (await client.get("/console", allow_redirects=False)).headers["Location"] == "/console/password"
    token = await csrf_of(client, "/console/password")
    resp = await client.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/console/login"
    assert (
        (await client.get("/console/password", allow_redirects=False)).headers["Location"].startswith("/console/login")
    )


async def test_every_console_page_and_action_needs_a_signed_in_member(console_server, new_client):
    """Walks the router, so a route added later without @staff_only fails here."""
    client = await new_client()
    token = await csrf_of(client)  # an anonymous session's token: past the CSRF check, still not signed in
    checked = 0
    for route in console_server.app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if not path.startswith("/console") or path.startswith(("/console/login", "/console/assets")):
            continue
        url = path.replace("{id}", "0" * 32).replace("{handoff_id}", "1")
        if route.method == "GET":
            resp = await client.get(url, allow_redirects=False)
            assert resp.status in (303, 401), (url, resp.status)
            if resp.status == 303:
                assert resp.headers["Location"].startswith("/console/login"), url
        elif route.method == "POST":
            resp = await client.post(url, data={"csrf_token": token}, allow_redirects=False)
            assert resp.status == 401, (url, resp.status)
        checked += 1
    assert checked >= 15
