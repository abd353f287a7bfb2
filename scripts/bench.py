"""The helpline under load, beside Rasa alone: prints figures and writes them as JSON, asserts nothing.

    python scripts/bench.py [--levels 1,10,20] [--seconds 10] [--rounds 2] [--out results/bench.json]
                            [--long-turns 100] [--paused-seconds 60] [--store sqlite|postgresql]

It starts the real helpline itself (`python -m bot run --no-chat`
on free ports, with a throwaway store; `--store postgresql` puts the
transcripts and Rasa's trackers in a fresh database on DATABASE_ADMIN_URL) and
stops it afterwards.

Simulated visitors hold scripted conversations (questions, a situation, a
whole screen, a handoff, a crisis) back to back, over the gateway's REST,
socket.io and signed SMS channels. At each concurrency level, blocks of the
gateway's REST channel and of the same load sent straight to Rasa's REST
channel are interleaved (gateway, Rasa, Rasa, gateway, ...), so what the
gateway adds is a ratio taken on the same machine at the same moment (the
median of each round's ratio). Then: all channels at once, one long
conversation (turn 1 against turn 100), visitors with a 5-15 s pause between
messages, the time from a crisis message to the staff console's websocket
event, and the crisis reply while Rasa is saturated. Peak memory is read from
each process's /proc status at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp
import socketio
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.rasa_client import CHANNEL_PATH  # noqa: E402  (where the gateway's channel in Rasa listens)
from scripts.healthz import all_up  # noqa: E402

API_TOKEN = secrets.token_urlsafe(16)
RASA_TOKEN = secrets.token_urlsafe(16)
# The bench speaks for many visitors from one address, as an integration does.
REST_TOKEN = secrets.token_urlsafe(16)
TWILIO_TOKEN = secrets.token_urlsafe(16)
PROGRAM_NUMBER = "+15550100147"
ADMIN = ("bench-admin", secrets.token_urlsafe(18))
TURN_TIMEOUT = 60.0
# socket.io sends one event per reply part: a turn is over when none came for this long.
WEB_QUIET_SECONDS = 0.03
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')

QUESTIONS = [
    "hi",
    "how much does it cost",
    "do you take insurance",
    "what are your hours",
    "how long does the program last",
    "is it confidential",
    "thanks",
]
SITUATION = [
    "i have been drinking every night and i can't stop",
    "my wife says i need help and i think she is right",
    "what happens at the first appointment",
    "ok thank you",
]
# One health question, no readiness, and no schedule for an outpatient result: ten messages in all.
SCREEN = [
    "which kind of program would fit me",
    "me",
    "yes",
    "nope",
    "no, i just get kinda irritable",
    "not at all",
    "not at all",
    "no, it's fine honestly",
    "like 3 or 4 times a week",
    "no never tried anything",
    "yes",
]
HANDOFF = ["hello", "what is an intensive outpatient program", "can i talk to a real person please"]
CRISIS = ["hi", "i want to kill myself"]
SCRIPTS = {"questions": QUESTIONS, "situation": SITUATION, "screen": SCREEN, "handoff": HANDOFF, "crisis": CRISIS}
CHANNELS = ("rest", "web", "sms")


# -- figures -----------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """The p-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(latencies: Sequence[float], errors: int, seconds: float) -> Dict[str, Any]:
    """Milliseconds per turn, turns per second, errors."""

    def ms(p: float) -> Optional[float]:
        value = percentile(latencies, p)
        return None if value is None else round(value * 1000, 1)

    return {
        "turns": len(latencies),
        "errors": errors,
        "seconds": round(seconds, 2),
        "turns_per_second": round(len(latencies) / seconds, 2) if seconds > 0 else None,
        "p50_ms": ms(50),
        "p95_ms": ms(95),
        "p99_ms": ms(99),
    }


def ratio(gateway: Optional[float], rasa: Optional[float]) -> Optional[float]:
    return round(gateway / rasa, 3) if gateway and rasa else None


