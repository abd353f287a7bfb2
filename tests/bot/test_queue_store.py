"""The console's reads of the store (queue and one conversation), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import conversations as convo
from bot.store import queue as queue_store
from bot.store.models import Handoff, utcnow


def ticket(db, channel, address, text, priority="normal", minutes_ago=0):
    conversation_id, _ = db.call(convo.record_visitor_message, channel, address, text, None)
    handoff = db.call(convo.request_person, conversation_id, f"{priority} reason", priority, "")

    def backdate(s):
        s.get(Handoff, handoff["id"]).created_at = utcnow() - timedelta(minutes=minutes_ago)

    db.call(backdate)
    return conversation_id, handoff["id"]


def test_crisis_newest_first_then_urgent_and_normal_longest_waiting(db):
    _, old_normal = ticket(db, "web", "w" * 32, "hello", "normal", minutes_ago=30)
    _, new_crisis = ticket(db, "sms", "+15555550123", "help", "crisis", minutes_ago=1)
    _, urgent = ticket(db, "web", "u" * 32, "hm", "urgent", minutes_ago=5)
    _, old_crisis = ticket(db, "web", "o" * 32, "hurt", "crisis", minutes_ago=20)
    _, claimed_crisis = ticket(db, "web", "c" * 32, "x", "crisis", minutes_ago=60)
    _, new_normal = ticket(db, "web", "n" * 32, "hi", "normal", minutes_ago=2)
    assert db.call(convo.claim, claimed_crisis, "dana")
    queue = db.call(queue_store.queue_snapshot)
    assert [q["handoff_id"] for q in queue] == [new_crisis, old_crisis, claimed_crisis, urgent, old_normal, new_normal]
    assert queue[0]["address"] == "•••• 0123" and queue[0]["last_message"] == "help"
    assert queue[2]["status"] == "claimed" and queue[2]["claimed_by"] == "dana"


def test_resolved_tickets_leave_the_queue(db):
    conversation_id, handoff_id = ticket(db, "web", "r" * 32, "hi")
    assert db.call(convo.claim, handoff_id, "dana")
    assert db.call(convo.close, conversation_id, "done")
    assert db.call(queue_store.queue_snapshot) == []


def test_a_conversation_shows_the_number_only_to_its_holder_and_the_latest_screen(db):
    conversation_id, handoff_id = ticket(db, "sms", "+15555550177", "i want help")
    db.call(
        convo.record_reply,
        conversation_id,
        "bot",
        "Suggested: IOP",
        {"custom": {"screen_result": {"level": "iop", "reasons": ["daily use"], "flags": []}}},
    )
    assert db.call(convo.claim, handoff_id, "dana", "Dana joined the conversation.")
    mine = db.call(queue_store.conversation_view, conversation_id, "dana")
    theirs = db.call(queue_store.conversation_view, conversation_id, "ben")
    assert mine["address"] == "+15555550177" and theirs["address"] == "•••• 0177"
    assert mine["holder"] == "dana" and mine["screen_result"]["level"] == "iop"
    assert [m["author"] for m in mine["messages"]] == ["visitor", "bot", "system"]
    assert db.call(queue_store.conversation_view, "no-such-id", "dana") is None


def test_which_conversations_have_new_messages(db):
    first, _ = ticket(db, "web", "a" * 32, "one")
    mark = db.call(queue_store.latest_message_id)
    second, _ = ticket(db, "web", "b" * 32, "two")
    db.call(convo.record_reply, first, "bot", "again")
    assert sorted(db.call(queue_store.conversations_with_messages_after, mark)) == sorted([first, second])
    assert db.call(queue_store.conversations_with_messages_after, db.call(queue_store.latest_message_id)) == []


# -- the busy desk's store: notes, read marks, saved replies (both backends) -------------------


def test_unread_counts_only_visitor_messages_after_the_mark_in_conversations_held(db):
    from bot.store import reads

    mine, handoff = ticket(db, "web", "m" * 32, "first")
    theirs, other = ticket(db, "web", "t" * 32, "hello")
    assert db.call(convo.claim, handoff, "dana", "Dana joined the conversation.")
    assert db.call(convo.claim, other, "ben")
    assert db.call(reads.unread_held, "dana") == {mine: 1}  # never opened: everything the visitor wrote
    view = db.call(queue_store.conversation_view, mine, "dana")  # reading marks it read
    assert db.call(reads.unread_held, "dana") == {}
    db.call(convo.record_visitor_message, "web", "m" * 32, "still there?", None)
    db.call(convo.record_reply, mine, "staff", "yes", None, "Dana")  # staff lines are not unread
    assert db.call(reads.unread_held, "dana") == {mine: 1}
    db.call(reads.mark_read, "dana", mine, view["messages"][0]["id"])  # a mark never moves back
    assert db.call(reads.unread_held, "dana") == {mine: 1}
    assert db.call(reads.unread_held, "ben") == {theirs: 1}


def test_notes_join_the_timeline_in_order_and_stay_out_of_the_transcript(db):
    from bot.store import notes

    conversation_id, _ = ticket(db, "web", "n" * 32, "help")
    note = db.call(notes.add, conversation_id, "ben", "Ben", "known to us")
    db.call(convo.record_reply, conversation_id, "bot", "Someone is coming.")
    view = db.call(queue_store.conversation_view, conversation_id, "dana")
    assert [(i["kind"], i["text"]) for i in view["timeline"]] == [
        ("message", "help"),
        ("note", "known to us"),
        ("message", "Someone is coming."),
    ]
    transcript = db.call(convo.conversation_transcript, conversation_id)
    assert all(m["text"] != "known to us" for m in transcript["messages"]) and note["staff_name"] == "Ben"
    with pytest.raises(LookupError):
        db.call(notes.add, "no-such-conversation", "ben", "Ben", "x")


def test_saved_replies_add_change_refuse_a_clash_and_delete(db):
    from bot.store import canned

    first = db.call(canned.save, None, "Hours", "We are open {phone_hours}.", "boss")
    second = db.call(canned.save, None, "Call us", "Call {phone}.", "boss")
    with pytest.raises(canned.CannedError):
        db.call(canned.save, second["id"], "Hours", "clash", "boss")
    changed = db.call(canned.save, first["id"], "Opening hours", "Open {phone_hours}.", "sam")
    assert (changed["title"], changed["updated_by"]) == ("Opening hours", "sam")
    assert [r["title"] for r in db.call(canned.list_all)] == ["Call us", "Opening hours"]
    assert db.call(canned.delete, first["id"]) == "Opening hours"
    assert db.call(canned.delete, first["id"]) is None
