"""Signing in and out of the console, and changing one's own password."""

from __future__ import annotations

from aiohttp import web

from bot import accounts
from bot.client_address import of_request
from bot.console import security
from bot.console.security import audit, render, staff_only
from bot.web_keys import DB


async def login_page(request: web.Request) -> web.Response:
    if await security.signed_in_staff(request):
        raise web.HTTPSeeOther(security.safe_next(request.query.get("next")))
    return await render(request, "login.html", error=None, username="",
                        next=security.safe_next(request.query.get("next")))


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", "")).strip().lower()
    password = str(form.get("password", ""))
    target = security.safe_next(str(form.get("next", "")))
    result = await request.app[DB].run(
        accounts.authenticate, username, password, of_request(request))
    if result.staff is None:
        error = ("Too many failed sign-ins. Wait 15 minutes, or ask an admin to reset your password."
                 if result.throttled else "That username and password do not match.")
        return await render(request, "login.html", status=429 if result.throttled else 401,
                            error=error, username=username, next=target)
    await security.sign_in(request, result.staff)
    raise web.HTTPSeeOther(security.PASSWORD_PATH if result.staff["must_change_password"] else target)


@staff_only
async def logout(request: web.Request) -> web.Response:
    await audit(request, "sign_out")
    await security.sign_out(request)
    raise web.HTTPSeeOther(security.LOGIN_PATH)


@staff_only
async def password_page(request: web.Request) -> web.Response:
    return await render(request, "password.html", error=None)


@staff_only
async def change_password(request: web.Request) -> web.Response:
    form = await request.post()
    member = request[security.STAFF]
    new = str(form.get("new_password", ""))
    if new != str(form.get("confirm_password", "")):
        return await render(request, "password.html", status=400, error="The two new passwords differ.")
    problem = await request.app[DB].run(
        accounts.change_password, member["username"], str(form.get("current_password", "")), new)
    if problem:
        return await render(request, "password.html", status=400, error=problem)
    # The old session ended with the old password; start a new one.
    fresh = await request.app[DB].run(accounts.staff_store.get, member["username"])
    await security.sign_in(request, fresh)
    raise web.HTTPSeeOther("/console")


def setup(app: web.Application) -> None:
    app.router.add_get(security.LOGIN_PATH, login_page)
    app.router.add_post(security.LOGIN_PATH, login)
    app.router.add_post(security.LOGOUT_PATH, logout)
    app.router.add_get(security.PASSWORD_PATH, password_page)
    app.router.add_post(security.PASSWORD_PATH, change_password)
