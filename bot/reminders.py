"""A visitor waiting in silence hears the crisis lines again when the wait grows.

The router says them again when the visitor writes; this watcher covers the
visitor who does not, on channels that can push (web chat, SMS).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import AsyncIterator, Optional

from aiohttp import web

from bot import waiting
from bot.delivery import Deliveries
from bot.store import conversations as convo
from bot.store.database import Database
from bot.store.models import utcnow
from bot.turn import Reply
from bot.web_keys import DB, DELIVERIES
from core import wording

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 60.0


async def remind_once(db: Database, deliveries: Deliveries, now: Optional[datetime] = None) -> int:
    since = (now or utcnow()) - timedelta(seconds=waiting.REPEAT_CRISIS_LINES_AFTER_SECONDS)
    targets = await db.run(convo.take_due_crisis_reminders, since, wording.CRISIS_LINES)
    for channel, address in targets:
        await deliveries.deliver(channel, address, Reply(text=wording.CRISIS_LINES, author="system"))
    return len(targets)


async def keep_reminding(db: Database, deliveries: Deliveries, every: float = CHECK_EVERY_SECONDS) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await remind_once(db, deliveries)
        except Exception:
            log.exception("waiting room: could not send the crisis lines again")


async def watch(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(keep_reminding(app[DB], app[DELIVERIES]))
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
