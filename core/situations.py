"""What visitors say about their situation, and which one lies behind a safety check.

When the model suspects a crisis in a message that mostly describes a situation
("my wife hides vodka bottles, I don't know where to begin"), the visitor is
asked whether they are safe, and first hears that what they said was heard: the
situation the classifier ranked best is acknowledged. The assistant's action and
the understanding benchmark both decide it here, so the figure measures the reply.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

SITUATIONS = ("help_self", "loved_one", "relapse", "mandated", "is_it_a_problem", "not_ready")

# Labels that say nothing about the visitor's situation.
_PASSED_OVER = {"check_safety", "crisis", "nlu_fallback"}

# Below this the classifier had no real idea of the situation: only the safety question.
ACKNOWLEDGE_FROM = 0.2


def situation_behind(ranking: Sequence[Dict[str, Any]], floor: float = ACKNOWLEDGE_FROM) -> Optional[str]:
    """The situation to acknowledge before a safety check, from the intent ranking (best first), or None.

    The best-ranked label other than the crisis ones counts, and only when it is a
    situation the classifier gave at least `floor`.
    """
    for entry in ranking:
        name = entry.get("name")
        if name in _PASSED_OVER:
            continue
        if name in SITUATIONS and float(entry.get("confidence") or 0.0) >= floor:
            return str(name)
        return None
    return None
