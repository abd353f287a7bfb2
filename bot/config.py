"""Settings from the environment, checked once at start with errors a person can act on.

Secrets (tokens, Twilio credentials) only ever come from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Callable, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.paths import REPO_ROOT

VAR_DIR = REPO_ROOT / "var"


Network = Union[IPv4Network, IPv6Network]


def parse_networks(value: str) -> Tuple[Network, ...]:
    """ "10.0.0.5, 192.168.0.0/16" -> networks; ValueError naming the entry that is not one."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network") from None
    return tuple(networks)


class ConfigError(ValueError):
    """An environment variable has a value the helpline cannot use."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    tracker_store_url: str
    rasa_url: str
    rasa_token: Optional[str]
    action_server_url: str
    bot_api_token: Optional[str]
    gateway_host: str
    gateway_port: int
    program_profile: Path
    public_url: Optional[str]
    twilio_account_sid: Optional[str]
    twilio_auth_token: Optional[str]
    twilio_from_number: Optional[str]
    twilio_api_base: str
    # The console: a Fernet key for its session cookies (made and kept under var/ when unset)
    # and the first admin's account, created when the store has no admin.
    console_secret_key: Optional[str] = None
    console_admin_username: str = "admin"
    console_admin_password: Optional[str] = None
    corrections_file: Path = VAR_DIR / "nlu_corrections.yml"
    # Reverse proxies whose X-Forwarded-For is believed (for sign-in throttling and the audit log).
    trusted_proxies: Tuple[Network, ...] = ()
    # Sites whose pages may embed the web chat widget (origins: scheme://host[:port]); the gateway's own is always in.
    web_chat_origins: Tuple[str, ...] = ()
    # Conversations idle this long are purged from both stores daily; 0 keeps them (no automatic purge).
    retention_days: int = 365
    # When set, the REST channel serves only callers with this bearer token (integrations); unset, it is open.
    rest_token: Optional[str] = None
    # REST's rate limits; off only for a load test on a closed machine (make bench), never in service.
    rest_rate_limits: bool = True
    # How long a visitor's turn waits on each thing that can stall, sized to the channel (README, Configuration).
    # The store: past this the turn is kept in the journal and answered without it (a crisis waits 1 s at most).
    store_wait_seconds: float = 2.0
    # Rasa, for web chat and REST: past this the visitor is told and a person is asked for.
    rasa_timeout_seconds: float = 10.0
    # Rasa, for SMS: longer, because the TwiML answer does not wait for it (see sms_reply_seconds).
    sms_rasa_timeout_seconds: float = 20.0
    # Twilio gives a webhook 15 s: the TwiML goes by then, and what was not ready follows by Twilio's REST API.
    sms_reply_seconds: float = 10.0
    # Where turns the store could not take wait for it (owner-only, fsync'd); one per gateway process.
    journal_file: Path = VAR_DIR / "journal.jsonl"
    # More Rasa processes sharing one tracker store and lock store: each conversation sticks to one of
    # rasa_url and these, and moves to the next when that one cannot be reached.
    rasa_replicas: Tuple[str, ...] = ()

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when the public address is HTTPS (behind a TLS proxy)."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def gateway_url(self) -> str:
        """Where this machine reaches the gateway (a wildcard bind is reached on loopback)."""
        host = "127.0.0.1" if self.gateway_host in ("", "0.0.0.0", "::") else self.gateway_host
        return f"http://{host}:{self.gateway_port}"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ

        def get(name: str) -> Optional[str]:
            value = (env.get(name) or "").strip()
            return value or None

        database = database_url("DATABASE_URL", get("DATABASE_URL") or f"sqlite:///{VAR_DIR}/helpline.db")
        return cls(
            database_url=database,
            tracker_store_url=database_url(
                "TRACKER_STORE_URL", get("TRACKER_STORE_URL") or f"sqlite:///{VAR_DIR}/rasa_tracker.db"
            ),
            rasa_url=http_url("RASA_URL", get("RASA_URL") or "http://127.0.0.1:5005"),
            rasa_token=get("RASA_TOKEN"),
            action_server_url=http_url("ACTION_SERVER_URL", get("ACTION_SERVER_URL") or "http://127.0.0.1:5055"),
            bot_api_token=get("BOT_API_TOKEN"),
            gateway_host=get("GATEWAY_HOST") or "127.0.0.1",
            gateway_port=port("GATEWAY_PORT", get("GATEWAY_PORT") or "8080"),
            program_profile=profile_file(get("PROGRAM_PROFILE")),
            public_url=optional(http_url, "PUBLIC_URL", get("PUBLIC_URL")),
            twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
            twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
            twilio_from_number=get("TWILIO_FROM_NUMBER"),
            twilio_api_base=http_url("TWILIO_API_BASE", get("TWILIO_API_BASE") or "https://api.twilio.com"),
            console_secret_key=fernet_key("CONSOLE_SECRET_KEY", get("CONSOLE_SECRET_KEY")),
            console_admin_username=get("CONSOLE_ADMIN_USERNAME") or "admin",
            console_admin_password=get("CONSOLE_ADMIN_PASSWORD"),
            corrections_file=repo_path(get("CORRECTIONS_FILE") or str(VAR_DIR / "nlu_corrections.yml")),
            trusted_proxies=networks("TRUSTED_PROXIES", get("TRUSTED_PROXIES") or ""),
            web_chat_origins=origins("WEB_CHAT_ORIGINS", get("WEB_CHAT_ORIGINS") or ""),
            retention_days=days("RETENTION_DAYS", get("RETENTION_DAYS") or "365"),
            rest_token=get("REST_TOKEN"),
            rest_rate_limits=on_off("REST_RATE_LIMITS", get("REST_RATE_LIMITS") or "on"),
            store_wait_seconds=seconds("STORE_WAIT_SECONDS", get("STORE_WAIT_SECONDS") or "2"),
            rasa_timeout_seconds=seconds("RASA_TIMEOUT_SECONDS", get("RASA_TIMEOUT_SECONDS") or "10"),
            sms_rasa_timeout_seconds=seconds("SMS_RASA_TIMEOUT_SECONDS", get("SMS_RASA_TIMEOUT_SECONDS") or "20"),
            sms_reply_seconds=seconds("SMS_REPLY_SECONDS", get("SMS_REPLY_SECONDS") or "10", most=14.0),
            journal_file=repo_path(get("JOURNAL_FILE") or str(default_journal(database))),
            rasa_replicas=tuple(
                http_url("RASA_REPLICAS", u.strip()) for u in (get("RASA_REPLICAS") or "").split(",") if u.strip()
            ),
        )

    def rasa_timeout(self, channel: str) -> float:
        return self.sms_rasa_timeout_seconds if channel == "sms" else self.rasa_timeout_seconds


def default_journal(database: str) -> Path:
    """Beside a SQLite store (its own for each store, so two gateways never share one); else var/journal.jsonl."""
    url = make_url(database)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return path.with_name(f"{path.stem}.journal.jsonl")
    return VAR_DIR / "journal.jsonl"


def optional(check: Callable[[str, str], str], name: str, value: Optional[str]) -> Optional[str]:
    return check(name, value) if value else None


def database_url(name: str, value: str) -> str:
    """A SQLAlchemy URL; a relative SQLite path is taken from the repository root, not the cwd."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"{name}={value!r} is not a database URL; expected e.g. sqlite:///var/helpline.db "
            "or postgresql://user:password@host/dbname"
        ) from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            return url.set(database=str(REPO_ROOT / path)).render_as_string(hide_password=False)
    return value


