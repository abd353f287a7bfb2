"""Marking a misunderstood visitor message from a transcript, over HTTP; the form's macro."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from console_support import console_of
from sqlalchemy import select

from bot.console.pages import TEMPLATE_ENV
from bot.console.teaching import TOPICS
from bot.store import audit as audit_store
from bot.store import conversations as convo
from bot.store import corrections as store
from bot.store.models import Message
from bot.web_keys import DB


def _ids(s, conversation_id):
    rows = s.execute(select(Message).where(Message.conversation_id == conversation_id)).scalars()
    return {m.author: m.id for m in rows}


@pytest.fixture
async def transcript(console_server):
    """(conversation id, {author: message id}) for a visitor message and the assistant's reply."""
    db = console_server.app[DB]
    cid, _ = await db.run(convo.record_visitor_message, "web", "session-1", "do u take medicaid")
    await db.run(convo.record_reply, cid, "bot", "Sorry, I didn't get that.")
    return cid, await db.run(_ids, cid)


async def post_correction(client, message_id, **fields):
    return await client.post(
        f"/console/messages/{message_id}/correction", data={"csrf_token": client.csrf, **fields}, allow_redirects=False
    )


async def test_staff_mark_a_message_with_a_topic_and_it_is_audited(console_server, sign_in, transcript):
    cid, ids = transcript
    client = await sign_in("ana")
    resp = await post_correction(client, ids["visitor"], intent="faq/insurance", new_topic="")
    assert resp.status == 303
    assert resp.headers["Location"] == f"/console/conversations/{cid}#m{ids['visitor']}"
    db = console_server.app[DB]
    marked = await db.run(store.of_conversation, cid)
    assert marked[ids["visitor"]]["intent"] == "faq/insurance" and marked[ids["visitor"]]["staff_username"] == "ana"
    entry = (await db.run(audit_store.entries, "ana", "correct_intent"))[0]
    assert entry["conversation_id"] == cid and entry["detail"] == f"message {ids['visitor']}: faq/insurance"


async def test_a_new_topic_is_slugified_and_replaces_an_earlier_mark(console_server, sign_in, transcript):
    cid, ids = transcript
    client = await sign_in("ana")
    assert (await post_correction(client, ids["visitor"], intent="faq/cost")).status == 303
    assert (await post_correction(client, ids["visitor"], new_topic="  Parking & Transport ")).status == 303
    marked = (await console_server.app[DB].run(store.of_conversation, cid))[ids["visitor"]]
    assert (marked["intent"], marked["new_topic"]) == ("parking_transport", True)
    details = [e["detail"] for e in await console_server.app[DB].run(audit_store.entries, "ana", "correct_intent")]
    assert details[0] == f"message {ids['visitor']}: new_topic/parking_transport"


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"intent": "faq/not_a_topic"}, "not one the assistant knows"),
        ({}, "Pick a topic from the list, or type a new one"),
        ({"intent": "faq/cost", "new_topic": "parking"}, "not both"),
        ({"new_topic": "??"}, "starting with a letter"),
    ],
)
async def test_a_bad_choice_is_400_with_the_reason(console_server, sign_in, transcript, fields, problem):
    _, ids = transcript
    client = await sign_in("ana")
    resp = await post_correction(client, ids["visitor"], **fields)
    assert resp.status == 400 and problem in await resp.text()
    assert await console_server.app[DB].run(store.since, None) == []


async def test_only_visitor_messages_and_only_real_ones(console_server, sign_in, transcript):
    _, ids = transcript
    client = await sign_in("ana")
    bot_reply = await post_correction(client, ids["bot"], intent="faq/cost")
    assert bot_reply.status == 400 and "Only a visitor's message" in await bot_reply.text()
    assert (await post_correction(client, 999999, intent="faq/cost")).status == 404
    assert (await post_correction(client, 2**40, intent="faq/cost")).status == 404
    assert (await post_correction(client, "abc", intent="faq/cost")).status == 404
    assert await console_server.app[DB].run(audit_store.entries, None, "correct_intent") == []


async def test_it_needs_a_signed_in_member_and_the_csrf_token(console_server, sign_in, new_client, transcript):
    _, ids = transcript
    stranger = await new_client()
    resp = await stranger.post(
        f"/console/messages/{ids['visitor']}/correction", data={"intent": "faq/cost"}, allow_redirects=False
    )
    assert resp.status == 403  # no session, so no CSRF token either
    client = await sign_in("ana")
    resp = await client.post(
        f"/console/messages/{ids['visitor']}/correction",
        data={"intent": "faq/cost", "csrf_token": "forged"},
        allow_redirects=False,
    )
    assert resp.status == 403
    assert await console_server.app[DB].run(store.since, None) == []


# -- the macro the conversation page uses ------------------------------------------------------
class Form(HTMLParser):
    """The parts of the rendered form a screen reader and a browser rely on."""

    def __init__(self):
        super().__init__()
        self.ids, self.labels, self.options, self.tags, self.text = set(), [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "label":
            self.labels.append(attrs.get("for"))
        if tag == "option":
            self.options.append(attrs["value"])

    def handle_data(self, data):
        self.text.append(data)


def render_form(app, message):
    app = console_of(app)
    template = app[TEMPLATE_ENV].from_string(
        '{% from "_correction.html" import correction_form %}{{ correction_form(message, topics, "tok<en>") }}'
    )
    form = Form()
    form.feed(template.render(message=message, topics=app[TOPICS]))
    return form


async def test_the_form_is_labelled_and_lists_every_topic(console_server):
    app = console_server.app
    form = render_form(app, {"id": 7, "intent": "nlu_fallback", "correction": None})
    tags = dict((tag, attrs) for tag, attrs in form.tags)
    assert "details" in tags and tags["form"]["action"] == "/console/messages/7/correction"
    assert tags["form"]["method"] == "post"
    assert ("input", {"type": "hidden", "name": "csrf_token", "value": "tok<en>"}) in form.tags
    assert form.labels == ["intent-7", "new-topic-7"] and set(form.labels) <= form.ids
    assert form.options == [""] + [t.name for t in console_of(app)[TOPICS] if t.faq] + [
        t.name for t in console_of(app)[TOPICS] if not t.faq
    ]
    text = " ".join(" ".join(form.text).split())
    assert "Wrong topic?" in text and "took this as: Not understood" in text and "FAQ: cost" in text
    assert "Marked as" not in text


@pytest.mark.parametrize(
    "correction, shown",
    [
        ({"intent": "faq/cost", "new_topic": False, "staff_username": "ana"}, "Marked as FAQ: cost by ana."),
        ({"intent": "parking", "new_topic": True, "staff_username": "ben"}, "Marked as New topic: parking by ben."),
        ("faq/insurance", "Marked as FAQ: insurance."),
    ],
)
async def test_a_marked_message_says_what_it_was_marked_as(console_server, correction, shown):
    form = render_form(console_server.app, {"id": 3, "intent": None, "correction": correction})
    text = " ".join(" ".join(form.text).split())
    assert shown in text and "Change the topic" in text and "took this as" not in text


async def test_the_conversation_page_offers_the_form_and_shows_the_mark(console_server, sign_in, transcript):
    cid, ids = transcript
    client = await sign_in("ana")
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert f'action="/console/messages/{ids["visitor"]}/correction"' in page
    assert f'action="/console/messages/{ids["bot"]}/correction"' not in page
    resp = await post_correction(client, ids["visitor"], intent="faq/insurance")
    page = await (await client.get(resp.headers["Location"])).text()
    assert "Marked as FAQ: insurance" in page
