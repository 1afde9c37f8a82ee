"""The database schema: the tables that the migrations create and the store reads and writes."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, true

__all__ = ["data_versions", "event_versions", "metadata", "subscriptions"]

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
    # The settings, one column per entry of the settings table (FeedSettings.to_row
    # writes them; a test holds the two together). Lists are comma-separated text.
    Column("issued", Date, nullable=True),
    Column("expires", Date, nullable=True),
    Column("card_received", Date, nullable=True),
    Column("changes", String(100), nullable=False),
    Column("cycles", Integer, nullable=False),
    Column("lang", String(4), nullable=False),
    Column("alarms", String(40), nullable=False),
    Column("source_rules", Boolean, nullable=False),
    # Added by migration 0003; rows stored before it have points (the default).
    Column("points", Boolean, nullable=False, server_default=true()),
    # Added by migration 0004; rows stored before it are Shanghai's (the only policy then).
    Column("policy", String(16), nullable=False, server_default="shanghai"),
    Column("created_at", DateTime, nullable=False),  # naive UTC, the same on every backend
    Column("updated_at", DateTime, nullable=False),
    Column("revision", Integer, nullable=False),  # SEQUENCE of the events
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
