"""`python -m bot purge`: forget conversations by age, or one by its id, in both stores.

    python -m bot purge --older-than 365 [--dry-run]
    python -m bot purge --conversation 3f2a... [--dry-run]

Audited with the actor "cli"; a dry run says what would go and changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Optional, TextIO

from bot.config import Settings
from bot.retention import cutoff
from bot.store import retention as store
from bot.store.database import Database, upgrade

CLI = "cli"
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")


def positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError("--older-than must be at least 1 day")
    return days


def conversation_id(value: str) -> str:
    value = value.strip().lower()
    if not CONVERSATION_ID.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a conversation id (32 hexadecimal digits)")
    return value


def add_arguments(sub: "argparse._SubParsersAction") -> None:
    parser = sub.add_parser(
        "purge",
        help="remove conversations (transcript store and Rasa's tracker store) by age or by id",
        description="Remove conversations everywhere they are kept: messages, handoffs, corrections, what the "
        "assistant understood, and Rasa's tracker events. One audited step; the audit entry keeps no content.",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--older-than", type=positive_days, metavar="DAYS", help="every conversation idle this long")
    which.add_argument("--conversation", type=conversation_id, metavar="ID", help="one conversation, by its id")
    parser.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")


def main(args: argparse.Namespace, settings: Settings, out: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    db = Database(settings.database_url, threads=1)
    tracker = store.TrackerEvents(settings.tracker_store_url)
    try:
        upgrade(db.engine)
        if args.conversation:
            ids = db.call(store.existing, [args.conversation])
            if not ids:
                print(f"python -m bot purge: no conversation {args.conversation}", file=sys.stderr)
                return 1
            reason = "by id"
        else:
            ids = db.call(store.expired, cutoff(args.older_than))
            reason = f"older than {args.older_than} days"
        purged = db.call(store.purge, ids, tracker, CLI, reason, args.dry_run)
        print(f"{'Would remove' if purged.dry_run else 'Removed'} {purged.summary()}.", file=out)
        return 0
    finally:
        tracker.dispose()
        db.dispose()