def crisis_token(rng: random.Random) -> str:
    """Letters only: the console's preview masks digit runs, and this marks one message in the queue."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


# -- the helpline --------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Helpline:
    url: str
    rasa_url: str
    proc: Optional[subprocess.Popen] = None
    log: Optional[Path] = None
    # More Rasa processes beside the one `bot run` starts (--rasa-processes), and their URLs.
    extra: List[subprocess.Popen] = field(default_factory=list)
    replica_urls: List[str] = field(default_factory=list)

    def rasa_for(self, n: int) -> str:
        """Rasa alone: visitors spread over every Rasa process, as the gateway spreads conversations."""
        urls = [self.rasa_url, *self.replica_urls]
        return urls[n % len(urls)]

    def pids(self) -> Dict[str, int]:
        """The gateway's, Rasa's and the action server's process ids (children of `bot run`)."""
        if not self.proc:
            return {}
        found: Dict[str, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid != self.proc.pid or len(argv) < 3:
                continue
            module = argv[2].decode(errors="replace")
            name = {"rasa_sdk": "action server", "bot": "gateway"}.get(module, "rasa" if "rasa" in module else module)
            found[name] = int(entry.name)
        for n, extra in enumerate(self.extra, start=2):
            found[f"rasa {n}"] = extra.pid
        return found


def memory(pid: int) -> Dict[str, Optional[float]]:
    """Peak and current resident memory in MB, from the kernel."""
    out: Dict[str, Optional[float]] = {"peak_mb": None, "rss_mb": None}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out["peak_mb" if key == "VmHWM" else "rss_mb"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def postgres_database(admin_url: str) -> Tuple[str, str]:
    """A fresh database for one run: (its URL, its name)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def start_helpline(work: Path, store_url: Optional[str], rasa_processes: int = 1) -> Helpline:
    ports = {name: free_port() for name in ("actions", "rasa", "gateway")}
    replica_ports = [free_port() for _ in range(rasa_processes - 1)]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": store_url or f"sqlite:///{work}/helpline.db",
        "TRACKER_STORE_URL": store_url or f"sqlite:///{work}/tracker.db",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(ports["gateway"]),
        "BOT_API_TOKEN": API_TOKEN,
        "RASA_TOKEN": RASA_TOKEN,
        "REST_TOKEN": REST_TOKEN,
        # A load test sends faster than any visitor may: the limits would refuse it.
        "REST_RATE_LIMITS": "off",
        "CONSOLE_ADMIN_USERNAME": ADMIN[0],
        "CONSOLE_ADMIN_PASSWORD": ADMIN[1],
        # The texting line is on; replies come back as TwiML, so Twilio's API (nobody listens there) is never used.
        "TWILIO_ACCOUNT_SID": "ACbench",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": PROGRAM_NUMBER,
        "TWILIO_API_BASE": f"http://127.0.0.1:{free_port()}",
        "LOG_LEVEL": "WARNING",
        "RASA_REPLICAS": ",".join(f"http://127.0.0.1:{p}" for p in replica_ports),
    }
    extra = []
    for n, port in enumerate(replica_ports, start=2):
        # The same command `bot run` gives its own Rasa, on the same shared tracker store.
        with (work / f"rasa{n}.log").open("wb") as out:
            extra.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "connectors.run",
                        "--enable-api",
                        "--interface",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--model",
                        str(ROOT / "models" / "helpline.tar.gz"),
                        "--endpoints",
                        str(ROOT / "endpoints.yml"),
                        "--credentials",
                        str(ROOT / "credentials.yml"),
                    ],
                    cwd=ROOT,
                    env={**env, "RASA_TELEMETRY_ENABLED": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    log = work / "helpline.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-chat"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    helpline = Helpline(
        f"http://127.0.0.1:{ports['gateway']}",
        env["RASA_URL"],
        proc,
        log,
        extra,
        [f"http://127.0.0.1:{p}" for p in replica_ports],
    )
    import requests

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop(helpline)
            raise RuntimeError(f"the helpline exited:\n{log.read_text()[-3000:]}")
        try:
            health = requests.get(f"{helpline.url}/healthz", timeout=2)
            replicas_up = all(requests.get(f"{u}/", timeout=2).ok for u in helpline.replica_urls)
            if health.status_code == 200 and all_up(health.json()) and replicas_up:
                return helpline
        except requests.RequestException:
            pass
        time.sleep(1)
    stop(helpline)
    raise RuntimeError("the helpline was not up after 600 s")


def stop(helpline: Helpline) -> None:
    for extra in helpline.extra:
        if extra.poll() is None:
            os.killpg(extra.pid, signal.SIGTERM)
            try:
                extra.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(extra.pid, signal.SIGKILL)
    if helpline.proc and helpline.proc.poll() is None:
        os.killpg(helpline.proc.pid, signal.SIGINT)
        try:
            helpline.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(helpline.proc.pid, signal.SIGKILL)


# -- one visitor, one channel -----------------------------------------------------
class Turns:
    """Where one block's turns are counted."""

    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.by_channel: Dict[str, List[float]] = {}
        self.errors = 0
        self.error_samples: List[str] = []

    def ok(self, channel: str, seconds: float) -> None:
        self.latencies.append(seconds)
        self.by_channel.setdefault(channel, []).append(seconds)

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)


class Conversation:
    """One visitor's side of one conversation on one channel; `say` returns once the replies are in."""

    channel = "rest"

    async def open(self) -> None:
        pass

    async def say(self, text: str) -> int:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class RestConversation(Conversation):
    """REST on the gateway, or, given `rasa=True`, the same request straight to Rasa's channel (ours: it
    takes Rasa's REST shape and the gateway's token)."""

    def __init__(self, http: aiohttp.ClientSession, base: str, sender: str, rasa: bool = False):
        self.http, self.sender = http, sender
        self.url = f"{base}{CHANNEL_PATH}" if rasa else f"{base}/webhooks/rest/webhook"
        self.headers = {"Authorization": f"Bearer {RASA_TOKEN if rasa else REST_TOKEN}"}

    async def say(self, text: str) -> int:
        body = {"sender": self.sender, "message": text}
        async with self.http.post(self.url, json=body, headers=self.headers) as resp:
            resp.raise_for_status()
            return len(await resp.json())


class SmsConversation(Conversation):
    channel = "sms"

    def __init__(self, http: aiohttp.ClientSession, base: str, number: str):
        self.http, self.url, self.number = http, f"{base}/webhooks/twilio/sms", number
        self.signer = RequestValidator(TWILIO_TOKEN)

    async def say(self, text: str) -> int:
        form = {
            "From": self.number,
            "To": PROGRAM_NUMBER,
            "Body": text,
            "AccountSid": "ACbench",
            "MessageSid": "SM" + secrets.token_hex(16),
        }
        headers = {"X-Twilio-Signature": self.signer.compute_signature(self.url, form)}
        async with self.http.post(self.url, data=form, headers=headers) as resp:
            resp.raise_for_status()
            return (await resp.text()).count("<Message")


class WebConversation(Conversation):
    channel = "web"

    def __init__(self, base: str):
        self.base = base
        self.client = socketio.AsyncClient(reconnection=False)
        self.arrived = asyncio.Event()
        self.count = 0
        self.session_id = ""  # the gateway issues (and signs) it, as for any new browser
        self.confirmed = asyncio.Event()
        self.client.on("session_confirm", self._confirm)
        self.client.on("bot_uttered", self._reply)

    async def _confirm(self, data: Any = None, *_: Any) -> None:
        self.session_id = data if isinstance(data, str) else (data or {}).get("session_id", "")
        self.confirmed.set()

    async def _reply(self, *_: Any) -> None:
        self.count += 1
        self.arrived.set()

    async def open(self) -> None:
        # Long polling, as a browser falls back to; the websocket transport behaves the same on the server.
        await self.client.connect(self.base, transports=["polling"])
        await self.client.emit("session_request", {"session_id": None})
        await asyncio.wait_for(self.confirmed.wait(), TURN_TIMEOUT)

    async def say(self, text: str) -> int:
        self.count = 0
        self.arrived.clear()
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        await asyncio.wait_for(self.arrived.wait(), TURN_TIMEOUT)
        return self.count

    async def settle(self) -> None:
        """The rest of a turn's parts (not timed): until none came for a moment."""
        while True:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), WEB_QUIET_SECONDS)
            except asyncio.TimeoutError:
                return

    async def close(self) -> None:
        await self.client.disconnect()


