"""Subscriptions in a SQL database (SQLite by default, PostgreSQL for scale) via SQLAlchemy Core."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    bindparam,
    delete,
    func,
    insert,
    make_url,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from permitcal.web.storage.bounded import Bounded
from permitcal.web.storage.db_budget import DatabaseBudget
from permitcal.web.storage.engine import DEFAULT_TIMEOUT, bounded_engine
from permitcal.web.storage.event_versions import parse_stamp, record_versions
from permitcal.web.storage.feed_changes import FeedChanges, changes_beside
from permitcal.web.storage.household import Household
from permitcal.web.storage.migrate import SchemaState, schema_state
from permitcal.web.storage.permit_rows import (
    feed_row,
    household_from_rows,
    read_permit_rows,
    write_permits,
)
from permitcal.web.storage.reader_pool import ReaderPool
from permitcal.web.storage.school_rows import read_school_rows, schools_from_rows, write_schools
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.tables import (
    data_versions,
    event_versions,
    permits,
    schools,
    subscriptions,
)
from permitcal.web.storage.tokens import feed_token_for, hash_token, new_account_id, new_token

__all__ = ["Created", "FeedStamp", "Store", "Subscription"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One stored subscription, as read from the database."""

    id: int
    account: str
    household: Household
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int
    feed_generation: int

    def feed_token(self, manage_token: str) -> str:
        """The current feed token, for whoever holds the manage token."""
        return feed_token_for(manage_token, self.feed_generation)

    @property
    def settings(self) -> FeedSettings:
        """The calendar-wide settings (language, reminders, …) and its first permit's own."""
        return self.household.settings

    @property
    def uid_prefix(self) -> str:
        """What every UID of its feed starts with: each permit's and school step's track
        key is under it.

        The first permit's key is ``s-<account>``, what the UIDs were before
        there were tracks and households, so every subscription keeps its UIDs
        and SEQUENCE; CalDAV's sync tokens leave this common part out.
        """
        return f"s-{self.account}-"


@dataclass(frozen=True, slots=True)
class FeedStamp:
    """What decides whether a cached feed is still current: read on every fetch."""

    id: int
    revision: int
    updated_raw: object
    """``updated_at`` as the driver returns it (text on SQLite); hashable, cheap to compare."""
    updated_at: dt.datetime = field(compare=False)
    """The same, parsed once (a remembered stamp serves many fetches)."""

    @classmethod
    def of(cls, row: Any) -> FeedStamp:
        return cls(row[0], row[1], row[2], parse_stamp(row[2]))


@dataclass(frozen=True, slots=True)
class Created:
    """A new subscription and its two secrets, which exist only in this answer."""

    subscription: Subscription
    feed_token: str
    manage_token: str


class _Remembered(NamedTuple):
    """A stamp read by this process, and its feed slot's counter before the read."""

    stamp: FeedStamp
    slot: int
    counted: int
    until: float
    """``time.monotonic()`` past which it is read again whatever the counter says."""


