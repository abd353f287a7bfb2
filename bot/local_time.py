"""Times and days in the program's time zone (the profile's `timezone`), as staff read them.

The store keeps aware UTC datetimes; the console shows local ones and counts
local days. A local day is 23 or 25 hours long on a daylight-saving change,
so its bounds are the zone's own midnights, never an instant plus 24 hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Optional, Tuple


def shown(moment: Optional[datetime], zone: tzinfo) -> str:
    """ "2026-11-24 16:15 CST": the date, time and zone abbreviation; empty for no time."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}" if moment else ""


def shown_clock(moment: Optional[datetime], zone: tzinfo) -> str:
    """ "16:15 CST": the time of day only (the queue, where everything is recent)."""
    return f"{moment.astimezone(zone):%H:%M %Z}" if moment else ""


def zone_name(zone: tzinfo) -> str:
    """ "America/Chicago" for a zoneinfo zone; whatever the zone calls itself otherwise."""
    return getattr(zone, "key", None) or str(zone)


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day on the program's calendar when `moment` (aware) happened."""
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of `day` in `zone`, in UTC.

    Where a daylight-saving change skips midnight itself, fold=0 reads the
    missing midnight with the offset before the change: the day's first instant.
    """
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def day_bounds(first: date, last: date, zone: tzinfo) -> Tuple[datetime, datetime]:
    """[start, end) in UTC of the local days `first` to `last`, both included."""
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)
