"""Subscriptions in a SQL database (SQLite by default, PostgreSQL for scale) via SQLAlchemy Core."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from permitcal.policy import Change
from permitcal.web.settings import FeedSettings
from permitcal.web.tokens import feed_token_for, hash_token, new_account_id, new_token

__all__ = ["Created", "FeedStamp", "Store", "Subscription", "metadata", "subscriptions"]

metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Public, short, not a secret: the UID prefix and the CalDAV account name.
    Column("account", String(16), nullable=False, unique=True),
    # Only hashes of the two secrets; the unique constraints give the lookup indexes.
    Column("feed_hash", String(64), nullable=False, unique=True),
    Column("manage_hash", String(64), nullable=False, unique=True),
    Column("feed_generation", Integer, nullable=False),  # goes up when the feed URL rotates
    Column("issued", Date, nullable=True),
    Column("expires", Date, nullable=True),
    Column("card_received", Date, nullable=True),
    Column("changes", String(100), nullable=False),
    Column("cycles", Integer, nullable=False),
    Column("lang", String(4), nullable=False),
    Column("alarms", String(40), nullable=False),
    Column("source_rules", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),  # naive UTC, the same on every backend
    Column("updated_at", DateTime, nullable=False),
    Column("revision", Integer, nullable=False),  # SEQUENCE of the events
)

data_versions = Table(
    "data_versions",
    metadata,
    Column("version", String(200), primary_key=True),
    Column("first_seen", DateTime, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One stored subscription, as read from the database."""

    id: int
    account: str
    settings: FeedSettings
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int
    feed_generation: int

    def feed_token(self, manage_token: str) -> str:
        """The current feed token, for whoever holds the manage token."""
        return feed_token_for(manage_token, self.feed_generation)


@dataclass(frozen=True, slots=True)
class FeedStamp:
    """What decides whether a cached feed is still current: read on every fetch."""

    id: int
    revision: int
    updated_raw: object
    """``updated_at`` as the driver returns it (text on SQLite); hashable, cheap to compare."""

    @property
    def updated_at(self) -> dt.datetime:
        return _parse_stamp(self.updated_raw)


@dataclass(frozen=True, slots=True)
class Created:
    """A new subscription and its two secrets, which exist only in this answer."""

    subscription: Subscription
    feed_token: str
    manage_token: str


