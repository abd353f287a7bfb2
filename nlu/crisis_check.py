"""A Rasa classifier step: a crisis the model is unsure of becomes a plain question about safety.

The trained `crisis` intent is the second layer behind the gateway's safety net.
Where the classifier is sure (crisis on top, confidence at least `sure`) the full crisis
path runs. Where it only suspects one (crisis on top below `sure`, or crisis
ranked with at least `unsure` under something else), the intent becomes
`check_safety`: the reply gives 988 and asks whether the person is safe right
now, instead of a wrong answer, and opens no crisis ticket by itself. A message
of several sentences is also judged by its most crisis-like sentence. Both
cut-offs are tuned on the dev sets (scripts/eval_understanding.py).

It runs after Rasa's FallbackClassifier, so that "two intents too close" or "unsure"
never hides a crisis: a crisis the model is sure of wins, and one it only suspects
gets 988 and the question instead of "Sorry, I didn't follow".
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from nlu.linear_classifier import CRISIS, CRISIS_IN_PART

CHECK_SAFETY = "check_safety"
NOT_UNDERSTOOD = "nlu_fallback"


def crisis_verdict(ranking: List[Dict[str, Any]], sure: float, unsure: float, in_part: float = 0.0) -> Optional[str]:
    """ "crisis", "check_safety" or None, from an intent ranking (best first) and the
    crisis confidence of the most crisis-like sentence of the message (`in_part`).
    "Not understood" is no verdict about danger: it is looked past."""
    ranking = [r for r in ranking if r.get("name") != NOT_UNDERSTOOD]
    confidence = next((float(r.get("confidence") or 0.0) for r in ranking if r.get("name") == CRISIS), 0.0)
    if (ranking and ranking[0].get("name") == CRISIS and confidence >= sure) or in_part >= sure:
        return CRISIS
    if confidence >= unsure or in_part >= unsure:
        return CHECK_SAFETY
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisCheck(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"sure": 0.9, "unsure": 0.4}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisCheck":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not ranking and message.get(INTENT):
                ranking = [message.get(INTENT)]
            in_part = float((message.get(CRISIS_IN_PART) or {}).get("confidence") or 0.0)
            verdict = crisis_verdict(ranking, self._config["sure"], self._config["unsure"], in_part)
            if verdict == CRISIS and (message.get(INTENT) or {}).get("name") != CRISIS:
                # One sentence of it is plainly a crisis, or the fallback had put it second:
                # the full crisis path, whatever the rest asks.
                ranked = next((float(r.get("confidence") or 0.0) for r in ranking if r.get("name") == CRISIS), 0.0)
                top = {"name": CRISIS, "confidence": max(in_part, ranked)}
                message.set(INTENT, top, add_to_output=True)
                message.set(
                    INTENT_RANKING_KEY,
                    [top] + [r for r in ranking if r.get("name") not in (CRISIS, NOT_UNDERSTOOD)],
                    add_to_output=True,
                )
            elif verdict == CHECK_SAFETY:
                message.set(INTENT, {"name": CHECK_SAFETY, "confidence": 1.0}, add_to_output=True)
                message.set(
                    INTENT_RANKING_KEY, [{"name": CHECK_SAFETY, "confidence": 1.0}] + ranking, add_to_output=True
                )
        return messages
