"""Alembic environment: migrations run on the connection that ``storage.migrate`` hands in."""

from __future__ import annotations

from alembic import context

from permitcal.web.storage.tables import metadata

target_metadata = metadata

connection = context.config.attributes.get("connection")
if connection is None:  # the alembic command line, for developers: a URL from alembic.ini
    from sqlalchemy import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        context.run_migrations()
else:
    # SQLite cannot ALTER most things in place: batch mode copies the table.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
