"""The journal: turns the store could not take, on disk, then into the store in order and once."""

from __future__ import annotations

import shutil
import stat

import pytest

from bot.journal import Entry, Journal
from bot.store import conversations as convo


def entry(n: int, crisis: bool = False) -> Entry:
    return Entry(
        channel="rest",
        address="visitor-1",
        text=f"message {n}",
        key=f"gw-{n}",
        replies=[["system", f"reply {n}", None, None]],
        crisis={"reason": "Crisis", "summary": f"summary {n}"} if crisis else None,
        at="2026-12-03T10:00:00+00:00",
    )


async def store_in(db):
    async def store(e: Entry):
        return await db.run(
            convo.record_turn, e.channel, e.address, e.text, e.key, [tuple(r) for r in e.replies], e.crisis
        )

    return store


async def test_an_entry_is_on_disk_for_its_owner_only_and_survives_a_restart(tmp_path):
    path = tmp_path / "j" / "journal.jsonl"
    journal = Journal(path)
    await journal.keep(entry(1))
    await journal.keep(entry(2, crisis=True))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().splitlines()) == 2
    journal.close()
    again = Journal(path)
    assert [e.key for e in again.entries()] == ["gw-1", "gw-2"]
    assert again.pending_crises == 1 and again.escalation_degraded
    again.close()


async def test_a_line_cut_short_by_a_crash_is_skipped_and_the_rest_kept(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    await journal.keep(entry(1))
    journal.close()
    with path.open("a") as f:
        f.write('{"channel": "rest", "addr')
    again = Journal(path)
    assert [e.key for e in again.entries()] == ["gw-1"]
    again.close()


async def test_replay_stores_in_order_and_empties_the_journal(db, tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    for n in (1, 2, 3):
        await journal.keep(entry(n, crisis=n == 2))
    assert await journal.replay(await store_in(db)) == 3
    assert journal.pending == 0 and not path.exists() and not journal.escalation_degraded
    data = await db.run(convo.conversation_by_address, "rest", "visitor-1")
    assert [m["text"] for m in data["messages"]] == [
        "message 1",
        "reply 1",
        "message 2",
        "reply 2",
        "message 3",
        "reply 3",
    ]
    [ticket] = await db.run(convo.handoffs_of, data["id"])
    assert ticket["priority"] == "crisis" and "summary 2" in ticket["summary"]
    journal.close()


async def test_replay_stops_at_the_first_failure_and_keeps_the_rest_in_order(db, tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    for n in (1, 2, 3):
        await journal.keep(entry(n))
    real = await store_in(db)

    async def store(e: Entry):
        if e.key == "gw-2":
            raise ConnectionError("the store is not back")
        return await real(e)

    assert await journal.replay(store) == 1
    assert [e.key for e in journal.entries()] == ["gw-2", "gw-3"]
    assert [e.key for e in Journal(tmp_path / "journal.jsonl").entries()] == ["gw-2", "gw-3"]
    assert await journal.replay(real) == 2 and journal.pending == 0
    journal.close()


async def test_a_replay_repeated_after_a_crash_stores_each_turn_once(db, tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    await journal.keep(entry(1, crisis=True))
    await journal.keep(entry(2))
    # The gateway dies after storing, before the journal forgot the entries.
    shutil.copy(path, tmp_path / "before.jsonl")
    await journal.replay(await store_in(db))
    restarted = Journal(tmp_path / "before.jsonl")
    assert await restarted.replay(await store_in(db)) == 2
    data = await db.run(convo.conversation_by_address, "rest", "visitor-1")
    assert [m["text"] for m in data["messages"]] == ["message 1", "reply 1", "message 2", "reply 2"]
    assert len(await db.run(convo.handoffs_of, data["id"])) == 1
    journal.close()
    restarted.close()


@pytest.mark.parametrize("staff_hold_it", [False, True])
async def test_a_journalled_crisis_is_acknowledged_unless_staff_hold_the_conversation(db, staff_hold_it):
    if staff_hold_it:
        cid = (await db.run(convo.record_visitor_message, "rest", "visitor-1", "hello"))[0]
        ticket = await db.run(convo.request_person, cid, "asked", "normal", "")
        await db.run(convo.claim, ticket["id"], "dana")
    result = await db.run(
        convo.record_turn,
        "rest",
        "visitor-1",
        "help",
        "gw-9",
        [("system", "crisis lines", None, None)],
        {"reason": "Crisis", "summary": "s", "acknowledgement": "someone is coming"},
    )
    assert result["acknowledged"] is (not staff_hold_it)
    assert result["handoff"]["priority"] == "crisis"
    texts = [m["text"] for m in (await db.run(convo.conversation_transcript, result["conversation_id"]))["messages"]]
    assert ("someone is coming" in texts) is (not staff_hold_it)
