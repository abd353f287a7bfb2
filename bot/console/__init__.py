"""The staff console: an aiohttp sub-app mounted at /console.

Every console route is listed here. The sub-app's own middlewares guard all
of them and nothing else: encrypted cookie sessions, then the CSRF and
same-origin check (`sessions.protect`); each handler says who may see it
(`staff_only`, `admin_only`). Paths below are relative to /console.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Callable

from aiohttp import web

from bot.config import Settings
from bot.console import auth, canned, dashboard, desk, live, pages, people, review, sessions, teaching


def create_app(settings: Settings, zone: Callable[[], tzinfo]) -> web.Application:
    """`zone` is asked at render time: the program profile is read when the gateway starts."""
    console = web.Application()
    sessions.setup(console, settings)
    console[pages.TEMPLATE_ENV] = pages.template_env(zone)
    teaching.add_topics(console)
    console.add_routes(
        [
            # signing in
            web.get("/login", auth.login_page),
            web.post("/login", auth.login),
            web.post("/logout", auth.logout),
            web.get("/password", auth.password_page),
            web.post("/password", auth.change_password),
            # the queue and a conversation
            web.get("", desk.queue_page),
            web.get("/", desk.queue_page),
            web.get("/live", live.socket),
            web.get("/conversations/{id}", desk.conversation_page),
            web.get("/conversations/{id}/timeline", desk.timeline_fragment),
            web.post("/handoffs/{handoff_id}/claim", desk.claim),
            web.post("/claim-next", desk.claim_next),
            web.post("/conversations/{id}/reply", desk.reply),
            web.post("/conversations/{id}/transfer", desk.transfer),
            web.post("/conversations/{id}/resolve", desk.resolve),
            web.post("/conversations/{id}/hand-back", desk.hand_back),
            web.post("/conversations/{id}/notes", desk.add_note),
            # people: your own name; the admins' staff page and saved replies
            web.get("/me", people.me_page),
            web.post("/me", people.save_me),
            web.get("/staff", people.staff_page),
            web.post("/staff", people.add_staff),
            web.post("/staff/{username}/active", people.set_active),
            web.post("/staff/{username}/reset", people.reset),
            web.get("/replies", canned.page),
            web.post("/replies", canned.save),
            web.post(r"/replies/{id:\d+}/delete", canned.delete),
            # teaching the assistant
            web.post(r"/messages/{id:\d+}/correction", teaching.correct),
            # looking back
            web.get("/search", review.search_page),
            web.get("/audit", review.audit_page),
            web.get("/dashboard", dashboard.page),
            web.get("/review-queue", dashboard.review_queue),
            web.static("/assets/", pages.STATIC, show_index=False, follow_symlinks=False),
        ]
    )
    return console
