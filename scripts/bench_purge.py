"""How long a purge holds the transcript store: prints figures, asserts nothing.

Fills a fresh store (SQLite in a temporary folder) with conversations idle for
400 days, and Rasa's own SQLTrackerStore beside it with their events, then
times finding what expired and purging it from both stores, as one batch of
the gateway's daily purge (bot.retention.PURGE_BATCH) and as all at once.

    python scripts/bench_purge.py [--conversations 2000] [--messages 10]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import update  # noqa: E402

from bot.retention import PURGE_BATCH  # noqa: E402
from bot.store import repository as repo  # noqa: E402
from bot.store import retention  # noqa: E402
from bot.store.database import Database, upgrade  # noqa: E402
from bot.store.models import Conversation, Message, utcnow  # noqa: E402


def fill(db: Database, conversations: int, messages: int, tag: str) -> None:
    def work(s) -> None:
        for i in range(conversations):
            conversation = repo.get_or_create_conversation(s, "web", f"{tag}{i:031x}")
            for j in range(messages):
                repo.add_message(s, conversation, "visitor" if j % 2 == 0 else "bot", f"message {j} of {i}")

    db.call(work)
    then = utcnow() - timedelta(days=400)
    with db.sessions.begin() as s:
        s.execute(update(Conversation).values(updated_at=then))
        s.execute(update(Message).values(created_at=then))


def fill_tracker(url: str, sender_ids, messages: int) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(host=url)

    async def save() -> None:
        for sender in sender_ids:
            tracker = DialogueStateTracker(sender, None)
            for j in range(messages):
                tracker.update(UserUttered(f"message {j}"))
            await store.save(tracker)

    asyncio.run(save())
    store.engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="purge-") as work:
        db = Database(f"sqlite:///{work}/helpline.db")
        upgrade(db.engine)
        tracker_url = f"sqlite:///{work}/tracker.db"
        tracker = retention.TrackerEvents(tracker_url)
        cutoff = utcnow() - timedelta(days=365)
        print(f"{args.conversations} conversations x {args.messages} messages, and as many tracker events each")
        for label, size in ((f"one batch of {PURGE_BATCH}", PURGE_BATCH), ("all at once", args.conversations)):
            fill(db, args.conversations, args.messages, "a" if size == PURGE_BATCH else "b")
            fill_tracker(tracker_url, db.call(retention.expired, cutoff), args.messages)
            started = time.perf_counter()
            ids = db.call(retention.expired, cutoff)
            found = time.perf_counter()
            purged = db.call(retention.purge, ids[:size], tracker, "bench", "older than 365 days")
            done = time.perf_counter()
            print(
                f"  {label}: finding {len(ids)} expired {1000 * (found - started):.0f} ms; "
                f"purging {purged.summary()} {1000 * (done - found):.0f} ms (the store's write lock is held that long)"
            )
            db.call(retention.purge, db.call(retention.expired, cutoff), tracker, "bench", "clean up")
        tracker.dispose()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
