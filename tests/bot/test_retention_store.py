"""Purging conversations from both stores (transcript store on SQLite and PostgreSQL; Rasa's own tracker store)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.store import audit, corrections, retention
from bot.store import conversations as convo
from bot.store import sms as sms_store
from bot.store.models import AuditEntry, Conversation, Correction, Handoff, Message, utcnow

SECRET = "my name is Jo Example and I drink every night"


def rasa_tracker(url: str, sender_ids, texts=("hello", SECRET)):
    """Rasa's SQLTrackerStore itself, holding a few turns of each sender, as `rasa run` writes them."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(host=url)
    for sender in sender_ids:
        tracker = DialogueStateTracker(sender, None)
        for text in texts:
            tracker.update(UserUttered(text))
        asyncio.run(store.save(tracker))
    return store


def tracker_texts(store, sender: str):
    tracker = asyncio.run(store.retrieve(sender))
    return [e.text for e in tracker.events] if tracker else []


def a_conversation(db, address: str, channel: str = "web") -> str:
    cid, _ = db.call(convo.record_visitor_message, channel, address, SECRET)
    db.call(convo.record_reply, cid, "bot", "Thanks for telling me.")
    db.call(convo.request_person, cid, "asked for a person", "normal", SECRET)
    message_id = db.call(convo.latest_visitor_message_id, cid)
    db.call(convo.set_message_intent, message_id, "faq/cost", 0.9)
    db.call(corrections.mark, message_id, "faq/insurance", False, "dana")
    return cid


def rows(db, model, cid):
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(model).where(model.conversation_id == cid)).scalar_one()


def age(db, cid, days):
    """Make a conversation and everything in it `days` old."""
    then = utcnow() - timedelta(days=days)
    with db.sessions.begin() as s:
        s.execute(update(Conversation).where(Conversation.id == cid).values(updated_at=then, created_at=then))
        s.execute(update(Message).where(Message.conversation_id == cid).values(created_at=then))


def test_a_purge_removes_the_conversation_everywhere_in_one_audited_step_without_content(db, tmp_path):
    keep, gone = a_conversation(db, "a" * 32), a_conversation(db, "b" * 32)
    tracker_url = f"sqlite:///{tmp_path}/tracker.db"
    rasa = rasa_tracker(tracker_url, [keep, gone])
    tracker = retention.TrackerEvents(tracker_url)

    purged = db.call(retention.purge, [gone], tracker, "cli", "by id")

    assert purged == retention.Purged(conversations=1, messages=2, handoffs=1, corrections=1, tracker_events=2)
    for model in (Message, Handoff, Correction):
        assert rows(db, model, gone) == 0 and rows(db, model, keep) > 0
    assert db.call(convo.conversation_transcript, gone) is None
    assert tracker_texts(rasa, gone) == [] and SECRET in tracker_texts(rasa, keep)
    [entry] = db.call(audit.entries, None, "conversation_purged")
    assert (entry["actor"], entry["conversation_id"], entry["detail"]) == ("cli", gone, "1 conversation, by id")
    assert SECRET not in str(entry)
    tracker.dispose()


def test_a_dry_run_counts_and_changes_nothing(db, tmp_path):
    cid = a_conversation(db, "c" * 32)
    tracker_url = f"sqlite:///{tmp_path}/tracker.db"
    rasa = rasa_tracker(tracker_url, [cid])
    tracker = retention.TrackerEvents(tracker_url)

    purged = db.call(retention.purge, [cid], tracker, "cli", "by id", True)

    assert purged.dry_run and (purged.conversations, purged.messages, purged.tracker_events) == (1, 2, 2)
    assert db.call(convo.conversation_transcript, cid) is not None and SECRET in tracker_texts(rasa, cid)
    assert db.call(audit.entries) == []
    tracker.dispose()


class RefusingTracker(retention.TrackerEvents):
    """Rasa's store failing mid-purge (a locked file, a dropped connection)."""

    def forget(self, sender_ids):
        raise RuntimeError("tracker store unavailable")


def test_when_rasas_store_fails_the_transcript_store_keeps_everything(db, tmp_path):
    cid = a_conversation(db, "d" * 32)
    with pytest.raises(RuntimeError):
        db.call(retention.purge, [cid], RefusingTracker(f"sqlite:///{tmp_path}/none.db"), "cli", "by id")
    assert rows(db, Message, cid) == 2 and db.call(audit.entries) == []


