"""The end-to-end suite: the real action server, Rasa and gateway, started once.

The model is trained once per run if `models/helpline.tar.gz` is missing or
older than the training data (the Makefile normally trains it first). Each
process gets a free port and the run its own SQLite files, so a developer's
running helpline is left alone. Every test here is marked `e2e`: `make test`
runs them; `pytest -m "not e2e"` leaves them out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import requests
from cryptography.fernet import Fernet
from e2e_support import API_TOKEN, REST_TOKEN, free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "helpline.tar.gz"
TRAINING = [ROOT / "config.yml", ROOT / "domain.yml", *sorted((ROOT / "data").glob("*.yml"))]
ADMIN = ("e2e-admin", "an e2e admin passphrase")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "e2e: needs the real action server, Rasa and gateway (slow)")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


def ensure_model() -> None:
    newest_input = max(p.stat().st_mtime for p in TRAINING)
    if MODEL.exists() and MODEL.stat().st_mtime >= newest_input:
        return
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", "helpline", "--out", str(MODEL.parent)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    # Rasa keeps the old file when its fingerprint says nothing changed: mark it current, as make does.
    MODEL.touch()


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not up after {timeout}s:\n{log.read_text()[-3000:]}")


@dataclass
class Helpline:
    url: str
    env: Dict[str, str]
    database_url: str
    rasa_port: int
    procs: Dict[str, subprocess.Popen]
    work: Path

    def say(self, sender: str, text: str) -> List[dict]:
        resp = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
            timeout=60,
        )
        resp.raise_for_status()
        return resp.json()

    def api(self, path: str) -> dict:
        resp = requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)
        resp.raise_for_status()
        return resp.json()


def start(name: str, argv: List[str], env: Dict[str, str], logs: Path) -> subprocess.Popen:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_all(procs: Dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def helpline(tmp_path_factory) -> Iterator[Helpline]:
    ensure_model()
    from bot.cli import children
    from bot.config import Settings

    work = tmp_path_factory.mktemp("helpline")
    ports = {"actions": free_port(), "rasa": free_port(), "gateway": free_port()}
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work}/helpline.db",
        "TRACKER_STORE_URL": f"sqlite:///{work}/tracker.db",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
        "GATEWAY_PORT": str(ports["gateway"]),
        "GATEWAY_HOST": "127.0.0.1",
        "BOT_API_TOKEN": API_TOKEN,
        "REST_TOKEN": REST_TOKEN,
        "RASA_TOKEN": "e2e-rasa-token",
        "PYTHONPATH": str(ROOT),
        # The texting line is on; replies come back as TwiML, so Twilio's REST
        # API (at a port nobody listens on) is never needed here.
        "TWILIO_ACCOUNT_SID": "ACe2e",
        "TWILIO_AUTH_TOKEN": "e2e-twilio-token",
        "TWILIO_FROM_NUMBER": "+15550100147",
        "TWILIO_API_BASE": f"http://127.0.0.1:{free_port()}",
        "CONSOLE_SECRET_KEY": Fernet.generate_key().decode(),
        "CONSOLE_ADMIN_USERNAME": ADMIN[0],
        "CONSOLE_ADMIN_PASSWORD": ADMIN[1],
    }
    settings = Settings.from_env(env)
    procs: Dict[str, subprocess.Popen] = {}
    try:
        # The same process definitions `python -m bot run` uses.
        for child in children(settings, "e2e-rasa-token", work):
            procs[child.name] = start(child.name.replace(" ", "_"), child.argv, {**env, **child.env}, work)
            wait_until_up(
                child.health_url,
                procs[child.name],
                work / f"{child.name.replace(' ', '_')}.log",
                timeout=child.ready_timeout,
            )
        yield Helpline(f"http://127.0.0.1:{ports['gateway']}", env, env["DATABASE_URL"], ports["rasa"], procs, work)
    finally:
        stop_all(procs)


@pytest.fixture(scope="session")
def helpline_without_rasa(helpline) -> Iterator[Helpline]:
    """A second gateway, as when Rasa is stopped: its Rasa port has nobody listening."""
    port, dead_rasa = free_port(), free_port()
    env = {
        **helpline.env,
        "DATABASE_URL": f"sqlite:///{helpline.work}/without_rasa.db",
        "RASA_URL": f"http://127.0.0.1:{dead_rasa}",
        "GATEWAY_PORT": str(port),
    }
    procs = {"gateway": start("gateway_without_rasa", [sys.executable, "-m", "bot", "serve"], env, helpline.work)}
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/healthz", procs["gateway"], helpline.work / "gateway_without_rasa.log")
        yield Helpline(url, env, env["DATABASE_URL"], dead_rasa, procs, helpline.work)
    finally:
        stop_all(procs)


# -- faults (tests/e2e/test_faults.py) ---------------------------------------------------------
@dataclass
class Gateway:
    """One more gateway process in front of the suite's Rasa, with its own store, started and stopped by a test."""

    url: str
    env: Dict[str, str]
    work: Path
    name: str
    proc: Optional[subprocess.Popen] = None

    def start(self) -> "Gateway":
        self.proc = start(self.name, [sys.executable, "-m", "bot", "serve"], self.env, self.work)
        wait_until_up(f"{self.url}/healthz", self.proc, self.work / f"{self.name}.log", timeout=120)
        return self

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            stop_all({"gateway": self.proc})

    def api(self, path: str) -> dict:
        resp = requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30)
        resp.raise_for_status()
        return resp.json()


@pytest.fixture
def extra_gateway(helpline) -> Iterator:
    """extra_gateway(name, **env) -> a Gateway (not yet started) on its own SQLite store; all stopped afterwards."""
    made: List[Gateway] = []

    def make(name: str, **env: str) -> Gateway:
        port = free_port()
        gateway_env = {
            **helpline.env,
            "DATABASE_URL": f"sqlite:///{helpline.work}/{name}.db",
            "GATEWAY_PORT": str(port),
            **env,
        }
        gateway = Gateway(f"http://127.0.0.1:{port}", gateway_env, helpline.work, name)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.stop()
