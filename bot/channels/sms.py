"""SMS through Twilio: signed webhooks in, TwiML replies out, later messages by REST.

Order on every text: signature, then the crisis check, then STOP/START/HELP
and DELETE, then the conversation. Twilio waits 15 s for the TwiML: the turn gets
`sms_reply_seconds` (10 s); whatever was not ready by then is sent afterwards
through Twilio's REST API, like a staff reply. A number that has opted out gets nothing from us but
the one STOP confirmation; what it writes is still kept, and a crisis from it
still reaches staff through the router.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Sequence, Set

import aiohttp
from aiohttp import web
from multidict import MultiDict
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import guards
from bot.channels import sms_text
from bot.retention import FORGETTING
from bot.store import sms as sms_store
from bot.store.retention import AFTER_CRISIS
from bot.turn import Inbound, Reply
from bot.web_keys import DB, DELIVERIES, HTTP, METRICS, ROUTER, SETTINGS
from core import safety, wording

log = logging.getLogger(__name__)

CHANNEL = "sms"
PATH = "/webhooks/twilio/sms"
# Twilio's error for a number on its own STOP blocklist.
TWILIO_OPTED_OUT = 21610
# The opt-out read before a crisis reply: a locked store must not hold the crisis lines.
OPT_OUT_READ_SECONDS = 0.5

# Turns that outlived the webhook, finishing in the background (the loop keeps only weak references).
_late: Set["asyncio.Future[Any]"] = set()


# -- replies -----------------------------------------------------------------
def twiml(parts: Sequence[str] = ()) -> web.Response:
    response = MessagingResponse()
    for part in parts:
        response.message(part)
    return web.Response(text=str(response), content_type="application/xml")


def render(replies: Sequence[Reply]) -> List[str]:
    """The replies as texts: a staff member's name first, buttons as numbered options, long ones split."""
    parts: List[str] = []
    for reply in replies:
        text = reply.text or ""
        if reply.staff_name and text:
            text = f"{reply.staff_name}: {text}"
        if reply.buttons:
            text = sms_text.render_buttons(text, reply.buttons)
        parts.extend(sms_text.split_message(text))
    return parts


# -- signature ---------------------------------------------------------------
def signed_urls(request: web.Request) -> List[str]:
    """The URLs Twilio may have signed.

    With PUBLIC_URL set, only that one: it is the address configured in
    Twilio's console. Without it, the URL as we received it, and as the proxy
    in front of us says it was asked (scheme and host); either still needs the
    auth token to sign.
    """
    public = getattr(request.app[SETTINGS], "public_url", None)
    if public:
        return [public.rstrip("/") + request.raw_path]
    # Built by hand: aiohttp 3.9's request.url rejects a Host header with a port under newer yarl.
    urls = [f"{request.scheme}://{request.host}{request.raw_path}"]
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    if proto or host:
        urls.append(f"{proto or request.scheme}://{host or request.host}{request.raw_path}")
    return urls


def valid_signature(request: web.Request, params: MultiDict) -> bool:
    token = getattr(request.app[SETTINGS], "twilio_auth_token", None)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token:
        log.error("SMS webhook refused: TWILIO_AUTH_TOKEN is not set, so no request can be checked")
        return False
    if not signature:
        return False
    validator = RequestValidator(token)
    return any(validator.validate(url, params, signature) for url in signed_urls(request))


