"""Figures for the supervisor's dashboard, over a window of whole days ending today in the program's zone.

Days are the program's local days (`bot.local_time`). SQL's `date()` would
group by the UTC date, so counts per day are bucketed in Python from the
times in the window (a program's volume is small). Screen results sit in a
JSON payload and are read in Python too, so the same code runs on SQLite and
PostgreSQL. Everything returns plain data that `bot.json_text.json_dumps` can write.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy import Text, case, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from bot import local_time
from bot.masking import hide_numbers
from bot.queue_order import CRISIS_OVERDUE_MINUTES
from bot.store.models import PRIORITIES, Conversation, Correction, Handoff, Message, UTCDateTime
from core.care_levels import LEVELS

DEFAULT_DAYS = 30
MAX_DAYS = 365
TOP_TOPICS = 10
REVIEW_QUEUE = 25
# Below this the assistant was unsure: such a message, until someone corrects it, waits in the review queue.
UNSURE_BELOW = 0.5
# A crisis unclaimed this long is an alarm: the same limit the console's queue marks overdue.
CRISIS_UNCLAIMED_MINUTES = CRISIS_OVERDUE_MINUTES
# "Sure of it": a misunderstanding at this confidence or above is one the fallback rate never shows.
CONFIDENT = 0.8

# What the assistant did not understand: the fallback rate counts these.
FALLBACK_INTENTS = ("nlu_fallback", "out_of_scope")
# Turn-taking rather than a subject: left out of the top topics.
NOT_TOPICS = FALLBACK_INTENTS + ("greet", "goodbye", "thank", "affirm", "deny", "screen_answer")
TOPIC_NAMES = {
    "human_handoff": "asked for a person",
    "start_screen": "the screen",
    "bot_challenge": "is this a bot?",
    "stop": "stop",
    "crisis": "crisis",
}


# -- pure helpers ------------------------------------------------------------------------------------


def parse_days(raw: Optional[str]) -> int:
    """The `days` of a request; ValueError with a message for staff when it is not 1 to MAX_DAYS."""
    if raw is None or raw.strip() == "":
        return DEFAULT_DAYS
    days = int(raw.strip()) if re.fullmatch(r"[0-9]{1,6}", raw.strip()) else 0
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"Days must be a whole number from 1 to {MAX_DAYS}.")
    return days


@dataclass(frozen=True)
class Window:
    """Whole days in `zone`, `first` to `last`; `start` and `end` are their bounds in UTC."""

    first: date
    last: date
    zone: tzinfo = timezone.utc

    @property
    def start(self) -> datetime:
        return local_time.day_start(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """Exclusive: the local midnight after the last day."""
        return local_time.day_start(self.last + timedelta(days=1), self.zone)

    @property
    def dates(self) -> List[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def day_of(self, moment: datetime) -> date:
        return local_time.local_day(moment, self.zone)


def window(days: int, now: datetime, zone: tzinfo = timezone.utc) -> Window:
    """`days` whole days in `zone`, the last of them today there."""
    today = local_time.local_day(now, zone)
    return Window(first=today - timedelta(days=days - 1), last=today, zone=zone)


def percentile(values: Iterable[float], q: float) -> Optional[float]:
    """The q-th percentile (0 to 100) by linear interpolation between closest ranks; None for no values.

    The same as numpy's default and a spreadsheet's PERCENTILE.INC: the value at
    rank (n - 1) * q / 100 of the sorted values, interpolated between neighbours.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Iterable[float]) -> Optional[float]:
    return percentile(values, 50)


def topic_of(intent: str) -> str:
    """How staff read an intent: "faq/first_visit" is the topic "first visit"."""
    if "/" in intent:
        intent = intent.split("/", 1)[1]
    return TOPIC_NAMES.get(intent, intent.replace("_", " "))


def screen_level(payload: Any) -> Optional[str]:
    """The level of a bot message's `custom.screen_result`, if it has one."""
    custom = payload.get("custom") if isinstance(payload, dict) else None
    result = custom.get("screen_result") if isinstance(custom, dict) else None
    level = result.get("level") if isinstance(result, dict) else None
    return level if isinstance(level, str) and level else None


def level_order(level: str) -> tuple:
    return (LEVELS.index(level), level) if level in LEVELS else (len(LEVELS), level)


# -- queries -----------------------------------------------------------------------------------------


