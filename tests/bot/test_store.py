"""The transcript store, on SQLite and PostgreSQL (see conftest.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store import conversations as convo
from bot.store import repository as repo
from bot.store import sms as sms_store
from bot.store.models import Conversation, Handoff, Message, utcnow


def visitor(db, text="hello", address="+15550100001", channel="sms", sid=None):
    return db.call(convo.record_visitor_message, channel, address, text, sid)


def modes(db, conversation_id):
    return db.call(convo.conversation_transcript, conversation_id)["mode"]


def test_first_message_opens_a_conversation_in_bot_mode_and_later_ones_join_it(db):
    cid, mode = visitor(db, "hi")
    again, _ = visitor(db, "still there?")
    other, _ = visitor(db, "hi", address="+15550100002")
    assert mode == "bot" and again == cid and other != cid
    transcript = db.call(convo.conversation_transcript, cid)
    assert [(m["author"], m["text"]) for m in transcript["messages"]] == [
        ("visitor", "hi"),
        ("visitor", "still there?"),
    ]


@pytest.mark.parametrize(
    "first, second, duplicate",
    [
        (("sms", "+1555", "SM1"), ("sms", "+1555", "SM1"), True),  # a Twilio retry
        (("sms", "+1555", "SM1"), ("sms", "+1555", "SM2"), False),
        (("sms", "+1555", "X1"), ("web", "+1555", "X1"), False),  # ids are per channel
        (("rest", "a", None), ("rest", "a", None), False),  # no id, no dedupe
    ],
)
def test_channel_message_ids_are_stored_once_per_channel(db, first, second, duplicate):
    assert visitor(db, "one", address=first[1], channel=first[0], sid=first[2]) is not None
    result = visitor(db, "two", address=second[1], channel=second[0], sid=second[2])
    assert (result is None) is duplicate


def test_the_same_message_arriving_at_once_from_many_threads_is_stored_once(db):
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: visitor(db, "hi", sid="SMrace"), range(8)))
    assert sum(r is not None for r in results) == 1
    with db.sessions() as s:
        assert len(s.execute(select(Message)).scalars().all()) == 1
        assert len(s.execute(select(Conversation)).scalars().all()) == 1


def test_first_messages_from_one_address_at_once_share_one_conversation(db):
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: visitor(db, f"msg {i}"), range(8)))
    assert len({cid for cid, _ in results}) == 1
    assert len(db.call(convo.conversation_transcript, results[0][0])["messages"]) == 8


def test_a_closed_conversation_reopens_in_bot_mode_but_not_for_a_retry(db):
    cid, _ = visitor(db, "hi", sid="SM1")
    with db.sessions.begin() as s:
        repo.set_mode(s, s.get(Conversation, cid), "closed")
    assert visitor(db, "hi", sid="SM1") is None
    assert modes(db, cid) == "closed"
    assert visitor(db, "back again", sid="SM2") == (cid, "bot")


def test_unknown_mode_and_priority_are_refused(db):
    cid, _ = visitor(db)
    with pytest.raises(ValueError):
        with db.sessions.begin() as s:
            repo.set_mode(s, s.get(Conversation, cid), "sleeping")
    with pytest.raises(ValueError):
        db.call(convo.request_person, cid, "why", "whenever", "")


def test_the_database_itself_refuses_an_unknown_author(db):
    cid, _ = visitor(db)
    with pytest.raises(IntegrityError):
        with db.sessions.begin() as s:
            s.add(Message(conversation_id=cid, channel="sms", author="robot", text="x"))


def test_asking_for_a_person_opens_a_ticket_and_the_visitor_waits(db):
    cid, _ = visitor(db)
    handoff = db.call(convo.request_person, cid, "Visitor asked for a person.", "normal", "asked twice")
    assert handoff["status"] == "open" and handoff["priority"] == "normal"
    assert handoff["summary"] == "asked twice" and handoff["claimed_by"] is None
    assert modes(db, cid) == "waiting"
    assert db.call(convo.open_handoff_of, cid)["id"] == handoff["id"]


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("normal", "crisis", "crisis"),
        ("urgent", "crisis", "crisis"),
        ("crisis", "normal", "crisis"),
        ("urgent", "normal", "urgent"),
        ("normal", "normal", "normal"),
    ],
)
def test_a_second_request_raises_the_priority_of_the_same_ticket_and_never_lowers_it(db, first, second, expected):
    cid, _ = visitor(db)
    one = db.call(convo.request_person, cid, f"{first} reason", first, "first")
    two = db.call(convo.request_person, cid, f"{second} reason", second, "second")
    assert two["id"] == one["id"]
    assert two["priority"] == expected
    assert two["reason"] == f"{expected} reason"
    assert two["summary"] == "first\nsecond"
    assert len(db.call(convo.handoffs_of, cid)) == 1


def test_the_screen_result_is_kept_in_the_summary(db):
    cid, _ = visitor(db)
    handoff = db.call(convo.request_person, cid, "intake", "normal", "Suggested: IOP", {"level": "iop"})
    assert handoff["summary"] == 'Suggested: IOP\nScreen result: {"level": "iop"}'


def test_the_queue_puts_crisis_first_then_the_longest_waiting(db):
    ids = {}
    for name, priority in [("a", "normal"), ("b", "crisis"), ("c", "urgent"), ("d", "normal"), ("e", "crisis")]:
        cid, _ = visitor(db, address=name)
        ids[db.call(convo.request_person, cid, "r", priority, "")["id"]] = name
    with db.sessions() as s:
        order = [ids[h.id] for h in repo.open_handoffs_queue(s)]
    assert order == ["b", "e", "c", "a", "d"]
    positions = {ids[h]: db.call(convo.queue_position, h) for h in ids}
    assert positions == {"b": 1, "e": 2, "c": 3, "a": 4, "d": 5}


@pytest.mark.parametrize(
    "tickets",
    [
        # (priority, seconds after the first): ties in time are broken by the ticket's id, as the queue does.
        [("normal", 0), ("normal", 0), ("crisis", 0), ("urgent", 5), ("normal", -3)],
        [("crisis", 10), ("crisis", 10), ("crisis", 2), ("normal", 1), ("urgent", 1), ("urgent", 1)],
        [("urgent", 0)],
    ],
)
def test_the_counted_queue_position_is_the_place_in_the_queue(db, tickets):
    from datetime import timedelta

    start = utcnow()
    for n, (priority, seconds) in enumerate(tickets):
        cid, _ = visitor(db, address=f"q{n}")
        handoff_id = db.call(convo.request_person, cid, "r", priority, "")["id"]

        def at(s, hid=handoff_id, when=start + timedelta(seconds=seconds)):
            s.get(Handoff, hid).created_at = when

        db.call(at)
    with db.sessions() as s:
        queue = [h.id for h in repo.open_handoffs_queue(s)]
    assert [db.call(convo.queue_position, h) for h in queue] == list(range(1, len(queue) + 1))


def test_two_staff_claiming_at_once_make_one_winner(db):
    cid, _ = visitor(db)
    handoff = db.call(convo.request_person, cid, "r", "normal", "")
    with ThreadPoolExecutor(6) as pool:
        wins = list(
            pool.map(
                lambda i: db.call(convo.claim, handoff["id"], f"staff{i}", f"staff{i} joined the conversation."),
                range(6),
            )
        )
    assert wins.count(True) == 1
    [ticket] = db.call(convo.handoffs_of, cid)
    assert ticket["status"] == "claimed" and ticket["claimed_by"] == f"staff{wins.index(True)}"
    assert ticket["claimed_at"] is not None
    transcript = db.call(convo.conversation_transcript, cid)
    assert transcript["mode"] == "human"
    assert transcript["messages"][-1]["author"] == "system"
    # A claimed ticket has left the queue: it counts as first.
    assert db.call(convo.queue_position, handoff["id"]) == 1


def test_handing_back_resolves_the_ticket_and_the_bot_answers_again(db):
    cid, _ = visitor(db)
    handoff = db.call(convo.request_person, cid, "r", "normal", "")
    assert db.call(convo.claim, handoff["id"], "Dana")
    assert db.call(convo.hand_back, cid, "answered the insurance question")
    [ticket] = db.call(convo.handoffs_of, cid)
    assert ticket["status"] == "resolved" and ticket["resolution_note"] == "answered the insurance question"
    assert modes(db, cid) == "bot"
    assert db.call(convo.open_handoff_of, cid) is None
    again = db.call(convo.request_person, cid, "r2", "normal", "")
    assert again["id"] != handoff["id"]
    assert db.call(convo.hand_back, "no-such-conversation") is False


def test_callback_and_repeated_crisis_lines_are_stored_on_the_ticket(db):
    cid, _ = visitor(db)
    handoff = db.call(convo.request_person, cid, "r", "normal", "")
    db.call(convo.save_callback, handoff["id"], "(555) 010-1234", "after 5pm")
    db.call(convo.mark_crisis_lines_repeated, handoff["id"])
    ticket = db.call(convo.open_handoff_of, cid)
    assert (ticket["callback_number"], ticket["callback_time"], ticket["crisis_lines_repeated"]) == (
        "(555) 010-1234",
        "after 5pm",
        True,
    )


def test_replies_keep_author_payload_and_staff_name_in_order(db):
    cid, _ = visitor(db, "hi")
    buttons = {"buttons": [{"title": "Yes", "payload": "/affirm"}], "custom": None}
    db.call(convo.record_reply, cid, "bot", "Want to talk to a person?", buttons)
    db.call(convo.record_reply, cid, "staff", "Hi, I'm Dana.", None, "Dana")
    messages = db.call(convo.conversation_transcript, cid)["messages"]
    assert [(m["author"], m["staff_name"]) for m in messages] == [("visitor", None), ("bot", None), ("staff", "Dana")]
    assert messages[1]["payload"] == buttons
    assert all(m["created_at"].tzinfo == timezone.utc for m in messages)


def test_transcript_lookups(db):
    cid, _ = visitor(db, "hi", channel="rest", address="integration-7")
    assert db.call(convo.conversation_by_address, "rest", "integration-7")["id"] == cid
    assert db.call(convo.conversation_by_address, "sms", "integration-7") is None
    assert db.call(convo.conversation_transcript, "nope") is None
    assert db.call(convo.handoffs_of, "nope") == []


def test_sms_buttons_come_from_the_last_thing_said_to_the_number(db):
    assert db.call(sms_store.sms_state, "+1555") == (False, None)
    cid, _ = visitor(db, "hi", channel="sms", address="+1555")
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    db.call(convo.record_reply, cid, "bot", "Connect you?", {"buttons": buttons, "custom": None})
    assert db.call(sms_store.sms_state, "+1555") == (False, buttons)
    db.call(convo.record_reply, cid, "bot", "Anything else?")
    assert db.call(sms_store.sms_state, "+1555") == (False, None)


def test_stop_and_start_change_the_opt_out_once_and_retries_change_nothing(db):
    assert db.call(sms_store.is_opted_out, "+1555") is False
    assert db.call(sms_store.record_keyword, "+1555", "SM1", "STOP", "STOP", True, "bye") is True
    assert db.call(sms_store.record_keyword, "+1555", "SM1", "STOP", "STOP", True, "bye") is None  # retry
    assert db.call(sms_store.record_keyword, "+1555", "SM2", "STOP", "STOP", True, "bye") is False  # already out
    assert db.call(sms_store.is_opted_out, "+1555") is True
    assert db.call(sms_store.record_keyword, "+1555", "SM3", "START", "START", False, "hi") is True
    assert db.call(sms_store.is_opted_out, "+1555") is False


def test_deleting_a_conversation_removes_its_messages_and_tickets(db):
    cid, _ = visitor(db)
    db.call(convo.request_person, cid, "r", "normal", "")
    with db.sessions.begin() as s:
        s.delete(s.get(Conversation, cid))
    with db.sessions() as s:
        assert s.execute(select(Message)).first() is None
        assert s.execute(select(Handoff)).first() is None


def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path):
    from bot.store.database import Database

    database = Database(f"sqlite:///{tmp_path}/private.db")
    try:
        assert (tmp_path / "private.db").stat().st_mode & 0o777 == 0o600
    finally:
        database.dispose()