class Store:
    """All database access of the service; one instance per app, safe across threads."""

    STAMP_MAX_AGE = 60.0
    """Seconds a remembered stamp is used at most: how late a change the counters cannot
    see (made by hand in the database) reaches the feed (see feed_changes)."""

    REMEMBERED_STAMPS = 16384
    """Stamps remembered per process at most (about 200 bytes each)."""

    def __init__(
        self,
        url: str,
        timeout: float = DEFAULT_TIMEOUT,
        budget: DatabaseBudget | None = None,
        **engine_options: Any,
    ) -> None:
        self.url = url
        self.budget = budget or DatabaseBudget(timeout)
        """Each request's time on the database (see db_budget); the app sets it per request."""
        # Creating the engine opens no connection: a worker boots with the database down.
        self.engine: Engine = bounded_engine(url, timeout, self.budget, **engine_options)
        # The feed-fetch query, compiled once for this database's driver: on the
        # hottest path the SQLAlchemy execution layer would cost more than the
        # indexed lookup itself.
        compiled = _STAMP_BY_FEED_HASH.compile(dialect=self.engine.dialect)
        self._stamp_sql = str(compiled)
        self._stamp_positional = compiled.positional
        self._readers = ReaderPool(self.engine, self.budget)
        # A database server may serve other machines too, whose writes no file here
        # would see: its stamps are read on every fetch.
        self.changes: FeedChanges | None = (
            changes_beside(make_url(url).database) if self.engine.dialect.name == "sqlite" else None
        )
        """Which feeds were written since a stamp was read; None: read every stamp."""
        self._remembered: Bounded[str, _Remembered] = Bounded()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def schema_state(self) -> SchemaState:
        """Whether ``permitcal db upgrade`` has brought the schema to this version's."""
        with self.engine.connect() as conn:
            return schema_state(conn)

    def create(self, household: Household | FeedSettings, now: dt.datetime) -> Created:
        """A new subscription of one permit (settings) or a household."""
        if isinstance(household, FeedSettings):
            household = Household.single(household)
        manage_token = new_token()
        feed_token = feed_token_for(manage_token, 0)
        stamp = _naive_utc(now)
        account = new_account_id()
        row = {
            "account": account,
            "feed_hash": hash_token(feed_token),
            "manage_hash": hash_token(manage_token),
            "feed_generation": 0,
            **feed_row(household.settings),
            "created_at": stamp,
            "updated_at": stamp,
            "revision": 0,
        }
        with self._writing() as conn:
            new_id = conn.execute(insert(subscriptions).values(**row)).inserted_primary_key
            assert new_id is not None
            keys = write_permits(conn, new_id[0], account, household)
            write_schools(conn, new_id[0], account, household, keys)
            sub = _from_row(conn.execute(_BY_ID, {"key": new_id[0]}).mappings().one(), conn)
        assert sub is not None  # read back inside the transaction that wrote it
        return Created(sub, feed_token, manage_token)

    def by_feed_token(self, token: str) -> Subscription | None:
        return self._lookup(_BY_FEED_HASH, hash_token(token))

    def feed_stamp(self, token: str) -> FeedStamp | None:
        """The few columns a feed fetch needs when its rendering is cached.

        Read once and then remembered while no write of the feed has begun
        (see feed_changes), for at most ``STAMP_MAX_AGE`` seconds.
        """
        found = self.remembered_stamp(token)
        if found is not None:
            return found
        changes = self.changes
        key = hash_token(token)
        if changes is not None:
            slot = changes.slot(key)
            count = changes.count(slot)  # before the read: see feed_changes
        params: Any = (key,) if self._stamp_positional else {"key": key}
        row = self._readers.fetch_one(self._stamp_sql, params)
        if row is None:
            self._remembered.pop(token)
            return None
        stamp = FeedStamp.of(row)
        if changes is not None and count % 2 == 0:
            remembered = _Remembered(stamp, slot, count, time.monotonic() + self.STAMP_MAX_AGE)
            self._remembered.put(token, remembered, self.REMEMBERED_STAMPS)
        return stamp

    def remembered_stamp(self, token: str) -> FeedStamp | None:
        """The stamp this process read for ``token`` and may still use, without asking the
        database; None when it must ask (the same object while it stays usable)."""
        remembered = self._remembered.get(token)
        changes = self.changes
        if (
            remembered is not None
            and changes is not None
            and changes.count(remembered.slot) == remembered.counted
            and time.monotonic() < remembered.until
        ):
            return remembered.stamp
        return None

    def by_id(self, sub_id: int) -> Subscription | None:
        return self._lookup(_BY_ID, sub_id)

    def by_manage_token(self, token: str) -> Subscription | None:
        return self._lookup(_BY_MANAGE_HASH, hash_token(token))

    def update(
        self, sub: Subscription, household: Household | FeedSettings, now: dt.datetime
    ) -> Subscription | None:
        """New settings or permits, written only if ``sub`` is still the stored revision.

        The revision goes up so that clients replace their events. None when
        someone else changed or deleted the subscription since ``sub`` was read:
        the caller reads it again, so that no acknowledged change is lost.
        Settings alone change the first permit (a one-permit subscription's).
        """
        if isinstance(household, FeedSettings):
            first = sub.household.permits[0]
            household = Household(
                (
                    replace(first, settings=household),
                    *sub.household.with_feed(household).permits[1:],
                ),
                sub.household.schools,
            )
        stamp = _naive_utc(now)
        statement = (
            update(subscriptions)
            .where(subscriptions.c.id == sub.id, subscriptions.c.revision == sub.revision)
            .values(**feed_row(household.settings), updated_at=stamp, revision=sub.revision + 1)
        )
        return self._write_then_reload(sub, statement, household)

    def rotate_feed_token(self, sub: Subscription, manage_token: str) -> Subscription | None:
        """The next feed token generation; the old feed URL stops working at once.

        None when the subscription was deleted or rotated by someone else since
        ``sub`` was read (the old URL is retired either way).
        """
        generation = sub.feed_generation + 1
        statement = (
            update(subscriptions)
            .where(
                subscriptions.c.id == sub.id,
                subscriptions.c.feed_generation == sub.feed_generation,
            )
            .values(
                feed_hash=hash_token(feed_token_for(manage_token, generation)),
                feed_generation=generation,
            )
        )
        return self._write_then_reload(sub, statement)

    def delete(self, sub: Subscription) -> bool:
        """False when it was already gone (deleted by a concurrent request)."""
        with self._changing(sub.id) as conn:
            deleted = conn.execute(delete(subscriptions).where(subscriptions.c.id == sub.id))
            conn.execute(delete(event_versions).where(event_versions.c.subscription_id == sub.id))
            # Not left to ON DELETE CASCADE: SQLite enforces foreign keys only when asked.
            conn.execute(delete(permits).where(permits.c.subscription_id == sub.id))
            conn.execute(delete(schools).where(schools.c.subscription_id == sub.id))
        return deleted.rowcount > 0

    def event_versions(
        self, sub_id: int, fingerprints: dict[str, str], now: dt.datetime
    ) -> dict[str, tuple[int, dt.datetime]]:
        """(SEQUENCE, stamp) of each event: see :func:`event_versions.record_versions`."""
        return record_versions(self.engine, self._writing, sub_id, fingerprints, _naive_utc(now))

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
                with self._writing() as conn:
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
        self._remembered.clear()
        self.engine.dispose()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it takes the write lock at its start.

        SQLite in WAL mode starts a transaction as a reader and upgrades on the
        first write; when another connection commits between the two, the
        upgrade fails at once with "database is locked", and the busy timeout
        does not apply (seen under load). BEGIN IMMEDIATE waits for the lock
        instead, up to the busy timeout.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    @contextlib.contextmanager
    def _changing(self, sub_id: int) -> Iterator[Connection]:
        """A write transaction that changes what the feed URL of ``sub_id`` answers.

        Counts up its feed's slot inside the transaction and again after it
        (see feed_changes), so that no process answers from a stamp it read
        before this write committed.
        """
        changes = self.changes
        slot: int | None = None
        try:
            with self._writing() as conn:
                if changes is not None:
                    feed_hash = conn.execute(_FEED_HASH_BY_ID, {"key": sub_id}).scalar()
                    if feed_hash is not None:
                        slot = changes.slot(feed_hash)
                        changes.count_up(slot)
                yield conn
        finally:
            if slot is not None and changes is not None:
                changes.count_up(slot)

    def _write_then_reload(
        self, sub: Subscription, statement: Any, household: Household | None = None
    ) -> Subscription | None:
        with self._changing(sub.id) as conn:
            if conn.execute(statement).rowcount == 0:
                return None
            if household is not None:
                keys = write_permits(conn, sub.id, sub.account, household)
                write_schools(conn, sub.id, sub.account, household, keys)
            # Read back in the same transaction: what this write produced, even
            # if another writer follows at once.
            row = conn.execute(_BY_ID, {"key": sub.id}).mappings().first()
            return None if row is None else _from_row(row, conn)

    def _lookup(self, statement: Select[Any], key: object) -> Subscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(statement, {"key": key}).mappings().first()
            return None if row is None else _from_row(row, conn)


