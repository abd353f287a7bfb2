"""The store's one door: engines, schema migrations, and sessions for the async gateway.

Each call opens a session, runs one store function in a transaction, commits
and closes: short transactions in a thread pool, nothing shared between
threads but the engine's pool of open connections. Nothing is connected at import time.
"""

from __future__ import annotations

import asyncio
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every gateway replica.
MIGRATION_LOCK_KEY = 4_270_511


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """`pool_size`: connections kept open, one per thread that runs store calls."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True, pool_size=pool_size, hide_parameters=True)
    memory = not parsed.database or parsed.database == ":memory:"
    if not memory:
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Transcripts are health records: the file is the owner's alone from the moment it exists.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
    # Sessions run in a thread pool; one in-memory database must be one shared connection. A file gets a
    # pool of open connections: SQLAlchemy 1.4's default for files (NullPool) opened, configured and closed
    # one per transaction, about half of each store call's time.
    pooling: Dict[str, Any] = (
        {"poolclass": StaticPool}
        if memory
        else {"poolclass": QueuePool, "pool_size": pool_size, "max_overflow": pool_size}
    )
    engine = create_engine(
        url,
        future=True,
        # An error's message must never carry what a visitor wrote (it goes to the log).
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": 30},
        **pooling,
    )
    _configure_sqlite(engine, wal=not memory)
    return engine


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Once per pooled connection, when it is opened.
        # Let SQLAlchemy, not the driver, say when transactions begin (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        # Take the write lock up front: a read that later writes would otherwise fail
        # with "database is locked" when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe when several gateways start at once."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


# Two first messages from one address (or one retried message) can race on a
# unique key; the loser runs again and then finds the winner's row.
ATTEMPTS = 3


class Database:
    def __init__(self, url: str, threads: int = 8):
        self.url = url
        self.engine = make_engine(url, pool_size=threads)
        self.sessions = make_sessionmaker(self.engine)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="db")

    async def migrate(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._pool, upgrade, self.engine)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.sessions.begin() as session:
                    return fn(session, *args)
            except IntegrityError:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(session, *args) in a transaction, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(self.call, fn, *args))

    async def ping(self) -> bool:
        def select_one(session: Session) -> bool:
            return session.execute(text("SELECT 1")).scalar() == 1

        try:
            return await asyncio.wait_for(self.run(select_one), timeout=5)
        except Exception:
            return False

    def dispose(self) -> None:
        self._pool.shutdown(wait=True)
        self.engine.dispose()
