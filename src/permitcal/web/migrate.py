"""Schema migrations (Alembic), run once before the workers start: ``permitcal db upgrade``.

Workers never create or alter tables: several of them racing to create the
schema at boot lost the server, and a worker that needs the database to boot
cannot start while the database is down.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, text

__all__ = ["current_revision", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")

# The schema that create_all() made before migrations existed is revision 0001.
_BEFORE_MIGRATIONS = "0001"

# Any fixed number: two `db upgrade` runs against one PostgreSQL take turns.
_PG_LOCK_KEY = 0x70657263  # "perc"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to ``revision``; (revision before, revision after)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})"))
            before = current_revision(connection)
            if before is None and inspect(connection).has_table("subscriptions"):
                command.stamp(_config(connection), _BEFORE_MIGRATIONS)
            command.upgrade(_config(connection), revision)
            after = current_revision(connection)
    finally:
        engine.dispose()
    return before, after
