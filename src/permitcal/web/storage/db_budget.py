"""Each request's time on the database, bounded in all: a watchdog cuts what overruns.

A database server whose processes are stopped still has a kernel that
accepts connections and acknowledges packets: TCP keepalives never fire, a
server-side ``statement_timeout`` never runs, and a driver waits on its
socket for ever. Only the service can bound that wait. Every request gets a
budget (``PERMITCAL_DB_TIMEOUT`` seconds) for the time it spends connecting
to the database or holding a connection, summed over all its statements; a
watchdog thread cuts the connections of a request that overruns (it shuts
down a server connection's socket, or interrupts SQLite), so the blocked
call fails at once with a database error (answered 503), and any later
database call of the same request fails without waiting. Time spent on
anything else (rendering a feed) is not counted.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError, TimeoutError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["STARTED_KEY", "BoundedRequests", "DatabaseBudget", "DatabaseTimeout", "cut_connection"]

# How often the watchdog looks while some request holds a connection: a cut
# comes at most this late. Waking on every checkout instead would cost the
# feed's hot path a thread switch per fetch.
_WATCH_INTERVAL = 0.1


class DatabaseTimeout(TimeoutError):
    """This request has used its time on the database: answered 503 like any outage."""


def cut_connection(connection: Any) -> None:
    """Make whatever a thread is waiting for on ``connection`` fail now.

    SQLite: ``interrupt()``. A server connection: shut its socket down (the
    connection is lost, and the pool replaces it); closing the descriptor
    under the driver instead could hand the number to another file.
    """
    interrupt = getattr(connection, "interrupt", None)
    if interrupt is not None:
        with contextlib.suppress(Exception):
            interrupt()
        return
    with contextlib.suppress(Exception):
        descriptor = connection.fileno()
        copy = socket.socket(fileno=os.dup(descriptor))
        try:
            copy.shutdown(socket.SHUT_RDWR)
        finally:
            copy.close()


class _Thread:
    """One thread's request: budget left, connections held, and since when."""

    __slots__ = ("bounded", "busy_since", "held", "left")

    def __init__(self) -> None:
        self.bounded = False
        self.left = 0.0
        self.busy_since = 0.0
        self.held: dict[object, Any] = {}
        """What the thread holds, by key (a pool record, a connection) → what to cut."""


