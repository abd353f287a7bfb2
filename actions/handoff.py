"""Asking the gateway for a person, and the crisis response.

The gateway (bot/) is the only writer of handoff state; an action only asks,
through a `custom` payload the gateway understands.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.program_facts import contact_line
from actions.screen import answer_about_history
from actions.screen_messages import summary_for_staff
from actions.screen_scoring import suggest_level
from actions.transcript import handoff_summary, last_bot_action
from core import handoff
from core.profile import load_profile
from core.safety import assess
from core.wording import crisis_reply


def screen_summary(result: Dict[str, Any]) -> str:
    answers = result.get("answers") or {}
    return summary_for_staff(suggest_level(answers), answers)


def request_reason(tracker: Tracker) -> str:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "human_handoff":
        return "Visitor asked for a person."
    if last_bot_action(tracker.events) == "utter_screen_offer_intake":
        return "Visitor asked to talk with intake staff after the screen."
    return "Visitor accepted the offer of a person after the assistant did not understand."


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        reason = request_reason(tracker)
        dispatcher.utter_message(response="utter_handoff_requested")
        line = contact_line(load_profile())
        if line:
            dispatcher.utter_message(text=f"If you'd rather talk now: {line}")
        summary = handoff_summary(reason, tracker.events)
        payload = handoff.build(reason, handoff.NORMAL, summary)
        result = tracker.get_slot("screen_result")
        if result:
            # Staff see the screen's outcome without reading the whole chat.
            payload["handoff"]["summary"] = screen_summary(result) + "\n" + summary
            payload[handoff.SCREEN_RESULT] = result
        dispatcher.utter_message(json_message=payload)
        return []


class ActionCrisisResponse(Action):
    """Crisis lines first, then an urgent request for a person.

    The gateway's safety net usually answers before Rasa sees such a message;
    this is the second, independent layer for what the patterns miss.
    """

    def name(self) -> str:
        return "action_crisis_response"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        answer = answer_about_history(tracker)
        if answer is not None:
            return answer
        text = tracker.latest_message.get("text") or ""
        dispatcher.utter_message(text=crisis_reply(about_other=assess(text).about_other))
        reason = "Crisis: the assistant recognised a message that may mean someone is in danger."
        dispatcher.utter_message(
            json_message=handoff.build(reason, handoff.CRISIS, handoff_summary(reason, tracker.events))
        )
        return []
