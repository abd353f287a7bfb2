"""Signing in and out of the console, and changing one's own password."""

from __future__ import annotations

from math import ceil

from aiohttp import web

from bot import guards
from bot.client_address import of_request
from bot.console import sessions
from bot.console.pages import render
from bot.console.sessions import staff_only
from bot.store import accounts
from bot.store import staff as staff_store
from bot.web_keys import DB


@guards.public
async def login_page(request: web.Request) -> web.Response:
    if await sessions.signed_in_staff(request):
        raise web.HTTPSeeOther(sessions.safe_next(request.query.get("next")))
    return await render(
        request, "login.html", error=None, username="", next=sessions.safe_next(request.query.get("next"))
    )


def waiting_time(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = ceil(seconds / 60)
    return f"{minutes} minutes"


@guards.public
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()
    password = str(form.get("password", ""))
    target = sessions.safe_next(str(form.get("next", "")))
    result = await request.config_dict[DB].run(accounts.authenticate, username, password, of_request(request))
    if result.retry_after is not None:
        seconds = max(1, ceil(result.retry_after.total_seconds()))
        response = await render(
            request,
            "login.html",
            status=429,
            error=f"Too many failed sign-ins from here. Wait {waiting_time(seconds)} and try again.",
            username=username,
            next=target,
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    if result.staff is None:
        error = "That username and password do not match."
        return await render(request, "login.html", status=401, error=error, username=username, next=target)
    await sessions.sign_in(request, result.staff)
    raise web.HTTPSeeOther(sessions.PASSWORD_PATH if result.staff["must_change_password"] else target)


@staff_only
async def logout(request: web.Request) -> web.Response:
    member = request[sessions.STAFF]
    await request.config_dict[DB].run(accounts.sign_out, member["username"], of_request(request))
    await sessions.sign_out(request)
    raise web.HTTPSeeOther(sessions.LOGIN_PATH)


@staff_only
async def password_page(request: web.Request) -> web.Response:
    return await render(request, "password.html", error=None)


@staff_only
async def change_password(request: web.Request) -> web.Response:
    form = await request.post()
    member = request[sessions.STAFF]
    new = str(form.get("new_password", ""))
    if new != str(form.get("confirm_password", "")):
        return await render(request, "password.html", status=400, error="The two new passwords differ.")
    problem = await request.config_dict[DB].run(
        accounts.change_password, member["username"], str(form.get("current_password", "")), new
    )
    if problem:
        return await render(request, "password.html", status=400, error=problem)
    # The old session ended with the old password; start a new one.
    fresh = await request.config_dict[DB].run(staff_store.get, member["username"])
    if fresh is None:  # removed meanwhile
        raise web.HTTPSeeOther(sessions.LOGIN_PATH)
    await sessions.sign_in(request, fresh)
    raise web.HTTPSeeOther("/console")