class Target:
    """Where a block's load goes: the gateway (channels in turn) or Rasa's own REST channel."""

    def __init__(self, name: str, http: aiohttp.ClientSession, helpline: Helpline, channels: Sequence[str]):
        self.name, self.http, self.helpline, self.channels = name, http, helpline, channels

    def conversation(self, visitor: int, n: int) -> Conversation:
        channel = self.channels[(visitor + n) % len(self.channels)]
        tag = f"bench-{self.name}-{visitor}-{n}-{secrets.token_hex(4)}"
        if self.name == "rasa":
            return RestConversation(self.http, self.helpline.rasa_for(visitor + n), tag, rasa=True)
        if channel == "web":
            return WebConversation(self.helpline.url)
        if channel == "sms":
            return SmsConversation(self.http, self.helpline.url, "+1555" + str(secrets.randbelow(10**7)).zfill(7))
        return RestConversation(self.http, self.helpline.url, tag)


async def timed_turn(convo: Conversation, text: str, turns: Turns) -> bool:
    started = time.monotonic()
    try:
        replies = await asyncio.wait_for(convo.say(text), TURN_TIMEOUT)
    except Exception as exc:
        turns.failed(f"{convo.channel}: {type(exc).__name__}: {exc}"[:200])
        return False
    elapsed = time.monotonic() - started
    if replies < 1:
        turns.failed(f"{convo.channel}: no reply to {text!r}")
        return False
    turns.ok(convo.channel, elapsed)
    if isinstance(convo, WebConversation):
        await convo.settle()
    return True


