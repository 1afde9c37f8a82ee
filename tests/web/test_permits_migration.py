"""Migration 0005: subscriptions written before households keep every feed byte that matters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect

from permitcal.deadlines import compute
from permitcal.ical import RenderOptions, content_fingerprint, to_vcalendar
from permitcal.web.feeds.service import Service
from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.tables import event_versions, metadata
from tests.web.conftest import make_app, require_or_skip, service
from tests.web.old_schema import subscriptions_before_permits

STAMP = dt.datetime(2026, 1, 1)
# Rows as revision 0004 stored them: one permit each, its settings in the row.
OLD_ROWS: list[dict[str, Any]] = [
    {"account": "aaaaaaaaaaaa", "issued": dt.date(2023, 6, 1), "changes": "", "alarms": "7,1",
     "lang": "zh", "points": True, "policy": "shanghai"},
    {"account": "bbbbbbbbbbbb", "expires": dt.date(2027, 2, 8),
     "card_received": None, "changes": "address,employer", "alarms": "3", "lang": "en",
     "points": False, "policy": "shanghai"},
    {"account": "cccccccccccc", "issued": dt.date(2024, 3, 31), "changes": "", "alarms": "",
     "lang": "both", "points": False, "policy": "beijing"},
]  # fmt: skip
OLD_SEQUENCE = 2


def at_revision(url: str, revision: str) -> str:
    """An empty database (a shared test server is cleared) migrated up to ``revision``."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
    upgrade(url, revision)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return at_revision(f"sqlite:///{tmp_path / 'old.sqlite3'}", "0004")
    return at_revision(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"), "0004")


def old_settings(row: dict[str, Any]) -> FeedSettings:
    return FeedSettings.from_row(
        {"issued": None, "expires": None, "card_received": None, "cycles": 3,
         "source_rules": True, **row}
    )  # fmt: skip


def test_every_old_feed_keeps_uids_texts_dates_and_sequence(url: str, tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL=url)
    found = service(app)
    try:
        check_old_feeds(url, found)
    finally:
        found.store.dispose()  # no connection left for the garbage collector to find open


def check_old_feeds(url: str, found: Service) -> None:
    # What the code of revision 0004 rendered for each row: the permit's deadlines under
    # the identity s-<account>, and the fingerprints its renders stored, at SEQUENCE 2.
    expected = {}
    engine = create_engine(url)
    with engine.begin() as conn:
        table = subscriptions_before_permits(MetaData())
        for number, row in enumerate(OLD_ROWS, start=1):
            settings = old_settings(row)
            options = RenderOptions(
                identity=f"s-{row['account']}",
                lang=settings.lang,
                alarms=settings.alarms,
                policy=settings.rules,
            )
            deadlines = compute(settings.permit(), None, found.calendar, found.today())
            old = {str(e["UID"]): e for e in to_vcalendar(deadlines, options).walk("VEVENT")}
            expected[number] = old
            conn.execute(
                insert(table).values(
                    feed_hash=f"{number}" * 64,
                    manage_hash=f"m{number}" * 32,
                    feed_generation=0,
                    cycles=3,
                    source_rules=True,
                    created_at=STAMP,
                    updated_at=STAMP,
                    revision=4,
                    **{"issued": None, "expires": None, "card_received": None, **row},
                )
            )
            conn.execute(
                insert(event_versions),
                [
                    {
                        "subscription_id": number,
                        "uid": uid,
                        "content_hash": content_fingerprint(event),
                        "sequence": OLD_SEQUENCE,
                        "stamp": STAMP,
                    }
                    for uid, event in old.items()
                ],
            )
    engine.dispose()

    upgrade(url)

    engine = create_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("subscriptions")}
        assert not columns & {"issued", "expires", "changes", "points", "policy"}
    finally:
        engine.dispose()
    for number, row in enumerate(OLD_ROWS, start=1):
        sub = found.store.by_id(number)
        assert sub is not None
        assert [p.key for p in sub.household.permits] == [f"s-{row['account']}"]
        assert sub.settings == old_settings(row)
        new = {str(e["UID"]): e for e in found.render_vcalendar(sub, None).walk("VEVENT")}
        assert set(new) == set(expected[number])
        for uid, event in new.items():
            before = expected[number][uid]
            for name in ("SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "CATEGORIES"):
                assert event.get(name) == before.get(name), (uid, name)
            assert int(event["SEQUENCE"]) == OLD_SEQUENCE, uid
            assert event.decoded("DTSTAMP").replace(tzinfo=None) == STAMP, uid
