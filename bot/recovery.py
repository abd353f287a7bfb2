"""Visitors parked while the assistant was down go back to it once it is healthy again, and are told.

When Rasa or the action server cannot answer, the router opens an urgent
ticket ("assistant unavailable") and the visitor waits for a person. This
watcher checks the assistant every few seconds; after it has answered its
health check twice in a row, every such ticket nobody claimed is resolved,
the visitor returned to the assistant and told so (pushed on web chat and
SMS). A crisis ticket, or one a person took, stays with staff.
"""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, Awaitable, Callable

from aiohttp import web

from bot import events as ev
from bot.delivery import Deliveries
from bot.events import Events
from bot.health import reachable
from bot.router import UNAVAILABLE_REASON
from bot.store import conversations as convo
from bot.store.database import Database
from bot.turn import Reply
from bot.web_keys import DB, DELIVERIES, EVENTS, HTTP, RASA, SETTINGS
from core import wording

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 5.0
HEALTHY_CHECKS_NEEDED = 2
NOTE = "The assistant was working again and nobody had taken this yet: returned to it automatically."


async def return_parked(db: Database, deliveries: Deliveries, events: Events) -> int:
    line = wording.assistant_back()
    returned = await db.run(convo.return_parked, UNAVAILABLE_REASON, NOTE, line)
    for conversation_id, channel, address in returned:
        await deliveries.deliver(channel, address, Reply(text=line, author="system"))
        await events.publish(ev.QUEUE, {"conversation_id": conversation_id})
    if returned:
        log.info("the assistant is back: %d parked visitor(s) returned to it", len(returned))
    return len(returned)


async def keep_watching(
    healthy: Callable[[], Awaitable[bool]],
    db: Database,
    deliveries: Deliveries,
    events: Events,
    every: float = CHECK_EVERY_SECONDS,
) -> None:
    good = 0
    while True:
        await asyncio.sleep(every)
        try:
            good = good + 1 if await healthy() else 0
            if good >= HEALTHY_CHECKS_NEEDED:
                await return_parked(db, deliveries, events)
        except Exception:
            log.exception("recovery: could not return parked visitors to the assistant")


async def watch(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]

    async def assistant_healthy() -> bool:
        rasa, actions = await asyncio.gather(
            app[RASA].healthy(), reachable(app[HTTP], settings.action_server_url.rstrip("/") + "/health")
        )
        return rasa and actions

    task = asyncio.create_task(keep_watching(assistant_healthy, app[DB], app[DELIVERIES], app[EVENTS]))
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
