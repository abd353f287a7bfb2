"""The counsellor's desk: the queue, one conversation, and what staff do with it.

Every action is a plain form POST (works without JavaScript) that answers
with a redirect and a one-time message; console.js only keeps pages live.
Claiming is one conditional UPDATE in the store, so of two people clicking
at once exactly one wins and the other is told who has it.
"""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from bot.console.pages import flash, render
from bot.console.sessions import STAFF, audit, staff_only
from bot.console.teaching import TOPICS
from bot.store import queue as queue_store
from bot.store import staff as staff_store
from bot.web_keys import DB, HANDOFFS

MAX_REPLY = 1600  # ten SMS segments; a longer message belongs in a call
MAX_NOTE = 2000


def conversation_path(conversation_id: str) -> str:
    return f"/console/conversations/{conversation_id}"


@staff_only
async def queue_page(request: web.Request) -> web.Response:
    queue = await request.config_dict[DB].run(queue_store.queue_snapshot)
    return await render(request, "queue.html", queue=queue)


async def _view(request: web.Request) -> Dict[str, Any]:
    view = await request.config_dict[DB].run(
        queue_store.conversation_view, request.match_info["id"], request[STAFF]["username"]
    )
    if view is None:
        raise web.HTTPNotFound(text="There is no such conversation.")
    return view


@staff_only
async def conversation_page(request: web.Request) -> web.Response:
    view = await _view(request)
    await audit(request, "read_transcript", view["conversation"]["id"])
    colleagues = [
        m
        for m in await request.config_dict[DB].run(staff_store.list_staff, True)
        if m["username"] != request[STAFF]["username"]
    ]
    return await render(
        request, "conversation.html", view=view, colleagues=colleagues, topics=_topics(request), max_reply=MAX_REPLY
    )


@staff_only
async def timeline_fragment(request: web.Request) -> web.Response:
    """The timeline alone, for the live page to swap in; reading it is a transcript read too."""
    view = await _view(request)
    await audit(request, "read_transcript", view["conversation"]["id"], "live update")
    return await render(request, "_timeline.html", view=view, topics=_topics(request))


def _topics(request: web.Request):
    return request.config_dict.get(TOPICS, [])


