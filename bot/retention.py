"""How long the helpline keeps a conversation, and forgetting one when its visitor asks.

The gateway purges conversations older than RETENTION_DAYS once a day (the
first time soon after it starts); `python -m bot purge` does the same by hand
or for one conversation. A visitor's own request (the web chat's delete
control, DELETE by SMS) is honoured at once. Every purge goes through
`bot.store.retention.purge`: both stores, one audited step.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import AsyncIterator, Optional

from aiohttp import web

from bot import events as ev
from bot.events import Events
from bot.store import retention as store
from bot.store.database import Database
from bot.store.models import utcnow
from bot.web_keys import DB, EVENTS, SETTINGS

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 3600.0
FIRST_PURGE_AFTER_SECONDS = 60.0  # let the gateway settle (and Rasa start) before the first one
SYSTEM = "system"  # the audit actor of the daily purge
PURGE_BATCH = 500  # conversations per transaction of the daily purge (see scripts/bench_purge.py)
VISITOR = "visitor"  # the audit actor of a visitor's own request


def cutoff(days: int, now: Optional[datetime] = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


class Forgetting:
    """Purges through the store, with Rasa's tracker store beside it; staff hear of what went."""

    def __init__(
        self, db: Database, tracker: store.TrackerEvents, events: Optional[Events] = None, batch: int = PURGE_BATCH
    ):
        self.db = db
        self.tracker = tracker
        self.events = events or Events()
        self.batch = batch

    async def expired(self, days: int, now: Optional[datetime] = None) -> store.Purged:
        """Every conversation idle for `days`, PURGE_BATCH at a time: each batch is one audited step and
        holds the store's write lock only briefly, so visitors' messages never wait long behind it."""
        ids = await self.db.run(store.expired, cutoff(days, now))
        total = store.Purged()
        for start in range(0, len(ids), self.batch):
            batch = ids[start : start + self.batch]
            purged = await self.db.run(store.purge, batch, self.tracker, SYSTEM, f"older than {days} days")
            total = total + purged
        if total.conversations:
            await self.events.publish(ev.QUEUE, {"purged": total.conversations})
        return total

    async def visitor_asked(self, channel: str, address: str) -> str:
        """The visitor's own request: store.DELETED, store.AFTER_CRISIS (kept until their crisis ticket
        closes) or store.NOTHING (there was no conversation). Errors propagate."""
        outcome, purged = await self.db.run(
            store.visitor_deletion, channel, address, self.tracker, f"asked by the visitor on {channel}"
        )
        if purged is not None:
            await self.events.publish(ev.QUEUE, {"purged": purged.conversations})
        elif outcome == store.AFTER_CRISIS:
            await self.events.publish(ev.MESSAGE, {"deletion_requested": True})
        return outcome

    async def pending(self) -> store.Purged:
        """Deletions visitors asked for during a crisis, once its ticket has closed."""
        ids = await self.db.run(store.pending_deletions)
        if not ids:
            return store.Purged()
        purged = await self.db.run(
            store.purge, ids, self.tracker, VISITOR, "asked by the visitor, done after the crisis ticket closed"
        )
        await self.events.publish(ev.QUEUE, {"purged": purged.conversations})
        return purged


FORGETTING: "web.AppKey[Forgetting]" = web.AppKey("forgetting")


async def purge_daily(
    forgetting: Forgetting, days: int, first_after: float, every: float = DAY_SECONDS, pending_every: float = 60.0
) -> None:
    """The age purge once a day (when `days`), and every minute the deletions that waited for a crisis to close."""
    await asyncio.sleep(first_after)
    next_age_purge = 0.0
    loop = asyncio.get_running_loop()
    while True:
        try:
            await forgetting.pending()
        except Exception:
            log.exception("retention: could not finish the deletions visitors asked for; trying again soon")
        if days and loop.time() >= next_age_purge:
            next_age_purge = loop.time() + every
            try:
                purged = await forgetting.expired(days)
                if purged.conversations:
                    log.info("retention: purged %s (older than %s days)", purged.summary(), days)
            except Exception:
                log.exception("retention: the daily purge failed; it runs again tomorrow")
        await asyncio.sleep(min(every, pending_every))


def keep(first_after: float = FIRST_PURGE_AFTER_SECONDS):
    """The app's cleanup context: a Forgetting for the channels, and the daily purge when retention is on."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        tracker = store.TrackerEvents(settings.tracker_store_url)
        forgetting = app[FORGETTING] = Forgetting(app[DB], tracker, app[EVENTS])
        task = asyncio.create_task(purge_daily(forgetting, settings.retention_days, first_after), name="retention")
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        tracker.dispose()

    return context
