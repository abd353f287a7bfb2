"""Browser tests: Debian's Chromium driven by Playwright against the real gateway.

The gateway (`create_app`, SQLite in a temporary folder) and a fake of Rasa's
REST channel run on 127.0.0.1 in a thread of their own, so the tests can use
Playwright's synchronous API. Nothing here needs a trained model; the suite
against the real Rasa is tests/e2e.

A missing Chromium or a missing `npm ci` fails the run with what to do: these
tests never skip themselves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, TypeVar

import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from bot.app import create_app
from bot.config import Settings
from bot.web_keys import DB, DELIVERIES

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
API_TOKEN = "browser-tests-api-token"
T = TypeVar("T")

BUTTONS = [
    {"title": "Me", "payload": '/inform_who{"who":"self"}'},
    {"title": "Someone I care about", "payload": '/inform_who{"who":"other"}'},
]
# What the fake Rasa answers, by the message it receives.
SCRIPT: Dict[str, List[Dict[str, Any]]] = {
    "/greet": [{"text": "Hi! I can answer questions about our Intensive Outpatient Program."}],
    "what is iop": [
        {
            "text": "IOP is about 9 hours of group and individual therapy a week, "
            "while you live at home.\n\nWho are you asking for?",
            "buttons": BUTTONS,
        }
    ],
    BUTTONS[0]["payload"]: [{"text": "Thanks. What would you like to know?"}],
    BUTTONS[1]["payload"]: [{"text": "Thanks for looking out for them."}],
    "finish the screen": [
        {"text": "From your answers, IOP could fit. A clinician will confirm."},
        {"custom": {"screen_result": {"level": "iop", "reasons": ["using most days"], "flags": [], "answers": {}}}},
    ],
    # A visitor asks for a person (the console's queue tests).
    "can i talk to a person": [
        {
            "text": "I'll ask someone from our team to join.",
            "custom": {"handoff": {"reason": "Asked for a person", "priority": "normal", "summary": "wants a person"}},
        }
    ],
    "i need to talk to someone today": [
        {
            "text": "I'll ask someone from our team to join.",
            "custom": {"handoff": {"reason": "Wants help today", "priority": "urgent", "summary": "needs help today"}},
        }
    ],
}
# What the fake Rasa "understood", by the message it receives (read back through its tracker).
INTENTS: Dict[str, str] = {"what is iop": "faq/what_is_iop", "finish the screen": "screen_answer"}


def rasa_answer(message: str) -> List[Dict[str, Any]]:
    return SCRIPT.get(message.strip().lower(), SCRIPT.get(message, [{"text": f"You asked: {message}"}]))


def require_browser_tools() -> None:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium`.")
    for package in ("socket.io-client", "rasa-webchat", "axe-core"):
        if not (NODE_MODULES / package / "package.json").is_file():
            missing.append(f"node_modules/{package} is missing: run `npm ci --no-audit --no-fund`.")
    if missing:
        pytest.fail("Browser tests cannot run:\n  " + "\n  ".join(missing), pytrace=False)


class FakeRasa:
    """Rasa's REST channel, answering from SCRIPT; records what it was sent."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/gateway/webhook", self.webhook)
        app.router.add_get("/conversations/{sender}/tracker", self.tracker)
        app.router.add_get("/", self.root)
        app.router.add_get("/health", self.root)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        return web.json_response([{"recipient_id": body["sender"], **r} for r in rasa_answer(body["message"])])

    async def tracker(self, request: web.Request) -> web.Response:
        """Rasa's tracker state as the gateway reads it after a turn: the latest message and its intent."""
        sent = [b["message"] for b in self.received if b["sender"] == request.match_info["sender"]]
        if not sent:
            return web.json_response({"latest_message": {}})
        text = sent[-1]
        name = INTENTS.get(text.strip().lower(), "nlu_fallback")
        intent, _, topic = name.partition("/")
        latest: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.97}}
        if topic:
            latest["response_selector"] = {intent: {"response": {"intent_response_key": name, "confidence": 0.95}}}
        return web.json_response({"sender_id": request.match_info["sender"], "latest_message": latest})

    async def root(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")


async def rasa_webchat_page(request: web.Request) -> web.Response:
    return web.Response(text=RASA_WEBCHAT_PAGE, content_type="text/html")


# The widget as an integrator embeds it, pointed at the gateway.
RASA_WEBCHAT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rasa-webchat against the gateway</title></head>
<body>
<div id="webchat"></div>
<script src="/test/rasa-webchat/index.js"></script>
<script>
  WebChat.default({
    selector: "#webchat",
    initPayload: "/greet",
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    title: "Helpline",
    embedded: true,
    showMessageDate: false,
    customMessageDelay: function () { return 0; },
    params: { storage: "session" }
  }, null);
</script>
</body></html>"""


async def rasa_webchat_bundle(request: web.Request) -> web.FileResponse:
    return web.FileResponse(NODE_MODULES / "rasa-webchat" / "lib" / "index.js")


class ForeignSite:
    """A program's own website on another origin, with the embed snippet pasted into its pages."""

    PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sunrise Recovery: outpatient care</title>
<style>body {{ font: 18px/1.5 Georgia, serif; margin: 0; color: #222; background: #fbfaf7; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 1rem 1rem 10rem; }}
#helpline-chat {{ height: 560px; border: 1px solid #999; }}</style>
</head><body><main>
<h1>Sunrise Recovery</h1>
<p>Evening and morning groups for adults and teens. Ask us anything in the chat.</p>
{mount}
</main>
<script src="{gateway}/chat/widget.js" data-exit-url="{exit_url}"{extra} defer></script>
</body></html>"""

    def __init__(self) -> None:
        self.gateway = ""
        self.exit_url = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.page)
        app.router.add_get("/inline", self.page)
        app.router.add_get("/neutral", self.neutral)
        app.router.add_get("/rasa-webchat", self.rasa_webchat)
        return app

    async def rasa_webchat(self, request: web.Request) -> web.Response:
        """rasa-webchat on the program's site, pointed at the gateway (another origin)."""
        html = RASA_WEBCHAT_PAGE.replace("/test/rasa-webchat/index.js", self.gateway + "/test/rasa-webchat/index.js")
        html = html.replace("window.location.origin", json.dumps(self.gateway))
        return web.Response(text=html, content_type="text/html")

    async def page(self, request: web.Request) -> web.Response:
        inline = request.path == "/inline"
        extra = "".join(
            f' data-{name}="{request.query[name]}"'
            for name in ("color", "position", "greeting")
            if name in request.query
        )
        html = self.PAGE.format(
            gateway=self.gateway,
            exit_url=self.exit_url,
            mount='<div id="helpline-chat"></div>' if inline else "",
            extra=extra,
        )
        return web.Response(text=html, content_type="text/html")

    async def neutral(self, request: web.Request) -> web.Response:
        return web.Response(
            text='<!doctype html><html lang="en"><title>Weather</title><h1>Sunny</h1></html>',
            content_type="text/html",
        )


@dataclasses.dataclass
class Helpline:
    url: str
    app: web.Application
    rasa: FakeRasa
    loop: asyncio.AbstractEventLoop
    # The program's site (in WEB_CHAT_ORIGINS) and a site that is not.
    site_url: str = ""
    stranger_url: str = ""

    def run(self, coro: Awaitable[T], timeout: float = 10) -> T:
        """Run a coroutine on the gateway's loop, from a test."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def deliver_staff_reply(self, session_id: str, staff_name: str, text: str) -> bool:
        from bot.turn import Reply

        return self.run(
            self.app[DELIVERIES].deliver("web", session_id, Reply(text=text, author="staff", staff_name=staff_name))
        )

    def transcript(self, session_id: str) -> Optional[Dict[str, Any]]:
        from bot.store import conversations as convo

        return self.run(self.app[DB].run(convo.conversation_by_address, "web", session_id))


class GatewayThread(threading.Thread):
    def __init__(self, tmp: Path, port: int = 0):
        super().__init__(name="gateway", daemon=True)
        self.tmp = tmp
        self.port = port  # 0: any free port; a fixed one lets a test restart the gateway where the page expects it
        self.ready: Future = Future()
        self.loop = asyncio.new_event_loop()
        self.stopping: Optional[asyncio.Event] = None

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.serve())
        except BaseException as exc:  # reported to the fixture waiting on `ready`
            if not self.ready.done():
                self.ready.set_exception(exc)
            raise

    async def serve(self) -> None:
        self.stopping = asyncio.Event()
        rasa = FakeRasa()
        rasa_runner = web.AppRunner(rasa.app())
        await rasa_runner.setup()
        rasa_site = web.TCPSite(rasa_runner, "127.0.0.1", 0)
        await rasa_site.start()
        rasa_url = bound_url(rasa_runner)
        runners = [rasa_runner]
        sites = []
        for _ in range(2):
            site = ForeignSite()
            site_runner = web.AppRunner(site.app())
            await site_runner.setup()
            await web.TCPSite(site_runner, "127.0.0.1", 0).start()
            runners.append(site_runner)
            sites.append((site, bound_url(site_runner)))
        (program_site, site_url), (stranger_site, stranger_url) = sites

        settings = Settings.from_env(
            {
                "DATABASE_URL": f"sqlite:///{self.tmp}/helpline.db",
                "RASA_URL": rasa_url,
                "ACTION_SERVER_URL": rasa_url,
                "BOT_API_TOKEN": API_TOKEN,
                # One key per store, so a gateway restarted on it still knows the sessions it signed.
                "CONSOLE_SECRET_KEY": console_key(self.tmp),
                "RASA_TOKEN": "rasa-token",
                "WEB_CHAT_ORIGINS": site_url,
            }
        )
        app = create_app(settings)
        app.router.add_get("/test/rasa-webchat/", rasa_webchat_page)
        app.router.add_get("/test/rasa-webchat/index.js", rasa_webchat_bundle)
        runner = web.AppRunner(app, shutdown_timeout=5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        gateway_url = bound_url(runner)
        for site in (program_site, stranger_site):
            site.gateway, site.exit_url = gateway_url, stranger_url + "/neutral"
        self.ready.set_result(Helpline(gateway_url, app, rasa, self.loop, site_url, stranger_url))
        await self.stopping.wait()
        await runner.cleanup()
        for other in runners:
            await other.cleanup()
        # Engine.IO leaves a sleeping ping task per closed socket.
        leftovers = asyncio.all_tasks() - {asyncio.current_task()}
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)

    def stop(self) -> None:
        if self.stopping is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)
        self.join(15)


def console_key(folder: Path) -> str:
    path = folder / "console-secret.key"
    if not path.exists():
        path.write_text(Fernet.generate_key().decode())
    return path.read_text()


def bound_url(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}"


def running_gateway(folder: Path, port: int = 0) -> Iterator[Helpline]:
    require_browser_tools()
    thread = GatewayThread(folder, port)
    thread.start()
    try:
        yield thread.ready.result(30)
    finally:
        thread.stop()


@pytest.fixture(scope="session")
def helpline(tmp_path_factory) -> Iterator[Helpline]:
    yield from running_gateway(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def console_helpline(tmp_path_factory) -> Iterator[Helpline]:
    """A gateway of its own for the console tests, so no other test's tickets are in its queue."""
    yield from running_gateway(tmp_path_factory.mktemp("console"))


# Per module, not per session: Playwright's sync API keeps an event loop
# running in the main thread, which would break async tests collected later.
@pytest.fixture(scope="module")
def browser(helpline):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, helpline, request):
    """A fresh visitor: new context, so nothing stored by another test."""
    # bypass_csp only so a test can inject axe-core; the header itself is checked in the unit tests.
    context = browser.new_context(viewport={"width": 800, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: List[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def accessibility_violations(page) -> List[Dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    page.add_script_tag(path=str(NODE_MODULES / "axe-core" / "axe.min.js"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"]]} for v in result["violations"]
    ]


@pytest.fixture
def axe_violations() -> Callable[[Any], List[Dict[str, Any]]]:
    # A fixture, not an import: tests/bot has a conftest module of the same name.
    return accessibility_violations


@pytest.fixture
def staff_says(helpline) -> Callable[[str, str, str], bool]:
    return helpline.deliver_staff_reply


@pytest.fixture
def gateway_thread() -> Callable[..., "GatewayThread"]:
    """The in-process gateway, for a test that stops and starts one (test modules cannot import conftest)."""
    return GatewayThread
