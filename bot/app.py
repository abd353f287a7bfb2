"""The gateway: one aiohttp app, and every door into it in view.

    /                            the web chat page (and /chat/assets/, /socket.io/)
    /chat/widget.js              the widget other sites embed (/chat/widget/settings, /chat/preview)
    /webhooks/rest/webhook       REST, in Rasa's REST channel's shape
    /webhooks/twilio/sms         SMS through Twilio
    /healthz, /metrics           liveness and Prometheus metrics
    /console/...                 the staff console (a sub-app: sessions, CSRF)
    /api/...                     the JSON API (a sub-app: bearer token)

What the handlers share is built once at start-up, in `resources`, and each
collaborator gets what it needs when it is made: nothing is patched in later.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Collection

import aiohttp
from aiohttp import web

from bot import api, console, delivery, health, recovery, reminders, retention, understanding
from bot.channels import embed, rest, sms, webchat
from bot.channels.web_sessions import SessionIds
from bot.config import Settings
from bot.console.live import LiveFeed, hang_up
from bot.console.sessions import secret_key as console_secret_key
from bot.delivery import Deliveries
from bot.events import Events
from bot.handoffs import Handoffs
from bot.journal import Journal
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.store.database import Database
from bot.store.notices import ChangeNotices
from bot.store.rasa_events import TrackerEvents
from bot.web_keys import (
    DB,
    DELIVERIES,
    EVENTS,
    HANDOFFS,
    HTTP,
    JOURNAL,
    LIVE,
    METRICS,
    PROFILE,
    RASA,
    ROUTER,
    SETTINGS,
    ZONE,
)
from core.profile import Profile, load_profile
from core.wording import Contact

CHANNELS = ("web", "sms")  # REST is always on: integrations and `python -m bot chat` use it


def contact_from_profile(profile: Profile) -> Contact:
    return Contact(program_name=profile.name, phone=profile.phone, phone_hours=profile.phone_hours)


async def resources(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    profile = load_profile(settings.program_profile)
    contact = contact_from_profile(profile)
    app[ZONE] = profile.zone
    app[PROFILE] = profile
    db = Database(settings.database_url)
    try:
        await db.migrate()
    except Exception:
        db.dispose()
        raise
    http = aiohttp.ClientSession()
    events = Events()
    feed = LiveFeed(db)
    # The live feed hears of every change, and tells visitors whether staff are here.
    events.subscribe(feed.notify)
    # Other gateways on the same PostgreSQL database hear of them too, and we of theirs.
    notices = ChangeNotices(settings.database_url)
    events.subscribe(notices.publish)
    notices.start(feed.notify)
    app[DB], app[HTTP], app[EVENTS], app[LIVE] = db, http, events, feed
    app[RASA] = RasaClient(
        http,
        settings.rasa_url,
        token=settings.rasa_token,
        timeout=settings.rasa_timeout_seconds,
        replicas=settings.rasa_replicas,
    )
    tracker_events = TrackerEvents(settings.tracker_store_url)
    # Turns the store could not take wait here (and survive a restart) until it can.
    journal = app[JOURNAL] = Journal(settings.journal_file)
    app[ROUTER] = Router(
        db,
        app[RASA],
        contact=lambda: contact,
        staff_online=feed.staff_online,
        events=events,
        metrics=app[METRICS],
        journal=journal,
        deliveries=app[DELIVERIES],
        store_wait=settings.store_wait_seconds,
        rasa_timeout=settings.rasa_timeout,
        tracker_events=tracker_events,
    )
    app[HANDOFFS] = Handoffs(db, app[DELIVERIES], events)
    tasks = [
        asyncio.create_task(feed.run(), name="console-live-feed"),
        asyncio.create_task(journal.keep_replaying(app[ROUTER].store_kept), name="journal-replay"),
    ]
    yield
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await notices.stop()
    await http.close()
    journal.close()
    tracker_events.dispose()
    db.dispose()


def create_app(settings: Settings, channels: Collection[str] = CHANNELS) -> web.Application:
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}; the gateway has {CHANNELS}")
    app = web.Application(client_max_size=256 * 1024)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[DELIVERIES] = Deliveries()
    app.cleanup_ctx.append(resources)
    app.cleanup_ctx.append(reminders.watch)
    app.cleanup_ctx.append(retention.keep())  # a visitor's delete request, and the daily purge
    app.cleanup_ctx.append(recovery.watch)  # visitors parked by an outage go back to the assistant
    # Intent captures still running stop before the store and HTTP session close.
    app.on_shutdown.append(understanding.cancel_pending)
    app.on_shutdown.append(delivery.cancel_retries)
    app.on_shutdown.append(hang_up)  # type: ignore[arg-type]  # aiohttp 3.9's signal typing

    app.add_routes(
        [
            web.get("/healthz", health.healthz),
            web.get("/metrics", health.metrics),
            web.post(rest.PATH, rest.webhook),
        ]
    )
    rest.attach(app)  # its rate limits
    if "sms" in channels:
        app.add_routes([web.post(sms.PATH, sms.inbound)])
        sms.attach(app)
    if "web" in channels:
        origins = embed.OriginPolicy(settings.web_chat_origins, settings.public_url)
        session_ids = SessionIds.from_secret(console_secret_key(settings))
        webchat.attach(app, session_ids=session_ids, origins=origins)  # socket.io mounts /socket.io/ itself
        embed.attach(app, origins)  # /chat/widget.js, /chat/widget/settings, /chat/preview
        app.add_routes(
            [
                web.get("/", webchat.page),
                web.get("/chat/vendor/socket.io.min.js", webchat.socket_io_client),
                web.static("/chat/assets/", webchat.STATIC, show_index=False, follow_symlinks=False),
            ]
        )
    app.add_subapp("/console", console.create_app(settings, zone=lambda: app[ZONE]))
    app.add_subapp("/api", api.create_app())
    return app
