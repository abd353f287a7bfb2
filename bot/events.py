"""What staff should see changed, told to whoever listens.

The router and the staff desk publish; the console's live feed subscribes. It
is built before either and handed to both, so nothing is wired in afterwards,
and a listener that fails is logged without costing the visitor their reply.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

log = logging.getLogger(__name__)

CRISIS = "crisis"  # a crisis ticket opened
QUEUE = "queue"  # a ticket opened, claimed, moved or closed
MESSAGE = "message"  # a transcript grew
NOTE = "note"  # a private staff note was added (staff only: never sent to the visitor)
STAFF_TYPING = "staff_typing"  # {"conversation_id", "typing": bool}: the holder is writing a reply
VISITOR_TYPING = "visitor_typing"  # {"conversation_id", "typing": bool}: the visitor is writing

Listener = Callable[[str, Dict[str, Any]], Awaitable[None]]


class Events:
    def __init__(self) -> None:
        self._listeners: List[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def publish(self, kind: str, data: Dict[str, Any]) -> None:
        for listener in self._listeners:
            try:
                await listener(kind, data)
            except Exception:
                log.exception("could not tell staff of %s", kind)
