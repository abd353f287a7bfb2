"""More than one Rasa: two Rasa processes on one PostgreSQL tracker store and a Redis lock store, two gateways on
one PostgreSQL transcript store, each conversation kept on one Rasa and moved when that one goes down, and
Debian's nginx in front with the repository's config (deploy/nginx/helpline.conf).

Needs this machine's PostgreSQL (HELPLINE_TEST_POSTGRES_URL), Redis (HELPLINE_TEST_REDIS, host:port) and
nginx: when one is missing the test fails and says which. Starts its own processes on free ports (two Rasa
models: slow).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.cli import MODEL
from bot.rasa_client import sticky_order

ROOT = Path(__file__).resolve().parents[2]
API_TOKEN = "scale-out-api-token"
ADMIN = ("scale-admin", "a scale-out admin passphrase")
POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("HELPLINE_TEST_REDIS", "127.0.0.1:6379")
RASA_TOKEN = "scale-out-rasa-token"


def helpers():
    """The e2e suite's own process helpers (its conftest is not importable by name beside the others)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("e2e_conftest", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("e2e_conftest", module)  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def needs(what: str, check) -> None:
    try:
        check()
    except Exception as exc:
        pytest.fail(f"The scale-out test needs {what}, and it is not reachable here: {exc}", pytrace=False)


def redis_up() -> None:
    host, _, port = REDIS.partition(":")
    with socket.create_connection((host, int(port or 6379)), timeout=3) as s:
        s.sendall(b"PING\r\n")
        if not s.recv(16).startswith(b"+PONG"):
            raise RuntimeError("no PONG")


def databases(admin, names) -> Dict[str, str]:
    with admin.connect() as c:
        for name in names:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return {n: make_url(POSTGRES_URL).set(database=n).render_as_string(hide_password=False) for n in names}


class Cluster:
    def __init__(self, gateways, rasas, procs, stop_all, free_port):
        self.gateways, self.rasas, self.procs = gateways, rasas, procs
        self.stop_all, self.free_port = stop_all, free_port

    def say(self, gateway: int, sender: str, text: str):
        resp = requests.post(
            f"{self.gateways[gateway]}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=90
        )
        resp.raise_for_status()
        return resp.json()

    def conversation_id(self, gateway: int, sender: str) -> str:
        resp = requests.get(
            f"{self.gateways[gateway]}/api/conversations/by-address/rest/{sender}",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=10,
        )
        resp.raise_for_status()
        return resp.json()["id"]

    def transcript(self, gateway: int, conversation_id: str):
        resp = requests.get(
            f"{self.gateways[gateway]}/api/conversations/{conversation_id}",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=10,
        )
        resp.raise_for_status()
        return resp.json()

    def tracker(self, rasa: int, conversation_id: str):
        resp = requests.get(
            f"{self.rasas[rasa]}/conversations/{conversation_id}/tracker", params={"token": RASA_TOKEN}, timeout=30
        )
        resp.raise_for_status()
        return resp.json()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    needs(f"PostgreSQL at {make_url(POSTGRES_URL)!r}", lambda: admin.connect().close())
    needs(f"Redis at {REDIS}", redis_up)
    e2e = helpers()
    free_port, start, stop_all, wait_until_up = e2e.free_port, e2e.start, e2e.stop_all, e2e.wait_until_up
    e2e.ensure_model()
    tag = secrets.token_hex(4)
    urls = databases(admin, [f"scaleout_{tag}_transcripts", f"scaleout_{tag}_trackers"])
    transcripts, trackers = urls[f"scaleout_{tag}_transcripts"], urls[f"scaleout_{tag}_trackers"]
    work = tmp_path_factory.mktemp("scale-out")
    host, _, port = REDIS.partition(":")
    actions_port = free_port()
    rasa_ports = [free_port(), free_port()]
    gateway_ports = [free_port(), free_port()]
    common = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    procs = {}
    console_key = Fernet.generate_key().decode()
    try:
        procs["actions"] = start(
            "actions",
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            {**common, "SANIC_HOST": "127.0.0.1"},
            work,
        )
        rasa_env = {
            **common,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "TRACKER_STORE_URL": trackers,
            "LOCK_STORE_HOST": host,
            "LOCK_STORE_PORT": port or "6379",
            "LOCK_STORE_DB": "1",
            "LOCK_STORE_PREFIX": f"scaleout{tag}",
            "RASA_TOKEN": RASA_TOKEN,
        }
        for n, rasa_port in enumerate(rasa_ports):
            procs[f"rasa{n}"] = start(
                f"rasa{n}",
                [
                    sys.executable,
                    "-m",
                    "connectors.run",
                    "--enable-api",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(rasa_port),
                    "--model",
                    str(MODEL),
                    "--endpoints",
                    str(ROOT / "deploy" / "scale-out" / "endpoints.yml"),
                    "--credentials",
                    str(ROOT / "credentials.yml"),
                ],
                rasa_env,
                work,
            )
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", procs["actions"], work / "actions.log")
        for n, rasa_port in enumerate(rasa_ports):
            wait_until_up(f"http://127.0.0.1:{rasa_port}/", procs[f"rasa{n}"], work / f"rasa{n}.log", timeout=900)
        rasas = [f"http://127.0.0.1:{p}" for p in rasa_ports]
        for n, gateway_port in enumerate(gateway_ports):
            env = {
                **common,
                "DATABASE_URL": transcripts,
                "TRACKER_STORE_URL": trackers,
                "RASA_URL": rasas[0],
                "RASA_REPLICAS": rasas[1],
                "RASA_TOKEN": RASA_TOKEN,
                "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}",
                "GATEWAY_HOST": "127.0.0.1",
                "GATEWAY_PORT": str(gateway_port),
                "BOT_API_TOKEN": API_TOKEN,
                "CONSOLE_SECRET_KEY": console_key,
                "CONSOLE_ADMIN_USERNAME": ADMIN[0],
                "CONSOLE_ADMIN_PASSWORD": ADMIN[1],
            }
            procs[f"gateway{n}"] = start(f"gateway{n}", [sys.executable, "-m", "bot", "serve"], env, work)
            wait_until_up(f"http://127.0.0.1:{gateway_port}/healthz", procs[f"gateway{n}"], work / f"gateway{n}.log")
        yield Cluster([f"http://127.0.0.1:{p}" for p in gateway_ports], rasas, procs, stop_all, free_port)
    finally:
        stop_all(procs)
        with admin.connect() as c:
            for name in urls:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_one_conversation_through_both_gateways_is_one_transcript_and_one_tracker(cluster):
    sender = f"scale-{secrets.token_hex(4)}"
    assert "sliding scale" in " ".join(r.get("text", "") for r in cluster.say(0, sender, "how much does it cost"))
    assert cluster.say(1, sender, "do you take insurance")
    cid = cluster.conversation_id(1, sender)
    assert cid == cluster.conversation_id(0, sender)
    visitor = [m["text"] for m in cluster.transcript(0, cid)["messages"] if m["author"] == "visitor"]
    assert visitor == ["how much does it cost", "do you take insurance"]
    # Either Rasa reads the same tracker: both messages, whichever process answered.
    for rasa in (0, 1):
        texts = [e.get("text") for e in cluster.tracker(rasa, cid)["events"] if e.get("event") == "user"]
        assert texts == ["how much does it cost", "do you take insurance"]


