"""Sending a message to a visitor outside a request: staff replies, reminders.

Each channel registers how it delivers; the router and the console only say
"send this to that conversation".
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable, Dict

from bot.turn import Reply

log = logging.getLogger(__name__)

# (address, reply) -> delivered?
Deliver = Callable[[str, Reply], Awaitable[bool]]
# (address, typing) -> None: a channel that can show "staff are typing" (the web chat)
Typing = Callable[[str, bool], Awaitable[None]]


class Deliveries:
    def __init__(self) -> None:
        self._by_channel: Dict[str, Deliver] = {}
        self._typing: Dict[str, Typing] = {}

    def register(self, channel: str, deliver: Deliver) -> None:
        self._by_channel[channel] = deliver

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
