"""The staff console at /console: queue, conversations, review, dashboard.

Each section is a module with a `setup(app)` that adds its routes; the
security module goes first because its middleware guards all of them.
"""

from __future__ import annotations

import importlib

from aiohttp import web

from bot.console import security

SECTIONS = ("bot.console.auth", "bot.console.live", "bot.console.desk", "bot.console.review", "bot.console.corrections",
            "bot.console.dashboard",)


def setup(app: web.Application) -> None:
    security.setup(app)
    for name in SECTIONS:
        importlib.import_module(name).setup(app)
