"""Before the question "are you safe right now?": show that what the visitor said was heard."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from core.situations import situation_behind

# One short line per situation (core.situations.SITUATIONS), said before the safety question.
ACKNOWLEDGEMENT = {
    "help_self": "utter_ack_help_self",
    "loved_one": "utter_ack_loved_one",
    "relapse": "utter_ack_relapse",
    "mandated": "utter_ack_mandated",
    "is_it_a_problem": "utter_ack_is_it_a_problem",
    "not_ready": "utter_ack_not_ready",
}


class ActionAcknowledgeSituation(Action):
    def name(self) -> str:
        return "action_acknowledge_situation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        situation = situation_behind(tracker.latest_message.get("intent_ranking") or [])
        if situation:
            dispatcher.utter_message(response=ACKNOWLEDGEMENT[situation])
        # Someone writing about a loved one is asked whether everyone is safe, not only themselves.
        return [SlotSet("safety_about", "other" if situation == "loved_one" else None)]
