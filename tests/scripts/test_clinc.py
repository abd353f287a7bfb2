"""CLINC150 as out-of-scope examples: never an intent the helpline handles, the same sample every time."""

import json

import pytest

from scripts import clinc


@pytest.fixture
def data(tmp_path):
    rows = {
        "train": [[f"weather {i}", "weather"] for i in range(5)]
        + [[f"hi {i}", "greeting"] for i in range(5)]
        + [[f"card {i}", "card_declined"] for i in range(5)]
        + [[f"insured {i}", "insurance"] for i in range(5)],
        "val": [["rain?", "weather"], ["hello", "greeting"], ["declined?", "card_declined"], ["cover?", "insurance"]],
        "oos_train": [["how is glue made", "oos"]],
        "oos_val": [["a", "oos"], ["b", "oos"], ["c", "oos"]],
    }
    path = tmp_path / "clinc.json"
    path.write_text(json.dumps(rows))
    return clinc.load(path)


def test_sample_leaves_out_what_the_helpline_handles(data):
    texts = clinc.training_sample(data)
    assert "how is glue made" in texts
    assert not any(t.startswith(("hi ", "insured ")) for t in texts)
    assert sum(t.startswith("weather ") for t in texts) == clinc.PER_INTENT
    assert sum(t.startswith("card ") for t in texts) == clinc.PER_INTENT


def test_sample_is_the_same_every_time(data):
    assert clinc.training_sample(data) == clinc.training_sample(data)


@pytest.mark.parametrize("name", ["greeting", "insurance", "make_call", "directions", "pay_bill"])
def test_in_scope_intents(name):
    assert name in clinc.IN_SCOPE


def test_unrelated_keeps_oos_and_everyday_intents(data):
    assert clinc.unrelated(data["val"]) == [("rain?", "weather"), ("declined?", "card_declined")]