def _in(column, w: Window):
    return (column >= w.start) & (column < w.end)


def conversations_per_day(s: Session, w: Window) -> List[Dict[str, Any]]:
    counts = Counter(
        w.day_of(t) for t in s.execute(select(Conversation.created_at).where(_in(Conversation.created_at, w))).scalars()
    )
    return [{"date": d, "count": counts[d]} for d in w.dates]


def handoffs_per_day(s: Session, w: Window) -> List[Dict[str, Any]]:
    counts = Counter(
        (w.day_of(t), priority)
        for t, priority in s.execute(select(Handoff.created_at, Handoff.priority).where(_in(Handoff.created_at, w)))
    )
    rows = []
    for d in w.dates:
        by_priority = {p: counts[(d, p)] for p in PRIORITIES}
        rows.append({"date": d, **by_priority, "total": sum(by_priority.values())})
    return rows


def waits(s: Session, w: Window, now: datetime) -> Dict[str, Any]:
    """How long visitors waited for a person: tickets claimed in the window, and those waiting now."""
    seconds = [
        (claimed - created).total_seconds()
        for created, claimed in s.execute(
            select(Handoff.created_at, Handoff.claimed_at).where(
                Handoff.claimed_at.is_not(None), _in(Handoff.claimed_at, w)
            )
        )
    ]
    waiting, oldest = s.execute(
        select(func.count(), func.min(Handoff.created_at)).where(Handoff.status == "open")
    ).one()
    return {
        "claimed": len(seconds),
        "median_seconds": median(seconds),
        "p90_seconds": percentile(seconds, 90),
        "waiting_now": waiting,
        "longest_waiting_seconds": max(0.0, (now - oldest).total_seconds()) if oldest is not None else None,
    }


def crisis_handoffs(s: Session, w: Window) -> int:
    return s.execute(
        select(func.count()).select_from(Handoff).where(Handoff.priority == "crisis", _in(Handoff.created_at, w))
    ).scalar_one()


def screen_levels(s: Session, w: Window) -> List[Dict[str, Any]]:
    """Finished screens by suggested level, from the bot messages that carried the result."""
    counts: Dict[str, int] = {}
    payloads = s.execute(
        select(Message.payload).where(
            Message.author == "bot", _in(Message.created_at, w), cast(Message.payload, Text).like("%screen_result%")
        )
    ).scalars()
    for payload in payloads:
        level = screen_level(payload)
        if level:
            counts[level] = counts.get(level, 0) + 1
    return [{"level": level, "count": counts[level]} for level in sorted(counts, key=level_order)]


def _understood(w: Window):
    return (Message.author == "visitor") & Message.intent.is_not(None) & _in(Message.created_at, w)


def top_topics(s: Session, w: Window, limit: int = TOP_TOPICS) -> List[Dict[str, Any]]:
    n = func.count().label("n")
    rows = s.execute(
        select(Message.intent, n)
        .where(_understood(w), Message.intent.not_in(NOT_TOPICS))
        .group_by(Message.intent)
        .order_by(n.desc(), Message.intent)
        .limit(limit)
    )
    return [{"intent": intent, "topic": topic_of(intent), "count": count} for intent, count in rows]


def fallback(s: Session, w: Window) -> Dict[str, Any]:
    """Share of understood visitor messages that the assistant did not understand after all."""
    understood, missed = s.execute(
        select(func.count(), func.sum(case((Message.intent.in_(FALLBACK_INTENTS), 1), else_=0))).where(_understood(w))
    ).one()
    missed = int(missed or 0)
    return {"messages": understood, "fallbacks": missed, "rate": missed / understood if understood else None}


def misunderstood(s: Session, w: Window) -> Dict[str, Any]:
    """Visitor messages staff corrected in the window, and how many of those the assistant was sure of."""
    rows = s.execute(
        select(Message.intent, Message.intent_confidence, Correction.intent)
        .join(Correction, Correction.message_id == Message.id)
        .where(_in(Correction.created_at, w))
    ).all()
    wrong = [(intent, confidence) for intent, confidence, corrected in rows if corrected != intent]
    confident = sum(1 for _, c in wrong if c is not None and c >= CONFIDENT)
    return {"corrected": len(wrong), "confidently_wrong": confident, "confident_at": CONFIDENT}


