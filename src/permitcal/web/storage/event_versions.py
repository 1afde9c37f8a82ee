"""Each event's SEQUENCE and stamp: raised exactly when its content changes, across workers."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from permitcal.web.storage.tables import event_versions, subscriptions

__all__ = ["parse_stamp", "record_versions"]


def record_versions(
    engine: Engine,
    writing: Callable[[], contextlib.AbstractContextManager[Connection]],
    sub_id: int,
    fingerprints: dict[str, str],
    stamp: dt.datetime,
) -> dict[str, tuple[int, dt.datetime]]:
    """(SEQUENCE, stamp) of each event: raised, and stamped ``now``, when its content changed.

    ``fingerprints`` maps each UID to a hash of its content. A new UID
    starts at 0; rows of UIDs no longer rendered are dropped. Writes are
    conditional on the hash they replace and inserts ignore a row another
    worker added first, so concurrent renders agree and bump only once.
    """
    mine = event_versions.c.subscription_id == sub_id
    # Read alone first: most renders change nothing and write nothing. A read
    # transaction that then writes would fail at once on SQLite (WAL) when
    # another connection wrote in between ("database is locked", which the
    # busy timeout does not cover), so writes get a transaction of their own,
    # each statement conditional on what it replaces.
    with engine.connect() as conn:
        stored = {row.uid: row for row in conn.execute(select(event_versions).where(mine))}
    new = [uid for uid in fingerprints if uid not in stored]
    changed = {
        uid: row
        for uid, row in stored.items()
        if uid in fingerprints and fingerprints[uid] != row.content_hash
    }
    gone = [uid for uid in stored if uid not in fingerprints]
    if not (new or changed or gone):
        result = stored
    else:
        with writing() as conn:
            if conn.dialect.name == "postgresql":
                # One writer per subscription at a time: two renders of different
                # content touching the same rows in other orders would deadlock.
                # (SQLite has one writer at all; a read first would break its lock.)
                conn.execute(
                    select(subscriptions.c.id).where(subscriptions.c.id == sub_id).with_for_update()
                )
            if new:
                rows = [
                    {
                        "subscription_id": sub_id,
                        "uid": uid,
                        "content_hash": fingerprints[uid],
                        "sequence": 0,
                        "stamp": stamp,
                    }
                    for uid in new
                ]
                conn.execute(_insert_ignoring_duplicates(conn, rows))
            if changed:
                # One statement for all changed events: the write lock is held
                # for as few round trips as possible.
                conn.execute(
                    _BUMP_EVENT,
                    [
                        {
                            "sub": sub_id,
                            "key": uid,
                            "old": row.content_hash,
                            "new": fingerprints[uid],
                            "seq": row.sequence + 1,
                            "stamp": stamp,
                        }
                        for uid, row in changed.items()
                    ],
                )
            if gone:
                conn.execute(delete(event_versions).where(mine, event_versions.c.uid.in_(gone)))
            result = {row.uid: row for row in conn.execute(select(event_versions).where(mine))}
    # A render of other content at the same moment may just have dropped a
    # row this one added: such an event is new here, as if inserted now.
    fresh = (0, stamp.replace(tzinfo=dt.UTC))
    return {
        uid: (result[uid].sequence, parse_stamp(result[uid].stamp)) if uid in result else fresh
        for uid in fingerprints
    }


_BUMP_EVENT = (
    update(event_versions)
    .where(
        event_versions.c.subscription_id == bindparam("sub"),
        event_versions.c.uid == bindparam("key"),
        event_versions.c.content_hash == bindparam("old"),
    )
    .values(content_hash=bindparam("new"), sequence=bindparam("seq"), stamp=bindparam("stamp"))
)


def _insert_ignoring_duplicates(conn: Any, rows: list[dict[str, Any]]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of this connection."""
    from sqlalchemy.dialects import postgresql, sqlite

    if conn.dialect.name == "postgresql":
        return postgresql.insert(event_versions).values(rows).on_conflict_do_nothing()
    return sqlite.insert(event_versions).values(rows).on_conflict_do_nothing()


@lru_cache(maxsize=4096)
def parse_stamp(raw: object) -> dt.datetime:
    # SQLite keeps DateTime as ISO text; servers return naive UTC datetimes.
    moment = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"unexpected timestamp {raw!r}")
    return moment.replace(tzinfo=dt.UTC)