class Store:
    """All database access of the service; one instance per app, safe across threads."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        sqlite = url.startswith("sqlite")
        # A server connection can drop while pooled; a SQLite file cannot, and
        # the ping would double the cost of every feed lookup.
        engine_options.setdefault("pool_pre_ping", not sqlite)
        self.engine: Engine = create_engine(url, **engine_options)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        # The feed-fetch query, compiled once for this database's driver: on the
        # hottest path the SQLAlchemy execution layer would cost more than the
        # indexed lookup itself.
        compiled = _STAMP_BY_FEED_HASH.compile(dialect=self.engine.dialect)
        self._stamp_sql = str(compiled)
        self._stamp_positional = compiled.positional
        self._readers = _ReadConnections(self)

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def create(self, settings: FeedSettings, now: dt.datetime) -> Created:
        manage_token = new_token()
        feed_token = feed_token_for(manage_token, 0)
        stamp = _naive_utc(now)
        row = {
            "account": new_account_id(),
            "feed_hash": hash_token(feed_token),
            "manage_hash": hash_token(manage_token),
            "feed_generation": 0,
            **_settings_row(settings),
            "created_at": stamp,
            "updated_at": stamp,
            "revision": 0,
        }
        with self.engine.begin() as conn:
            new_id = conn.execute(insert(subscriptions).values(**row)).inserted_primary_key
        assert new_id is not None
        aware = stamp.replace(tzinfo=dt.UTC)
        sub = Subscription(new_id[0], row["account"], settings, aware, aware, 0, 0)
        return Created(sub, feed_token, manage_token)

    def by_feed_token(self, token: str) -> Subscription | None:
        return self._lookup(_BY_FEED_HASH, hash_token(token))

    def feed_stamp(self, token: str) -> FeedStamp | None:
        """The few columns a feed fetch needs when its rendering is cached."""
        key = hash_token(token)
        params: Any = (key,) if self._stamp_positional else {"key": key}
        row = self._readers.fetch_one(self._stamp_sql, params)
        return None if row is None else FeedStamp(row[0], row[1], row[2])

    def by_id(self, sub_id: int) -> Subscription | None:
        return self._lookup(_BY_ID, sub_id)

    def by_manage_token(self, token: str) -> Subscription | None:
        return self._lookup(_BY_MANAGE_HASH, hash_token(token))

    def update(self, sub: Subscription, settings: FeedSettings, now: dt.datetime) -> Subscription:
        """New settings; the revision goes up so that clients replace their events."""
        stamp = _naive_utc(now)
        with self.engine.begin() as conn:
            conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == sub.id)
                .values(
                    **_settings_row(settings),
                    updated_at=stamp,
                    revision=subscriptions.c.revision + 1,
                )
            )
        return self._reload(sub)

    def rotate_feed_token(self, sub: Subscription, manage_token: str) -> Subscription:
        """The next feed token generation; the old feed URL stops working at once."""
        generation = sub.feed_generation + 1
        with self.engine.begin() as conn:
            conn.execute(
                update(subscriptions)
                .where(subscriptions.c.id == sub.id)
                .values(
                    feed_hash=hash_token(feed_token_for(manage_token, generation)),
                    feed_generation=generation,
                )
            )
        return self._reload(sub)

    def delete(self, sub: Subscription) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(subscriptions).where(subscriptions.c.id == sub.id))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(subscriptions)).scalar_one())

    def first_seen(self, version: str, now: dt.datetime) -> dt.datetime:
        """When this deployment first served data ``version`` (for Last-Modified)."""
        query = select(data_versions.c.first_seen).where(data_versions.c.version == version)
        with self.engine.connect() as conn:
            seen = conn.execute(query).scalar_one_or_none()
        if seen is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(data_versions).values(version=version, first_seen=_naive_utc(now))
                    )
            except IntegrityError:
                pass  # another worker recorded it first; read theirs
            with self.engine.connect() as conn:
                seen = conn.execute(query).scalar_one()
        first: dt.datetime = seen
        return first.replace(tzinfo=dt.UTC)

    def dispose(self) -> None:
        self._readers.close_all()
        self.engine.dispose()

    def _reload(self, sub: Subscription) -> Subscription:
        fresh = self.by_id(sub.id)
        assert fresh is not None, f"subscription {sub.id} vanished while being written"
        return fresh

    def _lookup(self, statement: Select[Any], key: object) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(statement, {"key": key}).mappings().first()
        return None if row is None else _from_row(row)


# Built once: on the hot path (every feed fetch) SQLAlchemy then skips
# constructing and keying the statement again.
_BY_FEED_HASH = select(subscriptions).where(subscriptions.c.feed_hash == bindparam("key"))
_BY_MANAGE_HASH = select(subscriptions).where(subscriptions.c.manage_hash == bindparam("key"))
_BY_ID = select(subscriptions).where(subscriptions.c.id == bindparam("key"))
_STAMP_BY_FEED_HASH = select(
    subscriptions.c.id, subscriptions.c.revision, subscriptions.c.updated_at
).where(subscriptions.c.feed_hash == bindparam("key"))


class _ReadConnections:
    """One autocommit DBAPI connection per thread, for the feed lookup only.

    A pool checkout and check-in cost several times the indexed lookup itself,
    and the lookup runs on every feed fetch. Autocommit keeps these connections
    out of any transaction, so they always see the latest committed rows. A
    connection that fails is dropped and the query retried once on a new one
    (a restarted server); a second failure surfaces as a SQLAlchemy error,
    which the service answers with 503.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def fetch_one(self, sql: str, params: Any) -> Any:
        for attempt in (1, 2):
            fresh = getattr(self._local, "connection", None) is None
            try:
                cursor = self._connection().cursor()
                try:
                    cursor.execute(sql, params)
                    return cursor.fetchone()
                finally:
                    cursor.close()
            except Exception as error:
                self._discard()
                dbapi_error = self._store.engine.dialect.loaded_dbapi.Error
                if isinstance(error, dbapi_error) and attempt == 1 and not fresh:
                    continue
                if isinstance(error, SQLAlchemyError):
                    raise
                raise OperationalError(sql, params, error) from error
        raise AssertionError("unreachable")

    def close_all(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            with contextlib.suppress(Exception):
                connection.close()
        self._local = threading.local()

    def _connection(self) -> Any:
        connection: Any = getattr(self._local, "connection", None)
        if connection is None:
            fairy = self._store.engine.raw_connection()
            fairy.detach()  # ours now: the pool neither resets nor reuses it
            connection = fairy.dbapi_connection
            if self._store.engine.dialect.name == "sqlite":
                connection.isolation_level = None
            else:
                connection.autocommit = True
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    def _discard(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            with self._lock, contextlib.suppress(ValueError):
                self._all.remove(connection)
            with contextlib.suppress(Exception):
                connection.close()


@lru_cache(maxsize=4096)
def _parse_stamp(raw: object) -> dt.datetime:
    # SQLite keeps DateTime as ISO text; servers return naive UTC datetimes.
    moment = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"unexpected timestamp {raw!r}")
    return moment.replace(tzinfo=dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets feed readers proceed while a subscription is written; the busy
    # timeout makes concurrent writers wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _settings_row(settings: FeedSettings) -> dict[str, Any]:
    return {
        "issued": settings.issued,
        "expires": settings.expires,
        "card_received": settings.card_received,
        "changes": ",".join(sorted(c.value for c in settings.changes)),
        "cycles": settings.cycles,
        "lang": settings.lang,
        "alarms": ",".join(str(a) for a in settings.alarms),
        "source_rules": settings.source_rules,
    }


def _from_row(row: Any) -> Subscription:
    settings = FeedSettings(
        issued=row["issued"],
        expires=row["expires"],
        card_received=row["card_received"],
        changes=frozenset(Change(c) for c in row["changes"].split(",") if c),
        cycles=row["cycles"],
        lang=row["lang"],
        alarms=tuple(int(a) for a in row["alarms"].split(",") if a),
        source_rules=bool(row["source_rules"]),
    )
    return Subscription(
        row["id"],
        row["account"],
        settings,
        _parse_stamp(row["created_at"]),
        _parse_stamp(row["updated_at"]),
        row["revision"],
        row["feed_generation"],
    )


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    # Whole seconds: iCalendar and HTTP dates have no fractions, and equal
    # stamps must give equal bytes after a round trip through the database.
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