async def visitor(
    target: Target, number: int, deadline: float, turns: Turns, pause: Tuple[float, float], closing: List[asyncio.Task]
) -> None:
    """Conversations one after another until the deadline; a new visitor (sender) for each."""
    names = list(SCRIPTS)
    rng = random.Random(number)
    n = 0
    if pause[1]:
        # Paused visitors arrive over the first pause, not all in the same instant.
        await asyncio.sleep(rng.uniform(0, pause[1]))
    while time.monotonic() < deadline:
        script = SCRIPTS[names[(number + n) % len(names)]]
        convo = target.conversation(number, n)
        n += 1
        try:
            try:
                await asyncio.wait_for(convo.open(), TURN_TIMEOUT)
            except Exception as exc:
                turns.failed(f"{convo.channel} connect: {type(exc).__name__}: {exc}"[:200])
                continue
            for text in script:
                if time.monotonic() >= deadline or not await timed_turn(convo, text, turns):
                    break
                if pause[1]:
                    await asyncio.sleep(min(rng.uniform(*pause), max(0.0, deadline - time.monotonic())))
        finally:
            # A socket.io client's goodbye waits out its long poll: not the visitor's time.
            closing.append(asyncio.create_task(convo.close()))


async def block(target: Target, visitors: int, seconds: float, pause: Tuple[float, float] = (0, 0)) -> Turns:
    turns = Turns()
    closing: List[asyncio.Task] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(visitor(target, v, deadline, turns, pause, closing) for v in range(visitors)))
    turns.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    await asyncio.gather(*closing, return_exceptions=True)
    return turns


