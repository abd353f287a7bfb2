"""Token buckets (pure, with a clock the test moves)."""

from __future__ import annotations

import pytest

from bot.rate_limit import Buckets, Rate, take_all


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_a_burst_up_to_the_capacity_then_one_per_refill(clock):
    buckets = Buckets(Rate(capacity=3, per_second=0.5), clock=clock)
    for _ in range(3):
        assert take_all((buckets, "a")) is None
    assert take_all((buckets, "a")) == pytest.approx(2.0)
    clock.now += 1.0
    assert take_all((buckets, "a")) == pytest.approx(1.0)
    clock.now += 1.0
    assert take_all((buckets, "a")) is None
    assert take_all((buckets, "b")) is None  # each key its own bucket


def test_a_bucket_never_fills_beyond_its_capacity(clock):
    buckets = Buckets(Rate(capacity=2, per_second=1), clock=clock)
    clock.now += 3600
    assert [take_all((buckets, "a")) is None for _ in range(3)] == [True, True, False]


def test_a_refusal_takes_no_token_from_any_bucket(clock):
    sender, address = Buckets(Rate(5, 1), clock=clock), Buckets(Rate(1, 0.1), clock=clock)
    assert take_all((sender, "s"), (address, "ip")) is None
    for _ in range(4):
        assert take_all((sender, "s"), (address, "ip")) == pytest.approx(10.0)
    assert sender.wait("s") == 0 and take_all((sender, "s")) is None  # four refusals cost the sender nothing


def test_the_oldest_keys_go_beyond_the_limit(clock):
    buckets = Buckets(Rate(1, 0.001), max_keys=2, clock=clock)
    for key in ("a", "b", "c"):
        buckets.take(key)
    assert buckets.wait("a") == 0 and buckets.wait("c") > 0


@pytest.mark.parametrize("rate", [Rate(0, 1), Rate(1, 0)])
def test_a_rate_that_lets_nothing_through_is_refused(rate):
    with pytest.raises(ValueError):
        Buckets(rate)
