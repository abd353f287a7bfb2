"""The gateway: one aiohttp app, the front door for every channel."""

from __future__ import annotations

import importlib
import logging
from typing import AsyncIterator, Sequence

import aiohttp
from aiohttp import web

from actions.profile import Profile, load_profile
from bot import api, console, health, understanding, waiting_room
from bot.channels import rest
from bot.config import Settings
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.store.database import Database
from bot.waiting import Contact
from bot.web_keys import DB, DELIVERIES, HTTP, METRICS, RASA, ROUTER, SETTINGS, ZONE

log = logging.getLogger(__name__)

# Channels that other modules provide; each is wired in when it is present.
OPTIONAL_CHANNELS = ("bot.channels.webchat", "bot.channels.sms")


def contact_from_profile(profile: Profile) -> Contact:
    return Contact(program_name=profile.name, phone=profile.phone, phone_hours=profile.phone_hours)


async def resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    profile = load_profile(settings.program_profile)
    contact = contact_from_profile(profile)
    app[ZONE] = profile.zone
    db = Database(settings.database_url)
    try:
        await db.migrate()
    except Exception:
        db.dispose()
        raise
    http = aiohttp.ClientSession()
    app[DB] = db
    app[HTTP] = http
    app[RASA] = RasaClient(http, settings.rasa_url, token=settings.rasa_token)
    app[ROUTER] = Router(db, app[RASA], contact=lambda: contact, metrics=app[METRICS], deliveries=app[DELIVERIES])
    yield
    await http.close()
    db.dispose()


def setup_optional_channels(app: web.Application, modules: Sequence[str] = OPTIONAL_CHANNELS) -> None:
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only a missing piece of our own is skipped; a missing library is an install error.
            if not (exc.name or "").startswith("bot."):
                raise
            log.warning("channel %s is not available (%s); starting without it", name, exc)
            continue
        module.setup(app)


def create_app(settings: Settings, channels: Sequence[str] = OPTIONAL_CHANNELS) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[DELIVERIES] = Deliveries()
    app.cleanup_ctx.append(resources)
    app.cleanup_ctx.append(waiting_room.watch)
    # Intent captures still running stop before the store and HTTP session close.
    app.on_shutdown.append(understanding.cancel_pending)
    health.setup(app)
    api.setup(app)
    rest.setup(app)
    console.setup(app)
    setup_optional_channels(app, channels)
    return app