# -- the webhook ---------------------------------------------------------------
@guards.visitor  # Twilio's signature, checked first
async def inbound(request: web.Request) -> web.Response:
    app = request.app
    form = await request.post()
    params = MultiDict((k, v if isinstance(v, str) else "") for k, v in form.items())
    if not valid_signature(request, params):
        return web.Response(status=403, text="invalid or missing X-Twilio-Signature")
    sender, sid = params.get("From", "").strip(), params.get("MessageSid", "").strip()
    if not sender or not sid:
        return web.Response(status=400, text="From and MessageSid are required")
    app[METRICS].inbound(CHANNEL)
    body = sms_text.clean_inbound(params.get("Body"))

    # The crisis check comes before anything that reads the store or a keyword.
    assessment = app[ROUTER].assess(CHANNEL, sender, body) if body else None
    if assessment and assessment.is_crisis:
        turn = asyncio.ensure_future(crisis(app, sender, sid, body, assessment))
    else:
        turn = asyncio.ensure_future(safe_turn(app, sender, sid, body, _media_count(params)))
    done, _ = await asyncio.wait({turn}, timeout=getattr(app[SETTINGS], "sms_reply_seconds", 10.0))
    if done:
        return twiml(turn.result())
    # Twilio would give up on us: answer now, and text what the turn says once it is done.
    log.warning("SMS turn for message %s outlived the webhook window; its reply follows by Twilio's REST API", sid)
    _late.add(turn)
    turn.add_done_callback(lambda t: _send_late(app, sender, sid, t))
    return twiml()


async def safe_turn(app: web.Application, sender: str, sid: str, body: str, media: int) -> List[str]:
    try:
        return await conversation_turn(app, sender, sid, body, media=media)
    except Exception:
        log.exception("SMS turn failed for message %s", sid)
        return [wording.trouble_reply(app[ROUTER].contact())]


def _send_late(app: web.Application, sender: str, sid: str, turn: "asyncio.Task[List[str]]") -> None:
    _late.discard(turn)
    if turn.cancelled() or turn.exception() is not None or not turn.result():
        return
    parts = turn.result()

    async def send() -> None:
        for part in parts:
            if not await app[DELIVERIES].deliver(CHANNEL, sender, Reply(text=part, author="system")):
                log.error("the late reply to SMS message %s could not be sent", sid)
                return

    task = asyncio.ensure_future(send())
    _late.add(task)
    task.add_done_callback(_late.discard)


async def crisis(app: web.Application, sender: str, sid: str, body: str, assessment: safety.Assessment) -> List[str]:
    try:
        opted_out = await asyncio.wait_for(app[DB].run(sms_store.is_opted_out, sender), OPT_OUT_READ_SECONDS)
    except Exception:
        # Unsure whether the number opted out (the store is slow or down): the crisis lines matter more.
        log.warning("could not read the opt-out state of an SMS sender in time")
        opted_out = False
    try:
        replies = (
            await app[ROUTER].handle(
                Inbound(CHANNEL, sender, body, channel_message_id=sid, metadata={"opted_out": opted_out})
            )
        ).replies
    except Exception:
        log.exception("crisis path failed for SMS message %s; answering with the crisis lines alone", sid)
        replies = [Reply(text=wording.crisis_reply(about_other=assessment.about_other), author="system")]
    if opted_out:
        log.warning("crisis message from an opted-out number: escalated to staff, no text sent")
        return []
    if not replies:
        return []
    # The crisis lines go as one (concatenated) text: separate texts can arrive out of order.
    first, rest = replies[0], replies[1:]
    return sms_text.split_message(first.text or "", limit=sms_text.MAX_TEXT) + render(rest)


async def conversation_turn(app: web.Application, sender: str, sid: str, body: str, media: int) -> List[str]:
    db = app[DB]
    try:
        opted_out, last_buttons = await asyncio.wait_for(
            db.run(sms_store.sms_state, sender), getattr(app[SETTINGS], "store_wait_seconds", 2.0)
        )
    except Exception as exc:
        # The store is slow or down: the router keeps the message in its journal and says so.
        log.warning("could not read the SMS state of a sender (%s); going on without it", exc)
        opted_out, last_buttons = False, None

    if not body:
        reply = None if opted_out else wording.media_only_reply()
        text = media_note(media)
        first_time = await db.run(sms_store.record_unanswered, sender, sid, text, reply)
        return [reply] if reply and first_time else []

    keyword = sms_text.classify_keyword(body)
    if keyword == "stop":
        reply = wording.stop_confirmation(app[ROUTER].contact())
        changed = await db.run(sms_store.record_keyword, sender, sid, body, keyword, True, reply)
        return [reply] if changed else []
    if keyword == "start" and opted_out:
        reply = wording.start_confirmation(app[ROUTER].contact())
        changed = await db.run(sms_store.record_keyword, sender, sid, body, keyword, False, reply)
        return [reply] if changed else []
    if keyword == "help":
        reply = None if opted_out else wording.help_text(app[ROUTER].contact())
        recorded = await db.run(sms_store.record_keyword, sender, sid, body, keyword, None, reply)
        return [reply] if reply and recorded is not None else []
    if keyword == "delete":
        return await delete_conversation(app, sender, opted_out)
    if opted_out:
        await db.run(sms_store.record_unanswered, sender, sid, body)
        return []

    # START or YES from a number that never left is an ordinary message.
    payload = sms_text.map_reply(body, last_buttons)
    metadata = {"sms_body": body} if payload else None
    outcome = await app[ROUTER].handle(
        Inbound(CHANNEL, sender, payload or body, channel_message_id=sid, metadata=metadata)
    )
    # A Twilio retry of a text already answered: the visitor has the answer (web and REST get it again).
    return [] if outcome.duplicate else render(outcome.replies)


