"""The counsellor's desk: the queue, one conversation, and what staff do with it.

Every action is a plain form POST (works without JavaScript) that answers
with a redirect and a one-time message. console.js keeps pages live, and
sends replies and notes with `Accept: application/json`: then the answer is
the same message as JSON and the page stays where it is.
Claiming is one conditional UPDATE in the store, so of two people clicking
at once exactly one wins and the other is told who has it.
"""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from bot import events as ev
from bot import queue_order
from bot.console.pages import flash, render
from bot.console.sessions import STAFF, audit, staff_only
from bot.console.teaching import TOPICS
from bot.json_text import json_dumps
from bot.store import canned as canned_store
from bot.store import notes as notes_store
from bot.store import queue as queue_store
from bot.store import staff as staff_store
from bot.store.models import utcnow
from bot.web_keys import DB, EVENTS, HANDOFFS, PROFILE
from core import profile_facts

MAX_REPLY = 1600  # ten SMS segments; a longer message belongs in a call
MAX_NOTE = 2000
CLAIM_NEXT_TRIES = 5  # colleagues pressing "claim next" together each get one


def shown_name(member: Dict[str, Any]) -> str:
    """The name visitors see: the display name, and the role line when there is one."""
    role_line = member.get("role_line")
    return f"{member['display_name']}, {role_line}" if role_line else member["display_name"]


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


async def _tell(request: web.Request, conversation_id: str, text: str, kind: str = "ok") -> web.Response:
    """The answer to an action: JSON for the live page, else a one-time message and back to the conversation."""
    if wants_json(request):
        return web.json_response({"kind": kind, "message": text}, status=200 if kind != "error" else 400)
    await flash(request, text, kind)
    raise _back(conversation_id)


def conversation_path(conversation_id: str) -> str:
    return f"/console/conversations/{conversation_id}"


@staff_only
async def queue_page(request: web.Request) -> web.Response:
    show = request.query.get("show", "all")
    if show not in queue_order.FILTERS:
        show = "all"
    queue = await request.config_dict[DB].run(queue_store.queue_snapshot)
    rows = queue_order.shown(queue, show, request[STAFF]["username"])
    return await render(
        request,
        "queue.html",
        groups=queue_order.groups(rows),
        shown_count=len(rows),
        queue=queue,
        show=show,
        overdue_minutes=queue_order.CRISIS_OVERDUE_MINUTES,
        now=utcnow(),
        is_overdue=queue_order.overdue,
    )


@staff_only
async def claim_next(request: web.Request) -> web.Response:
    """Take the first unclaimed ticket in the queue's order; if a colleague wins one, try the next."""
    member = request[STAFF]
    queue = await request.config_dict[DB].run(queue_store.queue_snapshot)
    for handoff_id in queue_order.next_to_claim(queue)[:CLAIM_NEXT_TRIES]:
        conversation_id = next(i["conversation_id"] for i in queue if i["handoff_id"] == handoff_id)
        if await request.config_dict[HANDOFFS].claim(
            handoff_id, conversation_id, member["username"], shown_name(member)
        ):
            await audit(request, "claim", conversation_id, f"ticket {handoff_id} (claim next)")
            await flash(request, "You have this conversation. The visitor has been told you joined.")
            raise web.HTTPSeeOther(conversation_path(conversation_id) + "#reply")
    await flash(request, "Nobody is waiting for a person right now.", "notice")
    raise web.HTTPSeeOther("/console")


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
    canned = await request.config_dict[DB].run(canned_store.list_all)
    return await render(
        request,
        "conversation.html",
        view=view,
        colleagues=colleagues,
        topics=_topics(request),
        max_reply=MAX_REPLY,
        max_note=MAX_NOTE,
        canned=[{**c, "text": profile_facts.fill(c["text"], request.config_dict.get(PROFILE))} for c in canned],
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
    if await request.config_dict[HANDOFFS].claim(handoff_id, conversation_id, member["username"], shown_name(member)):
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
    raise web.HTTPSeeOther(conversation_path(conversation_id) + "#reply")


async def _held(request: web.Request, admin_may: bool) -> Dict[str, Any]:
    """The conversation, if the signed-in member holds it (or is an admin, where allowed)."""
    view = await _view(request)
    member = request[STAFF]
    if view["holder"] == member["username"] or (admin_may and member["role"] == "admin" and view["active"]):
        return view
    if view["holder"]:
        problem = f"{view['holder_name']} has this conversation; only they can do that."
    else:
        problem = "Claim this conversation first."
    if wants_json(request):
        raise web.HTTPConflict(text=json_dumps({"kind": "error", "message": problem}), content_type="application/json")
    await flash(request, problem, "error")
    raise _back(view["conversation"]["id"])


@staff_only
async def reply(request: web.Request) -> web.Response:
    view = await _held(request, admin_may=False)
    conversation = view["conversation"]
    form = await request.post()
    text = str(form.get("text", "")).strip()
    if not text:
        return await _tell(request, conversation["id"], "Write a message first.", "error")
    if len(text) > MAX_REPLY:
        return await _tell(
            request,
            conversation["id"],
            f"That message is longer than {MAX_REPLY} characters; shorten it or call.",
            "error",
        )
    if conversation["channel"] == "sms" and conversation["opted_out"]:
        await audit(request, "reply_refused", conversation["id"], "number opted out")
        return await _tell(
            request,
            conversation["id"],
            "Not sent: this number has opted out of texts (STOP). We must not text it. "
            "If they left a call-back number, call them instead.",
            "error",
        )
    member = request[STAFF]
    delivered = await request.config_dict[HANDOFFS].staff_says(conversation["id"], shown_name(member), text)
    await audit(request, "reply", conversation["id"], "delivered" if delivered else "not delivered")
    if delivered:
        return await _tell(request, conversation["id"], "Sent.")
    if conversation["channel"] == "web":
        return await _tell(
            request,
            conversation["id"],
            "Saved, but the visitor's chat page is not open right now. They will see it if they come back to the page.",
            "notice",
        )
    if conversation["channel"] == "sms":
        return await _tell(
            request,
            conversation["id"],
            "Not sent yet: texting is failing or slow (see the gateway log). It is in the transcript, marked "
            '"not delivered", and we keep trying for about 20 minutes. Call them if they left a number.',
            "error",
        )
    return await _tell(
        request,
        conversation["id"],
        "Saved. This visitor uses the REST API; their app shows it when it reads the conversation.",
        "notice",
    )


@staff_only
async def add_note(request: web.Request) -> web.Response:
    """A private note for colleagues; any staff member may leave one. It is never sent to the visitor."""
    view = await _view(request)
    conversation_id = view["conversation"]["id"]
    text = str((await request.post()).get("text", "")).strip()
    if not text:
        return await _tell(request, conversation_id, "Write the note first.", "error")
    if len(text) > MAX_NOTE:
        return await _tell(request, conversation_id, f"Keep a note under {MAX_NOTE} characters.", "error")
    member = request[STAFF]
    await request.config_dict[DB].run(
        notes_store.add, conversation_id, member["username"], member["display_name"], text
    )
    await audit(request, "note", conversation_id)
    await request.config_dict[EVENTS].publish(ev.NOTE, {"conversation_id": conversation_id})
    return await _tell(request, conversation_id, "Note saved. Only staff can see it.")


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
        conversation_id, colleague["username"], shown_name(colleague)
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
