"""The store on SQLite and on a real PostgreSQL (the server CI starts; skipped locally without one)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, inspect, select

from permitcal.web.storage.migrate import head_revision, upgrade
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store
from permitcal.web.storage.tables import data_versions, metadata, subscriptions
from permitcal.web.storage.tokens import hash_token
from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import fresh_schema, make_app, path_of, require_or_skip, service
from tests.web.old_schema import subscriptions_before_permits

NOW = dt.datetime(2026, 11, 20, 8, 0, 0, tzinfo=dt.UTC)
# Columns of subscriptions added by migrations after 0001.
OLD_ROW = {
    "account": "0123456789ab",
    "feed_hash": "f" * 64,
    "manage_hash": "m" * 64,
    "feed_generation": 0,
    "issued": dt.date(2023, 6, 1),
    "changes": "",
    "cycles": 3,
    "lang": "zh",
    "alarms": "7,1",
    "source_rules": True,
    "created_at": dt.datetime(2026, 1, 1),
    "updated_at": dt.datetime(2026, 1, 1),
    "revision": 0,
}
SETTINGS = FeedSettings.from_json({"issued": "2023-06-01", "changes": ["employer"], "alarms": [3]})


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    # A clean, migrated schema for every test on the shared server.
    return fresh_schema(database_url(request.param, tmp_path))


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    found = Store(url)
    yield found
    found.dispose()


def test_round_trip(store: Store) -> None:
    created = store.create(SETTINGS, NOW)
    by_feed = store.by_feed_token(created.feed_token)
    by_manage = store.by_manage_token(created.manage_token)
    assert by_feed == by_manage == created.subscription
    assert by_feed is not None
    assert by_feed.settings == SETTINGS
    assert by_feed.updated_at == NOW
    assert by_feed.feed_token(created.manage_token) == created.feed_token
    assert store.by_feed_token(created.manage_token) is None  # the tokens are not interchangeable
    assert store.by_manage_token(created.feed_token) is None


def test_only_hashes_are_stored(store: Store) -> None:
    created = store.create(SETTINGS, NOW)
    with store.engine.connect() as conn:
        row = conn.execute(select(subscriptions)).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert created.feed_token not in stored
    assert created.manage_token not in stored
    assert row["feed_hash"] == hash_token(created.feed_token)
    assert row["manage_hash"] == hash_token(created.manage_token)


def test_token_lookups_use_unique_indexes(store: Store) -> None:
    inspector = inspect(store.engine)
    unique = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("subscriptions")}
    unique |= {
        tuple(i["column_names"]) for i in inspector.get_indexes("subscriptions") if i["unique"]
    }
    assert {("feed_hash",), ("manage_hash",), ("account",)} <= unique


def test_update_bumps_revision(store: Store) -> None:
    created = store.create(SETTINGS, NOW)
    later = NOW + dt.timedelta(days=2, microseconds=123)
    changed = FeedSettings.from_json({"card_received": "2024-05-20"}, base=SETTINGS)
    updated = store.update(created.subscription, changed, later)
    assert updated.revision == 1
    assert updated.updated_at == later.replace(microsecond=0)
    assert updated.created_at == NOW
    assert updated.settings.card_received == dt.date(2024, 5, 20)
    assert updated.settings.changes == SETTINGS.changes


def test_rotate_and_delete(store: Store) -> None:
    created = store.create(SETTINGS, NOW)
    rotated = store.rotate_feed_token(created.subscription, created.manage_token)
    new_token = rotated.feed_token(created.manage_token)
    assert new_token != created.feed_token
    assert store.by_feed_token(created.feed_token) is None
    assert store.by_feed_token(new_token) == rotated
    store.delete(rotated)
    assert store.by_manage_token(created.manage_token) is None
    assert store.count() == 0


def test_first_seen_is_recorded_once_even_under_races(store: Store) -> None:
    results: list[dt.datetime] = []

    def record(offset: int) -> None:
        results.append(store.first_seen("v1", NOW + dt.timedelta(hours=offset)))

    threads = [threading.Thread(target=record, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert store.first_seen("v1", NOW + dt.timedelta(days=9)) == results[0]
    assert store.first_seen("v2", NOW + dt.timedelta(days=9)) == NOW + dt.timedelta(days=9)


def test_upgrade_is_idempotent(store: Store, url: str) -> None:
    store.create(SETTINGS, NOW)
    assert upgrade(url) == (head_revision(), head_revision())
    assert store.count() == 1


def test_migrations_give_the_schema_the_code_expects(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_a_database_from_before_migrations_is_adopted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    # What `init-db` made before there were migrations: the two tables of revision 0001
    # (without the columns later migrations add).
    old = MetaData()
    old_subscriptions = subscriptions_before_permits(old, points=False, policy=False)
    data_versions.to_metadata(old)
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(old_subscriptions.insert().values(**OLD_ROW))
    engine.dispose()
    assert upgrade(url) == (None, head_revision())
    store = Store(url)
    try:
        assert store.count() == 1
    finally:
        store.dispose()


def test_whole_service_on_this_database(url: str, tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL=url)
    client: FlaskClient = app.test_client()
    created = client.post("/api/subscriptions", json={"issued": "2023-06-01"}).get_json()
    feed = client.get(path_of(created["feed_url"]))
    assert feed.status_code == 200
    assert_well_formed(feed.data)
    assert (
        client.get(
            path_of(created["feed_url"]), headers={"If-None-Match": feed.headers["ETag"]}
        ).status_code
        == 304
    )
    patched = client.patch(path_of(created["api_url"]), json={"lang": "en"})
    assert patched.status_code == 200
    again = client.get(path_of(created["feed_url"]))
    assert {e["SEQUENCE"] for e in events(again.data)} == {"1"}
    assert client.post("/api/subscriptions", json={"issued": "2023-02-30"}).status_code == 400
    assert service(app).store.count() == 1
    service(app).store.dispose()


def test_feed_stamp_reads_the_current_revision(store: Store) -> None:
    created = store.create(SETTINGS, NOW)
    stamp = store.feed_stamp(created.feed_token)
    assert stamp is not None
    assert (stamp.id, stamp.revision, stamp.updated_at) == (created.subscription.id, 0, NOW)
    store.update(created.subscription, SETTINGS, NOW + dt.timedelta(hours=1))
    fresh = store.feed_stamp(created.feed_token)  # the per-thread connection sees the commit
    assert fresh is not None
    assert fresh.revision == 1
    assert fresh.updated_at == NOW + dt.timedelta(hours=1)
    assert store.feed_stamp("A" * 32) is None


def test_feed_stamp_from_many_threads(store: Store) -> None:
    tokens = [store.create(SETTINGS, NOW).feed_token for _ in range(5)]
    failures: list[str] = []

    def read(token: str) -> None:
        for _ in range(50):
            stamp = store.feed_stamp(token)
            if stamp is None or store.by_feed_token(token) is None:
                failures.append(token)

    threads = [threading.Thread(target=read, args=(t,)) for t in tokens * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_feed_lookup_survives_a_dropped_server_connection(tmp_path: Path) -> None:
    url = fresh_schema(database_url("postgresql", tmp_path))
    store = Store(url)
    try:
        created = store.create(SETTINGS, NOW)
        assert store.feed_stamp(created.feed_token) is not None
        # Kill every other session of this database: the per-thread reader dies.
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        stamp = store.feed_stamp(created.feed_token)  # retried on a fresh connection
        assert stamp is not None
        assert stamp.id == created.subscription.id
    finally:
        store.dispose()


def test_event_versions_under_concurrent_renders_and_writes(store: Store) -> None:
    # Found by the repeated load test: a read that then wrote in one transaction
    # failed at once with "database is locked" on SQLite when another write came between.
    subs = [store.create(SETTINGS, NOW).subscription for _ in range(4)]
    failures: list[str] = []

    def render(sub_id: int, flip: int) -> None:
        for step in range(60):
            fingerprints = {f"u{n}": f"h{(step + flip) % 3}-{n}" for n in range(6 + step % 3)}
            try:
                versions = store.event_versions(sub_id, fingerprints, NOW)
                assert set(versions) == set(fingerprints)
            except Exception as error:  # reported below, with the step
                failures.append(f"{sub_id}/{step}: {error!r}")

    threads = [
        threading.Thread(target=render, args=(sub.id, flip)) for sub in subs for flip in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    versions = store.event_versions(subs[0].id, {"u0": "final"}, NOW)
    assert versions["u0"][0] > 0  # every change raised the sequence, never lost
