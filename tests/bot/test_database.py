"""The store's connections: a SQLite file keeps a pool of open ones, each configured when it opens."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, text

from bot.store.database import Database, upgrade


def counting_connects(database: Database) -> list:
    opened: list = []
    event.listen(database.engine, "connect", lambda *_: opened.append(threading.get_ident()))
    return opened


def test_a_sqlite_file_reuses_its_connections(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/h.db", threads=4)
    upgrade(database.engine)
    opened = counting_connects(database)
    try:
        for _ in range(20):
            assert database.call(lambda s: s.execute(text("SELECT 1")).scalar()) == 1
        assert len(opened) <= 1
    finally:
        database.dispose()


def test_every_pooled_connection_has_the_pragmas(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/h.db", threads=4)
    upgrade(database.engine)
    barrier = threading.Barrier(4)

    # BEGIN IMMEDIATE lets one writer in at a time; these read in their own autocommit connections.
    def read(_):
        with database.engine.connect() as connection:
            barrier.wait(timeout=10)
            return tuple(
                connection.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("foreign_keys", "busy_timeout", "journal_mode")
            )

    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(read, range(4)))
        assert results == [(1, 30000, "wal")] * 4
    finally:
        database.dispose()


def test_writes_from_many_threads_all_land(tmp_path):
    from bot.store import conversations as convo

    database = Database(f"sqlite:///{tmp_path}/h.db", threads=8)
    upgrade(database.engine)
    try:
        with ThreadPoolExecutor(8) as pool:
            ids = list(
                pool.map(
                    lambda n: database.call(convo.record_visitor_message, "rest", f"v{n % 5}", f"m{n}", None)[0],
                    range(80),
                )
            )
        assert len(set(ids)) == 5
        transcripts = [database.call(convo.conversation_transcript, cid) for cid in set(ids)]
        assert sum(len(t["messages"]) for t in transcripts) == 80
    finally:
        database.dispose()
