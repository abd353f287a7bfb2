"""The sentence vectors: the real model, unit length, and closer for the same meaning."""

import numpy as np
import pytest

from nlu.encoder import DIMENSIONS, SentenceEncoder


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder()


def test_vectors_have_unit_length(encoder):
    vectors = encoder.encode(["how much does iop cost", "", "ok"])
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_same_meaning_is_closer_than_another_topic(encoder):
    cost, price, weather = encoder.encode(
        ["how much does the program cost", "what's the price of treatment", "will it rain in paris tomorrow"]
    )
    assert cost @ price > 0.4
    assert cost @ price > cost @ weather + 0.3


def test_padding_does_not_change_a_vector(encoder):
    alone = encoder.encode(["my son is drinking again"])[0]
    batched = encoder.encode(["my son is drinking again", "a much longer message " * 20])[0]
    assert np.allclose(alone, batched, atol=1e-4)