# -- the staff console's live feed --------------------------------------------------
class ConsoleWatch:
    """A signed-in console page: when each marked crisis message first shows in the live queue."""

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http, self.base = http, base
        self.seen: Dict[str, float] = {}
        self.waiting: Dict[str, asyncio.Event] = {}
        self._task: Optional[asyncio.Task] = None

    async def open(self) -> None:
        async with self.http.get(f"{self.base}/console/login") as resp:
            token = CSRF.search(await resp.text()).group(1)  # type: ignore[union-attr]
        form = {"username": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
        async with self.http.post(f"{self.base}/console/login", data=form, allow_redirects=False) as resp:
            if resp.status >= 400:
                raise RuntimeError(f"console sign-in failed: HTTP {resp.status}")
        ws = await self.http.ws_connect(f"{self.base}/console/live", headers={"Origin": self.base})
        await ws.receive(timeout=30)  # the snapshot on connect
        self._task = asyncio.create_task(self._listen(ws))

    async def _listen(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            at = time.monotonic()
            for ticket in json.loads(message.data).get("queue") or []:
                preview = ticket.get("last_message") or ""
                for token, event in list(self.waiting.items()):
                    if token in preview and token not in self.seen:
                        self.seen[token] = at
                        event.set()

    def expect(self, token: str) -> asyncio.Event:
        self.waiting[token] = asyncio.Event()
        return self.waiting[token]

    async def close(self) -> None:
        if self._task:
            self._task.cancel()


async def crisis_probe(
    http: aiohttp.ClientSession,
    helpline: Helpline,
    watch: Optional[ConsoleWatch],
    rng: random.Random,
) -> Tuple[Optional[float], Optional[float]]:
    """One crisis message from a new visitor: (seconds to the reply, seconds to the console's event)."""
    token = crisis_token(rng)
    convo = RestConversation(http, helpline.url, f"bench-crisis-{token}")
    event = watch.expect(token) if watch else None
    started = time.monotonic()
    try:
        await asyncio.wait_for(convo.say(f"i want to kill myself {token}"), TURN_TIMEOUT)
    except Exception:
        return None, None
    replied = time.monotonic() - started
    if not (watch and event):
        return replied, None
    try:
        await asyncio.wait_for(event.wait(), 10)
    except asyncio.TimeoutError:
        return replied, None
    return replied, watch.seen[token] - started


async def crisis_probes(
    http: aiohttp.ClientSession,
    helpline: Helpline,
    watch: Optional[ConsoleWatch],
    until: float,
    every: float,
    rng: random.Random,
) -> Tuple[List[float], List[float], int]:
    replies: List[float] = []
    alerts: List[float] = []
    missed = 0
    pending: List[asyncio.Task] = []
    while time.monotonic() < until:
        pending.append(asyncio.create_task(crisis_probe(http, helpline, watch, rng)))
        await asyncio.sleep(every)
    for reply, alert in await asyncio.gather(*pending):
        if reply is None:
            missed += 1
            continue
        replies.append(reply)
        if alert is not None:
            alerts.append(alert)
    return replies, alerts, missed


# -- the run ------------------------------------------------------------------------------
def line(label: str, s: Dict[str, Any]) -> str:
    return (
        f"  {label:<28} {s['turns']:>5} turns {s['turns_per_second'] or 0:>6.2f}/s  "
        f"p50 {s['p50_ms'] or 0:>7.1f}  p95 {s['p95_ms'] or 0:>7.1f}  p99 {s['p99_ms'] or 0:>7.1f} ms  "
        f"errors {s['errors']}"
    )


def round_ratios(gateway: List[Dict[str, Any]], rasa: List[Dict[str, Any]]) -> Dict[str, Optional[float]]:
    """gateway/Rasa per round (two adjacent blocks), then the median: the machine's drift cancels out."""
    out: Dict[str, Optional[float]] = {}
    for key, figure in (("p50", "p50_ms"), ("p95", "p95_ms"), ("throughput", "turns_per_second")):
        pairs = [ratio(g[figure], r[figure]) for g, r in zip(gateway, rasa)]
        known = [x for x in pairs if x is not None]
        out[key] = round(statistics.median(known), 3) if known else None
    return out


async def levels(args: argparse.Namespace, http: aiohttp.ClientSession, helpline: Helpline) -> Dict:
    """Visitors typing back to back, the gateway's REST against Rasa's own, in interleaved blocks."""
    # Like for like: REST on both sides (the other channels cost the benchmark's own CPU more; see `channels`).
    gateway = Target("gateway", http, helpline, ["rest"])
    rasa = Target("rasa", http, helpline, ["rest"])
    results: Dict[str, Any] = {}
    for level in args.levels:
        collected: Dict[str, List[Turns]] = {"gateway": [], "rasa": []}
        for r in range(args.rounds):
            order = [gateway, rasa] if r % 2 == 0 else [rasa, gateway]
            for target in order:
                print(
                    f"[{level} visitors] {target.name}, round {r + 1}/{args.rounds} ({args.seconds:.0f} s)...",
                    flush=True,
                )
                turns = await block(target, level, args.seconds)
                collected[target.name].append(turns)
                print(line(target.name, summary(turns.latencies, turns.errors, turns.seconds)), flush=True)
        entry: Dict[str, Any] = {}
        per_round: Dict[str, List[Dict[str, Any]]] = {}
        for name, blocks in collected.items():
            latencies = [x for b in blocks for x in b.latencies]
            entry[name] = summary(latencies, sum(b.errors for b in blocks), sum(b.seconds for b in blocks))
            entry[name]["error_samples"] = [e for b in blocks for e in b.error_samples][:5]
            per_round[name] = [summary(b.latencies, b.errors, b.seconds) for b in blocks]
        g, ra = entry["gateway"], entry["rasa"]
        entry["ratio"] = round_ratios(per_round["gateway"], per_round["rasa"])
        entry["ratio_pooled"] = {
            "p50": ratio(g["p50_ms"], ra["p50_ms"]),
            "p95": ratio(g["p95_ms"], ra["p95_ms"]),
            "throughput": ratio(g["turns_per_second"], ra["turns_per_second"]),
        }
        results[str(level)] = entry
        print(
            f"  => gateway/rasa (median of rounds): p50 x{entry['ratio']['p50']}  p95 x{entry['ratio']['p95']}  "
            f"throughput x{entry['ratio']['throughput']}",
            flush=True,
        )
    return results


async def channels(args: argparse.Namespace, http: aiohttp.ClientSession, helpline: Helpline) -> Dict:
    """The gateway's channels side by side under the same load: REST, socket.io, signed SMS in turn."""
    level = max(args.levels)
    print(f"[{level} visitors on {', '.join(args.channels)}] {args.seconds * 2:.0f} s...", flush=True)
    turns = await block(Target("gateway", http, helpline, args.channels), level, args.seconds * 2)
    out = summary(turns.latencies, turns.errors, turns.seconds)
    out["visitors"] = level
    out["error_samples"] = turns.error_samples
    out["by_channel"] = {ch: summary(turns.by_channel.get(ch, []), 0, 0) for ch in args.channels}
    print(line("all channels", out), flush=True)
    for ch, figures in out["by_channel"].items():
        print(line(f"  {ch}", figures), flush=True)
    return out


async def long_conversation(http: aiohttp.ClientSession, helpline: Helpline, turns: int) -> Dict[str, Any]:
    """One visitor's long conversation on each side, turn by turn in step."""
    print(f"[long conversation] {turns} turns on each side...", flush=True)
    sides = {
        "gateway": RestConversation(http, helpline.url, f"bench-long-g-{secrets.token_hex(4)}"),
        "rasa": RestConversation(http, helpline.rasa_url, f"bench-long-r-{secrets.token_hex(4)}", rasa=True),
    }
    timings: Dict[str, List[Optional[float]]] = {name: [] for name in sides}
    for n in range(turns):
        text = QUESTIONS[1 + n % (len(QUESTIONS) - 1)]
        for name, convo in sides.items():
            t = Turns()
            await timed_turn(convo, text, t)
            timings[name].append(t.latencies[0] if t.latencies else None)
        if (n + 1) % 25 == 0:
            print(f"  {n + 1}/{turns}", flush=True)
    out: Dict[str, Any] = {}
    window = max(1, min(10, turns // 10))
    for name, values in timings.items():
        first = [v for v in values[:window] if v is not None]
        last = [v for v in values[-window:] if v is not None]
        f, la = statistics.median(first) if first else None, statistics.median(last) if last else None
        out[name] = {
            "first_turns_ms": round(f * 1000, 1) if f else None,
            "last_turns_ms": round(la * 1000, 1) if la else None,
            "last_over_first": ratio(la, f),
            "errors": sum(v is None for v in values),
        }
    g, ra = out["gateway"], out["rasa"]
    if None not in (g["first_turns_ms"], g["last_turns_ms"], ra["first_turns_ms"], ra["last_turns_ms"]):
        added_first = g["first_turns_ms"] - ra["first_turns_ms"]
        added_last = g["last_turns_ms"] - ra["last_turns_ms"]
        out["gateway_adds_ms"] = {"first_turns": round(added_first, 1), "last_turns": round(added_last, 1)}
    out["window_turns"] = window
    print(
        f"  gateway: turns 1-{window} {g['first_turns_ms']} ms, last {window} {g['last_turns_ms']} ms "
        f"(x{g['last_over_first']});  rasa: {ra['first_turns_ms']} -> {ra['last_turns_ms']} ms "
        f"(x{ra['last_over_first']})",
        flush=True,
    )
    return out


async def bench(args: argparse.Namespace, helpline: Helpline) -> Dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as http:
        watch = ConsoleWatch(http, helpline.url)
        await watch.open()
        rng = random.Random(11)
        results: Dict[str, Any] = {}
        # Both sides warmed (models, caches, connections) before anything is timed.
        warm = Turns()
        for target in (Target("gateway", http, helpline, ["rest"]), Target("rasa", http, helpline, ["rest"])):
            convo = target.conversation(0, 0)
            for text in QUESTIONS[:3]:
                await timed_turn(convo, text, warm)
        results["levels"] = await levels(args, http, helpline)
        results["channels"] = await channels(args, http, helpline)
        if args.long_turns:
            results["long_conversation"] = await long_conversation(http, helpline, args.long_turns)
        if args.paused_seconds:
            print(f"[20 visitors, a 5-15 s pause between messages] {args.paused_seconds:.0f} s...", flush=True)
            turns = await block(
                Target("gateway", http, helpline, args.channels), 20, args.paused_seconds, pause=(5.0, 15.0)
            )
            results["paused_20"] = summary(turns.latencies, turns.errors, turns.seconds)
            print(line("gateway, paused visitors", results["paused_20"]), flush=True)
        print("[crisis to the staff console, nothing else running] ...", flush=True)
        replies, alerts, missed = await crisis_probes(
            http, helpline, watch, time.monotonic() + args.crisis_seconds, 1.0, rng
        )
        results["crisis_idle"] = {
            "reply": summary(replies, missed, 0),
            "console_event": summary(alerts, len(replies) - len(alerts), 0),
        }
        print(line("crisis reply", results["crisis_idle"]["reply"]), flush=True)
        print(line("crisis -> console event", results["crisis_idle"]["console_event"]), flush=True)
        top = max(args.levels)
        print(f"[crisis to the staff console, {top} visitors back to back] ...", flush=True)
        load = asyncio.create_task(block(Target("gateway", http, helpline, args.channels), top, args.crisis_seconds))
        replies, alerts, missed = await crisis_probes(
            http, helpline, watch, time.monotonic() + args.crisis_seconds, args.crisis_every, rng
        )
        await load
        results["crisis_loaded"] = {
            "visitors": top,
            "reply": summary(replies, missed, 0),
            "console_event": summary(alerts, len(replies) - len(alerts), 0),
        }
        print(line("crisis reply", results["crisis_loaded"]["reply"]), flush=True)
        print(line("crisis -> console event", results["crisis_loaded"]["console_event"]), flush=True)
        await watch.close()
        return results


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> Dict[str, Any]:
    load = os.getloadavg()
    model = next(
        (
            row.split(":", 1)[1].strip()
            for row in Path("/proc/cpuinfo").read_text().splitlines()
            if row.startswith("model name")
        ),
        "unknown",
    )
    return {"cpus": os.cpu_count(), "cpu": model, "load_average_at_start": [round(x, 2) for x in load]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,20", help="concurrent visitors, comma-separated (e.g. 1,10,20,50)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one block of load")
    parser.add_argument("--rounds", type=int, default=3, help="blocks per side and level, interleaved")
    parser.add_argument("--channels", default="rest,web,sms", help="the gateway's channels, taken in turn")
    parser.add_argument("--long-turns", type=int, default=100, help="turns of the long conversation (0: none)")
    parser.add_argument("--paused-seconds", type=float, default=60.0, help="the paused-visitors block (0: none)")
    parser.add_argument("--crisis-seconds", type=float, default=10.0, help="length of each crisis-alert block")
    parser.add_argument("--crisis-every", type=float, default=0.5, help="seconds between crisis messages under load")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--rasa-processes",
        type=int,
        default=1,
        help="Rasa processes on one tracker store, the gateway spreading conversations over them (needs postgresql)",
    )
    parser.add_argument(
        "--database-admin-url",
        default=os.environ.get("DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="with --store postgresql: where a throwaway database is made",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench.json")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in args.levels.split(",") if x.strip()]
    args.channels = [c for c in args.channels.split(",") if c in CHANNELS]
    if args.rasa_processes > 1 and args.store != "postgresql":
        parser.error("--rasa-processes above 1 needs --store postgresql: Rasa processes share one tracker store")
    started = datetime.now(timezone.utc)
    report: Dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "store": args.store,
        "rasa_processes": args.rasa_processes,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    database = None
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        store_url = None
        if args.store == "postgresql":
            store_url, database = postgres_database(args.database_admin_url)
        print("starting the helpline (a minute or two)...", flush=True)
        try:
            helpline = start_helpline(Path(work), store_url, args.rasa_processes)
            try:
                report.update(asyncio.run(bench(args, helpline)))
                report["memory"] = {name: memory(pid) for name, pid in sorted(helpline.pids().items())}
            finally:
                stop(helpline)
        finally:
            if database:
                drop_postgres_database(args.database_admin_url, database)
    report["seconds"] = round((datetime.now(timezone.utc) - started).total_seconds())
    for name, m in report.get("memory", {}).items():
        print(f"  memory {name:<14} peak {m['peak_mb']} MB, at the end {m['rss_mb']} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
