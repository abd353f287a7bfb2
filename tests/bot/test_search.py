"""Searching past conversations: filters on SQLite and PostgreSQL, and the pure helpers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.masking import hide_numbers
from bot.store.models import Conversation, Handoff, Message
from bot.store.search import (
    OUTCOMES,
    like_pattern,
    outcome_of,
    search_conversations,
    snippet,
)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


# name: (channel, address, [(day, author, text)], [(status, priority)])
PEOPLE = {
    "A": (
        "sms",
        "+15550100001",
        [("2024-01-10", "visitor", "How much does it cost?"), ("2024-01-20", "bot", "It depends on your insurance.")],
        [],
    ),
    "B": (
        "web",
        "session-bbbbbb",
        [("2024-02-01", "visitor", "Can I get 100 percent back, 100% sure?")],
        [("open", "normal")],
    ),
    "C": ("sms", "+15550100003", [("2024-03-01", "visitor", "I feel unsafe tonight")], [("claimed", "crisis")]),
    "D": ("rest", "client-dddddd", [("2024-03-15", "visitor", "Do you take my_insurance?")], [("resolved", "urgent")]),
    "E": (
        "web",
        "session-eeeeee",
        [("2024-04-01", "visitor", "What does the evening program COST?")],
        [("resolved", "crisis"), ("resolved", "normal")],
    ),
}


@pytest.fixture
def people(db):
    """The five conversations above; returns name -> conversation id."""
    ids = {}
    with db.sessions.begin() as s:
        for name, (channel, address, messages, handoffs) in PEOPLE.items():
            times = [at(day) for day, _, _ in messages]
            conversation = Conversation(
                channel=channel,
                address=address,
                mode="bot",
                opted_out=False,
                created_at=min(times),
                updated_at=max(times),
            )
            s.add(conversation)
            s.flush()
            for day, author, text in messages:
                s.add(
                    Message(
                        conversation_id=conversation.id, channel=channel, author=author, text=text, created_at=at(day)
                    )
                )
            for status, priority in handoffs:
                s.add(
                    Handoff(
                        conversation_id=conversation.id,
                        reason="asked",
                        priority=priority,
                        status=status,
                        summary="",
                        crisis_lines_repeated=False,
                        created_at=min(times),
                    )
                )
            ids[name] = conversation.id
    return ids


def search(db, **filters):
    return db.call(lambda s: search_conversations(s, **filters))


def names(db, people, **filters):
    by_id = {cid: name for name, cid in people.items()}
    result = search(db, **filters)
    found = [by_id[row["id"]] for row in result["conversations"]]
    assert result["total"] == len(found)
    return found


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, ["E", "D", "C", "B", "A"]),
        ({"text": "cost"}, ["E", "A"]),
        ({"text": "  COST "}, ["E", "A"]),
        ({"text": "100%"}, ["B"]),
        ({"text": "%"}, ["B"]),
        ({"text": "_"}, ["D"]),
        ({"text": "my_insurance"}, ["D"]),
        ({"text": "y%i"}, []),
        ({"text": "my insurance"}, []),
        ({"text": "\\"}, []),
        ({"text": ""}, ["E", "D", "C", "B", "A"]),
        ({"since": at("2024-03-01", 0)}, ["E", "D", "C"]),
        ({"until": at("2024-03-01", 0)}, ["B", "A"]),
        ({"since": at("2024-02-01", 0), "until": at("2024-03-02", 0)}, ["C", "B"]),
        # A's messages are on the 10th and the 20th: nothing in between is activity.
        ({"since": at("2024-01-12", 0), "until": at("2024-01-15", 0)}, []),
        ({"since": at("2024-01-15", 0), "until": at("2024-01-25", 0)}, ["A"]),
        ({"channel": "sms"}, ["C", "A"]),
        ({"channel": "web"}, ["E", "B"]),
        ({"channel": "rest"}, ["D"]),
        ({"outcome": "bot_only"}, ["A"]),
        ({"outcome": "waiting"}, ["B"]),
        ({"outcome": "with_staff"}, ["C"]),
        ({"outcome": "resolved"}, ["E", "D"]),
        ({"outcome": "crisis"}, ["E", "C"]),
        ({"text": "cost", "channel": "web"}, ["E"]),
        ({"outcome": "crisis", "since": at("2024-03-10", 0)}, ["E"]),
        ({"text": "insurance", "outcome": "resolved"}, ["D"]),
    ],
)
def test_each_filter_narrows_the_conversations(db, people, filters, expected):
    assert names(db, people, **filters) == expected


def test_a_row_has_what_the_list_shows_and_a_masked_number(db, people):
    [row] = db.call(search_conversations, None, None, None, None, "with_staff")["conversations"]
    assert row == {
        "id": people["C"],
        "channel": "sms",
        "address": "•••• 0003",
        "created_at": at("2024-03-01"),
        "updated_at": at("2024-03-01"),
        "message_count": 1,
        "outcome": "with_staff",
        "priority": "crisis",
        "snippet": None,
    }
    rows = {r["id"]: r for r in db.call(search_conversations)["conversations"]}
    assert (rows[people["A"]]["message_count"], rows[people["A"]]["priority"]) == (2, None)
    assert rows[people["E"]]["priority"] == "crisis" and rows[people["E"]]["outcome"] == "resolved"
    assert "0100001" not in repr(rows)


def test_a_text_search_gives_a_snippet_of_the_first_matching_message(db, people):
    rows = db.call(search_conversations, "insurance")["conversations"]
    assert [(r["id"], r["snippet"]) for r in rows] == [
        (people["D"], "Do you take my_insurance?"),
        (people["A"], "It depends on your insurance."),
    ]


def test_paging_keeps_the_total(db, people):
    result = search(db, limit=2, offset=2)
    assert result["total"] == 5
    assert [r["id"] for r in result["conversations"]] == [people["C"], people["B"]]
    assert search(db, limit=2, offset=10) == {"total": 5, "conversations": []}


def test_an_unknown_outcome_is_refused(db):
    with pytest.raises(ValueError, match="unknown outcome"):
        search(db, outcome="happy")


def test_every_outcome_has_a_plain_label():
    assert set(OUTCOMES) == {"bot_only", "waiting", "with_staff", "resolved", "crisis"}
    assert all(label and label[0].isupper() for label in OUTCOMES.values())


@pytest.mark.parametrize(
    "statuses, outcome",
    [
        ([], "bot_only"),
        (["open"], "waiting"),
        (["resolved", "open"], "waiting"),
        (["claimed"], "with_staff"),
        (["resolved", "claimed"], "with_staff"),
        (["resolved"], "resolved"),
        (["resolved", "resolved"], "resolved"),
    ],
)
def test_outcome_of_handoff_statuses(statuses, outcome):
    assert outcome_of(statuses) == outcome


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("cost", "%cost%"),
        ("100%", "%100\\%%"),
        ("my_plan", "%my\\_plan%"),
        ("a\\b", "%a\\\\b%"),
    ],
)
def test_like_pattern_takes_wildcards_literally(text, pattern):
    assert like_pattern(text) == pattern


@pytest.mark.parametrize(
    "text, shown",
    [
        ("call me at 555-010-0199 after 5", "call me at •••• 0199 after 5"),
        ("my number is +1 (555) 555 0123.", "my number is •••• 0123."),
        ("I have been sober 90 days, 2 relapses", "I have been sober 90 days, 2 relapses"),
        ("room 12345", "room 12345"),
    ],
)
def test_phone_numbers_in_text_are_masked(text, shown):
    assert hide_numbers(text) == shown


@pytest.mark.parametrize(
    "text, needle, shown",
    [
        ("short\n message", "short", "short message"),
        ("a" * 200 + " cost " + "b" * 200, "cost", "…" + "a" * 57 + " cost " + "b" * 57 + "…"),
        ("cost " + "b" * 200, "cost", "cost " + "b" * 115 + "…"),
        ("a" * 200 + " cost", "cost", "…" + "a" * 115 + " cost"),
        ("x" * 130 + " 5550100199", "5550100199", "…" + "x" * 110 + " •••• 0199"),
    ],
)
def test_snippet_is_a_window_around_the_match(text, needle, shown):
    assert snippet(text, needle) == shown
