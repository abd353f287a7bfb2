"""Whole level-of-care screens, answered in free text, against the real helpline.

    python scripts/eval_screens.py [--scenarios tests/screens/scenarios.yml] [--url http://127.0.0.1:8080]

Without --url it starts the action server, Rasa and the gateway itself
(`python -m bot run --no-chat`, on free ports, with a throwaway store), and
stops them afterwards. Each scenario opens with its `start` message; after
every turn the screen's own state is read from Rasa's tracker (which question
it is asking), and the visitor answers that question from the scenario. It
prints, per scenario, the level and flags reached against the expected ones,
how many questions were asked and whether any was asked twice, then how many
scenarios reach the expected level. A figure for a report: it never fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

from core.wording import crisis_reply
from scripts.healthz import all_up

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIOS = ROOT / "tests" / "screens" / "scenarios.yml"
API_TOKEN = secrets.token_urlsafe(16)
RASA_TOKEN = secrets.token_urlsafe(16)
REST_TOKEN = os.environ.get("REST_TOKEN") or secrets.token_urlsafe(16)
MAX_TURNS = 30

# The screen's slots, as the scenarios name the steps of the design table.
STEP_OF_SLOT = {
    "screen_for": "who",
    "screen_age": "age",
    "asq_wish_dead": "asq_wish_dead",
    "asq_now": "asq_now",
    "withdrawal": "health",  # withdrawal signs and daily medical care, asked together
    "medical_daily_care": "medical",
    "phq_interest": "phq2_interest",
    "phq_mood": "phq2_mood",
    "unmanageable": "unmanageable",
    "use_frequency": "frequency",
    "outpatient_failed": "tried_before",
    "home_safe": "home_safe",
    "can_attend": "schedule",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Helpline:
    url: str
    rasa_url: str
    rasa_token: str
    api_token: str
    proc: Optional[subprocess.Popen] = None

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        resp = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
            timeout=90,
        )
        resp.raise_for_status()
        return resp.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        auth = {"Authorization": f"Bearer {self.api_token}"}
        convo = requests.get(f"{self.url}/api/conversations/by-address/rest/{sender}", headers=auth, timeout=10)
        convo.raise_for_status()
        resp = requests.get(
            f"{self.rasa_url}/conversations/{convo.json()['id']}/tracker", params={"token": self.rasa_token}, timeout=30
        )
        resp.raise_for_status()
        return resp.json()


def start_helpline(work: Path) -> Helpline:
    ports = {name: free_port() for name in ("actions", "rasa", "gateway")}
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{work}/helpline.db",
        "TRACKER_STORE_URL": f"sqlite:///{work}/tracker.db",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(ports["gateway"]),
        "BOT_API_TOKEN": API_TOKEN,
        # Many screens from one address, back to back: as an integration, past the per-address limit.
        "REST_TOKEN": REST_TOKEN,
        "RASA_TOKEN": RASA_TOKEN,
        "CONSOLE_ADMIN_PASSWORD": secrets.token_urlsafe(18),
    }
    log = (work / "helpline.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--no-chat"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    helpline = Helpline(f"http://127.0.0.1:{ports['gateway']}", env["RASA_URL"], RASA_TOKEN, API_TOKEN, proc)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the helpline exited:\n{(work / 'helpline.log').read_text()[-3000:]}")
        try:
            health = requests.get(f"{helpline.url}/healthz", timeout=2)
            if health.status_code == 200 and all_up(health.json()):
                return helpline
        except requests.RequestException:
            pass
        time.sleep(1)
    stop(helpline)
    raise RuntimeError("the helpline was not up after 300 s")


def stop(helpline: Helpline) -> None:
    if helpline.proc and helpline.proc.poll() is None:
        os.killpg(helpline.proc.pid, signal.SIGINT)
        try:
            helpline.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(helpline.proc.pid, signal.SIGKILL)


@dataclass
class Run:
    name: str
    expected_level: str
    expected_flags: List[str]
    level: Optional[str] = None
    flags: List[str] = field(default_factory=list)
    asked: List[str] = field(default_factory=list)
    unplanned: List[str] = field(default_factory=list)
    note: str = ""

    @property
    def level_right(self) -> bool:
        return self.level == self.expected_level

    @property
    def right(self) -> bool:
        return self.level_right and set(self.expected_flags) <= set(self.flags)

    @property
    def repeated(self) -> List[str]:
        return sorted({q for q in self.asked if self.asked.count(q) > 1})


def outcome(tracker: Dict[str, Any]) -> Optional[tuple]:
    slots = tracker.get("slots") or {}
    if slots.get("screen_outcome") == "crisis":
        return "crisis", list((slots.get("screen_result") or {}).get("flags") or [])
    result = slots.get("screen_result")
    if isinstance(result, dict) and result.get("level"):
        return result["level"], list(result.get("flags") or [])
    return None


CRISIS_OPENINGS = tuple(crisis_reply(about_other=o).split(".")[0] for o in (False, True))


def said_crisis(replies: List[Dict[str, Any]]) -> bool:
    return any(str(r.get("text") or "").startswith(CRISIS_OPENINGS) for r in replies)


def run_scenario(helpline: Helpline, number: int, scenario: Dict[str, Any]) -> Run:
    expected = scenario["expected"]
    run = Run(scenario["name"], expected["level"], list(expected.get("flags") or []))
    sender = f"screen-{number}-{secrets.token_hex(4)}"
    answers: Dict[str, str] = {k: str(v) for k, v in (scenario.get("answers") or {}).items()}
    replies = helpline.say(sender, scenario["start"])
    for _ in range(MAX_TURNS):
        if said_crisis(replies):
            # The gateway's safety net answered before the assistant: the screen ends there for the visitor.
            run.level, run.note = "crisis", "crisis reply from the safety net"
            return run
        tracker = helpline.tracker(sender)
        done = outcome(tracker)
        if done:
            run.level, run.flags = done
            return run
        active = (tracker.get("active_loop") or {}).get("name")
        slot = (tracker.get("slots") or {}).get("requested_slot")
        if active != "screen_form" or not slot:
            run.note = f"the screen stopped without a result (active loop {active!r})"
            return run
        step = STEP_OF_SLOT.get(slot, slot)
        again = step in run.asked
        run.asked.append(step)
        if again and f"{step}_again" in answers:
            text = answers[f"{step}_again"]  # the reply to the screen's "which was it?"
        elif step in answers:
            text = answers[step]
        else:
            run.unplanned.append(step)
            text = "skip"
        replies = helpline.say(sender, text)
    run.note = f"no result after {MAX_TURNS} turns"
    return run


def report(runs: List[Run]) -> None:
    for i, r in enumerate(runs, 1):
        mark = "ok  " if r.right else ("LVL " if r.level_right else "MISS")
        flags = ",".join(sorted(r.flags)) or "-"
        want = ",".join(sorted(r.expected_flags)) or "-"
        extra = []
        if r.repeated:
            extra.append(f"asked twice: {', '.join(r.repeated)}")
        if r.unplanned:
            extra.append(f"asked unplanned: {', '.join(r.unplanned)}")
        if r.note:
            extra.append(r.note)
        print(f"{mark} {i:2d}. {r.name}")
        print(
            f"        got {r.level} [{flags}]  want {r.expected_level} [{want}]  questions {len(r.asked)}"
            + ("  (" + "; ".join(extra) + ")" if extra else "")
        )
    n = len(runs)
    level = sum(r.level_right for r in runs)
    whole = sum(r.right for r in runs)
    asked = sorted(len(r.asked) for r in runs if r.expected_level != "crisis")
    print(f"\nscreens: {n}")
    print(f"expected level reached:           {level}/{n} ({level / n:.0%})")
    print(f"expected level and flags reached: {whole}/{n} ({whole / n:.0%})")
    print(f"screens with a question asked twice: {sum(bool(r.repeated) for r in runs)}/{n}")
    if asked:
        print(f"questions asked (complete screens): median {asked[len(asked) // 2]}, most {asked[-1]}")
        # The first question asks who and how old; "me" alone brings the age as a question of its own, and a
        # bare yes to the health question brings "which was it?": the screen's own questions, without those.
        own = sorted(len(set(r.asked) - {"age"}) for r in runs if r.expected_level != "crisis")
        print(f"the screen's own questions (complete screens): median {own[len(own) // 2]}, most {own[-1]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    parser.add_argument("--url", help="a running gateway (then --rasa-url, --rasa-token, --api-token too)")
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--rasa-token", default=os.environ.get("RASA_TOKEN", ""))
    parser.add_argument("--api-token", default=os.environ.get("BOT_API_TOKEN", ""))
    args = parser.parse_args(argv)
    scenarios = (yaml.safe_load(args.scenarios.read_text(encoding="utf-8")) or {}).get("scenarios") or []
    with tempfile.TemporaryDirectory(prefix="screens-") as work:
        if args.url:
            helpline = Helpline(args.url.rstrip("/"), args.rasa_url.rstrip("/"), args.rasa_token, args.api_token)
        else:
            print("starting the helpline (a minute or two)...", flush=True)
            helpline = start_helpline(Path(work))
        try:
            runs = [run_scenario(helpline, i, s) for i, s in enumerate(scenarios, 1)]
        finally:
            stop(helpline)
    report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
