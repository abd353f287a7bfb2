"""Answering a question: the general answer, plus this program's own facts."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.program_facts import program_facts
from actions.transcript import faq_key
from core.profile import load_profile


def general_answer(domain: Dict[str, Any], key: str) -> Optional[Dict[str, Any]]:
    variations = (domain.get("responses") or {}).get(f"utter_faq/{key}") or []
    return dict(variations[0]) if variations else None


def faq_answer(tracker: Tracker, domain: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The answer to the FAQ topic the message was understood as (text and buttons), or None."""
    key = faq_key(tracker.latest_message)
    answer = general_answer(domain, key) if key else None
    if answer is None:
        return None
    extra = program_facts(key, load_profile())
    text = answer.get("text", "")
    if extra:
        text = f"{text}\n\n{extra}" if text else extra
    return {"text": text, "buttons": answer.get("buttons") or []}


class ActionAnswerFaq(Action):
    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        answer = faq_answer(tracker, domain)
        if answer is None:
            dispatcher.utter_message(response="utter_fallback")
        else:
            dispatcher.utter_message(**answer)
        return []
