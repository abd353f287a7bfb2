"""The supervisor's dashboard at /console/dashboard (the same figures are at /api/dashboard)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Dict, List, Optional

from aiohttp import web

from bot import dashboard_figures
from bot.console import charts
from bot.console.pages import render
from bot.console.sessions import audit, staff_only
from bot.store import stats
from bot.store.models import PRIORITIES
from bot.web_keys import DB, ZONE
from core.care_levels import SHORT_NAMES

PRIORITY_COLORS = {"normal": charts.ACCENT, "urgent": charts.URGENT, "crisis": charts.CRISIS}


# -- words and numbers for staff -----------------------------------------------------------------


def day_label(day: date) -> str:
    return f"{day:%b} {day.day}"


def duration(seconds: Optional[float]) -> str:
    """A wait as staff read it: "45 s", "4 min 5 s", "2 h 10 min", "3 d 4 h"; a dash for none."""
    if seconds is None:
        return "–"
    s = int(round(max(seconds, 0)))
    if s < 60:
        return f"{s} s"
    minutes, s = divmod(s, 60)
    if minutes < 60:
        return f"{minutes} min {s} s" if s and minutes < 10 else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def percent(part: int, whole: int) -> str:
    """ "12%"; a dash when there is nothing to divide."""
    return f"{round(100 * part / whole)}%" if whole else "–"


def level_name(level: str) -> str:
    return SHORT_NAMES.get(level, level)


def page_context(data: Dict[str, Any]) -> Dict[str, Any]:
    """The figures of `stats.dashboard` with the charts and labels the page shows."""
    conversations = data["conversations"]["per_day"]
    handoffs = data["handoffs"]["per_day"]
    days = [day_label(r["date"]) for r in conversations]
    topics = data["top_topics"]
    levels = data["screen_levels"]
    wait = data["wait"]
    fallback = data["fallback"]
    waiting_now = wait["waiting_now"]
    headline: List[Dict[str, str]] = [
        {"name": "Conversations started", "value": str(data["conversations"]["total"]), "note": ""},
        {"name": "Handoffs to a person", "value": str(data["handoffs"]["total"]), "note": ""},
        {"name": "Crisis handoffs", "value": str(data["crisis_handoffs"]), "note": ""},
        {"name": "Median wait for a person", "value": duration(wait["median_seconds"]), "note": ""},
        {"name": "9 in 10 waited at most", "value": duration(wait["p90_seconds"]), "note": ""},
        {
            "name": "Not understood",
            "value": percent(fallback["fallbacks"], fallback["messages"]),
            "note": f"{fallback['fallbacks']} of {fallback['messages']} messages" if fallback["messages"] else "",
        },
        {
            "name": "Corrected by staff as misunderstood",
            "value": str(data["misunderstood"]["corrected"]),
            "note": (
                f"{data['misunderstood']['confidently_wrong']} of them the assistant was at least "
                f"{round(100 * data['misunderstood']['confident_at'])}% sure of"
            ),
        },
        {
            "name": "Waiting now",
            "value": str(waiting_now),
            "note": f"longest {duration(wait['longest_waiting_seconds'])}" if waiting_now else "",
        },
    ]
    day_rows = [
        [day, c["count"], *(h[p] for p in PRIORITIES), h["total"]] for day, c, h in zip(days, conversations, handoffs)
    ]
    per_day = [
        figure(
            "Conversations started per day",
            ["Day", "Conversations"],
            [r[:2] for r in day_rows],
            charts.bar_chart(
                "chart-conversations",
                "Conversations started per day",
                days,
                [r["count"] for r in conversations],
                y_label="conversations",
            ),
        ),
        figure(
            "Handoffs per day, by priority",
            ["Day", *(p.capitalize() for p in PRIORITIES), "All"],
            [[r[0], *r[2:]] for r in day_rows],
            charts.stacked_bars(
                "chart-handoffs",
                "Handoffs per day, by priority",
                days,
                [charts.Series(p, [r[p] for r in handoffs], PRIORITY_COLORS[p]) for p in PRIORITIES],
                y_label="handoffs",
            ),
        ),
    ]
    asked = [
        figure(
            "Top topics",
            ["Topic", "Messages"],
            [[r["topic"], r["count"]] for r in topics],
            charts.horizontal_bars(
                "chart-topics", "Top topics", [r["topic"] for r in topics], [r["count"] for r in topics]
            ),
        ),
        figure(
            "Screens by suggested level",
            ["Suggested level", "Screens"],
            [[level_name(r["level"]), r["count"]] for r in levels],
            charts.horizontal_bars(
                "chart-levels",
                "Screens by suggested level",
                [level_name(r["level"]) for r in levels],
                [r["count"] for r in levels],
            ),
        ),
    ]
    crisis = data["crisis_first_reply"]
    crisis_figures: List[Dict[str, str]] = [
        {"name": "Median", "value": duration(crisis["median_seconds"]), "note": ""},
        {"name": "9 in 10 within", "value": duration(crisis["p90_seconds"]), "note": ""},
        {"name": "Worst", "value": duration(crisis["worst_seconds"]), "note": "counting any not answered yet"},
        {
            "name": f"Unclaimed longer than {crisis['unclaimed_over_minutes']} minutes",
            "value": str(crisis["unclaimed_over"]),
            "note": f"of {crisis['crises']} crises",
        },
    ]
    return {
        "data": data,
        "headline": headline,
        "claimed": wait["claimed"],
        "per_day": per_day,
        "asked": asked,
        "crisis": crisis,
        "crisis_figures": crisis_figures,
        "review": data["review"],
    }


def figure(caption: str, headers: List[str], rows: List[List[Any]], svg: str) -> Dict[str, Any]:
    """One chart and the table of its numbers (the same figures, for screen readers and copying)."""
    return {"caption": caption, "headers": headers, "rows": rows, "svg": svg}


# -- handlers -----------------------------------------------------------------------------------


@staff_only
async def review_queue(request: web.Request) -> web.Response:
    """What visitors wrote that the assistant was least sure of, for staff to correct; reading it is audited."""
    try:
        days = stats.parse_days(request.query.get("days"))
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    messages = await request.config_dict[DB].run(
        functools.partial(stats.least_sure, days=days, zone=request.config_dict[ZONE])
    )
    await audit(request, "read_review_queue", detail=f"days={days}")
    return await render(request, "review_queue.html", messages=messages, days=days)


@staff_only
async def page(request: web.Request) -> web.Response:
    raw = request.query.get("days")
    try:
        days = stats.parse_days(raw)
    except ValueError as exc:
        return await render(request, "dashboard.html", status=400, error=str(exc), days_value=raw or "")
    data = await dashboard_figures.figures(request, days)
    await audit(request, "view_dashboard", detail=f"days={days}")
    return await render(request, "dashboard.html", error=None, days_value=str(days), **page_context(data))
