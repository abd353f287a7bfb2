"""How fast the console's reads are on a busy store: prints figures, asserts nothing.

Fills a fresh store (SQLite in a temporary folder, or --database-url) with a
month of traffic, then times what a signed-in page costs: the live queue
(read on every update, with each member's unread counts), one conversation, a text
search, the dashboard and its review queue.

    python scripts/bench_console.py [--conversations 3000] [--open 150] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store import queue as queue_store  # noqa: E402
from bot.store import (  # noqa: E402
    reads,  # noqa: E402
    search,
    stats,
)
from bot.store.database import (
    Database,  # noqa: E402
    upgrade,  # noqa: E402
)
from bot.store.models import Conversation, Handoff, Message, utcnow  # noqa: E402

TOPICS = ["faq/cost", "faq/insurance", "faq/hours", "faq/what_is_iop", "nlu_fallback", "greet", "human_handoff"]


def fill(s, conversations: int, open_tickets: int, rng: random.Random) -> str:
    now = utcnow()
    some_id = ""
    for n in range(conversations):
        started = now - timedelta(days=rng.uniform(0, 30))
        channel = rng.choice(["web", "sms"])
        address = f"+1555{n:07d}" if channel == "sms" else f"{n:032x}"
        c = Conversation(
            channel=channel, address=address, mode="bot", opted_out=False, created_at=started, updated_at=started
        )
        s.add(c)
        s.flush()
        some_id = c.id
        for m in range(rng.randint(4, 16)):
            at = started + timedelta(seconds=20 * m)
            author = "visitor" if m % 2 == 0 else "bot"
            s.add(
                Message(
                    conversation_id=c.id,
                    channel=channel,
                    author=author,
                    created_at=at,
                    text=f"message {m} about {rng.choice(TOPICS)} in conversation {n}",
                    intent=rng.choice(TOPICS) if author == "visitor" else None,
                    intent_confidence=0.9,
                )
            )
        if n < open_tickets or rng.random() < 0.15:
            status = "open" if n < open_tickets else rng.choice(["claimed", "resolved"])
            s.add(
                Handoff(
                    conversation_id=c.id,
                    reason="asked for a person",
                    summary="",
                    priority=rng.choice(["normal", "normal", "urgent", "crisis"]),
                    status=status,
                    claimed_by=None if status == "open" else "dana",
                    crisis_lines_repeated=False,
                    created_at=started,
                    claimed_at=None if status == "open" else started + timedelta(minutes=4),
                )
            )
    return some_id


def timed(db: Database, runs: int, fn, *args) -> str:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        db.call(fn, *args)
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return (
        f"median {statistics.median(seconds) * 1000:7.1f} ms   "
        f"p90 {seconds[int(0.9 * (len(seconds) - 1))] * 1000:7.1f} ms   ({runs} runs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=3000)
    parser.add_argument("--open", type=int, default=150, help="tickets waiting in the queue")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.database_url or f"sqlite:///{tmp}/bench.db")
        upgrade(db.engine)
        started = time.perf_counter()
        conversation_id = db.call(fill, args.conversations, args.open, random.Random(7))
        messages = db.call(lambda s: s.query(Message).count())
        print(
            f"store: {db.engine.dialect.name}, {args.conversations} conversations, {messages} messages, "
            f"{args.open} waiting (filled in {time.perf_counter() - started:.1f} s)"
        )
        print(f"live queue snapshot      {timed(db, args.runs, queue_store.queue_snapshot)}")
        print(
            f"one conversation         {timed(db, args.runs, queue_store.conversation_view, conversation_id, 'dana')}"
        )
        # Read for each signed-in member on every live update.
        print(f"unread, one member       {timed(db, args.runs, reads.unread_held, 'dana')}")
        print(f"search 'insurance'       {timed(db, args.runs, search.search_conversations, 'insurance')}")
        print(f"dashboard, 30 days       {timed(db, max(3, args.runs // 4), stats.dashboard, 30)}")
        print(f"review queue, 30 days    {timed(db, max(3, args.runs // 4), stats.least_sure, 30)}")
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
