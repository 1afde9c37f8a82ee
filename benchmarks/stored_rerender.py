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

from sqlalchemy import func, insert, select

from permitcal.web.feeds.cache import FeedCache
from permitcal.web.feeds.render import write
from permitcal.web.feeds.service import Service
from permitcal.web.storage.household import Household
from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.permit_rows import feed_row, write_permits
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Store, Subscription
from permitcal.web.storage.tables import event_versions, subscriptions
from permitcal.web.storage.tokens import feed_token_for, hash_token, new_token

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


class _Fingerprinted(Exception):
    """Raised from ``write``'s versions callback: the fingerprints are all the seeding needs."""


def fingerprints(service: Service, sub: Subscription) -> dict[str, str]:
    """Each event's content fingerprint (UID -> hash), as a first render computes them:
    ``write`` computes them, hands them to the store, and is stopped there instead of
    writing the feed's bytes, which the seeding does not need."""
    found: dict[str, str] = {}

    def stop(computed: dict[str, str]) -> Any:
        found.update(computed)
        raise _Fingerprinted

    try:
        write(service.household_feed(sub.household), service._render_options(sub, HOME), stop)
    except _Fingerprinted:
        return found
    raise AssertionError("only the object path draws this feed: not a one-permit subscription")


def seed(service: Service, bodies: list[dict[str, object]], batch: int = 2000) -> list[str]:
    """Store the subscriptions and yesterday's versions of their events, in bulk: the
    rows ``Store.create`` and a first render write, a transaction per ``batch``.

    Each subscription is built as ``Store.create`` would read it back (ids
    assigned here, after the largest stored), its events fingerprinted as its
    first render would, and the batch's subscriptions and versions are each
    written in one statement (the permits through ``write_permits``, as
    ``Store.create`` writes them).
    """
    store, stamp = service.store, service.clock().astimezone(dt.UTC).replace(microsecond=0)
    now = stamp.replace(tzinfo=None)  # naive UTC, as the store writes it
    tokens: list[str] = []
    for start in range(0, len(bodies), batch):
        with store.engine.begin() as conn:
            last = conn.execute(select(func.max(subscriptions.c.id))).scalar_one() or 0
            rows: list[dict[str, object]] = []
            permits: list[tuple[int, str, FeedSettings]] = []
            versions: list[dict[str, object]] = []
            for n, body in enumerate(bodies[start : start + batch], start):
                settings = service.checked(FeedSettings.from_json(body))
                sub_id, account, manage_token = last + 1 + len(rows), f"b{n:011x}", new_token()
                feed_token = feed_token_for(manage_token, 0)
                rows.append(
                    {
                        "id": sub_id,
                        "account": account,
                        "feed_hash": hash_token(feed_token),
                        "manage_hash": hash_token(manage_token),
                        "feed_generation": 0,
                        **feed_row(settings),
                        "created_at": now,
                        "updated_at": now,
                        "revision": 0,
                    }
                )
                tokens.append(feed_token)
                permits.append((sub_id, account, settings))
                # As Store.create reads it back: the first permit's key is s-<account>.
                household = Household.single(settings, key=f"s-{account}")
                sub = Subscription(sub_id, account, household, stamp, stamp, 0, 0)
                versions.extend(
                    {"subscription_id": sub_id, "uid": uid, "content_hash": fingerprint}
                    | {"sequence": 0, "stamp": now}
                    for uid, fingerprint in fingerprints(service, sub).items()
                )
            conn.execute(insert(subscriptions), rows)
            for sub_id, account, settings in permits:
                keys = write_permits(conn, sub_id, account, Household.single(settings))
                assert keys == [f"s-{account}"]
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
