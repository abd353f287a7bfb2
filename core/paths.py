"""Where the repository is: the program profile, training data and var/ are found from here."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
