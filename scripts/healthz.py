"""Whether the helpline's /healthz says every part is up: what the scripts that start it wait for."""

from __future__ import annotations

from typing import Any, Mapping


def all_up(body: Mapping[str, Any]) -> bool:
    """Every part "ok" (gateway, database, Rasa, action server, crisis escalation); the journal's
    counts are figures, not a part."""
    parts = [v for v in body.values() if isinstance(v, str)]
    return bool(parts) and all(v == "ok" for v in parts)
