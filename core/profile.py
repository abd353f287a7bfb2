"""The program profile: the one place where facts about THIS program live.

Answers about the program are built from this file. A field left empty makes
the caller fall back to an honest general answer; nothing here is ever guessed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timezone as _timezone
from datetime import tzinfo
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from core.paths import REPO_ROOT

DEFAULT_PROFILE = REPO_ROOT / "program.yml"


class ProfileError(ValueError):
    """The profile file is missing, unreadable or has a field of the wrong shape."""


@dataclass(frozen=True)
class Track:
    name: str
    days: str
    times: str


@dataclass(frozen=True)
class Profile:
    name: str
    phone: Optional[str] = None
    text_number: Optional[str] = None
    address: Optional[str] = None
    website: Optional[str] = None
    phone_hours: Optional[str] = None
    languages: Tuple[str, ...] = ()
    tracks: Tuple[Track, ...] = ()
    adolescent_track: Optional[Track] = None
    price: Optional[str] = None
    sliding_scale: Optional[bool] = None
    payment_plans: Optional[bool] = None
    insurers: Tuple[str, ...] = field(default_factory=tuple)
    timezone: Optional[str] = None  # IANA name, checked at load; None is UTC

    @property
    def zone(self) -> tzinfo:
        """The program's time zone: the staff console shows times and counts days in it.

        UTC without a name needs no time zone database, so an empty field works on any system.
        """
        return ZoneInfo(self.timezone) if self.timezone else _timezone.utc


def _text(data: Mapping[str, Any], key: str) -> Optional[str]:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)):
        raise ProfileError(f"program profile: '{key}' must be text, got {type(value).__name__}")
    value = str(value).strip()
    return value or None


def _flag(data: Mapping[str, Any], key: str) -> Optional[bool]:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ProfileError(f"program profile: '{key}' must be true, false or empty")


def _texts(data: Mapping[str, Any], key: str) -> Tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ProfileError(f"program profile: '{key}' must be a list")
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def _zone(data: Mapping[str, Any], key: str) -> Optional[str]:
    name = _text(data, key)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = "an IANA name like America/Chicago"
        if not available_timezones():
            hint += "; this system has no time zone database (install tzdata)"
        raise ProfileError(f"program profile: '{key}' is not a known time zone: {name!r} ({hint})") from None
    return name


def _track(data: Any, where: str) -> Optional[Track]:
    if not data:
        return None
    if not isinstance(data, Mapping):
        raise ProfileError(f"program profile: '{where}' must be a mapping with days and times")
    days, times = _text(data, "days"), _text(data, "times")
    if not days or not times:
        return None
    return Track(name=_text(data, "name") or "", days=days, times=times)


def parse_profile(data: Any) -> Profile:
    if not isinstance(data, Mapping):
        raise ProfileError("program profile: the file must hold a mapping of fields")
    name = _text(data, "name")
    if not name:
        raise ProfileError("program profile: 'name' is required")
    schedule = data.get("schedule") or {}
    if not isinstance(schedule, Mapping):
        raise ProfileError("program profile: 'schedule' must be a mapping")
    raw_tracks = schedule.get("tracks") or []
    if not isinstance(raw_tracks, list):
        raise ProfileError("program profile: 'schedule.tracks' must be a list")
    tracks = tuple(t for i, raw in enumerate(raw_tracks) if (t := _track(raw, f"schedule.tracks[{i}]")))
    return Profile(
        name=name,
        phone=_text(data, "phone"),
        text_number=_text(data, "text_number"),
        address=_text(data, "address"),
        website=_text(data, "website"),
        phone_hours=_text(data, "phone_hours"),
        languages=_texts(data, "languages"),
        tracks=tracks,
        adolescent_track=_track(schedule.get("adolescent_track"), "schedule.adolescent_track"),
        price=_text(data, "price"),
        sliding_scale=_flag(data, "sliding_scale"),
        payment_plans=_flag(data, "payment_plans"),
        insurers=_texts(data, "insurers"),
        timezone=_zone(data, "timezone"),
    )


def profile_path(environ: Mapping[str, str] = os.environ) -> Path:
    path = Path(environ.get("PROGRAM_PROFILE") or DEFAULT_PROFILE)
    return path if path.is_absolute() else REPO_ROOT / path


def load_profile(path: Optional[Path] = None) -> Profile:
    path = path or profile_path()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"program profile not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ProfileError(f"program profile {path} is not valid YAML: {exc}") from exc
    return parse_profile(data)
