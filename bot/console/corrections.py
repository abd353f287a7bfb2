"""Marking a visitor message the assistant misunderstood, from a transcript.

The topics come from domain.yml, read once when the app is set up; the
conversation page lists them with the `correction_form` macro of
`_correction.html`, and marks are exported for review by
`python -m bot export-corrections`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from aiohttp import web
from sqlalchemy.orm import Session

from bot import corrections
from bot.client_address import of_request
from bot.console.security import CONSOLE_HEADERS, STAFF, TEMPLATE_ENV, staff_only
from bot.store import audit as audit_store
from bot.store import corrections as store
from bot.web_keys import DB

TOPICS: "web.AppKey[Tuple[corrections.Topic, ...]]" = web.AppKey("correction_topics")
MAX_ID = 2**31 - 1  # the messages.id column is a 32-bit integer on PostgreSQL


def mark_and_audit(s: Session, message_id: int, intent: str, new_topic: bool, username: str,
                   ip: str) -> Optional[Dict[str, Any]]:
    """The mark and its audit entry in one transaction."""
    marked = store.mark(s, message_id, intent, new_topic, username)
    if marked is not None:
        audit_store.record(s, username, "correct_intent", marked["conversation_id"],
                           f"message {message_id}: {corrections.exported_intent(marked)}", ip)
    return marked


@staff_only
async def correct(request: web.Request) -> web.Response:
    message_id = int(request.match_info["id"])
    if message_id > MAX_ID:
        raise web.HTTPNotFound(text="There is no such message.", headers=CONSOLE_HEADERS)
    form = await request.post()
    try:
        intent, new_topic = corrections.choose(
            request.app[TOPICS], str(form.get("intent", "")), str(form.get("new_topic", "")))
        marked = await request.app[DB].run(mark_and_audit, message_id, intent, new_topic,
                                           request[STAFF]["username"], of_request(request))
    except (corrections.TopicError, store.CorrectionError) as exc:
        raise web.HTTPBadRequest(text=f"{exc} Go back and try again.", headers=CONSOLE_HEADERS) from None
    if marked is None:
        raise web.HTTPNotFound(text="There is no such message.", headers=CONSOLE_HEADERS)
    raise web.HTTPSeeOther(f"/console/conversations/{marked['conversation_id']}#m{message_id}")


def setup(app: web.Application) -> None:
    app[TOPICS] = corrections.load_topics()
    env = app[TEMPLATE_ENV]
    env.filters["topic_label"] = corrections.label
    env.filters["correction_label"] = corrections.correction_label
    app.router.add_post(r"/console/messages/{id:\d+}/correction", correct)
