"""A Rasa intent classifier: logistic regression on the sentence vector and character n-grams.

It replaces DIET and the ResponseSelector. Measured on this project's data it
was as accurate or better on held-out wordings (scripts/eval_understanding.py),
and it trains in seconds where they took ten minutes on two cores, which is what
lets `make eval` cross-validate honestly (scripts/cross_validate.py).

FAQ topics are classes of their own (`faq/cost`); the output keeps Rasa's shape:
intent `faq` (the topics' probabilities summed) and the chosen topic under
`response_selector.faq`, as the ResponseSelector gave it, so the actions, the
gateway and `rasa test` read it as before. The model is stored as plain arrays
and JSON, never pickled.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

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

from nlu.sentence_features import sentence_parts, sentence_vector

RESPONSE_SELECTOR = "response_selector"
# The most crisis-like part of a message of several sentences: {"confidence", "text"}.
CRISIS_IN_PART = "crisis_in_part"
CRISIS = "crisis"


class LinearModel:
    """The features and the fitted weights: pure numpy/sklearn, testable without Rasa."""

    def __init__(
        self, c: float = 20.0, vector_weight: float = 2.0, ngrams: Sequence[int] = (2, 4), seed: int = 42
    ) -> None:
        self.c, self.vector_weight, self.ngrams, self.seed = c, vector_weight, tuple(ngrams), seed
        self.vectorizer: Any = None
        self.classes: List[str] = []
        self.coef: Optional[np.ndarray] = None
        self.intercept: Optional[np.ndarray] = None

    def _new_vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.ngrams, sublinear_tf=True, lowercase=True, dtype=np.float32
        )

    def _features(self, texts: Sequence[str], vectors: np.ndarray) -> Any:
        from scipy.sparse import csr_matrix, hstack

        return hstack([csr_matrix(vectors * self.vector_weight), self.vectorizer.transform(texts)]).tocsr()

    def fit(self, texts: Sequence[str], vectors: np.ndarray, labels: Sequence[str]) -> "LinearModel":
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = self._new_vectorizer().fit(texts)
        model = LogisticRegression(C=self.c, max_iter=3000, random_state=self.seed)
        model.fit(self._features(texts, vectors), list(labels))
        self.classes = [str(c) for c in model.classes_]
        self.coef, self.intercept = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        return self

    def probabilities(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        assert self.coef is not None and self.intercept is not None
        logits = self._features(texts, vectors) @ self.coef.T + self.intercept
        logits = np.asarray(logits)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def arrays(self) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
        meta = {
            "classes": self.classes,
            "vocabulary": {k: int(v) for k, v in self.vectorizer.vocabulary_.items()},
            "c": self.c,
            "vector_weight": self.vector_weight,
            "ngrams": list(self.ngrams),
        }
        return meta, {"coef": self.coef, "intercept": self.intercept, "idf": self.vectorizer.idf_}

    @classmethod
    def from_arrays(cls, meta: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> "LinearModel":
        model = cls(meta["c"], meta["vector_weight"], meta["ngrams"])
        model.vectorizer = model._new_vectorizer()
        model.vectorizer.vocabulary_ = meta["vocabulary"]
        model.vectorizer.idf_ = arrays["idf"]
        model.classes, model.coef, model.intercept = meta["classes"], arrays["coef"], arrays["intercept"]
        return model


def rasa_output(
    labels: Sequence[str], probabilities: Sequence[float], retrieval_intent: str, ranking_length: int
) -> Tuple[Dict[str, Any], List[Dict[str, Any]], Optional[Dict[str, Any]]]:
    """(intent, intent ranking, response selector entry) in the shape Rasa's own classifiers give."""
    prefix = f"{retrieval_intent}/"
    per_intent: Dict[str, float] = defaultdict(float)
    topics: List[Tuple[str, float]] = []
    for label, p in zip(labels, probabilities):
        per_intent[label.split("/", 1)[0] if label.startswith(prefix) else label] += float(p)
        if label.startswith(prefix):
            topics.append((label, float(p)))
    ranking = [{"name": n, "confidence": c} for n, c in sorted(per_intent.items(), key=lambda kv: -kv[1])]
    ranking = ranking[:ranking_length]
    intent = dict(ranking[0])
    selector = None
    if intent["name"] == retrieval_intent and topics:
        total = sum(p for _, p in topics) or 1.0
        topics.sort(key=lambda kv: -kv[1])
        key, p = topics[0]
        selector = {
            "response": {
                "responses": [],
                "confidence": p / total,
                "intent_response_key": key,
                "utter_action": f"utter_{key}",
            },
            "ranking": [{"confidence": q / total, "intent_response_key": k} for k, q in topics[:ranking_length]],
        }
    return intent, ranking, selector


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "featurizer": "minilm",
            "C": 20.0,
            "vector_weight": 2.0,
            "char_ngrams": [2, 4],
            "retrieval_intent": "faq",
            "ranking_length": 10,
            "random_seed": 42,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "scipy"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LinearModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource, self._model = model_storage, resource, model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as path:
                meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
                with np.load(path / "weights.npz") as stored:
                    arrays = {k: stored[k] for k in stored.files}
            model: Optional[LinearModel] = LinearModel.from_arrays(meta, arrays)
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        texts, vectors, labels = [], [], []
        for example in training_data.intent_examples:
            vector = sentence_vector(example, self._config["featurizer"])
            label = example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)
            if vector is not None and label and example.get(TEXT):
                texts.append(example.get(TEXT))
                vectors.append(vector)
                labels.append(label)
        if len(set(labels)) < 2:
            return self._resource
        self._model = LinearModel(
            self._config["C"], self._config["vector_weight"], self._config["char_ngrams"], self._config["random_seed"]
        ).fit(texts, np.vstack(vectors), labels)
        meta, arrays = self._model.arrays()
        with self._storage.write_to(self._resource) as path:
            (path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
            np.savez(path / "weights.npz", **arrays)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [(m, sentence_vector(m, self._config["featurizer"])) for m in messages if m.get(TEXT)]
        todo = [(m, v) for m, v in todo if v is not None]
        if self._model is None or not todo:
            return messages
        probabilities = self._model.probabilities([m.get(TEXT) for m, _ in todo], np.vstack([v for _, v in todo]))
        retrieval = self._config["retrieval_intent"]
        for (message, _), row in zip(todo, probabilities):
            intent, ranking, selector = rasa_output(self._model.classes, row, retrieval, self._config["ranking_length"])
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if selector is not None:
                message.set(
                    RESPONSE_SELECTOR, {"all_retrieval_intents": [retrieval], retrieval: selector}, add_to_output=True
                )
            self._judge_parts(message)
        return messages

    def _judge_parts(self, message: Message) -> None:
        assert self._model is not None
        parts = sentence_parts(message)
        if not parts or CRISIS not in self._model.classes:
            return
        column = self._model.classes.index(CRISIS)
        crisis = self._model.probabilities([t for t, _ in parts], np.vstack([v for _, v in parts]))[:, column]
        worst = int(np.argmax(crisis))
        message.set(CRISIS_IN_PART, {"confidence": float(crisis[worst]), "text": parts[worst][0]}, add_to_output=True)
