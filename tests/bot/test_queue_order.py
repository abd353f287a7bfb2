"""The queue's order, groups, filters and "claim next": plain functions, table-driven."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import queue_order

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)


def item(handoff_id, priority, minutes_ago, status="open", claimed_by=None):
    return {
        "handoff_id": handoff_id,
        "conversation_id": f"c{handoff_id}",
        "priority": priority,
        "status": status,
        "claimed_by": claimed_by,
        "created_at": NOW - timedelta(minutes=minutes_ago),
    }


QUEUE = [
    item(1, "normal", 40),
    item(2, "crisis", 12),
    item(3, "urgent", 3),
    item(4, "crisis", 1),
    item(5, "crisis", 30, "claimed", "dana"),
    item(6, "normal", 5, "claimed", "sam"),
    item(7, "urgent", 20),
    item(8, "normal", 2),
]


def ids(items):
    return [i["handoff_id"] for i in items]


def test_crisis_newest_first_then_held_crises_then_urgent_and_normal_oldest_first():
    assert ids(queue_order.ordered(QUEUE)) == [4, 2, 5, 7, 3, 1, 8, 6]


@pytest.mark.parametrize(
    "show, username, expected",
    [
        ("all", "dana", [4, 2, 5, 7, 3, 1, 8, 6]),
        ("mine", "dana", [5]),
        ("mine", "sam", [6]),
        ("mine", "lee", []),
        ("unclaimed", "dana", [4, 2, 7, 3, 1, 8]),
    ],
)
def test_filters(show, username, expected):
    assert ids(queue_order.shown(queue_order.ordered(QUEUE), show, username)) == expected


def test_groups_count_waiting_and_in_progress_and_keep_empty_groups():
    groups = queue_order.groups(QUEUE)
    assert [(g["priority"], g["waiting"], g["in_progress"]) for g in groups] == [
        ("crisis", 2, 1),
        ("urgent", 2, 0),
        ("normal", 2, 1),
    ]
    assert ids(groups[0]["items"]) == [4, 2, 5]
    assert [(g["waiting"], g["in_progress"]) for g in queue_order.groups([])] == [(0, 0)] * 3


def test_claim_next_takes_the_newest_crisis_first_and_never_a_held_ticket():
    assert queue_order.next_to_claim(QUEUE) == [4, 2, 7, 3, 1, 8]
    assert queue_order.next_to_claim([item(5, "crisis", 1, "claimed", "dana")]) == []


@pytest.mark.parametrize(
    "row, overdue",
    [
        (item(1, "crisis", queue_order.CRISIS_OVERDUE_MINUTES), True),
        (item(1, "crisis", queue_order.CRISIS_OVERDUE_MINUTES - 1), False),
        (item(1, "crisis", 60, "claimed", "dana"), False),
        (item(1, "urgent", 60), False),
    ],
)
def test_an_unclaimed_crisis_waiting_too_long_is_overdue(row, overdue):
    assert queue_order.overdue(row, NOW) is overdue
