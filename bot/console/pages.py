"""How a console page is made: the templates, their filters, the shared layout and its headers."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any, Callable

import jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot import local_time
from bot.console.sessions import CONSOLE_HEADERS, STAFF, csrf_token
from bot.web_keys import JOURNAL

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


TEMPLATE_ENV: "web.AppKey[jinja2.Environment]" = web.AppKey("console_templates")


async def flash(request: web.Request, text: str, kind: str = "ok") -> None:
    """A message shown once on the next page (after a redirect). kind: ok | notice | error."""
    session = await get_session(request)
    session["flashes"] = [*session.get("flashes", []), [kind, text]][-5:]


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A console page in the shared layout, with the staff member, a CSRF token and pending flashes."""
    session = await get_session(request)
    flashes = session.pop("flashes") if "flashes" in session else []
    html = (
        request.config_dict[TEMPLATE_ENV]
        .get_template(template)
        .render(
            staff=request.get(STAFF),
            csrf_token=await csrf_token(request),
            path=request.path,
            flashes=flashes,
            escalation_degraded=escalation_degraded(request),
            **context,
        )
    )
    return web.Response(text=html, content_type="text/html", status=status, headers=CONSOLE_HEADERS)


def escalation_degraded(request: web.Request) -> bool:
    """A crisis is waiting in the gateway's journal for the store: staff cannot see it in the queue yet."""
    journal = request.config_dict.get(JOURNAL)
    return bool(journal is not None and journal.escalation_degraded)


def template_env(zone: Callable[[], tzinfo]) -> jinja2.Environment:
    """Templates with times in the program's zone: `{{ t|local_time }}`, `{{ t|local_clock }}`, `{{ zone_name() }}`.

    `zone` is asked at render time: the profile is read when the app starts, after the routes are set up.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = lambda moment: local_time.shown(moment, zone())
    env.filters["local_clock"] = lambda moment: local_time.shown_clock(moment, zone())
    env.globals["zone_name"] = lambda: local_time.zone_name(zone())
    return env
