"""SMS through Twilio: signed webhooks in, TwiML replies out, staff replies by REST.

Order on every text: signature, then the crisis check (inside the router, and
before keywords here), then STOP/START/HELP, then the conversation.
"""

from __future__ import annotations

import logging
from typing import Dict, List, Optional
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

from bot import safety
from bot.channels import sms_text
from bot.router import Inbound, Reply
from bot.store import conversations as convo
from bot.web_keys import DB, DELIVERIES, HTTP, METRICS, ROUTER, SETTINGS

log = logging.getLogger(__name__)

CHANNEL = "sms"
MAX_BODY = 1600  # Twilio's own limit for one inbound message


def twiml(parts: List[str]) -> web.Response:
    body = "".join(f"<Message>{escape(p)}</Message>" for p in parts)
    return web.Response(
        text=f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', content_type="application/xml"
    )


def signed_url(request: web.Request) -> str:
    """The URL Twilio signed: the public one when we sit behind a proxy."""
    public = request.app[SETTINGS].public_url
    return public.rstrip("/") + request.path_qs if public else str(request.url)


def render(replies: List[Reply]) -> tuple[List[str], Optional[Dict[str, str]]]:
    """Texts for SMS (buttons as numbered options) and the digit mapping of the last one."""
    parts: List[str] = []
    mapping: Optional[Dict[str, str]] = None
    for reply in replies:
        if not reply.text and not reply.buttons:
            continue
        text = reply.text or ""
        if reply.staff_name:
            text = f"{reply.staff_name}: {text}"
        if reply.buttons:
            text, mapping = sms_text.render_buttons(text, reply.buttons)
        parts.extend(sms_text.split_message(text))
    return parts, mapping


async def inbound(request: web.Request) -> web.Response:
    app = request.app
    settings = app[SETTINGS]
    form = await request.post()
    params = {k: str(v) for k, v in form.items()}
    token = settings.twilio_auth_token
    if not token or not RequestValidator(token).validate(
        signed_url(request), params, request.headers.get("X-Twilio-Signature", "")
    ):
        return web.Response(status=403, text="invalid signature")
    sender, sid = params.get("From", "").strip(), params.get("MessageSid", "").strip()
    if not sender or not sid:
        return web.Response(status=400, text="From and MessageSid are required")
    body = params.get("Body", "")[:MAX_BODY].strip()
    if not body:
        # A picture with no words: say what we can read, never crash on it.
        return twiml(["Sorry, I can only read text messages. Please type your question."])
    app[METRICS].inbound(CHANNEL)

    db = app[DB]
    opted_out = await db.run(convo.is_opted_out, CHANNEL, sender)
    keyword = None if safety.assess(body).is_crisis else sms_text.classify_keyword(body)
    if keyword == "stop":
        first_time = await db.run(convo.set_opt_out, CHANNEL, sender, True, sid, body)
        return twiml([sms_text.stop_confirmation()] if first_time else [])
    if keyword == "start":
        await db.run(convo.set_opt_out, CHANNEL, sender, False, sid, body)
        return twiml([sms_text.start_confirmation()])
    if keyword == "help" and not opted_out:
        contact = app[ROUTER].contact()
        return twiml([sms_text.help_text(contact.program_name, contact.phone)])

    mapping = await db.run(convo.last_button_mapping, CHANNEL, sender)
    text = sms_text.map_reply(body, mapping) if mapping else None
    outcome = await app[ROUTER].handle(Inbound(CHANNEL, sender, text or body, channel_message_id=sid))
    if outcome.duplicate and not outcome.replies:
        return twiml([])
    if opted_out:
        # Nothing is sent to an opted-out number; a crisis still reaches staff.
        return twiml([])
    parts, _ = render(outcome.replies)
    return twiml(parts)


def make_deliverer(app: web.Application):
    async def deliver(address: str, reply: Reply) -> bool:
        settings = app[SETTINGS]
        if await app[DB].run(convo.is_opted_out, CHANNEL, address):
            return False
        if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number):
            log.error("SMS delivery needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER")
            return False
        parts, _ = render([reply])
        url = (f"{settings.twilio_api_base.rstrip('/')}/2010-04-01/Accounts/"
               f"{settings.twilio_account_sid}/Messages.json")
        auth = aiohttp.BasicAuth(settings.twilio_account_sid, settings.twilio_auth_token)
        for part in parts:
            data = {"To": address, "From": settings.twilio_from_number, "Body": part}
            async with app[HTTP].post(url, data=data, auth=auth, timeout=aiohttp.ClientTimeout(total=15)) as resp:
                if resp.status >= 300:
                    log.error("Twilio refused a message: HTTP %s %s", resp.status, await resp.text())
                    return False
        return True

    return deliver


async def register_deliverer(app: web.Application) -> None:
    app[DELIVERIES].register(CHANNEL, make_deliverer(app))


def setup(app: web.Application) -> None:
    app.router.add_post("/webhooks/twilio/sms", inbound)
    app.on_startup.append(register_deliverer)
