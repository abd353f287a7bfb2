"""What the assistant understood each visitor message as, kept on the message.

Rasa's REST replies do not say which intent a message was, so after a bot
turn we read what Rasa stored for the message and keep the intent on the
visitor's message (for the dashboard's topics and fallback rate). It is read
from Rasa's tracker store (one row, `bot/store/rasa_events.py`) when the
gateway can reach it, else from Rasa's tracker API, which replays the whole
conversation on Rasa's CPU. This runs in the background after the reply is
ready: it never delays or breaks a reply, and a failure only costs one message
its intent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Set, Tuple

from bot.rasa_client import RasaClient
from bot.store import conversations as convo
from bot.store.database import Database
from bot.store.rasa_events import TrackerEvents

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0

# Strong references: the event loop keeps only weak ones to running tasks.
_pending: Set["asyncio.Task[None]"] = set()


def understood(latest_message: Optional[Dict[str, Any]]) -> Optional[Tuple[str, Optional[float]]]:
    """(intent, confidence) from a tracker's `latest_message`; a retrieval intent gives its full key.

    "faq" with a response selector result becomes "faq/cost", with the
    selector's confidence in the answer.
    """
    if not isinstance(latest_message, dict):
        return None
    intent = latest_message.get("intent")
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str) or not intent["name"]:
        return None
    name, confidence = intent["name"], intent.get("confidence")
    selector = latest_message.get("response_selector")
    chosen = selector.get(name) if isinstance(selector, dict) else None
    response = chosen.get("response") if isinstance(chosen, dict) else None
    if isinstance(response, dict) and isinstance(response.get("intent_response_key"), str):
        key = response["intent_response_key"]
        if key.startswith(f"{name}/"):
            name = key
            confidence = response.get("confidence", confidence)
    return name[:120], float(confidence) if isinstance(confidence, (int, float)) else None


def same_text(sent: str, tracker_text: Any) -> bool:
    """Rasa strips what it receives; anything else means the tracker moved on to a later message."""
    return isinstance(tracker_text, str) and tracker_text.strip() == (sent or "").strip()


async def latest_message(
    rasa: RasaClient, tracker_events: Optional[TrackerEvents], conversation_id: str, timeout: float
) -> Optional[Dict[str, Any]]:
    """The tracker's `latest_message`: from Rasa's tracker store if it has the conversation, else from Rasa."""
    if tracker_events is not None:
        try:
            stored = await asyncio.wait_for(tracker_events.latest_message(conversation_id), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Said once: a gateway whose Rasa keeps its trackers elsewhere would say it every turn.
            level = logging.DEBUG if tracker_events.failed_before else logging.WARNING
            tracker_events.failed_before = True
            log.log(level, "could not read Rasa's tracker store; asking Rasa's API instead: %s", exc)
            stored = None
        if stored is not None:
            return stored
    return await rasa.latest_message(conversation_id, timeout=timeout)


async def capture(
    db: Database,
    rasa: RasaClient,
    conversation_id: str,
    message_id: Optional[int],
    text: str,
    timeout: Optional[float] = None,
    tracker_events: Optional[TrackerEvents] = None,
) -> Optional[str]:
    """Read what Rasa understood and store the intent on the message; the intent stored, or None."""
    latest = await latest_message(rasa, tracker_events, conversation_id, timeout or TIMEOUT_SECONDS)
    if latest is None or not same_text(text, latest.get("text")):
        # A second message already went through Rasa: its own capture labels it.
        return None
    result = understood(latest)
    if result is None:
        return None
    if message_id is None:
        message_id = await db.run(convo.latest_visitor_message_id, conversation_id)
        if message_id is None:
            return None
    intent, confidence = result
    stored = await db.run(convo.set_message_intent, message_id, intent, confidence)
    return intent if stored else None


async def _capture_quietly(*args: Any) -> None:
    try:
        # The store's share of the time too: nothing here may linger.
        await asyncio.wait_for(capture(*args), timeout=TIMEOUT_SECONDS * 2)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("could not read what the assistant understood in %s: %s", args[2], exc)


def capture_later(
    db: Database,
    rasa: RasaClient,
    conversation_id: str,
    message_id: Optional[int],
    text: str,
    tracker_events: Optional[TrackerEvents] = None,
) -> "asyncio.Task[None]":
    """Start the capture in the background and return at once."""
    task = asyncio.get_running_loop().create_task(
        _capture_quietly(db, rasa, conversation_id, message_id, text, None, tracker_events)
    )
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return task


def _of_this_loop() -> Set["asyncio.Task[None]"]:
    loop = asyncio.get_running_loop()
    return {t for t in _pending if t.get_loop() is loop}


async def settle() -> None:
    """Wait for the captures started so far (tests, and a gentle shutdown)."""
    tasks = _of_this_loop()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


async def cancel_pending(app: Any = None) -> None:
    """On shutdown: stop captures still running, before the store and HTTP session close."""
    tasks = _of_this_loop()
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
