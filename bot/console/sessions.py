"""Who is signed in to the console, and what guards every request to it.

- Sessions live in an encrypted cookie (aiohttp-session + Fernet). The key
  comes from CONSOLE_SECRET_KEY; without it one is made once and kept in
  var/, so a restart does not sign everyone out.
- Every request re-reads the staff member from the store and compares the
  account's session version with the cookie's: signing out, disabling the
  account or a changed password raises it, which ends every session of that
  account at once (a copied or stolen cookie included).
- Every state-changing request carries the session's CSRF token (a form
  field or the X-CSRF-Token header), and a cross-site Origin is refused.
- Every console response carries the strict headers of `bot.console.pages`:
  nothing but our own files, no inline script.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import get_session, new_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot import guards
from bot.client_address import of_request
from bot.config import VAR_DIR, Settings
from bot.store import audit as audit_store
from bot.store import staff as staff_store
from bot.web_keys import DB

log = logging.getLogger(__name__)

COOKIE = "helpline_console"
SESSION_HOURS = 12
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_PATH = "/console/login"
PASSWORD_PATH = "/console/password"
LOGOUT_PATH = "/console/logout"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
KEY_FILE = VAR_DIR / "console_secret.key"

CONSOLE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    # Same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on our own forms.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

STAFF = "console_staff"  # request key: the signed-in staff member, a dict

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secret_key(settings: Settings, key_file: Path = KEY_FILE) -> bytes:
    if settings.console_secret_key:
        return settings.console_secret_key.encode()
    if key_file.is_file():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # Created private: it signs staff in.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


# -- sessions --------------------------------------------------------------------
async def sign_in(request: web.Request, member: Dict[str, Any]) -> None:
    """A fresh session for the signed-in member (never reuse the one from before sign-in)."""
    session = await new_session(request)
    session["username"] = member["username"]
    session["password_changed_at"] = member["password_changed_at"].isoformat()
    session["version"] = member["session_version"]
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


async def sign_out(request: web.Request) -> None:
    session = await get_session(request)
    session.invalidate()


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


async def signed_in_staff(request: web.Request) -> Optional[Dict[str, Any]]:
    """The staff member of this request's session, if the session is still good."""
    if STAFF in request:
        return request[STAFF]
    session = await get_session(request)
    username = session.get("username")
    member = None
    if username:
        member = await request.config_dict[DB].run(staff_store.get, username)
        if (
            member is None
            or not member["active"]
            or member["password_changed_at"].isoformat() != session.get("password_changed_at")
            or member["session_version"] != session.get("version")
        ):
            session.invalidate()
            member = None
    request[STAFF] = member
    return member


# -- middleware --------------------------------------------------------------------
def same_origin(request: web.Request, origin_required: bool = False) -> bool:
    """Whether the request's Origin is this site (also as the proxy in front of us names it).

    A form post may come without one, or with "null" under some referrer
    policies and sandboxes: then the CSRF token decides. A websocket has no
    token, so there the Origin is required.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return not origin_required
    host = origin.split("://", 1)[-1].rstrip("/")
    forwarded = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    return host in (request.host, forwarded)


@web.middleware
async def protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS:
        if not same_origin(request):
            return forbidden("This request came from another site and was refused.")
        session = await get_session(request)
        expected = session.get(CSRF_FIELD)
        sent: object = request.headers.get(CSRF_HEADER)
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = (await request.post()).get(CSRF_FIELD)
        if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            return forbidden("This form has expired. Go back, reload the page and try again.")
    response = await handler(request)
    if not response.prepared:
        for name, value in CONSOLE_HEADERS.items():
            response.headers.setdefault(name, value)
    return response


def forbidden(message: str) -> web.Response:
    return web.Response(status=403, text=message, headers=CONSOLE_HEADERS)


# -- handler decorators ----------------------------------------------------------------
def staff_only(handler: Handler) -> Handler:
    """Signed-in staff or admins; others go to the sign-in page (or get 401 on a websocket/JSON call)."""

    @guards.declare(guards.STAFF)
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        member = await signed_in_staff(request)
        if member is None:
            websocket = request.headers.get("Upgrade", "").lower() == "websocket"
            if request.method in SAFE_METHODS and not websocket:
                raise web.HTTPSeeOther(f"{LOGIN_PATH}?{urlencode({'next': request.rel_url.path_qs})}")
            if websocket or CSRF_HEADER in request.headers:
                raise web.HTTPUnauthorized(text="Sign in first.")
            # A form posted from a page whose session has ended (signed out elsewhere, expired): sign in again.
            from bot.console.pages import render

            return await render(
                request,
                "login.html",
                status=401,
                error="Your session has ended. Sign in again; what you sent was not saved.",
                username="",
                next="/console",
            )
        if member["must_change_password"] and request.path not in (PASSWORD_PATH, LOGOUT_PATH):
            raise web.HTTPSeeOther(PASSWORD_PATH)
        return await handler(request)

    return wrapper


def admin_only(handler: Handler) -> Handler:
    @guards.declare(guards.ADMIN)
    @staff_only
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        if request[STAFF]["role"] != "admin":
            raise web.HTTPForbidden(text="Only an admin can see this page.", headers=CONSOLE_HEADERS)
        return await handler(request)

    return wrapper


def safe_next(target: Optional[str]) -> str:
    """Only a path of the console itself, never another site."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


async def audit(request: web.Request, action: str, conversation_id: Optional[str] = None, detail: str = "") -> None:
    """Record what the signed-in staff member saw or did."""
    member = request.get(STAFF) or {}
    await request.config_dict[DB].run(
        audit_store.record, member.get("username", "?"), action, conversation_id, detail, of_request(request)
    )


def setup(console: web.Application, settings: Settings) -> None:
    """Encrypted cookie sessions, then the guard, on the console sub-app."""
    storage = EncryptedCookieStorage(
        Fernet(secret_key(settings)),
        cookie_name=COOKIE,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="Strict",
        secure=settings.secure_cookies,
        path="/console",
    )
    setup_sessions(console, storage)
    console.middlewares.append(protect)
