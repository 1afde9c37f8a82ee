"""A subscription's permits to and from their rows: read in one query, written in the caller's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from permitcal.settings_schema import FEED_NAMES, PERMIT_NAMES
from permitcal.web.storage.household import Household, Permit, new_permit_key
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.tables import permits

__all__ = ["household_from_rows", "read_permit_rows", "write_permits"]

_OF_SUBSCRIPTION = (
    select(permits)
    .where(permits.c.subscription_id == bindparam("key"))
    .order_by(permits.c.position, permits.c.id)
)


def read_permit_rows(conn: Connection, sub_id: int) -> list[Mapping[str, Any]]:
    return [dict(row) for row in conn.execute(_OF_SUBSCRIPTION, {"key": sub_id}).mappings()]


def household_from_rows(
    sub_row: Mapping[str, Any], permit_rows: Sequence[Mapping[str, Any]]
) -> Household:
    """The household of a subscription row (its calendar-wide columns) and its permit rows."""
    feed = {name: sub_row[name] for name in FEED_NAMES}
    return Household(
        tuple(
            Permit(
                row["key"],
                row["label"],
                FeedSettings.from_row({**feed, **{n: row[n] for n in PERMIT_NAMES}}),
            )
            for row in permit_rows
        )
    )


def write_permits(conn: Connection, sub_id: int, account: str, household: Household) -> list[str]:
    """Make the stored permits of ``sub_id`` those of ``household``, in its order.

    A permit with a key updates its row (its key, and so its UIDs, stay); one
    without gets a new key (the first permit of a new subscription the key
    ``s-<account>``, what single-permit UIDs have always started with); a
    stored permit no longer listed is deleted. Returns the keys, in order.
    """
    stored = {row["key"] for row in read_permit_rows(conn, sub_id)}
    kept = {p.key for p in household.permits if p.key}
    keys: list[str] = []
    if stored - kept:
        conn.execute(
            delete(permits).where(
                permits.c.subscription_id == sub_id, permits.c.key.in_(stored - kept)
            )
        )
    for position, permit in enumerate(household.permits):
        values = {"position": position, "label": permit.label, **_permit_row(permit.settings)}
        if permit.key is not None and permit.key in stored:
            conn.execute(
                update(permits)
                .where(permits.c.subscription_id == sub_id, permits.c.key == permit.key)
                .values(**values)
            )
            keys.append(permit.key)
            continue
        key = permit.key or (f"s-{account}" if not stored and position == 0 else None)
        while key is None or key in stored or key in kept:
            key = new_permit_key(account)
        stored.add(key)
        conn.execute(insert(permits).values(subscription_id=sub_id, key=key, **values))
        keys.append(key)
    return keys


def feed_row(settings: FeedSettings) -> dict[str, Any]:
    """The subscription row's calendar-wide columns."""
    row = settings.to_row()
    return {name: row[name] for name in FEED_NAMES}


def _permit_row(settings: FeedSettings) -> dict[str, Any]:
    row = settings.to_row()
    return {name: row[name] for name in PERMIT_NAMES}
