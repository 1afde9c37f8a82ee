"""The daily re-render of stored feeds (#19): N distinct stored subscriptions through the
service's own render path, timed.

A stored feed's bytes change when the day moves its window or when the
holiday data or rules change; the service then renders each feed again the
first time it is fetched that day (on demand, in whichever worker gets the
fetch: nothing renders feeds in bulk, and no render waits on another's). This
measures what that costs in all: it stores ``--feeds`` subscriptions of
distinct inputs (SQLite in a temporary folder; one permit each, the common
case) with yesterday's rendering recorded (each event's version, as the
first render records it; written in bulk, and not timed), then moves the
clock one day and renders each through ``Service.subscription_feed`` as a
fetch would (the re-render: it reads the record and the versions, and writes
only what changed). ``--first`` also times, on a sample, the first render of
a new subscription through the same path (a write transaction a feed).
Prints the time in all and per feed (process CPU time and wall time) and the
cache's hits, which must be 0.

    python benchmarks/stored_rerender.py [--feeds 100000] [--first 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from permitcal.web.feeds.cache import FeedCache
from permitcal.web.feeds.render import write
from permitcal.web.feeds.service import Service
from permitcal.web.storage.household import Household
from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.permit_rows import feed_row, write_permits
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store
from permitcal.web.storage.tables import event_versions, subscriptions
from permitcal.web.storage.tokens import hash_token, new_token

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
CHANGES = ("address", "employer", "education", "title", "spouse")
HOME = "https://permitcal.example/"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def inputs(count: int, seed: int = 19) -> Iterator[dict[str, object]]:
    """Distinct live permits: issue dates over the last five years, each with one of the
    32 sets of declared changes and one of two languages, shuffled."""
    first = NOW.date() - dt.timedelta(days=5 * 365)
    shapes = [(day, mask, lang) for day in range(5 * 365) for mask in range(32) for lang in "ze"]
    if count > len(shapes):
        raise SystemExit(f"--feeds at most {len(shapes)} distinct inputs")
    for day, mask, lang in random.Random(seed).sample(shapes, count):
        yield {
            "issued": (first + dt.timedelta(days=day)).isoformat(),
            "changes": [c for i, c in enumerate(CHANGES) if mask >> i & 1],
            "lang": "zh" if lang == "z" else "en",
        }


def seed(service: Service, bodies: list[dict[str, object]], batch: int = 2000) -> list[str]:
    """Store the subscriptions and yesterday's versions of their events, in bulk: the
    rows ``Store.create`` and a first render write, a transaction per ``batch``."""
    store, now = service.store, service.clock().replace(tzinfo=None)
    tokens: list[str] = []
    for start in range(0, len(bodies), batch):
        ids: list[int] = []
        with store.engine.begin() as conn:
            for n, body in enumerate(bodies[start : start + batch], start):
                household = Household.single(service.checked(FeedSettings.from_json(body)))
                token = new_token()
                row = {
                    "account": f"b{n:011x}",
                    "feed_hash": hash_token(token),
                    "manage_hash": hash_token(new_token()),
                    "feed_generation": 0,
                    **feed_row(household.settings),
                    "created_at": now,
                    "updated_at": now,
                    "revision": 0,
                }
                new_id = conn.execute(insert(subscriptions).values(**row)).inserted_primary_key
                assert new_id is not None
                write_permits(conn, new_id[0], row["account"], household)
                ids.append(new_id[0])
                tokens.append(token)
        versions: list[dict[str, object]] = []
        for sub_id in ids:
            sub = store.by_id(sub_id)
            assert sub is not None

            def record(
                fingerprints: dict[str, str], sub_id: int = sub_id, versions: list[Any] = versions
            ) -> Any:
                versions.extend(
                    {"subscription_id": sub_id, "uid": uid, "content_hash": fingerprint}
                    | {"sequence": 0, "stamp": now}
                    for uid, fingerprint in fingerprints.items()
                )
                return {uid: (0, now.replace(tzinfo=dt.UTC)) for uid in fingerprints}

            events = service.household_feed(sub.household)
            assert write(events, service._render_options(sub, HOME), record) is not None
        with store.engine.begin() as conn:
            conn.execute(insert(event_versions), versions)
    return tokens


def render_all(service: Service, tokens: list[str], label: str) -> None:
    hits = service.cache.hits
    cpu, wall = time.process_time(), time.perf_counter()
    size = 0
    for token in tokens:
        feed = service.subscription_feed(token, HOME)
        assert feed is not None
        size += len(feed.rendered.body)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    count = len(tokens)
    print(
        f"{label}: {count} feeds in {wall:.1f} s wall, {cpu:.1f} s CPU; per feed "
        f"{wall / count * 1e3:.2f} ms wall, {cpu / count * 1e3:.2f} ms CPU; "
        f"{size / count:.0f} bytes a feed on average; cache hits {service.cache.hits - hits}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=100_000, help="stored subscriptions")
    parser.add_argument("--first", type=int, default=0, help="new subscriptions' first renders")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="permitcal-rerender-"))
    try:
        url = f"sqlite:///{work / 'rerender.sqlite3'}"
        upgrade(url)
        store = Store(url)
        clock = Clock(NOW)
        # The production cache's bounds: most of 100,000 feeds are evicted again.
        service = Service(store, FeedCache(), clock=clock)
        started = time.perf_counter()
        bodies = list(inputs(args.feeds + args.first))
        tokens = seed(service, bodies[: args.feeds])
        print(
            f"stored {len(tokens)} distinct subscriptions and their versions in "
            f"{time.perf_counter() - started:.0f} s (SQLite; {os.cpu_count()} CPUs)"
        )
        clock.now += dt.timedelta(days=1)
        render_all(service, tokens, "re-render the next day (the daily case)")
        if args.first:
            created = [
                store.create(service.checked(FeedSettings.from_json(body)), clock()).feed_token
                for body in bodies[args.feeds :]
            ]
            render_all(service, created, "first render of a new subscription")
        store.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
