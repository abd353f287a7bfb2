"""What the store could not take yet, kept on local disk until it can.

When the database is locked or down, a turn the visitor was answered for (and
above all a crisis) must not be lost. The router writes it here first, as one
JSON line, fsync'd, in a file only the gateway's user can read; a background
task writes the entries to the store in order as soon as it answers, each in
one transaction keyed by the message's id, so an entry is stored once even if
the gateway dies half-way through the replay. While an entry is waiting the
staff console and /healthz say so, and a crisis among them makes crisis
escalation "degraded": staff cannot see it yet.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

log = logging.getLogger(__name__)

REPLAY_EVERY_SECONDS = 1.0
DROP_BATCH = 50


def _line(entry: "Entry") -> str:
    return json.dumps(asdict(entry), ensure_ascii=False) + "\n"


@dataclass
class Entry:
    """One visitor turn: the message, what we answered, and the crisis ticket it needs, if any."""

    channel: str
    address: str
    text: str
    key: str  # the message's channel id (MessageSid, a client's message id, or one we made): stored once
    replies: List[List[Any]] = field(default_factory=list)  # (author, text, payload, staff_name) as stored
    # For a crisis: {"reason", "summary", "acknowledgement"}; the ticket is opened at the top of the queue.
    crisis: Optional[Dict[str, str]] = None
    at: str = ""

    @classmethod
    def from_json(cls, line: str) -> "Entry":
        data = json.loads(line)
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})


# Writes one entry to the store; None when it was already there. Raises when the store is not back.
Store = Callable[[Entry], Awaitable[Optional[str]]]


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._entries: List[Entry] = []
        self._lock = threading.Lock()
        # Its own thread: a journal write must never queue behind store calls stuck on a lock.
        self._disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._load()

    # -- state ---------------------------------------------------------------
    @property
    def pending(self) -> int:
        return len(self._entries)

    @property
    def pending_crises(self) -> int:
        return sum(1 for e in self._entries if e.crisis)

    @property
    def escalation_degraded(self) -> bool:
        """A crisis is kept here that staff cannot see yet."""
        return self.pending_crises > 0

    def entries(self) -> List[Entry]:
        return list(self._entries)

    # -- writing -------------------------------------------------------------
    async def keep(self, entry: Entry) -> None:
        """Append and fsync; returns once the entry is on disk."""
        await asyncio.get_running_loop().run_in_executor(self._disk, self._append, entry)

    def _append(self, entry: Entry) -> None:
        line = _line(entry)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            self._entries.append(entry)

    def _load(self) -> None:
        if not self.path.exists():
            return
        os.chmod(self.path, 0o600)
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                self._entries.append(Entry.from_json(line))
            except (ValueError, TypeError):
                # A line cut short by a crash mid-write: it was never acknowledged.
                log.error("journal %s: line %d is unreadable and was skipped", self.path.name, number)
        if self._entries:
            log.warning("journal: %d turn(s) kept while the store was away, to be stored now", len(self._entries))

    # -- replaying -----------------------------------------------------------
    async def replay(self, store: Store) -> int:
        """Store pending entries in order until one fails; how many were stored (or found already there)."""
        done = 0
        loop = asyncio.get_running_loop()
        try:
            for entry in list(self._entries):
                try:
                    await store(entry)
                except Exception as exc:
                    log.info("journal: the store is not back yet (%s); %d turn(s) waiting", exc, self.pending)
                    break
                done += 1
                if done % DROP_BATCH == 0:
                    await loop.run_in_executor(self._disk, self._drop, DROP_BATCH)
        finally:
            # Dropped only after they are stored: a crash in between stores them again, which the key makes a no-op.
            if done % DROP_BATCH:
                await loop.run_in_executor(self._disk, self._drop, done % DROP_BATCH)
        return done

    def _drop(self, count: int) -> None:
        """Forget the first `count` entries, on disk too (write, fsync, rename: never half a file)."""
        with self._lock:
            remaining = self._entries[count:]
            if not remaining:
                self.path.unlink(missing_ok=True)
            else:
                tmp = self.path.with_suffix(self.path.suffix + ".tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, "".join(_line(e) for e in remaining).encode("utf-8"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, self.path)
            self._entries = remaining

    async def keep_replaying(self, store: Store, every: float = REPLAY_EVERY_SECONDS) -> None:
        while True:
            await asyncio.sleep(every)
            if self._entries:
                try:
                    stored = await self.replay(store)
                    if stored:
                        log.info("journal: %d turn(s) stored; %d still waiting", stored, self.pending)
                except Exception:
                    log.exception("journal: replay failed")

    def close(self) -> None:
        self._disk.shutdown(wait=True)
