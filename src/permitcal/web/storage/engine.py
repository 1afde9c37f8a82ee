"""SQLAlchemy engines that answer or fail within a timeout, on SQLite and on a server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.pool import ConnectionPoolEntry

from permitcal.web.storage.db_budget import DatabaseBudget

__all__ = ["DEFAULT_TIMEOUT", "bounded_engine"]

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for the database (connecting, a statement, a lock) before a 503."""


def bounded_engine(
    url: str,
    timeout: float = DEFAULT_TIMEOUT,
    budget: DatabaseBudget | None = None,
    **engine_options: Any,
) -> Engine:
    """An engine for ``url`` whose connections and statements give up after ``timeout``.

    With ``budget``, every connection it makes or lends counts against the
    current request's database time, and is cut when that runs out.
    """
    sqlite = url.startswith("sqlite")
    # A server connection can drop while pooled; a SQLite file cannot, and
    # the ping would double the cost of every feed lookup. With a budget, the
    # budget pings, inside the request's bound.
    engine_options.setdefault("pool_pre_ping", not sqlite and budget is None)
    if not sqlite:
        # A database that is down or hung must give a 503 within seconds,
        # not hold every worker thread for the driver's default of minutes.
        engine_options.setdefault("pool_timeout", timeout)
        engine_options.setdefault("connect_args", _server_timeouts(url, timeout))
    engine = create_engine(url, **engine_options)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas(timeout))
    if budget is not None:
        budget.install(engine, ping=not sqlite)
    return engine


def _sqlite_pragmas(timeout: float) -> Callable[[Any, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # WAL lets feed readers proceed while a subscription is written; the busy
        # timeout makes concurrent writers wait instead of failing at once.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _server_timeouts(url: str, timeout: float) -> dict[str, Any]:
    """Driver arguments that bound connecting and every statement on a database server."""
    if make_url(url).get_backend_name() != "postgresql":
        return {}
    seconds = max(1, round(timeout))
    return {
        "connect_timeout": seconds,  # libpq: the whole connection start, login included
        "options": f"-c statement_timeout={seconds * 1000}",
    }
