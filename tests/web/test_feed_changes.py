"""Remembered feed stamps (storage/feed_changes): read once, used until a write of that feed.

Two ``Store`` objects on one SQLite file stand for two worker processes: each
has its own remembered stamps and its own mapping of the shared counters
file, as a forked or separately started worker has. One test writes from a
separate process. Every test checks the rule that matters: once a write has
returned, no store answers from a stamp read before it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from permitcal.web.storage.feed_changes import SLOTS, FeedChanges, changes_beside
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store
from permitcal.web.storage.tokens import hash_token
from tests.web.conftest import Counted, fresh_schema, migrated_sqlite, require_or_skip

NOW = dt.datetime(2026, 12, 3, 8, 0, 0, tzinfo=dt.UTC)
SETTINGS = FeedSettings.from_json({"issued": "2023-06-01"})
ENGLISH = FeedSettings.from_json({"issued": "2023-06-01", "lang": "en"})


@pytest.fixture
def url(tmp_path: Path) -> str:
    return migrated_sqlite(tmp_path / "feeds.sqlite3")


@pytest.fixture
def two(url: str) -> Iterator[tuple[Store, Store]]:
    """Two stores on one file: two workers."""
    first, second = Store(url), Store(url)
    yield first, second
    first.dispose()
    second.dispose()


def test_a_stamp_is_read_once_then_remembered(two: tuple[Store, Store]) -> None:
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    reads = Counted(reader._readers, "fetch_one")
    stamps = {reader.feed_stamp(created.feed_token) for _ in range(5)}
    assert len(stamps) == 1
    assert reads.count == 1


def test_an_edit_in_another_store_shows_at_once(two: tuple[Store, Store]) -> None:
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    before = reader.feed_stamp(created.feed_token)
    assert before is not None
    assert before.revision == 0
    writer.update(created.subscription, ENGLISH, NOW + dt.timedelta(minutes=1))
    after = reader.feed_stamp(created.feed_token)
    assert after is not None
    assert (after.revision, after.updated_at) == (1, NOW + dt.timedelta(minutes=1))


def test_a_rotated_or_deleted_feed_is_gone_at_once_everywhere(two: tuple[Store, Store]) -> None:
    writer, reader = two
    rotated = writer.create(SETTINGS, NOW)
    deleted = writer.create(SETTINGS, NOW)
    for created in (rotated, deleted):
        assert reader.feed_stamp(created.feed_token) is not None
    moved = writer.rotate_feed_token(rotated.subscription, rotated.manage_token)
    assert moved is not None
    assert writer.delete(deleted.subscription)
    assert reader.feed_stamp(rotated.feed_token) is None
    assert reader.feed_stamp(deleted.feed_token) is None
    assert reader.feed_stamp(moved.feed_token(rotated.manage_token)) is not None


def test_a_write_from_another_process_shows_at_once(url: str, two: tuple[Store, Store]) -> None:
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    assert reader.feed_stamp(created.feed_token) is not None
    script = (
        "import datetime as dt, sys\n"
        "from permitcal.web.storage.settings import FeedSettings\n"
        "from permitcal.web.storage.store import Store\n"
        "store = Store(sys.argv[1])\n"
        "sub = store.by_feed_token(sys.argv[2])\n"
        "store.update(sub, FeedSettings.from_json({'issued': '2023-06-01', 'lang': 'en'}),\n"
        "             dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))\n"
    )
    subprocess.run([sys.executable, "-c", script, url, created.feed_token], check=True)
    after = reader.feed_stamp(created.feed_token)
    assert after is not None
    assert after.revision == 1


def test_a_write_that_fails_leaves_its_slot_usable(two: tuple[Store, Store]) -> None:
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    assert writer.changes is not None
    slot = writer.changes.slot(hash_token(created.feed_token))
    before = writer.changes.count(slot)
    with pytest.raises(RuntimeError), writer._changing(created.subscription.id):
        raise RuntimeError("a write that fails halfway")
    assert writer.changes.count(slot) == before + 2  # counted up inside, and after
    reads = Counted(reader._readers, "fetch_one")
    for _ in range(3):
        assert reader.feed_stamp(created.feed_token) is not None
    assert reads.count == 1


def test_a_slot_left_mid_write_is_never_remembered(two: tuple[Store, Store]) -> None:
    # A writer killed between its two counts: its slot stays odd.
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    assert writer.changes is not None
    writer.changes.count_up(writer.changes.slot(hash_token(created.feed_token)))
    reads = Counted(reader._readers, "fetch_one")
    for _ in range(3):
        assert reader.feed_stamp(created.feed_token) is not None
    assert reads.count == 3


def test_a_hand_edit_shows_once_the_remembered_stamp_is_too_old(
    url: str, two: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    clock = [1000.0]
    monkeypatch.setattr("permitcal.web.storage.store.time.monotonic", lambda: clock[0])
    assert reader.feed_stamp(created.feed_token) is not None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:  # not through permitcal
        conn.execute("UPDATE subscriptions SET revision = 7")
    clock[0] += Store.STAMP_MAX_AGE - 1
    stale = reader.feed_stamp(created.feed_token)
    assert stale is not None
    assert stale.revision == 0
    clock[0] += 1
    fresh = reader.feed_stamp(created.feed_token)
    assert fresh is not None
    assert fresh.revision == 7


def test_writes_racing_reads_never_leave_a_stale_stamp(two: tuple[Store, Store]) -> None:
    """After each write returns, the other store answers with it or later, while a
    thread keeps reading (and remembering) through that store the whole time."""
    writer, reader = two
    created = writer.create(SETTINGS, NOW)
    token, sub = created.feed_token, created.subscription
    done = threading.Event()
    errors: list[str] = []

    def keep_reading() -> None:
        while not done.is_set():
            if reader.feed_stamp(token) is None:
                errors.append("vanished")

    readers = [threading.Thread(target=keep_reading) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for step in range(1, 101):
            written = writer.update(sub, ENGLISH if step % 2 else SETTINGS, NOW)
            assert written is not None
            sub = written
            seen = reader.feed_stamp(token)
            if seen is None or seen.revision < step:
                errors.append(f"step {step}: {seen}")
    finally:
        done.set()
        for thread in readers:
            thread.join()
    assert errors == []


def test_counters_are_shared_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3-feeds"
    first, second = FeedChanges(path), FeedChanges(path)
    assert path.stat().st_size == SLOTS * 8
    first.count_up(5)
    first.count_up(5)
    assert (second.count(5), second.count(6)) == (2, 0)
    assert FeedChanges.slot("f" * 64) == 0xFFFFFFFF % SLOTS


def test_without_a_usable_file_every_stamp_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert changes_beside(str(tmp_path / "missing" / "db.sqlite3")) is None
    assert "feed change counters unavailable" in caplog.text
    assert isinstance(changes_beside(":memory:"), FeedChanges)


def test_a_database_server_reads_every_stamp(tmp_path: Path) -> None:
    # Other machines may write to it: no counters file here would see their writes.
    url = fresh_schema(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"))
    store = Store(url)
    try:
        created = store.create(SETTINGS, NOW)
        assert store.changes is None
        reads = Counted(store._readers, "fetch_one")
        for _ in range(3):
            assert store.feed_stamp(created.feed_token) is not None
        assert reads.count == 3
    finally:
        store.dispose()


def test_the_file_takes_the_databases_permissions(tmp_path: Path) -> None:
    database = tmp_path / "shared.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o640)
    beside = changes_beside(str(database))
    assert beside is not None
    assert beside.path is not None
    assert beside.path.stat().st_mode & 0o777 == 0o640
