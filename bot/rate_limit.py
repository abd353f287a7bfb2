"""Token buckets by key: how often one address or one sender may post to the REST channel.

A bucket holds up to `capacity` tokens and gains `per_second` of them back
over time; each message takes one. A burst of normal typing never runs out;
a script does. In memory and per gateway replica (no I/O on a visitor's path):
several replicas each allow their own share. The least recently used keys are
dropped beyond `max_keys`, so a flood of made-up senders cannot grow it
without bound (a dropped key starts again full, which is only ever kinder).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Optional, Tuple


@dataclass(frozen=True)
class Rate:
    capacity: float
    per_second: float


class Buckets:
    def __init__(self, rate: Rate, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        if rate.capacity < 1 or rate.per_second <= 0:
            raise ValueError("a rate needs a capacity of at least 1 and a positive refill")
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, as of)

    def _tokens(self, key: str, now: float) -> float:
        tokens, then = self._buckets.get(key, (self.rate.capacity, now))
        return min(self.rate.capacity, tokens + (now - then) * self.rate.per_second)

    def wait(self, key: str) -> float:
        """Seconds until `key` may send again (0: now), without taking a token."""
        tokens = self._tokens(key, self.clock())
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate.per_second

    def take(self, key: str) -> None:
        now = self.clock()
        self._buckets[key] = (self._tokens(key, now) - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


def take_all(*checks: Tuple[Buckets, str]) -> Optional[float]:
    """Take a token from each (buckets, key) if every one has one; else the longest wait, and take none.

    A refused message costs nothing, so a sender held back by its address's
    limit is not held back further by its own.
    """
    wait = max(buckets.wait(key) for buckets, key in checks)
    if wait > 0:
        return wait
    for buckets, key in checks:
        buckets.take(key)
    return None
