"""Sign-in throttling that cannot be turned against staff: by address, and by username at that address."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.store import accounts, audit, passwords
from bot.store import staff as staff_store

PASSWORD = "correct horse battery"
OFFICE, STRANGER, OTHER_STRANGER = "192.0.2.10", "203.0.113.9", "198.51.100.7"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("failures", "free", "seconds"),
    [(0, 3, 0), (3, 3, 0), (4, 3, 2), (5, 3, 4), (6, 3, 8), (12, 3, 512), (13, 3, 900), (500, 3, 900), (11, 10, 2)],
)
def test_the_wait_doubles_after_the_free_failures_up_to_a_ceiling(failures, free, seconds):
    assert passwords.delay_after(failures, free) == timedelta(seconds=seconds)


def test_the_longer_of_the_two_waits_counts():
    wait = passwords.wait_before_next(4, T0, 11, T0 - timedelta(seconds=1), T0)
    assert wait == timedelta(seconds=2)
    assert passwords.wait_before_next(4, T0, 0, None, T0 + timedelta(seconds=5)) == timedelta(0)


@pytest.fixture
def ana(db):
    db.call(staff_store.add, "ana", "Ana", "staff", passwords.hash_password(PASSWORD), False)
    return db


def attempt(db, password, ip, at, username="ana"):
    return db.call(accounts.authenticate, username, password, ip, at)


def test_a_stranger_guessing_cannot_keep_the_owner_out(ana):
    for i in range(60):  # far more than the old lock's five, from two places
        attempt(ana, "guess", STRANGER if i % 2 else OTHER_STRANGER, T0 + timedelta(seconds=i))
    result = attempt(ana, PASSWORD, OFFICE, T0 + timedelta(seconds=61))
    assert result.staff is not None and result.staff["username"] == "ana"


def test_guessing_from_one_address_is_slowed_down_more_each_time(ana):
    now = T0
    for _ in range(passwords.FREE_FAILURES_PER_USER_AT_ADDRESS + 1):
        assert attempt(ana, "guess", STRANGER, now).retry_after is None
    # The fourth failure: the next try from there waits 2 s, even with the right password.
    refused = attempt(ana, PASSWORD, STRANGER, now + timedelta(seconds=1))
    assert refused.staff is None and refused.retry_after == timedelta(seconds=1)
    assert attempt(ana, "guess", STRANGER, now + timedelta(seconds=2)).retry_after is None  # fifth failure
    assert attempt(ana, PASSWORD, STRANGER, now + timedelta(seconds=5)).retry_after == timedelta(seconds=1)
    assert attempt(ana, PASSWORD, STRANGER, now + timedelta(seconds=6)).staff is not None


def test_one_address_trying_many_usernames_is_slowed_down_too(ana):
    for i in range(passwords.FREE_FAILURES_PER_ADDRESS + 1):
        attempt(ana, "guess", STRANGER, T0, username=f"user{i}")
    assert attempt(ana, PASSWORD, STRANGER, T0 + timedelta(seconds=1)).throttled
    assert attempt(ana, PASSWORD, OFFICE, T0 + timedelta(seconds=1)).staff is not None


def test_a_throttled_attempt_is_audited_with_where_and_how_long(ana):
    for _ in range(passwords.FREE_FAILURES_PER_USER_AT_ADDRESS + 1):
        attempt(ana, "guess", STRANGER, T0)
    attempt(ana, PASSWORD, STRANGER, T0)
    [entry] = ana.call(audit.entries, None, "sign_in_throttled")
    assert (entry["actor"], entry["ip"], entry["detail"]) == ("ana", STRANGER, "wait 2 s")


def test_the_owners_good_sign_in_does_not_wipe_a_strangers_count(ana):
    for _ in range(passwords.FREE_FAILURES_PER_USER_AT_ADDRESS + 1):
        attempt(ana, "guess", STRANGER, T0)
    assert attempt(ana, PASSWORD, OFFICE, T0).staff is not None
    assert attempt(ana, PASSWORD, STRANGER, T0 + timedelta(seconds=1)).throttled
