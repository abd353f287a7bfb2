"""The route table cannot drift: every route of the gateway, sub-apps included, declares its guard,
and every guarded route turns a stranger away."""

from __future__ import annotations

from typing import Iterator, Tuple

import pytest
from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRoute, PrefixedSubAppResource
from test_gateway import settings_for

from bot import guards
from bot.app import create_app


def walk(app: web.Application) -> Iterator[Tuple[str, web.Application, AbstractRoute]]:
    """(full path, the app it is mounted on, route) for every route, into every sub-app.

    A sub-app's resources carry its prefix once it is mounted.
    """
    for resource in app.router.resources():
        if isinstance(resource, PrefixedSubAppResource):
            yield from walk(resource.get_info()["app"])
            continue
        for route in resource:
            yield resource.canonical, app, route


@pytest.fixture
def app(tmp_path):
    return create_app(settings_for(tmp_path, "http://127.0.0.1:9"))


def test_every_route_declares_a_guard(app):
    routes = list(walk(app))
    undeclared = [f"{route.method} {path}" for path, owner, route in routes if guards.of_route(owner, route) is None]
    assert not undeclared, f"routes without a declared guard: {undeclared}"
    assert len(routes) >= 40  # the chat, SMS, REST, health, the console and the API are all in the walk


def test_the_doors_have_the_guards_we_mean(app):
    declared = {(route.method, path): guards.of_route(owner, route) for path, owner, route in walk(app)}
    assert declared[("POST", "/webhooks/rest/webhook")] == guards.VISITOR
    assert declared[("POST", "/webhooks/twilio/sms")] == guards.VISITOR
    assert declared[("GET", "/")] == guards.PUBLIC
    assert declared[("POST", "/console/login")] == guards.PUBLIC
    assert declared[("POST", "/console/logout")] == guards.STAFF
    assert declared[("GET", "/console/audit")] == guards.ADMIN
    assert declared[("GET", "/api/conversations/{id}")] == guards.API_TOKEN
    assert any(path.startswith("/socket.io") and g == guards.VISITOR for (_, path), g in declared.items())


def test_an_undeclared_route_is_caught(app):
    async def forgotten(request):
        return web.Response(text="transcripts")

    sub = web.Application()
    sub.router.add_get("/everything", forgotten)
    app.add_subapp("/backdoor", sub)
    found = [path for path, owner, route in walk(app) if guards.of_route(owner, route) is None]
    assert set(found) == {"/backdoor/everything"}  # its GET and HEAD


def test_an_unknown_guard_cannot_be_declared():
    with pytest.raises(ValueError):
        guards.declare("friends")


def concrete(path: str) -> str:
    return (
        path.replace("{id}", "0" * 32)
        .replace("{handoff_id}", "1")
        .replace("{id:\\d+}", "1")
        .replace("{channel}", "web")
        .replace("{address}", "x")
    )


async def test_every_guarded_route_turns_a_stranger_away(aiohttp_client, tmp_path, fake_rasa):
    app = create_app(settings_for(tmp_path, fake_rasa.url))
    client = await aiohttp_client(app)
    checked = 0
    for path, owner, route in list(walk(app)):
        guard = guards.of_route(owner, route)
        if guard not in (guards.STAFF, guards.ADMIN, guards.API_TOKEN) or route.method not in ("GET", "POST"):
            continue
        resp = await client.request(route.method, concrete(path), allow_redirects=False)
        if guard == guards.API_TOKEN:
            assert resp.status == 401, (path, resp.status)
        elif route.method == "GET":
            assert resp.status in (303, 401), (path, resp.status)
            if resp.status == 303:
                assert resp.headers["Location"].startswith("/console/login"), path
        else:
            assert resp.status in (401, 403), (path, resp.status)  # 403: no CSRF token either
        checked += 1
    assert checked >= 20
