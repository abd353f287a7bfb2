"""The order a supervisor would take the queue in, and its groups.

Crisis, then urgent, then normal. Within a priority, tickets nobody holds
come before those in progress. Then:

- crisis: newest first. The visitor who wrote a minute ago is the one most
  likely still at the screen; an older unclaimed crisis is not forgotten,
  it is flagged overdue (`CRISIS_OVERDUE_MINUTES`) on its row and counted on
  the dashboard, because a crisis waiting that long is itself an alarm.
- urgent and normal: longest waiting first, which is what is fair.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Tuple

PRIORITY_ORDER = ("crisis", "urgent", "normal")
GROUP_LABELS = {"crisis": "Crisis", "urgent": "Urgent", "normal": "Waiting for a person"}
CRISIS_OVERDUE_MINUTES = 5
FILTERS = ("all", "mine", "unclaimed")


def sort_key(item: Dict[str, Any]) -> Tuple[int, int, float, int]:
    priority = PRIORITY_ORDER.index(item["priority"]) if item["priority"] in PRIORITY_ORDER else len(PRIORITY_ORDER)
    held = 0 if item["status"] == "open" else 1
    moment = item["created_at"].timestamp()
    newest_first = item["priority"] == "crisis" and item["status"] == "open"
    return priority, held, -moment if newest_first else moment, item["handoff_id"]


def ordered(items: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return sorted(items, key=sort_key)


def overdue(item: Dict[str, Any], now: datetime, minutes: int = CRISIS_OVERDUE_MINUTES) -> bool:
    """An unclaimed crisis that has waited too long."""
    return (
        item["priority"] == "crisis"
        and item["status"] == "open"
        and now - item["created_at"] >= timedelta(minutes=minutes)
    )


def shown(items: Iterable[Dict[str, Any]], show: str, username: str) -> List[Dict[str, Any]]:
    """The rows a filter keeps: all, the viewer's own, or those nobody holds."""
    if show == "mine":
        return [i for i in items if i["status"] == "claimed" and i["claimed_by"] == username]
    if show == "unclaimed":
        return [i for i in items if i["status"] == "open"]
    return list(items)


def groups(items: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One group per priority, in order, each with its rows and counts (empty groups kept: a zero is news too)."""
    by_priority: Dict[str, List[Dict[str, Any]]] = {p: [] for p in PRIORITY_ORDER}
    for item in ordered(items):
        by_priority.setdefault(item["priority"], []).append(item)
    return [
        {
            "priority": p,
            "label": GROUP_LABELS.get(p, p),
            "items": rows,
            "waiting": sum(1 for r in rows if r["status"] == "open"),
            "in_progress": sum(1 for r in rows if r["status"] != "open"),
        }
        for p, rows in by_priority.items()
    ]


def next_to_claim(items: Iterable[Dict[str, Any]]) -> List[int]:
    """Unclaimed ticket ids in the order "claim next" tries them."""
    return [i["handoff_id"] for i in ordered(items) if i["status"] == "open"]
