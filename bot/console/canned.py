"""Saved replies: admins keep them here; every counsellor picks one in the reply box.

A reply may name program facts ({phone}, {phone_hours}, {program_name}, ...):
they are filled from program.yml when the reply is offered, so a changed
phone number changes every saved reply at once.
"""

from __future__ import annotations

from typing import Optional

from aiohttp import web

from bot.console.pages import flash, render
from bot.console.sessions import STAFF, admin_only, audit
from bot.store import canned as canned_store
from bot.store.canned import CannedError
from bot.web_keys import DB, PROFILE
from core import profile_facts

MAX_TITLE = 80
MAX_TEXT = 1600  # a reply's own limit (desk.MAX_REPLY)


async def _page(request: web.Request, status: int = 200, error: Optional[str] = None) -> web.Response:
    replies = await request.config_dict[DB].run(canned_store.list_all)
    profile = request.config_dict.get(PROFILE)
    for reply in replies:
        reply["filled"] = profile_facts.fill(reply["text"], profile)
        reply["missing"] = profile_facts.missing(reply["text"], profile)
    return await render(
        request, "replies.html", status=status, replies=replies, error=error, placeholders=profile_facts.NAMES
    )


@admin_only
async def page(request: web.Request) -> web.Response:
    return await _page(request)


@admin_only
async def save(request: web.Request) -> web.Response:
    form = await request.post()
    title = " ".join(str(form.get("title", "")).split())
    text = str(form.get("text", "")).strip()
    raw_id = str(form.get("id", "")).strip()
    if not title or not text:
        return await _page(request, 400, "A saved reply needs a title and its words.")
    if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
        return await _page(request, 400, f"Keep the title under {MAX_TITLE} and the words under {MAX_TEXT} characters.")
    reply_id = int(raw_id) if raw_id.isdigit() else None
    try:
        saved = await request.config_dict[DB].run(canned_store.save, reply_id, title, text, request[STAFF]["username"])
    except CannedError as exc:
        return await _page(request, 400, str(exc))
    await audit(request, "saved_reply_changed" if reply_id else "saved_reply_added", detail=saved["title"])
    await flash(request, f"Saved “{saved['title']}”.")
    raise web.HTTPSeeOther("/console/replies")


@admin_only
async def delete(request: web.Request) -> web.Response:
    try:
        reply_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound(text="There is no such saved reply.") from None
    title = await request.config_dict[DB].run(canned_store.delete, reply_id)
    if title is None:
        raise web.HTTPNotFound(text="There is no such saved reply.")
    await audit(request, "saved_reply_deleted", detail=title)
    await flash(request, f"Deleted “{title}”.")
    raise web.HTTPSeeOther("/console/replies")
