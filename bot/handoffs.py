"""The staff desk: claim, reply, transfer, close and hand back a conversation.

Every line the transcript shows for these ("Dana joined the conversation") is
written here, in the same transaction as the change it reports, and pushed
to the visitor's channel when it can push.
"""

from __future__ import annotations

from typing import Optional

from bot import events as ev
from bot.delivery import Deliveries
from bot.events import Events
from bot.store import conversations as convo
from bot.store.database import Database
from bot.turn import Reply
from core import wording

# How long a staff member's page waits for a text to go before it is left to the retries.
FIRST_ATTEMPT_SECONDS = 3.0


class Handoffs:
    def __init__(
        self,
        db: Database,
        deliveries: Deliveries,
        events: Optional[Events] = None,
        first_attempt_seconds: float = FIRST_ATTEMPT_SECONDS,
    ):
        self.db = db
        self.deliveries = deliveries
        self.events = events or Events()
        self.first_attempt_seconds = first_attempt_seconds

    async def staff_says(self, conversation_id: str, staff_name: str, text: str) -> bool:
        """Record a staff message and push it to the visitor's channel; True if it was delivered.

        On a channel whose provider can fail (SMS) the message is marked
        undelivered until it goes: retried in the background with growing
        pauses, so the page never waits on a hung provider for long.
        """
        reply = Reply(text=text, author="staff", staff_name=staff_name)
        where = await self.db.run(convo.address_of, conversation_id)
        if where is None:
            return False
        channel, address = where
        retried = self.deliveries.retried(channel)
        message_id = await self.db.run(convo.record_staff_text, conversation_id, staff_name, text, retried)
        if not retried:
            return await self.deliveries.deliver(channel, address, reply)

        async def delivered() -> None:
            await self.db.run(convo.mark_delivered, message_id)
            await self.events.publish(ev.MESSAGE, {"conversation_id": conversation_id})

        return await self.deliveries.deliver_until_sent(channel, address, reply, self.first_attempt_seconds, delivered)

    async def staff_typing(self, conversation_id: str, typing: bool) -> None:
        """The holder is (or stopped) writing: the visitor's page may show it; no text goes anywhere."""
        where = await self.db.run(convo.address_of, conversation_id)
        if where is None:
            return
        await self.deliveries.typing(where[0], where[1], typing)
        await self.events.publish(ev.STAFF_TYPING, {"conversation_id": conversation_id, "typing": typing})

    async def claim(self, handoff_id: int, conversation_id: str, username: str, name: str) -> bool:
        """Staff take a ticket; exactly one of two simultaneous claims wins, and the visitor hears who joined."""
        line = wording.joined(name)
        if not await self.db.run(convo.claim, handoff_id, username, line):
            return False
        await self._push(conversation_id, Reply(text=line, author="system"))
        await self.events.publish(ev.QUEUE, {"conversation_id": conversation_id})
        return True

    async def transfer(self, conversation_id: str, to_username: str, to_name: str) -> Optional[str]:
        """Pass a held conversation to a colleague; a problem to show staff, or None."""
        line = wording.taking_over(to_name)
        problem = await self.db.run(convo.transfer, conversation_id, to_username, to_name, line)
        if problem is None:
            await self._push(conversation_id, Reply(text=line, author="system"))
            await self.events.publish(ev.QUEUE, {"conversation_id": conversation_id})
        return problem

    async def close(self, conversation_id: str, staff_name: str, note: str) -> bool:
        """Staff resolve the ticket; the visitor is told how to reach us again."""
        line = wording.closed_by(staff_name)
        if not await self.db.run(convo.close, conversation_id, note, line):
            return False
        await self._push(conversation_id, Reply(text=line, author="system"))
        await self.events.publish(ev.QUEUE, {"conversation_id": conversation_id})
        return True

    async def hand_back(self, conversation_id: str, note: Optional[str] = None) -> bool:
        """Staff return the visitor to the assistant, who says so."""
        line = wording.back_to_bot()
        if not await self.db.run(convo.hand_back, conversation_id, note, line):
            return False
        await self._push(conversation_id, Reply(text=line, author="system"))
        await self.events.publish(ev.QUEUE, {"conversation_id": conversation_id})
        return True

    async def _push(self, conversation_id: str, reply: Reply) -> bool:
        where = await self.db.run(convo.address_of, conversation_id)
        if where is None:
            return False
        channel, address = where
        return await self.deliveries.deliver(channel, address, reply)
