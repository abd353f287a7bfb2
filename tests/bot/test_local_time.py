"""Times and days in the program's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import local_time

CHICAGO = ZoneInfo("America/Chicago")
SANTIAGO = ZoneInfo("America/Santiago")  # its clocks change at midnight
UTC = ZoneInfo("UTC")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "moment, zone, text, clock",
    [
        (utc(2026, 11, 24, 22, 15), CHICAGO, "2026-11-24 16:15 CST", "16:15 CST"),
        (utc(2026, 7, 1, 3, 30), CHICAGO, "2026-06-30 22:30 CDT", "22:30 CDT"),
        (utc(2026, 7, 1, 3, 30), UTC, "2026-07-01 03:30 UTC", "03:30 UTC"),
        (
            datetime(2026, 7, 1, 5, 30, tzinfo=timezone(timedelta(hours=2))),
            CHICAGO,
            "2026-06-30 22:30 CDT",
            "22:30 CDT",
        ),
        (None, CHICAGO, "", ""),
    ],
)
def test_shown_in_the_zone_with_its_abbreviation(moment, zone, text, clock):
    assert local_time.shown(moment, zone) == text
    assert local_time.shown_clock(moment, zone) == clock


@pytest.mark.parametrize("zone, name", [(CHICAGO, "America/Chicago"), (UTC, "UTC"), (timezone.utc, "UTC")])
def test_zone_name(zone, name):
    assert local_time.zone_name(zone) == name


@pytest.mark.parametrize(
    "moment, zone, day",
    [
        (utc(2026, 3, 15, 4, 30), CHICAGO, date(2026, 3, 14)),  # 23:30 CDT
        (utc(2026, 3, 15, 5, 0), CHICAGO, date(2026, 3, 15)),  # midnight CDT
        (utc(2026, 1, 15, 5, 30), CHICAGO, date(2026, 1, 14)),  # 23:30 CST
        (utc(2026, 1, 15, 6, 0), CHICAGO, date(2026, 1, 15)),  # midnight CST
        (utc(2026, 3, 8, 7, 59), CHICAGO, date(2026, 3, 8)),  # 01:59 CST, just before the spring change
        (utc(2026, 3, 8, 8, 0), CHICAGO, date(2026, 3, 8)),  # 03:00 CDT, just after
        (utc(2026, 1, 15, 5, 30), UTC, date(2026, 1, 15)),
    ],
)
def test_local_day(moment, zone, day):
    assert local_time.local_day(moment, zone) == day


@pytest.mark.parametrize(
    "zone, day, start, hours",
    [
        (CHICAGO, date(2026, 3, 7), utc(2026, 3, 7, 6), 24),
        (CHICAGO, date(2026, 3, 8), utc(2026, 3, 8, 6), 23),  # spring forward
        (CHICAGO, date(2026, 3, 9), utc(2026, 3, 9, 5), 24),
        (CHICAGO, date(2026, 11, 1), utc(2026, 11, 1, 5), 25),  # fall back
        (CHICAGO, date(2026, 11, 2), utc(2026, 11, 2, 6), 24),
        (SANTIAGO, date(2026, 9, 6), utc(2026, 9, 6, 4), 23),  # midnight itself is skipped: the day starts at 01:00
        (SANTIAGO, date(2026, 4, 4), utc(2026, 4, 4, 3), 25),  # 23:00 to midnight happens twice
        (UTC, date(2026, 3, 8), utc(2026, 3, 8), 24),
    ],
)
def test_a_day_runs_from_midnight_to_midnight_in_the_zone(zone, day, start, hours):
    first, end = local_time.day_bounds(day, day, zone)
    assert (first, end) == (start, start + timedelta(hours=hours))
    assert first.tzinfo == timezone.utc
    assert local_time.local_day(first, zone) == day
    assert local_time.local_day(end - timedelta(seconds=1), zone) == day
    assert local_time.local_day(end, zone) == day + timedelta(days=1)


def test_bounds_of_several_days():
    assert local_time.day_bounds(date(2026, 3, 2), date(2026, 3, 8), CHICAGO) == (
        utc(2026, 3, 2, 6),
        utc(2026, 3, 9, 5),
    )  # seven days, one of them 23 hours: 167 hours
