"""The committed screen stories are exactly what their generator writes."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location("make_screen_stories", ROOT / "scripts" / "make_screen_stories.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_stories_match_the_generator():
    generator = load_generator()
    assert generator.OUT.read_text(encoding="utf-8") == generator.render(), "run `make stories`"


def test_every_level_has_a_path():
    titles = " ".join(load_generator().PATHS)
    for level in ("outpatient", "IOP", "PHP", "residential", "inpatient"):
        assert level in titles