class DatabaseBudget:
    """Per-request database budgets for one process, and the watchdog that enforces them."""

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._threads: dict[int, _Thread] = {}
        self._watchdog: threading.Thread | None = None
        self._watchdog_pid = 0
        self._watchdog_idle = False

    # --- a request ---------------------------------------------------------

    @contextlib.contextmanager
    def request(self, seconds: float | None = None) -> Iterator[None]:
        """Bound the database time of what runs inside (a request, a command)."""
        state = self.begin(seconds)
        try:
            yield
        finally:
            self.end(state)

    def begin(self, seconds: float | None = None) -> _Thread:
        """Start the current thread's budget; ``end`` it with what this returns.

        What ``request`` does, as two calls: the WSGI layer runs for every
        request, feed fetches included, and a generator context manager
        costs more than the rest of it.
        """
        state = self._state()
        with self._lock:
            state.bounded = True
            state.left = self.seconds if seconds is None else float(seconds)
            state.held.clear()
        return state

    def end(self, state: _Thread) -> None:
        with self._lock:
            state.bounded = False
            state.held.clear()

    def renew(self) -> None:
        """A fresh budget for the current thread (per statement, for migrations)."""
        state = self._state()
        with self._lock:
            if state.bounded:
                if state.held:
                    state.busy_since = time.monotonic()
                state.left = self.seconds

    def remaining(self) -> float | None:
        """Seconds left for the current thread; None outside a bounded request."""
        state = self._state()
        with self._lock:
            if not state.bounded:
                return None
            if state.held:
                return state.left - (time.monotonic() - state.busy_since)
            return state.left

    def check(self) -> None:
        left = self.remaining()
        if left is not None and left <= 0:
            raise DatabaseTimeout(f"the database did not answer within {self.seconds:g} s")

    def hold(self, key: object, target: Any = None) -> None:
        """The current thread starts waiting on the database (``target``: what to cut)."""
        state = self._state()
        with self._lock:
            if not state.bounded:
                return
            if not state.held:
                state.busy_since = time.monotonic()
            state.held[key] = target
            if self._watchdog_idle:
                self._wake.notify()
        self._ensure_watchdog()

    def release(self, key: object) -> None:
        state = self._state()
        with self._lock:
            if state.held.pop(key, _MISSING) is _MISSING or state.held:
                return
            state.left -= time.monotonic() - state.busy_since

    def waiting(self, target: Any = None) -> _Waiting:
        """Count what runs inside as time on the database (``target`` is cut on overrun).

        Fails before entering when the budget is spent, and on leaving when
        the watchdog cut the wait: the caller must not go on as if answered.
        """
        return _Waiting(self, target)

    # --- SQLAlchemy --------------------------------------------------------

    def install(self, engine: Engine, ping: bool) -> None:
        """Count and bound every connection ``engine`` makes or lends.

        ``ping``: test a pooled connection when it is lent out, as
        ``pool_pre_ping`` would, but inside the budget (a ping to a hung server
        hangs too).
        """
        dialect = engine.dialect
        server = dialect.name != "sqlite"

        @event.listens_for(engine, "do_connect")
        def connect(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
            self.check()
            left = self.remaining()
            if server and left is not None and "connect_timeout" in cparams:
                # libpq counts whole seconds and takes 2 at least.
                cparams["connect_timeout"] = min(
                    int(cparams["connect_timeout"]), max(2, math.ceil(left))
                )
            with self.waiting():
                return dialect.connect(*cargs, **cparams)

        @event.listens_for(engine, "checkout")
        def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            self.check()
            self.hold(record, dbapi_connection)
            if not ping:
                return
            try:
                dialect.do_ping(dbapi_connection)
            except Exception as error:
                self.release(record)
                self.check()
                # The pool throws this connection away and tries a new one.
                raise DisconnectionError(str(error)) from error

        @event.listens_for(engine, "checkin")
        def checkin(_dbapi_connection: Any, record: Any) -> None:
            self.release(record)

        @event.listens_for(engine, "detach")
        def detach(_dbapi_connection: Any, record: Any) -> None:
            self.release(record)

    # --- the watchdog --------------------------------------------------------

    def _state(self) -> _Thread:
        ident = threading.get_ident()
        state = self._threads.get(ident)
        if state is None:
            with self._lock:
                state = self._threads.setdefault(ident, _Thread())
                self._forget_dead_threads()
        return state

    def _forget_dead_threads(self) -> None:
        if len(self._threads) > 4 * threading.active_count() + 16:
            alive = {thread.ident for thread in threading.enumerate()}
            for ident in [i for i in self._threads if i not in alive]:
                del self._threads[ident]

    def _ensure_watchdog(self) -> None:
        # Per process: gunicorn forks its workers after the app may exist.
        if self._watchdog is not None and self._watchdog_pid == os.getpid():
            return
        with self._lock:
            if self._watchdog is not None and self._watchdog_pid == os.getpid():
                return
            self._watchdog_pid = os.getpid()
            self._watchdog = threading.Thread(
                target=self._watch, name="permitcal-db-watchdog", daemon=True
            )
            self._watchdog.start()

    def _watch(self) -> None:
        while True:
            with self._lock:
                due = self._overrun()
                busy = any(state.held for state in self._threads.values())
                self._watchdog_idle = not busy
                self._wake.wait(_WATCH_INTERVAL if busy else None)
                self._watchdog_idle = False
            for target in due:
                cut_connection(target)

    def _overrun(self) -> list[Any]:
        """What to cut now: the connections of every thread past its budget (lock held)."""
        now = time.monotonic()
        due: list[Any] = []
        for state in self._threads.values():
            if state.held and now - state.busy_since >= state.left:
                due.extend(target for target in state.held.values() if target is not None)
                # Cut once; the keys stay until the pool takes the connections back.
                state.held = dict.fromkeys(state.held)
                state.left = 0.0
                state.busy_since = now
        return due


_MISSING = object()


class _Waiting:
    """``DatabaseBudget.waiting``: one thread-state lookup and a lock each way.

    A class rather than a generator: the feed lookup runs it on every fetch.
    """

    __slots__ = ("_budget", "_state", "_target")

    def __init__(self, budget: DatabaseBudget, target: Any) -> None:
        self._budget = budget
        self._target = target
        self._state = budget._state()

    def __enter__(self) -> None:
        budget, state = self._budget, self._state
        with budget._lock:
            if state.bounded:
                if state.held:
                    left = state.left - (time.monotonic() - state.busy_since)
                else:
                    left = state.left
                    state.busy_since = time.monotonic()
                if left <= 0:
                    raise DatabaseTimeout(
                        f"the database did not answer within {budget.seconds:g} s"
                    )
                state.held[self] = self._target
                if budget._watchdog_idle:
                    budget._wake.notify()
        if state.bounded:
            budget._ensure_watchdog()

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        budget, state = self._budget, self._state
        with budget._lock:
            if not state.bounded or state.held.pop(self, _MISSING) is _MISSING:
                return
            now = time.monotonic()
            if state.held:  # still waiting on another connection: its time runs on
                left = state.left - (now - state.busy_since)
            else:
                state.left -= now - state.busy_since
                left = state.left
        if kind is None and left <= 0:  # cut while inside
            raise DatabaseTimeout(f"the database did not answer within {budget.seconds:g} s")


STARTED_KEY = "permitcal.started"
"""The WSGI environment key of the request's start (``time.time()``)."""


class BoundedRequests:
    """WSGI middleware: each request runs inside its own database budget.

    Outermost, so that the feed fast path is bounded too. The app's answer
    is built whole before it returns (no streamed bodies read the database).
    """

    def __init__(self, app: WSGIApplication, budget: DatabaseBudget) -> None:
        self.app = app
        self.budget = budget

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[STARTED_KEY] = time.time()
        state = self.budget.begin()
        try:
            return self.app(environ, start_response)
        finally:
            self.budget.end(state)
