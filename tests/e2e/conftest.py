"""The end-to-end suite: the real action server, Rasa and gateway, started once.

The model is trained once per run if `models/helpline.tar.gz` is missing or
older than the training data (the Makefile normally trains it first). Each
process gets a free port and the run its own SQLite files, so a developer's
running helpline is left alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "helpline.tar.gz"
TRAINING = [ROOT / "config.yml", ROOT / "domain.yml", *sorted((ROOT / "data").glob("*.yml"))]
API_TOKEN = "e2e-api-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_model() -> None:
    newest_input = max(p.stat().st_mtime for p in TRAINING)
    if MODEL.exists() and MODEL.stat().st_mtime >= newest_input:
        return
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", "helpline", "--out", str(MODEL.parent)],
        cwd=ROOT, check=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )


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

    def say(self, sender: str, text: str) -> List[dict]:
        resp = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        resp.raise_for_status()
        return resp.json()

    def api(self, path: str) -> dict:
        resp = requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)
        resp.raise_for_status()
        return resp.json()


def start(name: str, argv: List[str], env: Dict[str, str], logs: Path) -> subprocess.Popen:
    log = logs / f"{name}.log"
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


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
        "RASA_TOKEN": "e2e-rasa-token",
        "PYTHONPATH": str(ROOT),
    }
    settings = Settings.from_env(env)
    procs: Dict[str, subprocess.Popen] = {}
    try:
        # The same process definitions `python -m bot run` uses.
        for child in children(settings, "e2e-rasa-token", work):
            procs[child.name] = start(child.name.replace(" ", "_"), child.argv, {**env, **child.env}, work)
            wait_until_up(child.health_url, procs[child.name], work / f"{child.name.replace(' ', '_')}.log")
        yield Helpline(f"http://127.0.0.1:{ports['gateway']}", env, env["DATABASE_URL"], ports["rasa"], procs)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
