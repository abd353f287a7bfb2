"""Fixtures for action tests: JSON trackers and the real domain (the test profiles are in tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_from() -> Callable[[str], Tracker]:
    def load(name: str) -> Tracker:
        return Tracker.from_dict(json.loads((HERE / "trackers" / f"{name}.json").read_text()))

    return load
