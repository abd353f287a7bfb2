"""The widget other sites embed: which origins may use the chat, and the routes the widget loads."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.channels import embed, webchat
from bot.channels.embed import OriginPolicy
from bot.delivery import Deliveries
from bot.metrics import Metrics
from bot.web_keys import DELIVERIES, METRICS, ROUTER
from core import wording
from core.wording import Contact

PROGRAM_SITE = "https://program.example.org"
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


class ContactOnly:
    def contact(self) -> Contact:
        return Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")


@pytest.fixture
async def client(aiohttp_client):
    app = web.Application()
    app[METRICS] = Metrics()
    app[DELIVERIES] = Deliveries()
    app[ROUTER] = ContactOnly()
    policy = OriginPolicy([PROGRAM_SITE], public_url="https://chat.example.org")
    webchat.attach(app, origins=policy)
    embed.attach(app, policy)
    client = await aiohttp_client(app)
    yield client
    # A handshake that never polls again would hold the shutdown's goodbye forever.
    for sock in list(app[webchat.WEBCHAT].sio.eio.sockets.values()):
        await sock.close(wait=False, abort=True)
    app[webchat.WEBCHAT].sio.eio.sockets.clear()


@pytest.mark.parametrize(
    "origin, environ, allowed",
    [
        (PROGRAM_SITE, {}, True),
        ("HTTPS://PROGRAM.example.org", {}, True),
        ("https://chat.example.org", {}, True),  # the gateway's own public address
        ("http://program.example.org", {}, False),  # another scheme is another origin
        ("https://program.example.org.evil.test", {}, False),
        ("https://evil.test", {}, False),
        ("null", {}, False),
        (None, {}, False),
        ("", {}, False),
        # Same origin as the request's Host: the gateway's own pages.
        ("http://127.0.0.1:8080", {"HTTP_HOST": "127.0.0.1:8080", "wsgi.url_scheme": "http"}, True),
        ("http://127.0.0.1:9999", {"HTTP_HOST": "127.0.0.1:8080", "wsgi.url_scheme": "http"}, False),
    ],
)
def test_which_origins_may_use_the_chat(origin, environ, allowed):
    policy = OriginPolicy([PROGRAM_SITE], public_url="https://chat.example.org/")
    assert policy.allows(origin, environ) is allowed


async def test_a_listed_site_may_open_a_socket(client):
    resp = await client.get(HANDSHAKE, headers={"Origin": PROGRAM_SITE})
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == PROGRAM_SITE
    assert "Access-Control-Allow-Credentials" not in resp.headers


async def test_a_site_not_on_the_list_is_refused(client):
    resp = await client.get(HANDSHAKE, headers={"Origin": "https://evil.test"})
    assert resp.status == 400
    assert "Access-Control-Allow-Origin" not in resp.headers
    preflight = await client.options(
        HANDSHAKE, headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") is None


async def test_the_settings_answer_listed_sites_only(client):
    ok = await client.get("/chat/widget/settings", headers={"Origin": PROGRAM_SITE})
    assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == PROGRAM_SITE
    settings = await ok.json()
    assert settings["program_name"] == "Test IOP" and settings["phone_href"] == "5550100100"
    assert settings["greeting"] == wording.widget_greeting("Test IOP")
    assert settings["suggestions"] == list(wording.WIDGET_SUGGESTIONS)
    refused = await client.get("/chat/widget/settings", headers={"Origin": "https://evil.test"})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers


async def test_the_widget_script_carries_its_own_socket_io_client(client):
    resp = await client.get("/chat/widget.js")
    assert resp.status == 200 and resp.content_type == "application/javascript"
    text = await resp.text()
    assert "var io = module.exports;" in text and "helpline-chat-session" in text
    assert "sourceMappingURL" not in text
    # A page that asks with CORS from a site not on the list gets nothing to run.
    refused = await client.get("/chat/widget.js", headers={"Origin": "https://evil.test"})
    assert refused.status == 403


async def test_the_preview_page_embeds_the_widget_from_the_gateway_only(client):
    resp = await client.get("/chat/preview")
    html = await resp.text()
    assert resp.status == 200 and '<script src="/chat/widget.js" defer></script>' in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
