"""Dashboard figures from the store (SQLite and PostgreSQL), and the pure helpers behind them."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.store import conversations as convo
from bot.store import stats
from bot.store.models import Conversation, Correction, Handoff, Message

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()
CHICAGO = ZoneInfo("America/Chicago")  # daylight saving from 8 March to 1 November 2026


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# -- pure helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([], 50, None),
        ([7], 50, 7),
        ([7], 90, 7),
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 50, 2.5),  # order of the input does not matter
        ([1, 2, 3, 4], 90, 3.7),
        ([60, 120, 300], 90, 264),
        ([10, 20, 30, 40, 50], 0, 10),
        ([10, 20, 30, 40, 50], 100, 50),
        ([10, 20, 30, 40, 50], 25, 20),
        (list(range(1, 101)), 90, 90.1),
    ],
)
def test_percentile_interpolates_linearly(values, q, expected):
    result = stats.percentile(values, q)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_refuses_a_q_out_of_range(q):
    with pytest.raises(ValueError):
        stats.percentile([1, 2], q)


def test_median_is_the_50th_percentile():
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([]) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, 30),
        ("", 30),
        ("  ", 30),
        ("7", 7),
        (" 12 ", 12),
        ("1", 1),
        ("365", 365),
    ],
)
def test_parse_days(raw, expected):
    assert stats.parse_days(raw) == expected


@pytest.mark.parametrize("raw", ["0", "366", "-3", "abc", "1.5", "1e3", "７"])
def test_parse_days_refuses_with_a_message(raw):
    with pytest.raises(ValueError, match="Days must be a whole number from 1 to 365"):
        stats.parse_days(raw)


@pytest.mark.parametrize(
    "days, first",
    [
        (1, TODAY),
        (7, TODAY - timedelta(days=6)),
        (30, TODAY - timedelta(days=29)),
    ],
)
def test_window_ends_today(days, first):
    w = stats.window(days, NOW)
    assert (w.first, w.last) == (first, TODAY)
    assert len(w.dates) == days and w.dates[-1] == TODAY
    assert w.start == datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
    assert w.end == datetime(2026, 3, 16, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "now, zone, days, first, last, start, end",
    [
        # Without a zone the days are UTC days, whatever offset `now` carries.
        (
            datetime(2026, 3, 15, 22, 0, tzinfo=timezone(timedelta(hours=-5))),
            timezone.utc,
            1,
            date(2026, 3, 16),
            date(2026, 3, 16),
            utc(2026, 3, 16),
            utc(2026, 3, 17),
        ),
        # 23:30 in Chicago is still that day there, though already the next in UTC.
        (
            utc(2026, 3, 15, 4, 30),
            CHICAGO,
            1,
            date(2026, 3, 14),
            date(2026, 3, 14),
            utc(2026, 3, 14, 5),
            utc(2026, 3, 15, 5),
        ),
        (
            utc(2026, 1, 15, 18),
            CHICAGO,
            7,
            date(2026, 1, 9),
            date(2026, 1, 15),
            utc(2026, 1, 9, 6),
            utc(2026, 1, 16, 6),
        ),
        # Over the spring change: three days of 23 + 24 + 24 hours.
        (
            utc(2026, 3, 10, 17),
            CHICAGO,
            3,
            date(2026, 3, 8),
            date(2026, 3, 10),
            utc(2026, 3, 8, 6),
            utc(2026, 3, 11, 5),
        ),
        # Over the autumn change: two days of 25 + 24 hours.
        (
            utc(2026, 11, 2, 18),
            CHICAGO,
            2,
            date(2026, 11, 1),
            date(2026, 11, 2),
            utc(2026, 11, 1, 5),
            utc(2026, 11, 3, 6),
        ),
    ],
)
def test_window_is_whole_days_in_the_zone(now, zone, days, first, last, start, end):
    w = stats.window(days, now, zone)
    assert (w.first, w.last, w.start, w.end) == (first, last, start, end)
    assert len(w.dates) == days


@pytest.mark.parametrize(
    "intent, topic",
    [
        ("faq/cost", "cost"),
        ("faq/first_visit", "first visit"),
        ("human_handoff", "asked for a person"),
        ("start_screen", "the screen"),
        ("crisis", "crisis"),
        ("something_new", "something new"),
    ],
)
def test_topic_of(intent, topic):
    assert stats.topic_of(intent) == topic


@pytest.mark.parametrize(
    "payload, level",
    [
        ({"custom": {"screen_result": {"level": "iop", "reasons": [], "flags": []}}}, "iop"),
        ({"buttons": [], "custom": {"screen_result": {"level": None}}}, None),
        ({"custom": {"screen_result": "iop"}}, None),
        ({"custom": None}, None),
        ({"buttons": []}, None),
        (None, None),
        ("screen_result", None),
    ],
)
def test_screen_level(payload, level):
    assert stats.screen_level(payload) == level


def test_levels_in_order_of_intensity_unknown_last():
    assert sorted(["residential", "zzz", "iop", "outpatient"], key=stats.level_order) == [
        "outpatient",
        "iop",
        "residential",
        "zzz",
    ]


# -- from the store ------------------------------------------------------------------------------


def set_times(db, model, ids, **values):
    db.call(lambda s: s.execute(update(model).where(model.id.in_(ids)).values(**values)))


class Visitor:
    """One conversation, made through the store, with its times moved to `started`."""

    def __init__(self, db, address: str, started: datetime):
        self.db, self.started, self.address = db, started, address
        self.id, _, first = db.call(convo.record_visitor_message_with_id, "web", address, "hello", None)
        set_times(db, Conversation, [self.id], created_at=started)
        self.messages = [first]
        set_times(db, Message, [first], created_at=started)

    def says(self, text: str, intent=None, confidence=0.9) -> int:
        _, _, mid = self.db.call(convo.record_visitor_message_with_id, "web", self.address, text, None)
        if intent:
            assert self.db.call(convo.set_message_intent, mid, intent, confidence)
        set_times(self.db, Message, [mid], created_at=self.started + timedelta(seconds=len(self.messages)))
        self.messages.append(mid)
        return mid

    def screen(self, level) -> None:
        payload = {"buttons": [], "custom": {"screen_result": {"level": level, "reasons": [], "flags": []}}}
        self.db.call(convo.record_replies, self.id, [("bot", "", payload, None)])
        set_times(self.db, Message, [self.db.call(last_message_id, self.id)], created_at=self.started)

    def handoff(self, priority: str, opened: datetime, waited: float = None) -> int:
        ticket = self.db.call(convo.request_person, self.id, "asked", priority, "")
        if waited is not None:
            assert self.db.call(convo.claim, ticket["id"], "dana")
            set_times(self.db, Handoff, [ticket["id"]], claimed_at=opened + timedelta(seconds=waited))
        set_times(self.db, Handoff, [ticket["id"]], created_at=opened)
        return ticket["id"]


def last_message_id(s, conversation_id):
    return s.query(Message.id).filter(Message.conversation_id == conversation_id).order_by(Message.id.desc()).first()[0]


@pytest.fixture
def week(db):
    """A week of activity around NOW, and some older activity that must not count."""
    today = Visitor(db, "a", NOW - timedelta(hours=1))
    today.says("how much does it cost", "faq/cost")
    today.says("hi", "greet")
    today.says("asdf", "nlu_fallback", 0.2)
    today.screen("iop")
    today.handoff("normal", NOW - timedelta(minutes=50), waited=60)

    two_days_ago = Visitor(db, "b", NOW - timedelta(days=2))
    two_days_ago.says("cost?", "faq/cost")
    two_days_ago.says("do you take my insurance", "faq/insurance")
    two_days_ago.says("what is the weather", "out_of_scope")
    two_days_ago.says("no intent yet")
    two_days_ago.screen("residential")
    two_days_ago.handoff("crisis", NOW - timedelta(days=2), waited=300)

    also_two_days_ago = Visitor(db, "c", NOW - timedelta(days=2, hours=1))
    also_two_days_ago.says("i want a person", "human_handoff")
    also_two_days_ago.screen(None)  # stopped for the crisis response: no level
    also_two_days_ago.screen("iop")
    also_two_days_ago.handoff("urgent", NOW - timedelta(days=2), waited=120)

    old = Visitor(db, "d", NOW - timedelta(days=10))
    old.says("teens?", "faq/teens")
    old.says("zzz", "nlu_fallback")
    old.screen("php")
    old.handoff("urgent", NOW - timedelta(days=10), waited=5000)

    waiting = Visitor(db, "e", NOW - timedelta(minutes=20))
    waiting.handoff("normal", NOW - timedelta(minutes=10))

    just_before = Visitor(db, "f", datetime(2026, 3, 8, 23, 59, 59, tzinfo=timezone.utc))
    first_second = Visitor(db, "g", datetime(2026, 3, 9, 0, 0, 0, tzinfo=timezone.utc))
    return {"first_second": first_second, "just_before": just_before}


def test_dashboard_counts_a_week(db, week):
    data = db.call(stats.dashboard, 7, NOW)
    assert (data["days"], data["from"], data["to"]) == (7, date(2026, 3, 9), TODAY)

    per_day = {r["date"]: r["count"] for r in data["conversations"]["per_day"]}
    assert list(per_day) == [date(2026, 3, 9) + timedelta(days=i) for i in range(7)]
    assert per_day[TODAY] == 2 and per_day[date(2026, 3, 13)] == 2 and per_day[date(2026, 3, 9)] == 1
    assert data["conversations"]["total"] == 5  # the old one and the one a second too early left out

    handoffs = {r["date"]: r for r in data["handoffs"]["per_day"]}
    assert handoffs[TODAY] == {"date": TODAY, "normal": 2, "urgent": 0, "crisis": 0, "total": 2}
    assert handoffs[date(2026, 3, 13)] == {"date": date(2026, 3, 13), "normal": 0, "urgent": 1, "crisis": 1, "total": 2}
    assert data["handoffs"]["total"] == 4
    assert data["handoffs"]["by_priority"] == {"normal": 2, "urgent": 1, "crisis": 1}
    assert data["crisis_handoffs"] == 1

    wait = data["wait"]
    assert wait["claimed"] == 3
    assert wait["median_seconds"] == pytest.approx(120)
    assert wait["p90_seconds"] == pytest.approx(264)
    assert wait["waiting_now"] == 1
    assert wait["longest_waiting_seconds"] == pytest.approx(600)

    assert data["screen_levels"] == [{"level": "iop", "count": 2}, {"level": "residential", "count": 1}]
    assert data["top_topics"] == [
        {"intent": "faq/cost", "topic": "cost", "count": 2},
        {"intent": "faq/insurance", "topic": "insurance", "count": 1},
        {"intent": "human_handoff", "topic": "asked for a person", "count": 1},
    ]
    assert data["fallback"] == {"messages": 7, "fallbacks": 2, "rate": pytest.approx(2 / 7)}


def test_a_longer_window_takes_in_older_activity(db, week):
    data = db.call(stats.dashboard, 30, NOW)
    assert len(data["conversations"]["per_day"]) == 30
    assert data["conversations"]["total"] == 7
    assert data["handoffs"]["by_priority"] == {"normal": 2, "urgent": 2, "crisis": 1}
    assert data["wait"]["claimed"] == 4
    assert data["wait"]["median_seconds"] == pytest.approx(210)
    assert [r["level"] for r in data["screen_levels"]] == ["iop", "php", "residential"]
    assert {"intent": "faq/teens", "topic": "teens", "count": 1} in data["top_topics"]
    assert data["fallback"]["fallbacks"] == 3


def test_top_topics_keep_ten(db):
    visitor = Visitor(db, "many", NOW - timedelta(hours=2))
    for i in range(12):
        for _ in range(12 - i):
            visitor.says(f"question {i}", f"faq/topic_{i:02d}")
    topics = db.call(stats.dashboard, 1, NOW)["top_topics"]
    assert [t["intent"] for t in topics] == [f"faq/topic_{i:02d}" for i in range(10)]
    assert topics[0]["count"] == 12 and topics[-1]["count"] == 3


def test_an_empty_store(db):
    data = db.call(stats.dashboard, 30, NOW)
    assert data["conversations"]["total"] == 0 and len(data["conversations"]["per_day"]) == 30
    assert data["handoffs"]["total"] == 0 and data["crisis_handoffs"] == 0
    assert data["wait"] == {
        "claimed": 0,
        "median_seconds": None,
        "p90_seconds": None,
        "waiting_now": 0,
        "longest_waiting_seconds": None,
    }
    assert data["screen_levels"] == [] and data["top_topics"] == []
    assert data["fallback"] == {"messages": 0, "fallbacks": 0, "rate": None}


@pytest.mark.parametrize("days", [0, 366])
def test_dashboard_refuses_a_window_out_of_range(db, days):
    with pytest.raises(ValueError):
        db.call(stats.dashboard, days, NOW)


# -- days in the program's zone ------------------------------------------------------------------

# (when it happened, in UTC; the day it belongs to in Chicago, or None when before the window)
SPRING = [
    (utc(2026, 3, 8, 5, 59, 59), None),  # 23:59:59 CST on 7 March
    (utc(2026, 3, 8, 6, 0), date(2026, 3, 8)),  # midnight, the day the clocks go forward
    (utc(2026, 3, 8, 7, 59), date(2026, 3, 8)),  # 01:59 CST
    (utc(2026, 3, 8, 8, 0), date(2026, 3, 8)),  # 03:00 CDT: 02:00 to 03:00 never happened
    (utc(2026, 3, 9, 4, 30), date(2026, 3, 8)),  # 23:30 CDT, already 9 March in UTC
    (utc(2026, 3, 9, 5, 0), date(2026, 3, 9)),  # midnight CDT
    (utc(2026, 3, 10, 4, 30), date(2026, 3, 9)),  # 23:30 CDT
    (utc(2026, 3, 10, 16, 0), date(2026, 3, 10)),  # this morning
]
AUTUMN = [
    (utc(2026, 11, 1, 4, 59), None),  # 23:59 CDT on 31 October
    (utc(2026, 11, 1, 5, 0), date(2026, 11, 1)),  # midnight CDT, the day the clocks go back
    (utc(2026, 11, 1, 6, 30), date(2026, 11, 1)),  # 01:30 CDT
    (utc(2026, 11, 1, 7, 30), date(2026, 11, 1)),  # 01:30 CST, the second time round
    (utc(2026, 11, 2, 5, 30), date(2026, 11, 1)),  # 23:30 CST, already 2 November in UTC
    (utc(2026, 11, 2, 6, 0), date(2026, 11, 2)),  # midnight CST
    (utc(2026, 11, 2, 17, 0), date(2026, 11, 2)),  # this morning
]


@pytest.mark.parametrize(
    "now, days, moments",
    [
        (utc(2026, 3, 10, 17), 3, SPRING),
        (utc(2026, 11, 2, 18), 2, AUTUMN),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_days_are_counted_in_the_programs_zone(db, now, days, moments):
    for n, (moment, _) in enumerate(moments):
        Visitor(db, f"v{n}", moment).handoff(("normal", "urgent", "crisis")[n % 3], moment)
    data = db.call(stats.dashboard, days, now, CHICAGO)
    assert data["timezone"] == "America/Chicago"
    assert (data["from"], data["to"]) == (now.date() - timedelta(days=days - 1), now.date())

    expected = Counter(day for _, day in moments if day)
    assert {r["date"]: r["count"] for r in data["conversations"]["per_day"]} == {
        d: expected[d] for d in stats.window(days, now, CHICAGO).dates
    }
    assert {r["date"]: r["total"] for r in data["handoffs"]["per_day"]} == {
        r["date"]: expected[r["date"]] for r in data["handoffs"]["per_day"]
    }
    assert data["conversations"]["total"] == data["handoffs"]["total"] == sum(expected.values())
    assert data["crisis_handoffs"] == sum(1 for n, (_, day) in enumerate(moments) if day and n % 3 == 2)


def test_a_late_evening_lands_on_its_local_day(db):
    Visitor(db, "late", utc(2026, 7, 1, 4, 30)).handoff("urgent", utc(2026, 7, 1, 4, 30))  # 23:30 CDT on 30 June
    now = utc(2026, 7, 1, 15)
    local = db.call(stats.dashboard, 2, now, CHICAGO)
    assert [(r["date"], r["count"]) for r in local["conversations"]["per_day"]] == [
        (date(2026, 6, 30), 1),
        (date(2026, 7, 1), 0),
    ]
    assert [(r["date"], r["urgent"]) for r in local["handoffs"]["per_day"]] == [
        (date(2026, 6, 30), 1),
        (date(2026, 7, 1), 0),
    ]
    in_utc = db.call(stats.dashboard, 2, now)
    assert in_utc["timezone"] == "UTC"
    assert [(r["date"], r["count"]) for r in in_utc["conversations"]["per_day"]] == [
        (date(2026, 6, 30), 0),
        (date(2026, 7, 1), 1),
    ]


# -- measures that mean something: corrections, crisis replies, the review queue ----------------------


def staff_reply_at(db, conversation_id: str, moment: datetime) -> None:
    db.call(convo.record_replies, conversation_id, [("staff", "I'm here.", None, "Dana")])
    set_times(db, Message, [db.call(last_message_id, conversation_id)], created_at=moment)


def test_crisis_time_to_first_human_reply_and_slow_claims(db):
    opened = NOW - timedelta(hours=3)
    quick = Visitor(db, "q", opened)
    quick.handoff("crisis", opened, waited=30)
    staff_reply_at(db, quick.id, opened + timedelta(seconds=60))
    slow = Visitor(db, "s", opened)
    slow.handoff("crisis", opened, waited=8 * 60)
    staff_reply_at(db, slow.id, opened + timedelta(seconds=600))
    staff_reply_at(db, slow.id, opened + timedelta(seconds=900))  # only the first reply counts
    nobody_yet = Visitor(db, "n", NOW - timedelta(minutes=40))
    nobody_yet.handoff("crisis", NOW - timedelta(minutes=40))
    not_crisis = Visitor(db, "u", opened)
    not_crisis.handoff("urgent", opened, waited=3600)
    staff_reply_at(db, not_crisis.id, opened + timedelta(seconds=4000))

    crisis = db.call(stats.dashboard, 1, NOW)["crisis_first_reply"]
    assert crisis["crises"] == 3 and crisis["answered"] == 2
    assert crisis["median_seconds"] == pytest.approx(330)
    assert crisis["p90_seconds"] == pytest.approx(546)
    # The unanswered crisis counts at its wait so far: it must not flatter the worst case.
    assert crisis["worst_seconds"] == pytest.approx(40 * 60)
    assert crisis["unclaimed_over"] == 2 and crisis["unclaimed_over_minutes"] == stats.CRISIS_UNCLAIMED_MINUTES


def test_misunderstandings_staff_corrected_and_the_least_sure_queue(db):
    from bot.store import corrections

    v = Visitor(db, "m", NOW - timedelta(hours=1))
    sure_but_wrong = v.says("my son drinks", "faq/cost", 0.93)
    unsure_and_wrong = v.says("can my mom come", "faq/visiting", 0.41)
    confirmed = v.says("price?", "faq/cost", 0.6)
    least = v.says("call me at 555 123 4567 pls", "faq/hours", 0.12)
    v.says("hours?", "faq/hours", 0.95)
    db.call(corrections.mark, sure_but_wrong, "faq/family", False, "dana")
    db.call(corrections.mark, unsure_and_wrong, "faq/family", False, "dana")
    db.call(corrections.mark, confirmed, "faq/cost", False, "dana")  # staff agreed: not a misunderstanding
    db.call(lambda s: s.execute(update(Correction).values(created_at=NOW - timedelta(minutes=30))))

    data = db.call(stats.dashboard, 1, NOW)
    assert data["misunderstood"] == {"corrected": 2, "confidently_wrong": 1, "confident_at": stats.CONFIDENT}
    assert data["review"] == {"unsure_waiting": 1, "unsure_below": stats.UNSURE_BELOW}  # 0.12; 0.41 is corrected
    queue = db.call(stats.least_sure, 1, NOW)
    assert [m["message_id"] for m in queue] == [least, v.messages[-1]]  # corrected messages are done
    assert queue[0]["confidence"] == pytest.approx(0.12) and queue[0]["text"] == "call me at •••• 4567 pls"
