"""A small pool of raw autocommit connections for the one query run on every feed fetch."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from permitcal.web.storage.db_budget import DatabaseBudget

__all__ = ["ReaderPool"]


class ReaderPool:
    """A small LIFO pool of autocommit DBAPI connections, for the feed lookup only.

    The lookup runs on every feed fetch, and a SQLAlchemy pool checkout and
    check-in cost several times the indexed query itself; taking a connection
    from this list costs a lock and a pop. The pool keeps at most ``max_idle``
    connections, whatever the number of threads a server starts, and closes
    the rest on return, so open connections never grow with requests.
    Autocommit keeps the connections out of any transaction, so they always
    see the latest committed rows. A reused connection that fails is closed
    and the query retried once on a new one (a restarted server); a second
    failure surfaces as a SQLAlchemy error, which the service answers with 503.
    """

    def __init__(self, engine: Engine, budget: DatabaseBudget, max_idle: int = 8) -> None:
        self._engine = engine
        self._budget = budget
        self._max_idle = max_idle
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def fetch_one(self, sql: str, params: Any) -> Any:
        for attempt in (1, 2):
            self._budget.check()  # a request past its budget must not take (and lose) one
            connection, reused = self._checkout()
            try:
                with self._budget.waiting(connection):
                    cursor = connection.cursor()
                    try:
                        cursor.execute(sql, params)
                        row = cursor.fetchone()
                    finally:
                        cursor.close()
            except Exception as error:
                _close_quietly(connection)
                dbapi_error = self._engine.dialect.loaded_dbapi.Error
                if isinstance(error, dbapi_error) and attempt == 1 and reused:
                    continue
                if isinstance(error, SQLAlchemyError):
                    raise
                raise OperationalError(sql, params, error) from error
            self._checkin(connection)
            return row
        raise AssertionError("unreachable")

    @property
    def idle(self) -> int:
        return len(self._idle)

    def close_all(self) -> None:
        with self._lock:
            connections, self._idle = self._idle, []
        for connection in connections:
            _close_quietly(connection)

    def _checkout(self) -> tuple[Any, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        fairy = self._engine.raw_connection()
        fairy.detach()  # ours now: the engine's pool neither resets nor reuses it
        connection: Any = fairy.dbapi_connection
        if self._engine.dialect.name == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        return connection, False

    def _checkin(self, connection: Any) -> None:
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    with contextlib.suppress(Exception):
        connection.close()