# Built once: on the hot path (every feed fetch) SQLAlchemy then skips
# constructing and keying the statement again.
_BY_FEED_HASH = select(subscriptions).where(subscriptions.c.feed_hash == bindparam("key"))
_BY_MANAGE_HASH = select(subscriptions).where(subscriptions.c.manage_hash == bindparam("key"))
_BY_ID = select(subscriptions).where(subscriptions.c.id == bindparam("key"))
_FEED_HASH_BY_ID = select(subscriptions.c.feed_hash).where(subscriptions.c.id == bindparam("key"))
_STAMP_BY_FEED_HASH = select(
    subscriptions.c.id, subscriptions.c.revision, subscriptions.c.updated_at
).where(subscriptions.c.feed_hash == bindparam("key"))


def _from_row(row: Any, conn: Connection) -> Subscription | None:
    """A subscription from its row and, read on the same connection, its permits and
    school steps.

    None when it has no permits: a delete (one transaction for both tables)
    committed between the two reads.
    """
    permit_rows = read_permit_rows(conn, row["id"])
    if not permit_rows:
        return None
    return Subscription(
        row["id"],
        row["account"],
        schools_from_rows(household_from_rows(row, permit_rows), read_school_rows(conn, row["id"])),
        parse_stamp(row["created_at"]),
        parse_stamp(row["updated_at"]),
        row["revision"],
        row["feed_generation"],
    )


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    # Whole seconds: iCalendar and HTTP dates have no fractions, and equal
    # stamps must give equal bytes after a round trip through the database.
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
