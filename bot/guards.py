"""Who may use each door. Every route of the gateway declares one guard; tests/bot/test_routes.py walks
the whole route table (sub-apps included) and fails on a route that declares none.

    public     anyone: the chat page, health, metrics, the sign-in page, our own static files
    visitor    a visitor's channel: checked by the channel itself (Twilio's signature, JSON only and
               rate limits on REST, the socket.io session)
    staff      a signed-in staff member (bot.console.sessions.staff_only)
    admin      a signed-in admin (bot.console.sessions.admin_only)
    api token  the JSON API's bearer token (bot.api's middleware, for every route of that sub-app)

A handler declares its guard with `@public` or `@visitor` here, or through
the console's decorators; a sub-app whose middleware guards all of it says so
with `WHOLE_APP`; a route a library mounts (socket.io) is declared by path.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, TypeVar

from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRoute, StaticResource

PUBLIC, VISITOR, STAFF, ADMIN, API_TOKEN = "public", "visitor", "staff", "admin", "api token"
GUARDS = (PUBLIC, VISITOR, STAFF, ADMIN, API_TOKEN)
ATTRIBUTE = "helpline_guard"

WHOLE_APP: "web.AppKey[str]" = web.AppKey("guard_of_every_route")
PATHS: "web.AppKey[Dict[str, str]]" = web.AppKey("guards_by_path_prefix")

H = TypeVar("H", bound=Callable)


def declare(guard: str) -> Callable[[H], H]:
    if guard not in GUARDS:
        raise ValueError(f"unknown guard {guard!r}; one of {GUARDS}")

    def mark(handler: H) -> H:
        setattr(handler, ATTRIBUTE, guard)
        return handler

    return mark


public = declare(PUBLIC)
visitor = declare(VISITOR)


def declare_path(app: web.Application, prefix: str, guard: str) -> None:
    """For routes mounted by a library under `prefix`, whose handlers are not ours to mark."""
    declare(guard)  # checks the name
    app.setdefault(PATHS, {})[prefix] = guard


def of_route(app: web.Application, route: AbstractRoute) -> Optional[str]:
    """The guard a route declares (within `app`, the application it is mounted on), or None."""
    declared = getattr(route.handler, ATTRIBUTE, None)
    if declared:
        return declared
    if WHOLE_APP in app:
        return app[WHOLE_APP]
    path = route.resource.canonical if route.resource else ""
    for prefix, guard in app.get(PATHS, {}).items():
        if path.startswith(prefix):
            return guard
    if isinstance(route.resource, StaticResource):
        return PUBLIC  # our own files, the same for everyone
    return None
