"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is expected at HELPLINE_TEST_POSTGRES_URL (default: the local server,
trust auth). Each test gets a schema of its own, dropped afterwards. An
unreachable server fails the run: set HELPLINE_SKIP_POSTGRES=1 to skip instead.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.store.database import Database, upgrade

POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_admin():
    if os.environ.get("HELPLINE_SKIP_POSTGRES") == "1":
        pytest.skip("HELPLINE_SKIP_POSTGRES=1")
    engine = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is unreachable at {make_url(POSTGRES_URL)!r}: {exc.orig}. "
            "Start it, point HELPLINE_TEST_POSTGRES_URL at one, or set HELPLINE_SKIP_POSTGRES=1.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin) -> Iterator[str]:
    schema = f"helpline_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/helpline.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db(database_url) -> Iterator[Database]:
    """A migrated, empty store."""
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
async def fake_rasa():
    from fakes import FakeRasa

    rasa = await FakeRasa().start()
    yield rasa
    await rasa.close()
