"""`make soak`: mixed visitors on every channel for ten minutes, with one fault injected every minute.

It starts the action server, Rasa and the gateway under the real supervisor
(`bot.supervisor`, as `python -m bot run` does) on free ports with a throwaway
store, then runs visitors on REST, SMS (signed with Twilio's library) and the
web chat (socket.io) while it injects, in turn: SQLite's write lock held by
another process, Rasa hung (SIGSTOP), the gateway killed, the action server
killed. A visitor whose request failed retries it with the same message id,
as a client would. At the end it waits for the gateway's journal to empty and
checks in the store that every message the helpline acknowledged is there
exactly once, and that every crisis was answered with the crisis lines first
and has its ticket. It prints the figures, and exits non-zero if anything
acknowledged was lost or a crisis was not answered first.

    python scripts/soak.py [--minutes 10] [--visitors 6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import requests
import socketio
from cryptography.fernet import Fernet
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli import children  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.supervisor import Child, supervise  # noqa: E402
from bot.turn import client_message_key  # noqa: E402

QUESTIONS = [
    "how much does the program cost",
    "what is an intensive outpatient program",
    "do you take insurance",
    "how long does the program last",
    "can i keep working while i do this",
    "do you have evening groups",
    "hello",
    "what happens at the first visit",
    "is it confidential",
    "thanks",
]
CRISES = ["i want to kill myself", "i took a whole bottle of pills", "i dont want to be alive anymore"]
CRISIS_SHARE = 0.08
FAULTS = ("sqlite write lock (15 s)", "rasa hung (20 s)", "gateway killed", "action server killed")
TWILIO_TOKEN = "soak-twilio-token"
PROGRAM_NUMBER = "+15550100147"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_crisis_reply(text: str) -> bool:
    return "911" in text and "988" in text


@dataclass
class Sent:
    channel: str
    address: str
    text: str
    key: str  # as stored: the MessageSid, or the client id scoped to its sender
    crisis: bool
    acknowledged: bool = False
    seconds: Optional[float] = None
    crisis_first: Optional[bool] = None
    attempts: int = 0


@dataclass
class Figures:
    sent: List[Sent] = field(default_factory=list)
    faults: List[Tuple[float, str]] = field(default_factory=list)
    rss: Dict[str, List[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sent: Sent) -> None:
        with self.lock:
            self.sent.append(sent)


# -- visitors ----------------------------------------------------------------------------------
class Visitor:
    def __init__(self, number: int, url: str, figures: Figures, rng: random.Random):
        self.url, self.figures, self.rng = url, figures, rng
        self.rest_sender = f"soak-{number}-{uuid.uuid4().hex[:8]}"
        self.phone = "+1555" + str(rng.randrange(10**7)).zfill(7)
        self.web_session = secrets.token_hex(16)
        self.web: Optional[socketio.Client] = None
        self.web_replies: List[dict] = []
        self.web_arrived = threading.Condition()

    def turn(self) -> None:
        crisis = self.rng.random() < CRISIS_SHARE
        text = self.rng.choice(CRISES if crisis else QUESTIONS)
        channel = self.rng.choices(["rest", "sms", "web"], weights=[2, 1, 1])[0]
        message_id = uuid.uuid4().hex[:20]
        if channel == "rest":
            sent = Sent("rest", self.rest_sender, text, client_message_key(self.rest_sender, message_id), crisis)
            self._retrying(sent, lambda: self._rest(text, message_id))
        elif channel == "sms":
            sid = "SM" + secrets.token_hex(16)
            sent = Sent("sms", self.phone, text, sid, crisis)
            self._retrying(sent, lambda: self._sms(text, sid))
        else:
            sent = Sent("web", self.web_session, text, client_message_key(self.web_session, message_id), crisis)
            self._retrying(sent, lambda: self._web(text, message_id))
        self.figures.add(sent)

    def _retrying(self, sent: Sent, attempt) -> None:
        """Retry with the same id until acknowledged, for up to a minute, as a client would."""
        started = time.monotonic()
        while time.monotonic() - started < 60:
            sent.attempts += 1
            try:
                first = attempt()
            except Exception:
                time.sleep(1)
                continue
            if first is None:
                time.sleep(1)
                continue
            sent.acknowledged = True
            sent.seconds = time.monotonic() - started
            if sent.crisis:
                sent.crisis_first = is_crisis_reply(first)
            return

    def _rest(self, text: str, message_id: str) -> Optional[str]:
        resp = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": self.rest_sender, "message": text, "message_id": message_id},
            timeout=30,
        )
        if resp.status_code != 200:
            return None
        replies = resp.json()
        return replies[0].get("text", "") if replies else ""

    def _sms(self, text: str, sid: str) -> Optional[str]:
        url = f"{self.url}/webhooks/twilio/sms"
        form = {"From": self.phone, "To": PROGRAM_NUMBER, "Body": text, "AccountSid": "ACsoak", "MessageSid": sid}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
        resp = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
        if resp.status_code != 200:
            return None
        messages = ["".join(m.itertext()) for m in ET.fromstring(resp.text).iter("Message")]
        return messages[0] if messages else ""

    def _web(self, text: str, message_id: str) -> Optional[str]:
        if self.web is None or not self.web.connected:
            self._connect()
        assert self.web is not None
        start = len(self.web_replies)
        self.web.emit("user_uttered", {"message": text, "session_id": self.web_session, "message_id": message_id})
        with self.web_arrived:
            if not self.web_arrived.wait_for(lambda: len(self.web_replies) > start, 30):
                # No answer: the gateway may have gone; reconnect and resend the same id.
                self.web.disconnect()
                return None
            return self.web_replies[start].get("text", "")

    def _connect(self) -> None:
        if self.web is not None:
            try:
                self.web.disconnect()
            except Exception:
                pass
        client = socketio.Client(reconnection=False)
        confirmed = threading.Event()
        client.on("session_confirm", lambda *_: confirmed.set())
        client.on("bot_uttered", self._on_reply)
        client.connect(self.url, transports=["polling"], wait_timeout=10)
        client.emit("session_request", {"session_id": self.web_session})
        if not confirmed.wait(10):
            client.disconnect()
            raise ConnectionError("no session_confirm")
        self.web = client

    def _on_reply(self, data: dict) -> None:
        with self.web_arrived:
            self.web_replies.append(data)
            self.web_arrived.notify_all()

    def close(self) -> None:
        if self.web is not None and self.web.connected:
            self.web.disconnect()


def visit(visitor: Visitor, until: float, rng: random.Random) -> None:
    while time.monotonic() < until:
        visitor.turn()
        time.sleep(rng.uniform(1.0, 3.0))
    visitor.close()


# -- faults -------------------------------------------------------------------------------------
LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN IMMEDIATE")
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def inject(fault: str, kids: Dict[str, Child], database: str) -> None:
    if fault.startswith("sqlite"):
        subprocess.run([sys.executable, "-c", LOCK_HOLDER, database, "15"], check=True, timeout=60)
    elif fault.startswith("rasa hung"):
        pid = kids["rasa"].process.pid  # type: ignore[union-attr]
        os.killpg(pid, signal.SIGSTOP)
        time.sleep(20)
        os.killpg(pid, signal.SIGCONT)
    elif fault == "gateway killed":
        os.killpg(kids["gateway"].process.pid, signal.SIGKILL)  # type: ignore[union-attr]
    elif fault == "action server killed":
        os.killpg(kids["action server"].process.pid, signal.SIGKILL)  # type: ignore[union-attr]


def rss_kib(pid: int) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def faults_and_samples(kids: Dict[str, Child], database: str, figures: Figures, started: float, until: float) -> None:
    turn = 0
    next_fault = started + 60
    while time.monotonic() < until:
        for name in ("gateway", "rasa"):
            proc = kids[name].process
            value = rss_kib(proc.pid) if proc and proc.returncode is None else None
            if value:
                figures.rss.setdefault(name, []).append(value)
        if time.monotonic() >= next_fault and time.monotonic() < until - 20:
            fault = FAULTS[turn % len(FAULTS)]
            turn += 1
            figures.faults.append((time.monotonic() - started, fault))
            print(f"  {time.monotonic() - started:5.0f}s  fault: {fault}", flush=True)
            try:
                inject(fault, kids, database)
            except Exception as exc:
                print(f"         could not inject it: {exc}", flush=True)
            next_fault += 60
        time.sleep(2)


# -- the check ----------------------------------------------------------------------------------
def wait_for_journal(url: str, timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            body = requests.get(f"{url}/healthz", timeout=10).json()
            if body.get("journal", {}).get("waiting") == 0 and body.get("database") == "ok":
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(2)
    return False


def check(figures: Figures, database: str) -> Dict[str, int]:
    db = sqlite3.connect(database)
    lost = duplicated = crisis_without_ticket = 0
    for sent in figures.sent:
        if not sent.acknowledged:
            continue
        count = db.execute(
            "SELECT count(*) FROM messages WHERE channel = ? AND channel_message_id = ?", (sent.channel, sent.key)
        ).fetchone()[0]
        if count == 0:
            lost += 1
        duplicated += max(0, count - 1)
        if sent.crisis and count:
            tickets = db.execute(
                "SELECT count(*) FROM handoffs h JOIN conversations c ON c.id = h.conversation_id "
                "WHERE c.channel = ? AND c.address = ? AND h.priority = 'crisis'",
                (sent.channel, sent.address),
            ).fetchone()[0]
            crisis_without_ticket += tickets == 0
    # Nothing stored that was not sent: every visitor message in the store is one of ours, once.
    stored = db.execute("SELECT count(*) FROM messages WHERE author = 'visitor'").fetchone()[0]
    db.close()
    extra = max(0, stored - len({(s.channel, s.key) for s in figures.sent}))
    return {
        "lost": lost,
        "duplicated": duplicated + extra,
        "crisis_without_ticket": crisis_without_ticket,
        "stored": stored,
    }


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(figures: Figures, result: Dict[str, int], minutes: float, drained: bool) -> int:
    sent = figures.sent
    acked = [s for s in sent if s.acknowledged]
    crises = [s for s in sent if s.crisis]
    print(f"\nSoak: {minutes:g} minutes, {len(figures.faults)} faults: " + ", ".join(f for _, f in figures.faults))
    for channel in ("rest", "sms", "web"):
        mine = [s for s in sent if s.channel == channel]
        print(
            f"  {channel:4}  sent {len(mine):4}  acknowledged {sum(s.acknowledged for s in mine):4}  "
            f"retried {sum(s.attempts > 1 for s in mine):3}"
        )
    times = [s.seconds for s in acked if s.seconds is not None]
    crisis_times = [s.seconds for s in crises if s.seconds is not None]
    print(
        f"  reply time (with retries): median {statistics.median(times) if times else float('nan'):.2f}s, "
        f"p95 {percentile(times, 0.95):.2f}s, max {max(times) if times else float('nan'):.2f}s"
    )
    print(
        f"  crises: {len(crises)} sent, {sum(bool(s.crisis_first) for s in crises)} answered with the crisis lines "
        f"first, {result['crisis_without_ticket']} without a ticket; crisis reply median "
        f"{statistics.median(crisis_times) if crisis_times else float('nan'):.2f}s, max "
        f"{max(crisis_times) if crisis_times else float('nan'):.2f}s"
    )
    print(f"  never acknowledged (visitor gave up after a minute): {len(sent) - len(acked)}")
    print(
        f"  acknowledged but lost: {result['lost']}; stored twice: {result['duplicated']} "
        f"({result['stored']} visitor messages in the store for {len(sent)} sent)"
    )
    print(f"  journal emptied after the run: {'yes' if drained else 'NO'}")
    for name, values in figures.rss.items():
        if values:
            quarter = max(1, len(values) // 4)
            print(
                f"  {name} memory (RSS): first minutes {statistics.median(values[:quarter]) / 1024:.0f} MiB, "
                f"last minutes {statistics.median(values[-quarter:]) / 1024:.0f} MiB, "
                f"max {max(values) / 1024:.0f} MiB"
            )
    failed = (
        result["lost"]
        or result["duplicated"]
        or result["crisis_without_ticket"]
        or any(s.crisis_first is False for s in crises)
        or not drained
    )
    print("  result: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


# -- running it ---------------------------------------------------------------------------------
async def soak(minutes: float, visitors: int, seed: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="helpline-soak-"))
    ports = {"actions": free_port(), "rasa": free_port(), "gateway": free_port()}
    database = work / "helpline.db"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "TRACKER_STORE_URL": f"sqlite:///{work}/tracker.db",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
        "GATEWAY_PORT": str(ports["gateway"]),
        "GATEWAY_HOST": "127.0.0.1",
        "RASA_TOKEN": secrets.token_hex(16),
        "TWILIO_ACCOUNT_SID": "ACsoak",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": PROGRAM_NUMBER,
        "TWILIO_API_BASE": f"http://127.0.0.1:{free_port()}",  # nobody: late SMS replies fail, and are logged
        "CONSOLE_SECRET_KEY": Fernet.generate_key().decode(),
        "CONSOLE_ADMIN_USERNAME": "soak-admin",
        "CONSOLE_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
    }
    os.environ.update(env)
    settings = Settings.from_env()
    kids = {c.name: c for c in children(settings, env["RASA_TOKEN"], work)}
    url = settings.gateway_url
    print(f"Starting the helpline (logs in {work}) ...", flush=True)
    stop = asyncio.Event()
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    supervisor = asyncio.create_task(supervise(list(kids.values()), on_ready=on_ready, stop_event=stop))
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait({supervisor, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if supervisor.done():
        supervisor.result()
        return 1
    figures = Figures()
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    until = started + minutes * 60
    print(f"Running {visitors} visitors for {minutes:g} minutes, a fault every minute ...", flush=True)
    rng = random.Random(seed)
    # A thread each: the default pool (cores + 4) would hold the faults back behind the visitors.
    pool = ThreadPoolExecutor(max_workers=visitors + 2, thread_name_prefix="soak")
    jobs = [
        loop.run_in_executor(pool, visit, Visitor(n, url, figures, random.Random(rng.random())), until, rng)
        for n in range(visitors)
    ]
    jobs.append(loop.run_in_executor(pool, faults_and_samples, kids, str(database), figures, started, until))
    try:
        await asyncio.gather(*jobs)
        drained = await loop.run_in_executor(pool, wait_for_journal, url)
        result = check(figures, str(database))
    finally:
        stop.set()
        await supervisor
    return report(figures, result, minutes, drained)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--visitors", type=int, default=6)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    return asyncio.run(soak(args.minutes, args.visitors, args.seed))


if __name__ == "__main__":
    sys.exit(main())