async def delete_conversation(app: web.Application, sender: str, opted_out: bool) -> List[str]:
    """DELETE: the number's texts are erased at once (an opt-out is kept), and we say so unless it opted out.
    With a crisis ticket still open they are erased when it closes (staff may need to reach the person).

    The DELETE itself is not kept: there is nothing left to keep it in. A
    Twilio retry of it finds nothing and says the same again.
    """
    try:
        outcome = await app[FORGETTING].visitor_asked(CHANNEL, sender)
    except Exception:
        log.exception("SMS: could not delete a conversation its visitor asked to delete")
        return [] if opted_out else [wording.DELETE_FAILED]
    if opted_out:
        return []
    if outcome == AFTER_CRISIS:
        return [wording.DELETE_AFTER_CRISIS]
    return [wording.sms_deleted(app[ROUTER].contact())]


def media_note(media: int) -> str:
    """What the transcript shows for a text without words."""
    if not media:
        return "[an empty message]"
    return "[a picture or file, no text]" if media == 1 else f"[{media} pictures or files, no text]"


def _media_count(params: MultiDict) -> int:
    try:
        return max(0, int(params.get("NumMedia") or 0))
    except ValueError:
        return 0


# -- messages outside a request: staff replies, reminders ------------------------
def make_deliverer(app: web.Application):
    async def deliver(address: str, reply: Reply) -> bool:
        settings = app[SETTINGS]
        sid = getattr(settings, "twilio_account_sid", None)
        token = getattr(settings, "twilio_auth_token", None)
        sender = getattr(settings, "twilio_from_number", None)
        if not (sid and token and sender):
            log.error("SMS delivery needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER")
            return False
        if await app[DB].run(sms_store.is_opted_out, address):
            return False
        base = getattr(settings, "twilio_api_base", None) or "https://api.twilio.com"
        url = f"{base.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        auth = aiohttp.BasicAuth(sid, token)
        parts = render([reply])
        for part in parts:
            data = {"To": address, "From": sender, "Body": part}
            async with app[HTTP].post(url, data=data, auth=auth, timeout=aiohttp.ClientTimeout(total=15)) as resp:
                if resp.status < 300:
                    continue
                error = await _twilio_error(resp)
                if error.get("code") == TWILIO_OPTED_OUT:
                    # Twilio saw a STOP we missed (our webhook was down): remember it.
                    await app[DB].run(sms_store.mark_opted_out, address)
                log.error(
                    "Twilio refused an SMS: HTTP %s, code %s: %s", resp.status, error.get("code"), error.get("message")
                )
                return False
        return bool(parts)

    return deliver


async def _twilio_error(resp: aiohttp.ClientResponse) -> Dict[str, Any]:
    try:
        data = await resp.json(content_type=None)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def attach(app: web.Application) -> None:
    """Texts outside a request (staff replies, reminders) go out through Twilio's REST API."""
    # Twilio can fail or hang: staff texts are retried, and marked undelivered until they go.
    app[DELIVERIES].register(CHANNEL, make_deliverer(app), retried=True)
