"""The database schema: the tables that the migrations create and the store reads and writes."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

__all__ = [
    "data_versions",
    "event_versions",
    "metadata",
    "permits",
    "schools",
    "subscriptions",
]

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
    # The calendar-wide settings, one column per entry of the settings table that is
    # not a permit's own (FeedSettings.to_row writes them; a test holds them together).
    # Lists are comma-separated text.
    Column("cycles", Integer, nullable=False),
    Column("lang", String(4), nullable=False),
    Column("alarms", String(40), nullable=False),
    Column("source_rules", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),  # naive UTC, the same on every backend
    Column("updated_at", DateTime, nullable=False),
    Column("revision", Integer, nullable=False),  # SEQUENCE of the events
)


def _tracks_of_subscriptions(name: str, *columns: Column[object]) -> Table:
    """A table of a subscription's tracks: each row in the holder's order, with the key
    that starts every UID of its events (never changes), unique in its subscription."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "subscription_id",
            Integer,
            ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("position", Integer, nullable=False),  # the order the holder gave them
        Column("key", String(40), nullable=False),
        *columns,
        UniqueConstraint("subscription_id", "key", name=f"uq_{name}_subscription_key"),
    )


# The permits of a subscription (1 to 6: a household in one calendar), each with its
# own settings columns. Migration 0005 moved every subscription's permit here, with
# the key its UIDs always had (s-<account>), so no feed changed.
permits = _tracks_of_subscriptions(
    "permits",
    Column("label", String(32), nullable=False),  # at most 8 characters; "" alone
    Column("issued", Date, nullable=True),
    Column("expires", Date, nullable=True),
    Column("card_received", Date, nullable=True),
    Column("changes", String(100), nullable=False),
    Column("points", Boolean, nullable=False),
    Column("policy", String(16), nullable=False),
)

# The school steps of a subscription (0 to 4; migration 0006): a child's stage and
# year (key s-<account>-k…), and the keys of the permits it depends on.
schools = _tracks_of_subscriptions(
    "schools",
    Column("stage", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("permits", String(200), nullable=False),  # permit keys, comma-separated
)

# What each event of a subscription last looked like, so that its SEQUENCE and
# DTSTAMP move exactly when its content does, whatever moved it (an edit, new
# holiday data, new rules, the window rolling on), across workers and restarts.
event_versions = Table(
    "event_versions",
    metadata,
    Column("subscription_id", Integer, primary_key=True),
    Column("uid", String(120), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("stamp", DateTime, nullable=False),  # naive UTC
)

data_versions = Table(
    "data_versions",
    metadata,
    Column("version", String(200), primary_key=True),
    Column("first_seen", DateTime, nullable=False),
)
