"""Faults injected into the real processes while visitors write, on every channel.

Each test checks the same four things: the crisis lines come first and in time,
nothing acknowledged is lost, nothing is stored twice, and the helpline recovers
by itself. The faults: SQLite's write lock held by another process, PostgreSQL
refusing connections (a TCP proxy in front of it stops listening), Rasa hung
(SIGSTOP), and the gateway killed with messages in flight.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, List, Optional, Tuple

import pytest
import requests
from e2e_support import API_TOKEN, REST_TOKEN, TcpProxy
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from test_channels_on_real_rasa import WebVisitor, text_message, twiml_texts

from core import wording

CRISIS = "i want to kill myself"
QUESTION = "how much does the program cost"
# A crisis reply waits 1 s at most on the store; the rest is the safety net and HTTP on a busy machine.
CRISIS_SECONDS = 4.0


def is_crisis_reply(text: str) -> bool:
    return all(line in text for line in ("911", "988", "741741"))


def new_sender(kind: str) -> str:
    return f"e2e-fault-{kind}-{uuid.uuid4().hex[:10]}"


def new_number() -> str:
    return "+1555" + str(secrets.randbelow(10**7)).zfill(7)


def timed(call: Callable, *args, **kwargs) -> Tuple[float, object]:
    started = time.monotonic()
    result = call(*args, **kwargs)
    return time.monotonic() - started, result


def rest(url: str, sender: str, text: str, message_id: Optional[str] = None) -> requests.Response:
    body = {"sender": sender, "message": text}
    if message_id:
        body["message_id"] = message_id
    auth = {"Authorization": f"Bearer {REST_TOKEN}"}
    return requests.post(f"{url}/webhooks/rest/webhook", json=body, headers=auth, timeout=60)


def api(url: str, path: str) -> dict:
    resp = requests.get(f"{url}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30)
    resp.raise_for_status()
    return resp.json()


def conversation(url: str, channel: str, address: str) -> Optional[dict]:
    resp = requests.get(
        f"{url}/api/conversations/by-address/{channel}/{requests.utils.quote(address, safe='')}",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        timeout=30,
    )
    return resp.json() if resp.status_code == 200 else None


def visitor_texts(data: Optional[dict]) -> List[str]:
    return [m["text"] for m in (data or {}).get("messages", []) if m["author"] == "visitor"]


def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout:.0f}s: {what}"
        time.sleep(0.5)


def healthz(url: str) -> dict:
    return requests.get(f"{url}/healthz", timeout=30).json()


def crisis_tickets(url: str, channel: str, address: str) -> List[dict]:
    data = conversation(url, channel, address)
    if data is None:
        return []
    return [h for h in api(url, f"/api/handoffs?conversation={data['id']}") if h["priority"] == "crisis"]


@contextmanager
def rasa_hung(helpline):
    """Rasa alive but answering nothing (SIGSTOP), until the block ends (SIGCONT)."""
    pid = helpline.procs["rasa"].pid
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


# -- SQLite's write lock held by another process ---------------------------------------------------------
LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def test_a_held_sqlite_write_lock_delays_no_crisis_loses_nothing_and_clears_by_itself(helpline):
    path = make_url(helpline.database_url).database
    rest_crisis, rest_question, number, number_question = (
        new_sender("lock-crisis"),
        new_sender("lock-question"),
        new_number(),
        new_number(),
    )
    web = WebVisitor(helpline.url)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, path, "15"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with ThreadPoolExecutor(max_workers=6) as pool:
            crises = [
                pool.submit(timed, rest, helpline.url, rest_crisis, CRISIS),
                pool.submit(timed, text_message, helpline, number, CRISIS),
                pool.submit(timed, web.say, CRISIS, 30),
            ]
            questions = [
                pool.submit(timed, rest, helpline.url, rest_question, QUESTION, "q-1"),
                pool.submit(timed, text_message, helpline, number_question, QUESTION),
            ]
            (rest_took, rest_reply), (sms_took, sms_reply), (web_took, web_replies) = [f.result() for f in crises]
            assert is_crisis_reply(rest_reply.json()[0]["text"]) and rest_took < CRISIS_SECONDS, rest_took
            assert is_crisis_reply(twiml_texts(sms_reply)[0]) and sms_took < CRISIS_SECONDS, sms_took
            assert is_crisis_reply(web_replies[0]["text"]) and web_took < CRISIS_SECONDS, web_took
            assert healthz(helpline.url)["crisis_escalation"] == "degraded"
            for took, reply in (f.result() for f in questions):
                assert reply.status_code == 200 and took < 8, took
        assert holder.poll() is None, "the lock was released before every turn was answered"
    finally:
        holder.wait(30)
        web.client.disconnect()

    # Back by itself: every message stored once, every crisis at the top of the queue.
    def all_kept() -> bool:
        health = healthz(helpline.url)
        return health["crisis_escalation"] == "ok" and health["journal"]["waiting"] == 0

    eventually(all_kept, 40, "the journal emptied into the store")
    for channel, address, text in (
        ("rest", rest_crisis, CRISIS),
        ("sms", number, CRISIS),
        ("web", web.session_id, CRISIS),
        ("rest", rest_question, QUESTION),
        ("sms", number_question, QUESTION),
    ):
        assert visitor_texts(conversation(helpline.url, channel, address)) == [text], (channel, text)
    for channel, address in (("rest", rest_crisis), ("sms", number), ("web", web.session_id)):
        [ticket] = crisis_tickets(helpline.url, channel, address)
        assert ticket["status"] == "open"
    # The retry of an acknowledged message is recognised.
    assert rest(helpline.url, rest_question, QUESTION, "q-1").status_code == 200
    assert visitor_texts(conversation(helpline.url, "rest", rest_question)) == [QUESTION]


# -- Rasa hung ----------------------------------------------------------------------------------------------
def test_a_hung_rasa_costs_each_channel_its_timeout_and_parked_visitors_come_back_when_it_does(helpline):
    question, crisis, number = new_sender("hung-question"), new_sender("hung-crisis"), new_number()
    with rasa_hung(helpline), ThreadPoolExecutor(max_workers=4) as pool:
        asked = pool.submit(timed, rest, helpline.url, question, QUESTION)
        texted = pool.submit(timed, text_message, helpline, number, QUESTION)
        time.sleep(0.5)
        took, reply = timed(rest, helpline.url, crisis, CRISIS)
        assert is_crisis_reply(reply.json()[0]["text"]) and took < CRISIS_SECONDS, took
        took, reply = asked.result()
        # RASA_TIMEOUT_SECONDS (10), not 30: the visitor is told, and a person asked for.
        assert took < 14, took
        assert reply.status_code == 200 and "having trouble" in reply.json()[0]["text"]
        took, reply = texted.result()
        assert reply.status_code == 200 and took < 12, f"TwiML after {took:.1f}s: Twilio waits 15"

    parked = conversation(helpline.url, "rest", question)
    assert parked["mode"] == "waiting"

    def back_with_the_assistant() -> bool:
        data = conversation(helpline.url, "rest", question)
        return data["mode"] == "bot" and data["messages"][-1]["text"] == wording.assistant_back()

    eventually(back_with_the_assistant, 60, "the parked visitor went back to the assistant")
    # The crisis stays with staff.
    assert conversation(helpline.url, "rest", crisis)["mode"] == "waiting"
    assert [t["status"] for t in crisis_tickets(helpline.url, "rest", crisis)] == ["open"]
    answer = rest(helpline.url, question, QUESTION).json()
    assert "sliding scale" in " ".join(r.get("text", "") for r in answer)
    assert visitor_texts(conversation(helpline.url, "rest", question)) == [QUESTION, QUESTION]


# -- PostgreSQL refusing connections --------------------------------------------------------------------
POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_behind_a_proxy():
    """A fresh schema in the test database, reached through a proxy the test can make refuse connections."""
    if os.environ.get("HELPLINE_SKIP_POSTGRES") == "1":
        pytest.skip("HELPLINE_SKIP_POSTGRES=1")
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    schema = f"helpline_fault_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    real = make_url(POSTGRES_URL)
    proxy = TcpProxy(real.port or 5432)
    url = real.set(host="127.0.0.1", port=proxy.port).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False), proxy
    finally:
        proxy.close()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def test_postgresql_refusing_connections_loses_nothing_and_escalates_every_crisis_once_it_is_back(
    helpline, extra_gateway, postgres_behind_a_proxy
):
    database_url, proxy = postgres_behind_a_proxy
    gateway = extra_gateway(
        "gateway_postgres", DATABASE_URL=database_url, JOURNAL_FILE=str(helpline.work / "postgres.journal.jsonl")
    ).start()
    senders = [new_sender(f"pg-{n}") for n in range(4)]
    crisis = new_sender("pg-crisis")
    proxy.refuse()
    try:
        for n, sender in enumerate(senders):
            reply = rest(gateway.url, sender, f"{QUESTION} {n}", f"pg-{n}")
            # Acknowledged only because it is kept (in the journal), and said so.
            assert reply.status_code == 200 and "saved" in reply.json()[0]["text"]
        took, reply = timed(rest, gateway.url, crisis, CRISIS)
        assert is_crisis_reply(reply.json()[0]["text"]) and took < CRISIS_SECONDS, took
        health = requests.get(f"{gateway.url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["crisis_escalation"] == "degraded"
        assert health.json()["journal"] == {"waiting": 5, "crises": 1}
    finally:
        proxy.accept()

    eventually(lambda: healthz(gateway.url)["journal"]["waiting"] == 0, 40, "the journal emptied into PostgreSQL")
    assert healthz(gateway.url)["crisis_escalation"] == "ok"
    for n, sender in enumerate(senders):
        data = conversation(gateway.url, "rest", sender)
        assert visitor_texts(data) == [f"{QUESTION} {n}"]
        assert "saved" in data["messages"][1]["text"]
        # A retry now is recognised, not stored again.
        assert rest(gateway.url, sender, f"{QUESTION} {n}", f"pg-{n}").status_code == 200
        assert visitor_texts(conversation(gateway.url, "rest", sender)) == [f"{QUESTION} {n}"]
    [ticket] = crisis_tickets(gateway.url, "rest", crisis)
    assert ticket["status"] == "open"
    assert (
        api(gateway.url, "/api/queue")["queue"][0]["conversation_id"] == conversation(gateway.url, "rest", crisis)["id"]
    )


# -- the gateway killed with messages in flight -----------------------------------------------------------
def test_a_gateway_killed_mid_turn_answers_each_retry_once_it_is_back_and_stores_nothing_twice(helpline, extra_gateway):
    gateway = extra_gateway("gateway_killed").start()
    senders = [new_sender(f"killed-{n}") for n in range(4)]
    with rasa_hung(helpline):
        with ThreadPoolExecutor(max_workers=4) as pool:
            in_flight = [pool.submit(rest, gateway.url, s, QUESTION, f"m-{n}") for n, s in enumerate(senders)]
            time.sleep(2)  # stored, waiting on Rasa
            gateway.kill()
            for future in in_flight:
                with pytest.raises(requests.RequestException):
                    future.result()
    started = time.monotonic()
    gateway.start()
    recovered = time.monotonic() - started
    for n, sender in enumerate(senders):
        reply = rest(gateway.url, sender, QUESTION, f"m-{n}")
        assert reply.status_code == 200
        assert "sliding scale" in " ".join(r.get("text", "") for r in reply.json()), reply.json()
        data = conversation(gateway.url, "rest", sender)
        assert visitor_texts(data) == [QUESTION]
        # Answered once: a second retry gets the same answer and stores nothing.
        assert rest(gateway.url, sender, QUESTION, f"m-{n}").json() == reply.json()
        assert len(conversation(gateway.url, "rest", sender)["messages"]) == len(data["messages"])
    assert recovered < 60, recovered
