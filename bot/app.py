"""The gateway: one aiohttp app, the front door for every channel."""

from __future__ import annotations

import logging
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from actions.profile import load_profile
from bot import api, health
from bot.channels import rest
from bot.config import Settings
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.store.database import Database
from bot.waiting import Contact
from bot.web_keys import DB, DELIVERIES, HTTP, METRICS, RASA, ROUTER, SETTINGS

log = logging.getLogger(__name__)


def contact_from_profile(path) -> Contact:
    profile = load_profile(path)
    return Contact(program_name=profile.name, phone=profile.phone, phone_hours=profile.phone_hours)


async def resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    db = Database(settings.database_url)
    await db.migrate()
    http = aiohttp.ClientSession()
    contact = contact_from_profile(settings.program_profile)
    app[DB] = db
    app[HTTP] = http
    app[RASA] = RasaClient(http, settings.rasa_url)
    app[ROUTER] = Router(db, app[RASA], contact=lambda: contact)
    yield
    await http.close()
    db.dispose()


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[DELIVERIES] = Deliveries()
    app.cleanup_ctx.append(resources)
    health.setup(app)
    api.setup(app)
    rest.setup(app)
    return app
