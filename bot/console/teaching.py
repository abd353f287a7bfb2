"""Marking a visitor message the assistant misunderstood, from a transcript.

The topics come from domain.yml, read once when the app is set up; the
conversation page lists them with the `correction_form` macro of
`_correction.html`, and marks are exported for review by
`python -m bot export-corrections`.
"""

from __future__ import annotations

from typing import Tuple

from aiohttp import web

from bot import teaching
from bot.client_address import of_request
from bot.console.pages import TEMPLATE_ENV
from bot.console.sessions import CONSOLE_HEADERS, STAFF, staff_only
from bot.store import corrections as store
from bot.web_keys import DB

TOPICS: "web.AppKey[Tuple[teaching.Topic, ...]]" = web.AppKey("correction_topics")
MAX_ID = 2**31 - 1  # the messages.id column is a 32-bit integer on PostgreSQL


@staff_only
async def correct(request: web.Request) -> web.Response:
    message_id = int(request.match_info["id"])
    if message_id > MAX_ID:
        raise web.HTTPNotFound(text="There is no such message.", headers=CONSOLE_HEADERS)
    form = await request.post()
    try:
        topics = request.config_dict[TOPICS]
        intent, new_topic = teaching.choose(topics, str(form.get("intent", "")), str(form.get("new_topic", "")))
        detail = f"message {message_id}: {teaching.exported_intent({'intent': intent, 'new_topic': new_topic})}"
        marked = await request.config_dict[DB].run(
            store.mark_and_audit, message_id, intent, new_topic, request[STAFF]["username"], of_request(request), detail
        )
    except (teaching.TopicError, store.CorrectionError) as exc:
        raise web.HTTPBadRequest(text=f"{exc} Go back and try again.", headers=CONSOLE_HEADERS) from None
    if marked is None:
        raise web.HTTPNotFound(text="There is no such message.", headers=CONSOLE_HEADERS)
    raise web.HTTPSeeOther(f"/console/conversations/{marked['conversation_id']}#m{message_id}")


def add_topics(console: web.Application) -> None:
    """The topics staff pick from, read once from domain.yml, and the filters that name them."""
    console[TOPICS] = teaching.load_topics()
    env = console[TEMPLATE_ENV]
    env.filters["topic_label"] = teaching.label
    env.filters["correction_label"] = teaching.correction_label
