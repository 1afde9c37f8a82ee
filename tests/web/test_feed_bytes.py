"""A stored feed written directly (feeds.render) is the object path's bytes, byte for byte (#19)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal import WorkCalendar
from permitcal.ical import content_fingerprint
from permitcal.web.feeds import render
from permitcal.web.storage.store import Subscription
from tests.web.conftest import Clock, create_subscription, service
from tests.web.test_household import household

SINGLE = [
    {"issued": "2023-06-01"},
    {"issued": "2024-03-15", "changes": ["employer", "address"], "lang": "en"},
    {"issued": "2022-02-28", "lang": "both", "alarms": []},
    {"issued": "2025-02-20", "card_received": "2026-02-13", "alarms": [3]},
    {"issued": "2021-12-31", "changes": ["spouse", "title", "education"], "alarms": [30, 7, 1]},
    {"expires": "2027-05-10", "lang": "en", "policy": "beijing"},
    {"expires": "2027-09-30", "policy": "national"},
]
MOM = {"label": "妈妈", "expires": "2027-04-20"}
DAD = {"label": "爸爸", "expires": "2027-09-30"}


def stored(app: Flask, created: dict[str, Any]) -> Subscription:
    sub = service(app).store.by_feed_token(created["feed_url"].split("/")[4])
    assert sub is not None
    return sub


def both_paths(app: Flask, created: dict[str, Any], url: str | None) -> tuple[bytes, bytes]:
    """The feed as written directly, then as the objects serialise it (the CalDAV path)."""
    found = service(app)
    sub = stored(app, created)
    direct = found.render_feed(sub, url).body
    return direct, found.render_vcalendar(sub, url).to_ical()


@pytest.mark.parametrize("body", SINGLE, ids=[str(n) for n in range(len(SINGLE))])
@pytest.mark.parametrize("url", ["http://localhost/", None, "https://例子.example/日历/"])
def test_a_single_permit_is_written_as_the_objects_write_it(
    app: Flask, client: FlaskClient, body: dict[str, Any], url: str | None
) -> None:
    created = create_subscription(client, **body)
    direct, objects = both_paths(app, created, url)
    assert direct == objects


def test_a_household_is_written_as_the_objects_write_it(app: Flask, client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, lang="en")
    direct, objects = both_paths(app, sub, "http://localhost/")
    assert direct == objects
    assert b"[Mom]" in direct or "[妈妈]".encode() in direct


def test_school_events_keep_the_object_path(app: Flask, client: FlaskClient) -> None:
    sub = household(client, MOM, DAD, schools=[{"stage": "primary", "year": 2027}])
    found = service(app)
    record = stored(app, sub)
    events = found.household_feed(record.household)
    options = found._render_options(record, "http://localhost/")
    assert render.write(events, options, lambda _: {}) is None
    direct, objects = both_paths(app, sub, "http://localhost/")
    assert direct == objects


def test_versions_move_alike_after_a_holiday_data_change(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    found = service(app)
    found.calendar = WorkCalendar(published_through=2025)
    clock.now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    created = client.post(
        "/api/subscriptions", json={"issued": "2025-02-20", "card_received": "2026-02-13"}
    ).get_json()
    sub = stored(app, created)
    before = found.render_feed(sub, None).body
    assert b"SEQUENCE:1" not in before
    clock.advance(days=1)
    found.calendar = WorkCalendar(published_through=2026)
    after = found.render_feed(sub, None).body  # the direct path records the new versions
    assert b"SEQUENCE:1" in after
    assert found.render_vcalendar(sub, None).to_ical() == after
    assert b"DTSTAMP:20260106T080000Z" in after


def test_fingerprints_of_written_events_are_content_fingerprints(
    app: Flask, client: FlaskClient
) -> None:
    created = client.post("/api/subscriptions", json={"issued": "2023-06-01"}).get_json()
    found = service(app)
    sub = stored(app, created)
    vcalendar = found.render_vcalendar(sub, "http://localhost/")
    for event in vcalendar.walk("VEVENT"):
        assert render.fingerprint(event.to_ical()) == content_fingerprint(event)
