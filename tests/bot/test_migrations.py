"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.store.database import alembic_config, make_engine, upgrade
from bot.store.models import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_is_repeatable_and_downgrade_removes_everything(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second gateway start
        assert {"conversations", "messages", "handoffs"} <= set(inspect(engine).get_table_names())
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_sqlite_uses_wal_and_enforces_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/sub/dir/h.db")  # missing folders are made
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        with ThreadPoolExecutor(2) as pool:
            names = pool.submit(lambda: set(inspect(engine).get_table_names())).result()
        assert "conversations" in names
    finally:
        engine.dispose()
