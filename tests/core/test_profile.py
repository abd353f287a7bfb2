from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from core.profile import ProfileError, Track, load_profile, parse_profile


def test_full_profile_is_read(full_profile):
    p = load_profile()
    assert p.name == "Test Valley IOP"
    assert p.phone == "(555) 010-0100"
    assert p.tracks == (
        Track("Morning track", "Mon, Wed, Fri", "9am-12pm"),
        Track("Evening track", "Tue, Thu", "6pm-9pm"),
    )
    assert p.adolescent_track == Track("", "Mon and Wed", "4pm-7pm")
    assert p.insurers == ("Aetna", "Cigna")
    assert (p.sliding_scale, p.payment_plans) == (True, False)
    assert (p.timezone, p.zone) == ("America/Denver", ZoneInfo("America/Denver"))


def test_empty_fields_become_none(minimal_profile):
    p = load_profile()
    assert p.name == "Minimal Program"
    assert (p.phone, p.price, p.adolescent_track, p.sliding_scale) == (None, None, None, None)
    assert p.tracks == () and p.insurers == () and p.languages == ()
    assert (p.timezone, p.zone) == (None, timezone.utc)


def test_shipped_example_profile_loads(monkeypatch):
    monkeypatch.delenv("PROGRAM_PROFILE", raising=False)
    p = load_profile()
    assert "example" in p.name.lower()
    assert p.zone == ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "data, message",
    [
        (None, "mapping of fields"),
        ({}, "'name' is required"),
        ({"name": "  "}, "'name' is required"),
        ({"name": "X", "phone": ["1"]}, "'phone' must be text"),
        ({"name": "X", "insurers": "Aetna"}, "'insurers' must be a list"),
        ({"name": "X", "sliding_scale": "yes"}, "'sliding_scale' must be true, false or empty"),
        ({"name": "X", "schedule": ["a"]}, "'schedule' must be a mapping"),
        ({"name": "X", "schedule": {"tracks": {"a": 1}}}, "'schedule.tracks' must be a list"),
        ({"name": "X", "schedule": {"tracks": ["9am"]}}, "schedule.tracks[0]"),
        ({"name": "X", "timezone": "Central"}, "'timezone' is not a known time zone: 'Central'"),
        ({"name": "X", "timezone": "america/chicago"}, "'timezone' is not a known time zone"),
        ({"name": "X", "timezone": "America"}, "'timezone' is not a known time zone"),
        ({"name": "X", "timezone": "../etc/passwd"}, "'timezone' is not a known time zone"),
        ({"name": "X", "timezone": "/etc/localtime"}, "'timezone' is not a known time zone"),
        ({"name": "X", "timezone": "zone.tab"}, "'timezone' is not a known time zone"),
        ({"name": "X", "timezone": ["America/Chicago"]}, "'timezone' must be text"),
    ],
)
def test_bad_profiles_say_what_is_wrong(data, message):
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(data)


@pytest.mark.parametrize(
    "value, name",
    [
        (None, None),
        ("", None),
        ("  ", None),
        (" Europe/Berlin ", "Europe/Berlin"),
        ("UTC", "UTC"),
    ],
)
def test_timezone_is_an_iana_name_or_nothing(value, name):
    p = parse_profile({"name": "X", "timezone": value})
    assert p.timezone == name
    assert p.zone == (ZoneInfo(name) if name else timezone.utc)


def test_track_without_times_is_ignored():
    p = parse_profile({"name": "X", "schedule": {"tracks": [{"name": "A", "days": "Mon"}]}})
    assert p.tracks == ()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.yml")


def test_invalid_yaml_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
