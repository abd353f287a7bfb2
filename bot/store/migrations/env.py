"""Alembic environment: the gateway passes its connection; the CLI uses DATABASE_URL."""

from __future__ import annotations

from alembic import context

from bot.store.models import Base


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from bot.config import Settings
    from bot.store.database import make_engine

    engine = make_engine(Settings.from_env().database_url)
    try:
        with engine.connect() as conn:
            run(conn)
            conn.commit()
    finally:
        engine.dispose()
