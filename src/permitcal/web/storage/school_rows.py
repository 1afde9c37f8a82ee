"""A subscription's school steps to and from their rows, beside its permits' (permit_rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from permitcal.school_data import Stage
from permitcal.web.storage.household import Household
from permitcal.web.storage.schools import School, new_school_key
from permitcal.web.storage.tables import schools

__all__ = ["read_school_rows", "schools_from_rows", "write_schools"]

_OF_SUBSCRIPTION = (
    select(schools)
    .where(schools.c.subscription_id == bindparam("key"))
    .order_by(schools.c.position, schools.c.id)
)


def read_school_rows(conn: Connection, sub_id: int) -> list[Mapping[str, Any]]:
    return [dict(row) for row in conn.execute(_OF_SUBSCRIPTION, {"key": sub_id}).mappings()]


def schools_from_rows(household: Household, school_rows: Sequence[Mapping[str, Any]]) -> Household:
    """``household`` (its permits read from their rows) with its school steps."""
    position = {p.key: index for index, p in enumerate(household.permits)}
    found = []
    for row in school_rows:
        # Every write keeps a step's permits among the household's (see write_schools).
        keys = [k for k in str(row["permits"]).split(",") if k in position]
        found.append(
            School(row["key"], Stage(row["stage"]), row["year"], tuple(position[k] for k in keys))
        )
    return household.with_schools(tuple(found))


def write_schools(
    conn: Connection, sub_id: int, account: str, household: Household, permit_keys: Sequence[str]
) -> None:
    """Make the stored school steps of ``sub_id`` those of ``household``, in its order.

    ``permit_keys`` are the household's permit keys as just written (new
    permits have theirs only then). A step with a key updates its row (its
    key, and so its UIDs, stay); one without gets a new ``s-<account>-k…`` key;
    a stored step no longer listed is deleted.
    """
    stored = {row["key"] for row in read_school_rows(conn, sub_id)}
    kept = {s.key for s in household.schools if s.key}
    if stored - kept:
        conn.execute(
            delete(schools).where(
                schools.c.subscription_id == sub_id, schools.c.key.in_(stored - kept)
            )
        )
    for position, school in enumerate(household.schools):
        values = {
            "position": position,
            "stage": school.stage.value,
            "year": school.year,
            "permits": ",".join(permit_keys[i] for i in school.permits),
        }
        if school.key in stored:
            conn.execute(
                update(schools)
                .where(schools.c.subscription_id == sub_id, schools.c.key == school.key)
                .values(**values)
            )
            continue
        key = school.key
        while key is None or key in stored or key in kept:
            key = new_school_key(account)
        stored.add(key)
        conn.execute(insert(schools).values(subscription_id=sub_id, key=key, **values))
