"""Typed keys for what the gateway app holds (aiohttp AppKey)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.console.live import LiveFeed
    from bot.delivery import Deliveries
    from bot.events import Events
    from bot.handoffs import Handoffs
    from bot.journal import Journal
    from bot.metrics import Metrics
    from bot.rasa_client import RasaClient
    from bot.router import Router
    from bot.store.database import Database
    from core.profile import Profile

SETTINGS: "web.AppKey[Settings]" = web.AppKey("settings")
DB: "web.AppKey[Database]" = web.AppKey("db")
HTTP: "web.AppKey[aiohttp.ClientSession]" = web.AppKey("http")
RASA: "web.AppKey[RasaClient]" = web.AppKey("rasa")
ROUTER: "web.AppKey[Router]" = web.AppKey("router")
HANDOFFS: "web.AppKey[Handoffs]" = web.AppKey("handoffs")
EVENTS: "web.AppKey[Events]" = web.AppKey("events")
LIVE: "web.AppKey[LiveFeed]" = web.AppKey("console_live")
METRICS: "web.AppKey[Metrics]" = web.AppKey("metrics")
DELIVERIES: "web.AppKey[Deliveries]" = web.AppKey("deliveries")
JOURNAL: "web.AppKey[Journal]" = web.AppKey("journal")
# The program's time zone (profile `timezone`: a ZoneInfo, or UTC when empty): the console's times and days.
ZONE: "web.AppKey[tzinfo]" = web.AppKey("zone")
# The program profile (program.yml) as loaded at start-up: facts for the console's saved replies.
PROFILE: "web.AppKey[Profile]" = web.AppKey("profile")
