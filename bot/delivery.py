"""Sending a message to a visitor outside a request: staff replies, reminders.

Each channel registers how it delivers; the router and the console only say
"send this to that conversation". A channel registered as `retried` (SMS: a
provider that can fail or hang) gets `deliver_until_sent`: one attempt the
caller waits a little for, then more in the background with growing pauses,
so a failing provider never holds a staff member's page.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Sequence, Set

from bot.turn import Reply

log = logging.getLogger(__name__)

# (address, reply) -> delivered?
Deliver = Callable[[str, Reply], Awaitable[bool]]
# (address, typing) -> None: a channel that can show "staff are typing" (the web chat)
Typing = Callable[[str, bool], Awaitable[None]]

# Pauses between attempts after the first: about 20 minutes in all, then the message stays marked undelivered.
RETRY_PAUSES = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 300.0, 300.0)

# Strong references to the retries under way (the loop keeps only weak ones).
_retrying: Set["asyncio.Future[Any]"] = set()


class Deliveries:
    def __init__(self, retry_pauses: Sequence[float] = RETRY_PAUSES) -> None:
        self._by_channel: Dict[str, Deliver] = {}
        self._typing: Dict[str, Typing] = {}
        self._retried: Set[str] = set()
        self.retry_pauses = tuple(retry_pauses)

    def register(self, channel: str, deliver: Deliver, retried: bool = False) -> None:
        self._by_channel[channel] = deliver
        if retried:
            self._retried.add(channel)

    def retried(self, channel: str) -> bool:
        return channel in self._retried

    def register_typing(self, channel: str, typing: Typing) -> None:
        self._typing[channel] = typing

    async def typing(self, channel: str, address: str, typing: bool) -> None:
        """Tell the visitor whether staff are writing, where the channel can show it (SMS cannot)."""
        signal = self._typing.get(channel)
        if signal is None:
            return
        try:
            await signal(address, typing)
        except Exception:
            log.exception("could not show typing on %s", channel)

    async def deliver(self, channel: str, address: str, reply: Reply) -> bool:
        deliver = self._by_channel.get(channel)
        if deliver is None:
            # REST has no way to push: the integrator reads the transcript API.
            return False
        try:
            return await deliver(address, reply)
        except Exception:
            # The address is a phone number or a session: it stays out of the log.
            log.exception("could not deliver a message on %s", channel)
            return False

    async def deliver_until_sent(
        self,
        channel: str,
        address: str,
        reply: Reply,
        wait: float,
        on_delivered: Callable[[], Awaitable[None]],
    ) -> bool:
        """True when the first attempt went within `wait` seconds; else it is retried in the background.

        `on_delivered` runs once the message goes, whenever that is.
        """
        first = asyncio.ensure_future(self.deliver(channel, address, reply))
        done, _ = await asyncio.wait({first}, timeout=wait)
        if done and first.result():
            await on_delivered()
            return True
        task = asyncio.ensure_future(self._keep_trying(channel, address, reply, first, on_delivered))
        _retrying.add(task)
        task.add_done_callback(_retrying.discard)
        return False

    async def _keep_trying(
        self,
        channel: str,
        address: str,
        reply: Reply,
        first: "asyncio.Future[bool]",
        on_delivered: Callable[[], Awaitable[None]],
    ) -> bool:
        try:
            if await first:
                await on_delivered()
                return True
            for attempt, pause in enumerate(self.retry_pauses, start=2):
                await asyncio.sleep(pause)
                if await self.deliver(channel, address, reply):
                    log.info("a message on %s went on attempt %d", channel, attempt)
                    await on_delivered()
                    return True
            log.error("a message on %s was not delivered after %d attempts", channel, len(self.retry_pauses) + 1)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("retrying a message on %s failed", channel)
        return False


async def cancel_retries(app: Any = None) -> None:
    """On shutdown: what was not delivered stays marked undelivered in the transcript."""
    tasks = {t for t in _retrying if t.get_loop() is asyncio.get_running_loop()}
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