def crisis_first_reply(s: Session, w: Window, now: datetime, minutes: int = CRISIS_UNCLAIMED_MINUTES) -> Dict[str, Any]:
    """For crisis tickets opened in the window: time to the first message a person wrote, and slow claims.

    A crisis nobody has answered yet counts at its wait so far for "worst",
    so an open crisis never makes the figures look better.
    """
    # Coerced back to the column's type: a bare MIN() would come back from SQLite as a string.
    first_staff_line = type_coerce(
        select(func.min(Message.created_at))
        .where(
            Message.conversation_id == Handoff.conversation_id,
            Message.author == "staff",
            Message.created_at >= Handoff.created_at,
        )
        .scalar_subquery(),
        UTCDateTime(),
    )
    tickets = s.execute(
        select(Handoff.created_at, Handoff.claimed_at, first_staff_line).where(
            Handoff.priority == "crisis", _in(Handoff.created_at, w)
        )
    ).all()
    answered: List[float] = []
    unanswered_waits: List[float] = []
    slow_claims = 0
    limit = timedelta(minutes=minutes)
    for created, claimed, first in tickets:
        if first is not None:
            answered.append((first - created).total_seconds())
        else:
            unanswered_waits.append((now - created).total_seconds())
        if (claimed or now) - created >= limit:
            slow_claims += 1
    every = answered + unanswered_waits
    return {
        "crises": len(tickets),
        "answered": len(answered),
        "median_seconds": median(answered),
        "p90_seconds": percentile(answered, 90),
        "worst_seconds": max(every) if every else None,
        "unclaimed_over_minutes": minutes,
        "unclaimed_over": slow_claims,
    }


def _uncorrected(w: Window):
    return _understood(w) & Message.intent_confidence.is_not(None) & Correction.id.is_(None)


def unsure_waiting(s: Session, w: Window) -> int:
    """How many uncorrected visitor messages the assistant was unsure of (the review queue's length)."""
    return s.execute(
        select(func.count(Message.id))
        .outerjoin(Correction, Correction.message_id == Message.id)
        .where(_uncorrected(w), Message.intent_confidence < UNSURE_BELOW)
    ).scalar_one()


def least_sure(
    s: Session, days: int, now: Optional[datetime] = None, zone: tzinfo = timezone.utc, limit: int = REVIEW_QUEUE
) -> List[Dict[str, Any]]:
    """Visitor messages the assistant was least sure of and nobody has corrected yet: the teach-the-bot queue.

    Unlike the dashboard's counts these are what visitors wrote (numbers masked): a page of its own, audited.
    """
    w = window(days, now or datetime.now(timezone.utc), zone)
    rows = s.execute(
        select(Message.id, Message.conversation_id, Message.text, Message.intent, Message.intent_confidence)
        .outerjoin(Correction, Correction.message_id == Message.id)
        .where(_uncorrected(w))
        .order_by(Message.intent_confidence, Message.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "message_id": mid,
            "conversation_id": cid,
            "text": hide_numbers(" ".join((text or "").split()))[:200],
            "intent": intent,
            "confidence": confidence,
        }
        for mid, cid, text, intent, confidence in rows
    ]


def dashboard(
    s: Session, days: int = DEFAULT_DAYS, now: Optional[datetime] = None, zone: tzinfo = timezone.utc
) -> Dict[str, Any]:
    """Everything the dashboard shows, read in one transaction; days are whole days in `zone`."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_DAYS}")
    now = now or datetime.now(timezone.utc)
    w = window(days, now, zone)
    conversations = conversations_per_day(s, w)
    handoffs = handoffs_per_day(s, w)
    return {
        "days": days,
        "from": w.first,
        "to": w.last,
        "timezone": local_time.zone_name(zone),
        "generated_at": now,
        "conversations": {"total": sum(r["count"] for r in conversations), "per_day": conversations},
        "handoffs": {
            "total": sum(r["total"] for r in handoffs),
            "by_priority": {p: sum(r[p] for r in handoffs) for p in PRIORITIES},
            "per_day": handoffs,
        },
        "crisis_handoffs": crisis_handoffs(s, w),
        "wait": waits(s, w, now),
        "screen_levels": screen_levels(s, w),
        "top_topics": top_topics(s, w),
        "fallback": fallback(s, w),
        "misunderstood": misunderstood(s, w),
        "crisis_first_reply": crisis_first_reply(s, w, now),
        "review": {"unsure_waiting": unsure_waiting(s, w), "unsure_below": UNSURE_BELOW},
    }
