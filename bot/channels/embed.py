"""The web chat widget a program embeds in its own site with one script tag.

    <script src="https://chat.example.org/chat/widget.js" defer></script>

`/chat/widget.js` is the widget and the socket.io client in one file (the
client kept out of the host page's globals); it reads its settings from
`/chat/widget/settings` and talks to `/socket.io/` across origins. Which sites
may do that is `WEB_CHAT_ORIGINS` (plus the gateway's own origin): socket.io
refuses a handshake from any other origin, and these routes answer a browser
from another origin with 403 and no CORS headers.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional
from urllib.parse import urlsplit

from aiohttp import web

from bot import guards
from bot.web_keys import ROUTER
from core import wording

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parents[1]
WIDGET_SOURCE = PACKAGE / "static" / "widget.js"
SOCKET_IO_CLIENT = PACKAGE.parent / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)


def origin_of(url: str) -> Optional[str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class OriginPolicy:
    """Which browser origins may use the web chat: the listed sites and the gateway's own pages."""

    def __init__(self, origins: Iterable[str] = (), public_url: Optional[str] = None):
        self.listed = frozenset(origins)
        own = origin_of(public_url) if public_url else None
        self.public = frozenset([own] if own else [])

    def allows(self, origin: Optional[str], environ: Optional[Mapping[str, Any]] = None) -> bool:
        """python-engineio's `cors_allowed_origins` callable (origin, WSGI-style environ)."""
        if not origin:
            return False
        origin = origin.lower()
        if origin in self.listed or origin in self.public:
            return True
        return environ is not None and origin in self.own_origins(environ)

    @staticmethod
    def own_origins(environ: Mapping[str, Any]) -> set:
        """The gateway's origin as this request names it (python-engineio's same-origin rule)."""
        own = set()
        host = environ.get("HTTP_HOST")
        scheme = environ.get("wsgi.url_scheme", "http")
        if host:
            own.add(f"{scheme}://{host}".lower())
            if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
                fwd_scheme = str(environ.get("HTTP_X_FORWARDED_PROTO", scheme)).split(",")[0].strip()
                fwd_host = str(environ.get("HTTP_X_FORWARDED_HOST", host)).split(",")[0].strip()
                own.add(f"{fwd_scheme}://{fwd_host}".lower())
        return own

    def allows_request(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a cross-origin browser request: a script tag, curl, the same page
        environ = {"HTTP_HOST": request.host, "wsgi.url_scheme": request.scheme}
        for name in ("X-Forwarded-Proto", "X-Forwarded-Host"):
            if name in request.headers:
                environ["HTTP_" + name.upper().replace("-", "_")] = request.headers[name]
        return self.allows(origin, environ)


ORIGINS: "web.AppKey[OriginPolicy]" = web.AppKey("webchat_origins")
BUNDLE: "web.AppKey[Dict[str, str]]" = web.AppKey("webchat_widget_bundle")


def cors_headers(request: web.Request) -> Dict[str, str]:
    origin = request.headers.get("Origin")
    headers = {"Vary": "Origin", "X-Content-Type-Options": "nosniff"}
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def refused(request: web.Request) -> web.Response:
    log.info("web chat: refused a request from an origin not in WEB_CHAT_ORIGINS")
    return web.Response(
        status=403,
        text="This site is not allowed to embed the chat (WEB_CHAT_ORIGINS).",
        headers={"Vary": "Origin"},
    )


def bundle_text() -> str:
    """socket.io-client inside the widget's own scope: the host page's `io` (if any) is left alone."""
    client = SOURCE_MAP.sub("", SOCKET_IO_CLIENT.read_text(encoding="utf-8"))
    widget = WIDGET_SOURCE.read_text(encoding="utf-8")
    return (
        "/* IOP Helpline web chat widget; includes socket.io-client (MIT). */\n"
        "(function () {\n"
        "var module = { exports: {} }, exports = module.exports, define;\n"
        f"{client}\n"
        "var io = module.exports;\n"
        f"{widget}\n"
        "})();\n"
    )


@guards.public
async def widget_script(request: web.Request) -> web.Response:
    if not request.app[ORIGINS].allows_request(request):
        return refused(request)
    if not SOCKET_IO_CLIENT.is_file():
        return web.Response(status=503, text="socket.io-client is not installed: run `make install`")
    cache = request.app[BUNDLE]
    if "text" not in cache:
        cache["text"] = bundle_text()
    return web.Response(
        text=cache["text"],
        content_type="application/javascript",
        headers={**cors_headers(request), "Cache-Control": "no-cache"},
    )


def widget_settings_for(contact: Optional[wording.Contact]) -> Dict[str, Any]:
    program = (contact.program_name if contact else None) or "our program"
    phone = contact.phone if contact else None
    return {
        "program_name": program,
        "phone": phone,
        "phone_href": re.sub(r"[^0-9+]", "", phone or "") or None,
        "phone_hours": contact.phone_hours if contact else None,
        "greeting": wording.widget_greeting(program),
        "suggestions": list(wording.WIDGET_SUGGESTIONS),
        "notice": wording.WIDGET_NOTICE,
        "delete_question": wording.WIDGET_DELETE_QUESTION,
        "offline": wording.WIDGET_OFFLINE,
        "cleared_here": wording.WIDGET_CLEARED_HERE,
        "delete_unconfirmed": wording.WIDGET_DELETE_UNCONFIRMED,
    }


def program_contact(app: web.Application) -> Optional[wording.Contact]:
    """The program's phone and hours for the chat pages, or None: a page without them still opens."""
    router = app.get(ROUTER)
    if router is None:
        return None
    try:
        return router.contact()
    except Exception:
        log.exception("web chat: could not read the program's contact details")
        return None


@guards.public
async def widget_settings(request: web.Request) -> web.Response:
    if not request.app[ORIGINS].allows_request(request):
        return refused(request)
    contact = program_contact(request.app)
    return web.json_response(
        widget_settings_for(contact), headers={**cors_headers(request), "Cache-Control": "no-store"}
    )


PREVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@guards.public
async def preview(request: web.Request) -> web.Response:
    """A stand-in for the program's own site, with the snippet in it: the widget as it looks embedded."""
    from bot.channels.webchat import TEMPLATE_ENV

    html = request.app[TEMPLATE_ENV].get_template("embed_preview.html").render()
    return web.Response(text=html, content_type="text/html", headers=PREVIEW_HEADERS)


def attach(app: web.Application, policy: OriginPolicy) -> None:
    app[ORIGINS] = policy
    app[BUNDLE] = {}
    app.add_routes(
        [
            web.get("/chat/widget.js", widget_script),
            web.get("/chat/widget/settings", widget_settings),
            web.get("/chat/preview", preview),
        ]
    )