def test_when_a_conversations_rasa_goes_down_the_other_carries_on_where_it_was(cluster):
    sender = f"scale-{secrets.token_hex(4)}"
    cluster.say(0, sender, "which kind of program would fit me")
    cid = cluster.conversation_id(0, sender)
    asked = cluster.tracker(0, cid)["slots"].get("requested_slot")
    assert asked, "the screen asked its first question"
    own = sticky_order(cid, 2)[0]
    cluster.stop_all({"down": cluster.procs.pop(f"rasa{own}")})
    replies = cluster.say(1, sender, "me")
    assert replies and not any("trouble right now" in (r.get("text") or "") for r in replies)
    other = 1 - own
    tracker = cluster.tracker(other, cid)
    assert [e.get("text") for e in tracker["events"] if e.get("event") == "user"][-2:] == [
        "which kind of program would fit me",
        "me",
    ]
    assert tracker["slots"].get("requested_slot") != asked  # the screen moved on: same tracker, other process


# -- one address in front: the repository's nginx config, TLS and all ---------------------------


def self_signed(work: Path) -> Tuple[Path, Path]:
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "help.example.org")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = work / "cert.pem", work / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def nginx_config(work: Path, gateways, http_port: int, tls_port: int) -> Path:
    """deploy/nginx/helpline.conf as shipped, pointed at the test's gateways, ports and certificate."""
    cert, key = self_signed(work)
    site = (ROOT / "deploy" / "nginx" / "helpline.conf").read_text(encoding="utf-8")
    site = site.replace("    server 127.0.0.1:8080;\n", "".join(f"    server {g.split('//')[1]};\n" for g in gateways))
    site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)  # the test machine may have no IPv6
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;")
    site = site.replace("/etc/letsencrypt/live/help.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/help.example.org/privkey.pem", str(key))
    temp = work / "nginx-temp"
    temp.mkdir(exist_ok=True)
    main = f"""
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{}}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
    path = work / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def proxy(cluster, tmp_path_factory):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        pytest.fail("The scale-out test needs Debian's nginx in front of the gateways: apt-get install nginx")
    work = tmp_path_factory.mktemp("proxy")
    http_port, tls_port = cluster.free_port(), cluster.free_port()
    config = nginx_config(work, cluster.gateways, http_port, tls_port)
    checked = subprocess.run([nginx, "-t", "-c", str(config), "-p", str(work)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen([nginx, "-c", str(config), "-p", str(work)], stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", tls_port)) == 0:
                    break
            time.sleep(0.2)
        yield f"https://127.0.0.1:{tls_port}", f"http://127.0.0.1:{http_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def through(proxy_url: str, path: str, **kwargs):
    # The certificate is the test's own; the name is the one in the config.
    return requests.request(
        kwargs.pop("method", "GET"),
        f"{proxy_url}{path}",
        headers={"Host": "help.example.org"},
        verify=False,
        timeout=90,
        **kwargs,
    )


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_one_address_in_front_answers_over_tls_and_survives_a_gateway_going_down(cluster, proxy):
    tls, plain = proxy
    redirect = requests.get(f"{plain}/healthz", headers={"Host": "help.example.org"}, allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://help.example.org/")
    assert through(tls, "/healthz").status_code == 200
    sender = f"proxy-{secrets.token_hex(4)}"
    body = {"sender": sender, "message": "how much does it cost"}
    assert "sliding scale" in through(tls, "/webhooks/rest/webhook", method="POST", json=body).text
    cluster.stop_all({"down": cluster.procs.pop("gateway0")})
    for _ in range(3):  # whichever gateway nginx picks first, the visitor is answered
        body = {"sender": sender, "message": "do you take insurance"}
        answered = through(tls, "/webhooks/rest/webhook", method="POST", json=body)
        assert answered.status_code == 200 and answered.json()
