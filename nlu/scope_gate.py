"""A Rasa classifier step: a message far from everything the assistant was taught is out of scope.

A classifier must put every message in some class, and is often sure of one for text it
has never seen the like of ("what's the weather in Paris" as a FAQ topic). This
step measures the cosine similarity between the message's sentence vector and
the nearest in-scope training example; below `threshold` (tuned on validation
data, see scripts/eval_understanding.py) the intent becomes `out_of_scope`. Between
`floor` and `threshold` a classifier at least `keep_when_sure` confident keeps its
intent: there the in-scope messages it would lose are short, plainly worded ones the
classifier is sure of, and the out-of-scope ones it is not.
A message the classifier reads as a crisis (or a possible one) is never gated: a false "out of scope" there
costs far more than a false alarm, and the gateway's safety net runs first anyway.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.sentence_features import sentence_vector

SCOPE = "scope"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ScopeGate(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "featurizer": "minilm",  # the `alias` of the SentenceFeaturizer in config.yml
            "threshold": 0.5,
            "floor": None,  # None: the same as threshold (no band)
            "keep_when_sure": 0.9,
            "out_of_scope_intent": "out_of_scope",
            "never_gate": ["crisis", "check_safety"],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: Optional[np.ndarray] = None,
        labels: Optional[List[str]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._vectors = vectors
        self._labels = labels or []

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ScopeGate":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ScopeGate":
        try:
            with model_storage.read_from(resource) as path:
                vectors = np.load(path / "vectors.npy")
                labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            vectors, labels = None, []
        return cls(config, model_storage, resource, vectors, labels)

    def train(self, training_data: TrainingData) -> Resource:
        origin, oos = self._config["featurizer"], self._config["out_of_scope_intent"]
        rows, labels = [], []
        for example in training_data.intent_examples:
            label = example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)
            vector = sentence_vector(example, origin) if example.get(TEXT) else None
            if label and label != oos and vector is not None:
                rows.append(vector)
                labels.append(label)
        self._vectors = np.vstack(rows).astype(np.float32) if rows else None
        self._labels = labels
        if self._vectors is not None:
            with self._storage.write_to(self._resource) as path:
                np.save(path / "vectors.npy", self._vectors)
                (path / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._judge(message)
        return messages

    def _judge(self, message: Message) -> None:
        vector = sentence_vector(message, self._config["featurizer"])
        if vector is None or self._vectors is None:
            return
        similarities = self._vectors @ vector
        nearest = int(np.argmax(similarities))
        similarity = float(similarities[nearest])
        intent = message.get(INTENT) or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        oos = self._config["out_of_scope_intent"]
        threshold = self._config["threshold"]
        floor = threshold if self._config["floor"] is None else self._config["floor"]
        far = similarity < floor or (similarity < threshold and confidence < self._config["keep_when_sure"])
        gated = far and name != oos and name not in self._config["never_gate"]
        message.set(
            SCOPE,
            {"similarity": round(similarity, 4), "nearest": self._labels[nearest], "gated": gated},
            add_to_output=True,
        )
        if gated:
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != oos]
            message.set(INTENT, {"name": oos, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": oos, "confidence": 1.0}] + ranking, add_to_output=True)
