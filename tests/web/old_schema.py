"""The subscriptions table as earlier schema revisions had it, to write rows of older versions."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, true


def subscriptions_before_permits(
    metadata: MetaData, *, points: bool = True, policy: bool = True
) -> Table:
    """``subscriptions`` up to revision 0004 (each row one permit); 0001 without the two
    columns of 0003 (``points``) and 0004 (``policy``)."""
    columns = [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("account", String(16), nullable=False, unique=True),
        Column("feed_hash", String(64), nullable=False, unique=True),
        Column("manage_hash", String(64), nullable=False, unique=True),
        Column("feed_generation", Integer, nullable=False),
        Column("issued", Date, nullable=True),
        Column("expires", Date, nullable=True),
        Column("card_received", Date, nullable=True),
        Column("changes", String(100), nullable=False),
        Column("cycles", Integer, nullable=False),
        Column("lang", String(4), nullable=False),
        Column("alarms", String(40), nullable=False),
        Column("source_rules", Boolean, nullable=False),
    ]
    if points:
        columns.append(Column("points", Boolean, nullable=False, server_default=true()))
    if policy:
        columns.append(Column("policy", String(16), nullable=False, server_default="shanghai"))
    columns += [
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Column("revision", Integer, nullable=False),
    ]
    return Table("subscriptions", metadata, *columns)
