"""benchmarks/stored_rerender.py seeds its subscriptions in bulk (#19): the rows are those
``Store.create`` and a first render write, and the feeds render the same bytes from them."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from permitcal.web.feeds.cache import FeedCache
from permitcal.web.feeds.service import Service
from permitcal.web.storage import store as store_module
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store
from permitcal.web.storage.tables import event_versions, permits, subscriptions
from tests.web.conftest import migrated_sqlite

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "stored_rerender.py"
# Random or assigned by the database: tokens (as hashes) and ids.
NOT_COMPARED = {"id", "subscription_id", "feed_hash", "manage_hash"}


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stored_rerender", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stored_rows(store: Store) -> list[dict[str, Any]]:
    """Each subscription's row, its permits' and its event versions', in id order."""

    def plain(row: Any) -> dict[str, Any]:
        return {name: value for name, value in row.items() if name not in NOT_COMPARED}

    found = []
    with store.engine.connect() as conn:
        for sub in conn.execute(select(subscriptions).order_by(subscriptions.c.id)).mappings():
            mine = permits.c.subscription_id == sub["id"]
            versions = select(event_versions).where(event_versions.c.subscription_id == sub["id"])
            found.append(
                {
                    "subscription": plain(sub),
                    "permits": [
                        plain(r) for r in conn.execute(select(permits).where(mine)).mappings()
                    ],
                    "versions": sorted(
                        (plain(r) for r in conn.execute(versions).mappings()),
                        key=lambda r: str(r["uid"]),
                    ),
                }
            )
    return found


def feeds(service: Service, tokens: list[str], home: str) -> list[bytes]:
    found = []
    for token in tokens:
        feed = service.subscription_feed(token, home)
        assert feed is not None
        found.append(feed.rendered.body)
    return found


def test_the_seeded_rows_are_those_of_create_and_a_first_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = benchmark()
    bodies = list(bench.inputs(7))
    # Store.create with the seeding's accounts (random otherwise): UIDs start with them.
    given = iter(f"b{n:011x}" for n in range(len(bodies)))
    monkeypatch.setattr(store_module, "new_account_id", lambda: next(given))
    seeded_clock, created_clock = bench.Clock(bench.NOW), bench.Clock(bench.NOW)
    seeded = Service(
        Store(migrated_sqlite(tmp_path / "seeded.sqlite3")), FeedCache(), clock=seeded_clock
    )
    created = Service(
        Store(migrated_sqlite(tmp_path / "created.sqlite3")), FeedCache(), clock=created_clock
    )
    try:
        # Batches of 3: the ids go on from one batch to the next.
        seeded_tokens = bench.seed(seeded, bodies, batch=3)
        created_tokens = [
            created.store.create(
                created.checked(FeedSettings.from_json(body)), created_clock()
            ).feed_token
            for body in bodies
        ]
        first = feeds(created, created_tokens, bench.HOME)  # each one's first render
        rows = stored_rows(created.store)
        assert len(rows) == len(bodies)
        assert all(r["versions"] for r in rows)
        assert stored_rows(seeded.store) == rows
        with seeded.store.engine.connect() as conn:
            ids = conn.execute(select(subscriptions.c.id).order_by(subscriptions.c.id)).scalars()
            assert list(ids) == list(range(1, len(bodies) + 1))

        # The same day: the seeded records render the first render's bytes and write nothing.
        assert feeds(seeded, seeded_tokens, bench.HOME) == first
        assert stored_rows(seeded.store) == rows

        # The benchmark's re-render, the next day (most feeds unchanged), then a year on (the
        # window moved: versions added, raised and dropped): the same bytes and the same writes.
        for days in (1, 365):
            seeded_clock.now += dt.timedelta(days=days)
            created_clock.now += dt.timedelta(days=days)
            later = feeds(created, created_tokens, bench.HOME)
            assert feeds(seeded, seeded_tokens, bench.HOME) == later
            assert stored_rows(seeded.store) == stored_rows(created.store)
        assert later != first
        assert stored_rows(seeded.store) != rows
    finally:
        seeded.store.dispose()
        created.store.dispose()