def test_only_conversations_idle_past_the_cutoff_expire(db):
    old, recent, old_but_active = (a_conversation(db, x * 32) for x in "efg")
    for cid in (old, recent, old_but_active):
        age(db, cid, 400)
    age(db, recent, 10)
    db.call(convo.record_reply, old_but_active, "staff", "Are you still there?")  # a new message today
    assert db.call(retention.expired, utcnow() - timedelta(days=365)) == [old]


def test_an_opted_out_number_keeps_only_its_opt_out(db):
    number = "+15550100999"
    db.call(sms_store.record_keyword, number, "SM1", "STOP", "stop", True, "You're unsubscribed.")
    cid = db.call(convo.conversation_by_address, "sms", number)["id"]
    age(db, cid, 400)
    cutoff = utcnow() - timedelta(days=365)
    assert db.call(retention.expired, cutoff) == [cid]

    db.call(retention.purge, [cid], None, "system", "older than 365 days")

    assert db.call(sms_store.is_opted_out, number) is True
    assert rows(db, Message, cid) == 0
    assert db.call(retention.expired, cutoff) == []  # nothing left to forget: not purged again


def test_staff_notes_copied_into_the_audit_log_are_blanked_the_trail_stays(db):
    cid = a_conversation(db, "h" * 32)
    db.call(audit.record, "dana", "resolve", cid, "Jo said she drinks every night")
    db.call(audit.record, "dana", "read_transcript", cid, "")
    db.call(retention.purge, [cid], None, "cli", "by id")
    with db.sessions() as s:
        entries = s.execute(select(AuditEntry).where(AuditEntry.conversation_id == cid)).scalars()
        trail = {e.action: e.detail for e in entries}
    assert trail == {"resolve": "", "read_transcript": "", "conversation_purged": "1 conversation, by id"}


def test_a_visitors_own_request_finds_the_conversation_by_its_address(db):
    cid = a_conversation(db, "i" * 32)
    outcome, purged = db.call(retention.visitor_deletion, "web", "i" * 32, None, "asked by the visitor on web")
    assert outcome == retention.DELETED and purged.conversations == 1
    assert db.call(convo.conversation_transcript, cid) is None
    assert db.call(retention.visitor_deletion, "web", "i" * 32, None, "again") == (retention.NOTHING, None)


def test_during_an_open_crisis_the_deletion_waits_for_the_ticket_to_close(db):
    cid, _ = db.call(convo.record_visitor_message, "web", "k" * 32, "i want to end it")
    db.call(convo.request_person, cid, "Crisis", "crisis", "")
    outcome, purged = db.call(retention.visitor_deletion, "web", "k" * 32, None, "asked")
    assert (outcome, purged) == (retention.AFTER_CRISIS, None)
    transcript = db.call(convo.conversation_transcript, cid)
    assert transcript["messages"][-1]["text"] == retention.AFTER_CRISIS_LINE  # staff see it
    assert db.call(retention.pending_deletions) == []  # the ticket is still open
    db.call(retention.visitor_deletion, "web", "k" * 32, None, "asked again")  # said twice, marked once
    assert len(db.call(audit.entries, "visitor", "deletion_requested")) == 1

    db.call(convo.close, cid, "reached them; safe with family")

    assert db.call(retention.pending_deletions) == [cid]
    db.call(retention.purge, [cid], None, "visitor", "after the crisis ticket closed")
    assert db.call(convo.conversation_transcript, cid) is None


def test_a_tracker_store_that_was_never_created_has_nothing_to_forget(tmp_path):
    tracker = retention.TrackerEvents(f"sqlite:///{tmp_path}/never.db")
    assert tracker.count(["x"]) == 0 and tracker.forget(["x"]) == 0
    assert not (tmp_path / "never.db").exists()


def test_rasas_tracker_store_on_postgresql_is_purged_too(db, postgres_url):
    cid = a_conversation(db, "j" * 32)
    rasa = rasa_tracker(postgres_url, [cid, "someone-else"])
    tracker = retention.TrackerEvents(postgres_url)
    try:
        assert db.call(retention.purge, [cid], tracker, "cli", "by id").tracker_events == 2
        assert tracker_texts(rasa, cid) == [] and tracker_texts(rasa, "someone-else") == ["hello", SECRET]
    finally:
        tracker.dispose()
        rasa.engine.dispose()
