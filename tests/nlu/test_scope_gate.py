"""The scope gate: far from every in-scope example is out of scope; a crisis never is."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.scope_gate import ScopeGate


def unit(*values):
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def message(text, vector, intent=None, response_key=None, confidence=0.9):
    data = {"text": text}
    if intent:
        data["intent"] = intent if response_key is None else "faq"
    if response_key:
        data["intent_response_key"] = response_key
    m = Message(data=data)
    m.add_features(Features(vector[None, :], "sentence", "text", "minilm"))
    return m


def parsed(text, vector, intent, confidence=0.9):
    m = message(text, vector)
    m.set("intent", {"name": intent, "confidence": confidence})
    m.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return m


@pytest.fixture
def gate(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("scope_gate")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = ScopeGate.create({"threshold": 0.6}, storage, resource, context)
    trained.train(
        TrainingData(
            [
                message("how much is it", unit(1, 0, 0), "faq", "faq/cost"),
                message("i need help", unit(0, 1, 0), "help_self"),
                message("what's the weather", unit(0, 0, 1), "out_of_scope"),
            ]
        )
    )
    # What Rasa does at run time: a new instance read back from the model.
    return ScopeGate.load({"threshold": 0.6}, storage, resource, context)


def test_near_an_in_scope_example_keeps_its_intent(gate):
    m = parsed("what does it cost", unit(0.9, 0.1, 0.2), "faq")
    gate.process([m])
    assert m.get("intent")["name"] == "faq"
    assert m.get("scope")["nearest"] == "faq/cost" and not m.get("scope")["gated"]


def test_far_from_all_of_them_is_out_of_scope(gate):
    # Close only to the out-of-scope example, which never counts as in scope.
    m = parsed("is it sunny", unit(0.1, 0.1, 1), "faq")
    gate.process([m])
    assert m.get("intent") == {"name": "out_of_scope", "confidence": 1.0}
    assert [r["name"] for r in m.get("intent_ranking")] == ["out_of_scope", "faq"]
    assert m.get("scope")["gated"]


def test_a_crisis_is_never_gated(gate):
    m = parsed("unusual words", unit(0.1, 0.1, 1), "crisis")
    gate.process([m])
    assert m.get("intent")["name"] == "crisis"
    assert not m.get("scope")["gated"]


def test_a_message_without_a_vector_is_left_alone(gate):
    m = Message(data={"text": "/greet", "intent": {"name": "greet", "confidence": 1.0}})
    gate.process([m])
    assert m.get("intent")["name"] == "greet" and m.get("scope") is None


def test_a_possible_crisis_is_never_gated_either(gate):
    m = parsed("odd words", unit(0.1, 0.1, 1), "check_safety", confidence=1.0)
    gate.process([m])
    assert m.get("intent")["name"] == "check_safety"


@pytest.fixture
def banded_gate(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("scope_gate")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {"threshold": 0.6, "floor": 0.4, "keep_when_sure": 0.9}
    ScopeGate.create(config, storage, resource, context).train(
        TrainingData([message("how much is it", unit(1, 0, 0), "faq", "faq/cost")])
    )
    return ScopeGate.load(config, storage, resource, context)


@pytest.mark.parametrize(
    "similarity, confidence, gated",
    [
        (0.7, 0.5, False),  # near: kept whatever the confidence
        (0.5, 0.95, False),  # in the band and sure: kept
        (0.5, 0.89, True),  # in the band and unsure: out of scope
        (0.3, 1.0, True),  # below the floor: out of scope however sure
    ],
)
def test_between_floor_and_threshold_only_a_sure_classifier_keeps_its_intent(
    banded_gate, similarity, confidence, gated
):
    vector = np.array([similarity, np.sqrt(1 - similarity**2), 0], dtype=np.float32)
    m = parsed("some text", vector, "faq", confidence=confidence)
    banded_gate.process([m])
    assert m.get("scope")["gated"] is gated
    assert (m.get("intent")["name"] == "out_of_scope") is gated