# -- actions ---------------------------------------------------------------------
def _back(conversation_id: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(conversation_path(conversation_id))


@staff_only
async def claim(request: web.Request) -> web.Response:
    try:
        handoff_id = int(request.match_info["handoff_id"])
    except ValueError:
        raise web.HTTPNotFound(text="There is no such ticket.") from None
    member = request[STAFF]
    handoff = await request.config_dict[DB].run(queue_store.ticket, handoff_id)
    if handoff is None:
        raise web.HTTPNotFound(text="There is no such ticket.")
    conversation_id = handoff["conversation_id"]
    if await request.config_dict[HANDOFFS].claim(
        handoff_id, conversation_id, member["username"], member["display_name"]
    ):
        await audit(request, "claim", conversation_id, f"ticket {handoff_id}")
        await flash(request, "You have this conversation. The visitor has been told you joined.")
    else:
        current = await request.config_dict[DB].run(queue_store.ticket, handoff_id) or handoff
        holder = current.get("claimed_by_name") or current.get("claimed_by") or "someone else"
        await audit(request, "claim_lost", conversation_id, f"ticket {handoff_id} held by {current.get('claimed_by')}")
        if current["status"] != "claimed":
            message = "This ticket is already closed."
        elif current["claimed_by"] == member["username"]:
            message = "You already have this conversation."
        else:
            message = f"{holder} already has this conversation."
        await flash(request, message, "notice")
    raise _back(conversation_id)


async def _held(request: web.Request, admin_may: bool) -> Dict[str, Any]:
    """The conversation, if the signed-in member holds it (or is an admin, where allowed)."""
    view = await _view(request)
    member = request[STAFF]
    if view["holder"] == member["username"] or (admin_may and member["role"] == "admin" and view["active"]):
        return view
    if view["holder"]:
        await flash(request, f"{view['holder_name']} has this conversation; only they can do that.", "error")
    else:
        await flash(request, "Claim this conversation first.", "error")
    raise _back(view["conversation"]["id"])


@staff_only
async def reply(request: web.Request) -> web.Response:
    view = await _held(request, admin_may=False)
    conversation = view["conversation"]
    form = await request.post()
    text = str(form.get("text", "")).strip()
    if not text:
        await flash(request, "Write a message first.", "error")
        raise _back(conversation["id"])
    if len(text) > MAX_REPLY:
        await flash(request, f"That message is longer than {MAX_REPLY} characters; shorten it or call.", "error")
        raise _back(conversation["id"])
    if conversation["channel"] == "sms" and conversation["opted_out"]:
        await audit(request, "reply_refused", conversation["id"], "number opted out")
        await flash(
            request,
            "Not sent: this number has opted out of texts (STOP). We must not text it. "
            "If they left a call-back number, call them instead.",
            "error",
        )
        raise _back(conversation["id"])
    member = request[STAFF]
    delivered = await request.config_dict[HANDOFFS].staff_says(conversation["id"], member["display_name"], text)
    await audit(request, "reply", conversation["id"], "delivered" if delivered else "not delivered")
    if delivered:
        await flash(request, "Sent.")
    elif conversation["channel"] == "web":
        await flash(
            request,
            "Saved, but the visitor's chat page is not open right now. They will see it if they come back to the page.",
            "notice",
        )
    elif conversation["channel"] == "sms":
        await flash(
            request,
            "Not sent yet: texting is failing or slow (see the gateway log). It is in the transcript, marked "
            '"not delivered", and we keep trying for about 20 minutes. Call them if they left a number.',
            "error",
        )
    else:
        await flash(
            request,
            "Saved. This visitor uses the REST API; their app shows it when it reads the conversation.",
            "notice",
        )
    raise _back(conversation["id"])


@staff_only
async def transfer(request: web.Request) -> web.Response:
    view = await _held(request, admin_may=True)
    conversation_id = view["conversation"]["id"]
    target = str((await request.post()).get("to", "")).strip()
    colleague = await request.config_dict[DB].run(staff_store.get, target) if target else None
    if colleague is None or not colleague["active"]:
        await flash(request, "Choose an active colleague to transfer to.", "error")
        raise _back(conversation_id)
    problem = await request.config_dict[HANDOFFS].transfer(
        conversation_id, colleague["username"], colleague["display_name"]
    )
    if problem:
        await flash(request, problem, "error")
    else:
        await audit(request, "transfer", conversation_id, f"to {colleague['username']}")
        await flash(request, f"{colleague['display_name']} has this conversation now.")
    raise web.HTTPSeeOther("/console" if not problem else conversation_path(conversation_id))


@staff_only
async def resolve(request: web.Request) -> web.Response:
    view = await _held(request, admin_may=True)
    conversation_id = view["conversation"]["id"]
    note = str((await request.post()).get("note", "")).strip()
    if not note:
        await flash(request, "Add a short note on how it ended before resolving.", "error")
        raise _back(conversation_id)
    await request.config_dict[HANDOFFS].close(conversation_id, request[STAFF]["display_name"], note[:MAX_NOTE])
    await audit(request, "resolve", conversation_id, note[:200])
    await flash(request, "Resolved. The visitor was told how to reach us again.")
    raise web.HTTPSeeOther("/console")


@staff_only
async def hand_back(request: web.Request) -> web.Response:
    view = await _held(request, admin_may=True)
    conversation_id = view["conversation"]["id"]
    note = str((await request.post()).get("note", "")).strip()[:MAX_NOTE] or None
    await request.config_dict[HANDOFFS].hand_back(conversation_id, note)
    await audit(request, "hand_back", conversation_id, note or "")
    await flash(request, "The assistant has the conversation again.")
    raise web.HTTPSeeOther("/console")