def http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ConfigError(f"{name}={value!r} has an invalid port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name}={value!r} must be an http:// or https:// URL, e.g. http://127.0.0.1:5005")
    return value.rstrip("/")


def port(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} must be a port number") from None
    if not 1 <= number <= 65535:
        raise ConfigError(f"{name}={value!r} must be between 1 and 65535")
    return number


def days(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} must be a whole number of days (0 keeps conversations)") from None
    if number < 0:
        raise ConfigError(f"{name}={value!r} cannot be negative")
    return number


def on_off(name: str, value: str) -> bool:
    if value.strip().lower() not in ("on", "off"):
        raise ConfigError(f"{name}={value!r} must be on or off")
    return value.strip().lower() == "on"


def seconds(name: str, value: str, most: float = 300.0) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} must be a number of seconds, e.g. 10") from None
    if not 0 < number <= most:
        raise ConfigError(f"{name}={value!r} must be more than 0 and at most {most:g} seconds")
    return number


def fernet_key(name: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    from cryptography.fernet import Fernet

    try:
        Fernet(value)
    except ValueError:
        raise ConfigError(
            f"{name} must be a Fernet key (32 url-safe base64-encoded bytes); make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None
    return value


def networks(name: str, value: str) -> Tuple[Network, ...]:
    try:
        return parse_networks(value)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}; expected addresses or networks, e.g. 10.0.0.5,192.168.0.0/16") from None


DEFAULT_PORTS = {"http": 80, "https": 443}


def origins(name: str, value: str) -> Tuple[str, ...]:
    """ "https://www.example.org, https://example.org" -> origins as a browser sends them in its Origin header."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if item == "*":
            raise ConfigError(
                f"{name}: '*' would let any site embed the chat; list each site, e.g. https://example.org"
            )
        parts = urlsplit(item)
        try:
            port_number = parts.port
        except ValueError:
            raise ConfigError(f"{name}: {item!r} has an invalid port") from None
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
            raise ConfigError(
                f"{name}: {item!r} is not a site's origin; expected scheme and host only, e.g. https://example.org"
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ConfigError(f"{name}: {item!r} is not a site's origin; expected e.g. https://example.org")
        host = parts.hostname
        if ":" in host:
            host = f"[{host}]"
        origin = f"{parts.scheme}://{host}"
        if port_number is not None and port_number != DEFAULT_PORTS[parts.scheme]:
            origin += f":{port_number}"
        if origin not in found:
            found.append(origin)
    return tuple(found)


def repo_path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else REPO_ROOT / path


def profile_file(value: Optional[str]) -> Path:
    path = Path(value) if value else REPO_ROOT / "program.yml"
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file():
        raise ConfigError(f"PROGRAM_PROFILE: no program profile at {path}")
    return path
