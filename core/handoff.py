"""The handoff request: how an action asks the gateway for a person.

An action sends it as a custom payload `{"handoff": {...}}` beside its reply
(and `screen_result` when the screen ran); the gateway takes it out, opens a
ticket and never shows it to the visitor. Both sides build and read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

NORMAL = "normal"
URGENT = "urgent"
CRISIS = "crisis"
PRIORITIES = (NORMAL, URGENT, CRISIS)  # lowest first
KEY = "handoff"
SCREEN_RESULT = "screen_result"


@dataclass(frozen=True)
class Request:
    reason: str
    priority: str
    summary: str


def build(reason: str, priority: str, summary: str) -> Dict[str, Any]:
    """The custom payload an action sends to ask for a person."""
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be one of {PRIORITIES}, not {priority!r}")
    return {KEY: {"reason": reason, "priority": priority, "summary": summary}}


def read(custom: Optional[Mapping[str, Any]]) -> Optional[Request]:
    """The request inside a reply's custom payload, or None; an unknown priority counts as normal."""
    raw = custom.get(KEY) if isinstance(custom, Mapping) else None
    if not isinstance(raw, Mapping):
        return None
    priority = raw.get("priority") if raw.get("priority") in PRIORITIES else NORMAL
    return Request(str(raw.get("reason") or "handoff requested"), str(priority), str(raw.get("summary") or ""))
