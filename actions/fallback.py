"""When the assistant cannot help: rephrase once, then offer a person.

Both a message it did not understand and one outside what it knows about
count as a miss: either way the visitor is not being helped.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.transcript import consecutive_misses

OFFER_PERSON_AFTER = 2


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        # The slot lets a rule follow with utter_offer_person, a separate action
        # so that a "yes" to that offer can be told apart from any other yes.
        if consecutive_misses(tracker.events) >= OFFER_PERSON_AFTER:
            return [SlotSet("misunderstood", "again")]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        dispatcher.utter_message(response="utter_out_of_scope" if intent == "out_of_scope" else "utter_fallback")
        return [SlotSet("misunderstood", "once")]
