"""Test program profiles (tests/profiles/), for the profile's own tests and the action tests."""

from pathlib import Path

import pytest

PROFILES = Path(__file__).parent / "profiles"


@pytest.fixture
def full_profile(monkeypatch) -> Path:
    path = PROFILES / "full.yml"
    monkeypatch.setenv("PROGRAM_PROFILE", str(path))
    return path


@pytest.fixture
def minimal_profile(monkeypatch) -> Path:
    path = PROFILES / "minimal.yml"
    monkeypatch.setenv("PROGRAM_PROFILE", str(path))
    return path
