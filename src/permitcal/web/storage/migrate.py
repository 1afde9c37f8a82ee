"""Schema migrations (Alembic), run once before the workers start: ``permitcal db upgrade``.

Workers never create or alter tables: several of them racing to create the
schema at boot lost the server, and a worker that needs the database to boot
cannot start while the database is down.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, inspect, text

from permitcal.web.storage.db_budget import DatabaseBudget
from permitcal.web.storage.engine import DEFAULT_TIMEOUT, bounded_engine

__all__ = ["SchemaState", "current_revision", "head_revision", "schema_state", "upgrade"]

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


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations shipped"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True, slots=True)
class SchemaState:
    """The database's schema against what this version of the code needs."""

    revision: str | None
    head: str

    @property
    def current(self) -> bool:
        return self.revision == self.head

    def problem(self) -> str | None:
        """What is wrong, in one line that says what to run; None when current."""
        if self.current:
            return None
        if self.revision is None:
            return "the database has no schema: run `permitcal db upgrade`"
        if self.revision in _known_revisions():
            return (
                f"the database schema is at revision {self.revision}, this version needs"
                f" {self.head}: run `permitcal db upgrade`"
            )
        return (
            f"the database schema is at revision {self.revision}, unknown to this version"
            f" (it needs {self.head}): a newer version migrated it; install that version"
        )


def schema_state(connection: Connection) -> SchemaState:
    return SchemaState(current_revision(connection), head_revision())


def _known_revisions() -> set[str]:
    scripts = ScriptDirectory.from_config(_config())
    return {script.revision for script in scripts.walk_revisions()}


def upgrade(
    url: str, revision: str = "head", timeout: float = DEFAULT_TIMEOUT
) -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to ``revision``; (revision before, revision after).

    Connecting and each statement get ``timeout`` seconds (PERMITCAL_DB_TIMEOUT),
    enforced here as in a request: a hung server makes this fail within it
    with a database error instead of waiting for minutes. A large database
    whose migrations run longer needs a larger setting for this one command.
    """
    budget = DatabaseBudget(timeout)
    engine = bounded_engine(url, timeout, budget)
    # A fresh budget for every statement: a migration is many of them.
    event.listen(engine, "before_cursor_execute", lambda *_args: budget.renew())
    try:
        with budget.request(), engine.begin() as connection:
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
