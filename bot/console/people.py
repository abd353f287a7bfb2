"""People, not roles: each member's name as visitors see it, and the admins' staff page.

The staff page does what `python -m bot staff` does (add, disable, enable,
reset), audited under the admin's own name. A disabled account is signed out
at its next request and its live page closes (see `bot.console.sessions`).
"""

from __future__ import annotations

from typing import Optional

from aiohttp import web

from bot.console.pages import flash, render
from bot.console.sessions import STAFF, admin_only, staff_only
from bot.store import accounts, passwords
from bot.store import staff as staff_store
from bot.store.staff import StaffError
from bot.web_keys import DB

MAX_NAME = 120
MAX_ROLE_LINE = 80


def clean(text: object) -> str:
    return " ".join(str(text or "").split())


def name_problem(display_name: str, role_line: str) -> Optional[str]:
    if not display_name:
        return "Write the name visitors will see."
    if len(display_name) > MAX_NAME:
        return f"Keep the name under {MAX_NAME} characters."
    if len(role_line) > MAX_ROLE_LINE:
        return f"Keep the role line under {MAX_ROLE_LINE} characters."
    return None


# -- your own name ----------------------------------------------------------------
@staff_only
async def me_page(request: web.Request) -> web.Response:
    return await render(request, "me.html", error=None)


@staff_only
async def save_me(request: web.Request) -> web.Response:
    form = await request.post()
    display_name, role_line = clean(form.get("display_name")), clean(form.get("role_line"))
    problem = name_problem(display_name, role_line)
    if problem:
        return await render(request, "me.html", status=400, error=problem)
    await request.config_dict[DB].run(accounts.set_profile, request[STAFF]["username"], display_name, role_line or None)
    await flash(request, "Saved. Visitors see this name from your next message.")
    raise web.HTTPSeeOther("/console/me")


# -- the admins' staff page -------------------------------------------------------------
async def _staff_page(request: web.Request, status: int = 200, **context) -> web.Response:
    members = await request.config_dict[DB].run(staff_store.list_staff)
    context.setdefault("error", None)
    context.setdefault("one_time", None)
    return await render(request, "staff.html", status=status, members=members, **context)


@admin_only
async def staff_page(request: web.Request) -> web.Response:
    return await _staff_page(request)


@admin_only
async def add_staff(request: web.Request) -> web.Response:
    form = await request.post()
    username = clean(form.get("username")).lower()
    display_name = clean(form.get("display_name"))
    role = "admin" if form.get("role") == "admin" else "staff"
    problem = passwords.username_problem(username) or name_problem(display_name, "")
    if problem:
        return await _staff_page(request, status=400, error=problem)
    password = passwords.new_password()
    try:
        await request.config_dict[DB].run(
            accounts.add_by, request[STAFF]["username"], username, display_name, role, passwords.hash_password(password)
        )
    except StaffError as exc:
        return await _staff_page(request, status=400, error=str(exc).capitalize() + ".")
    # Shown once on this page, never stored or flashed: the cookie would carry it.
    return await _staff_page(request, one_time=(username, password))


@admin_only
async def set_active(request: web.Request) -> web.Response:
    username = request.match_info["username"]
    active = (await request.post()).get("active") == "1"
    try:
        await request.config_dict[DB].run(accounts.set_active_by, request[STAFF]["username"], username, active)
    except StaffError as exc:
        return await _staff_page(request, status=400, error=str(exc))
    await flash(request, f"{username} can {'now' if active else 'no longer'} sign in.")
    raise web.HTTPSeeOther("/console/staff")


@admin_only
async def reset(request: web.Request) -> web.Response:
    username = request.match_info["username"]
    password = passwords.new_password()
    try:
        await request.config_dict[DB].run(
            accounts.reset_by, request[STAFF]["username"], username, passwords.hash_password(password)
        )
    except StaffError as exc:
        return await _staff_page(request, status=400, error=str(exc))
    return await _staff_page(request, one_time=(username, password))
