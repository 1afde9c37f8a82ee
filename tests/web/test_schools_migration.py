"""Migration 0006 (school steps): households stored at 0005 keep their feeds; downgrade too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select

from permitcal.ical import RenderOptions, content_fingerprint, to_vcalendar
from permitcal.school_data import Stage
from permitcal.tracks import Track, compute_tracks
from permitcal.web.storage.household import Household, Permit
from permitcal.web.storage.migrate import _config, current_revision, upgrade
from permitcal.web.storage.schools import School
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.tables import event_versions, permits, subscriptions
from tests.web.conftest import make_app, require_or_skip, service
from tests.web.test_permits_migration import at_revision

STAMP = dt.datetime(2026, 1, 1)
OLD_SEQUENCE = 3
CALENDAR = {"cycles": 3, "lang": "zh", "alarms": "7,1", "source_rules": True}
# Households as revision 0005 stored them: (account, [(key suffix, label, permit columns)]).
HOUSEHOLDS: list[tuple[str, list[tuple[str, str, dict[str, Any]]]]] = [
    ("aaaaaaaaaaaa", [("", "", {"issued": dt.date(2026, 6, 1)})]),
    (
        "bbbbbbbbbbbb",
        [
            ("", "妈妈", {"expires": dt.date(2027, 4, 20)}),
            ("-pqwert", "爸爸", {"expires": dt.date(2027, 9, 30), "changes": "employer"}),
            ("-pzxcvb", "奶奶", {"issued": dt.date(2026, 3, 31), "policy": "beijing",
                                 "points": False}),
        ],
    ),
]  # fmt: skip


def permit_row(columns: dict[str, Any]) -> dict[str, Any]:
    return {
        "issued": None,
        "expires": None,
        "card_received": None,
        "changes": "",
        "points": True,
        "policy": "shanghai",
        **columns,
    }


def downgrade(url: str, revision: str) -> None:
    """Alembic's downgrade (the service ships no command for it: operators restore backups)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(_config(connection), revision)
            assert current_revision(connection) == revision
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return at_revision(f"sqlite:///{tmp_path / 'old.sqlite3'}", "0005")
    return at_revision(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"), "0005")


def test_households_at_0005_keep_their_feeds(url: str, tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL=url)
    found = service(app)
    expected = {}
    engine = create_engine(url)
    with engine.begin() as conn:
        for number, (account, entries) in enumerate(HOUSEHOLDS, start=1):
            conn.execute(
                insert(subscriptions).values(
                    account=account, feed_hash=f"{number}" * 64, manage_hash=f"m{number}" * 32,
                    feed_generation=0, created_at=STAMP, updated_at=STAMP, revision=5, **CALENDAR,
                )
            )  # fmt: skip
            tracks, labels = [], {}
            for position, (suffix, label, columns) in enumerate(entries):
                key = f"s-{account}{suffix}"
                row = permit_row(columns)
                conn.execute(
                    insert(permits).values(
                        subscription_id=number, position=position, key=key, label=label, **row
                    )
                )
                settings = FeedSettings.from_row({**CALENDAR, **row})
                tracks.append(Track(key, settings.permit()))
                if len(entries) > 1:
                    labels[key] = label
            # What the code of revision 0005 rendered, and the fingerprints it stored.
            settings = FeedSettings.from_row({**CALENDAR, **permit_row(entries[0][2])})
            options = RenderOptions(
                identity=f"s-{account}",
                lang=settings.lang,
                alarms=settings.alarms,
                policy=settings.rules,
                labels=labels,
            )
            deadlines = compute_tracks(tracks, found.calendar, found.today())
            old = {str(e["UID"]): e for e in to_vcalendar(deadlines, options).walk("VEVENT")}
            expected[number] = old
            conn.execute(
                insert(event_versions),
                [
                    {"subscription_id": number, "uid": uid, "content_hash":
                     content_fingerprint(event), "sequence": OLD_SEQUENCE, "stamp": STAMP}
                    for uid, event in old.items()
                ],
            )  # fmt: skip
    engine.dispose()

    assert upgrade(url) == ("0005", "0006")

    engine = create_engine(url)
    try:
        assert "schools" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    for number, (account, entries) in enumerate(HOUSEHOLDS, start=1):
        sub = found.store.by_id(number)
        assert sub is not None
        assert [p.key for p in sub.household.permits] == [f"s-{account}{e[0]}" for e in entries]
        assert sub.household.schools == ()
        new = {str(e["UID"]): e for e in found.render_vcalendar(sub, None).walk("VEVENT")}
        assert set(new) == set(expected[number])
        for uid, event in new.items():
            before = expected[number][uid]
            for name in ("SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "CATEGORIES"):
                assert event.get(name) == before.get(name), (uid, name)
            assert int(event["SEQUENCE"]) == OLD_SEQUENCE, uid
            assert event.decoded("DTSTAMP").replace(tzinfo=None) == STAMP, uid
    # And the upgraded database takes school steps.
    sub = found.store.by_id(2)
    assert sub is not None
    school = School(None, Stage.PRIMARY, 2027, (0, 1))
    written = found.store.update(sub, sub.household.with_schools((school,)), found.clock())
    assert written is not None
    assert [s.permits for s in written.household.schools] == [(0, 1)]
    assert len(found.household_feed(written.household)) > len(found.household_feed(sub.household))
    found.store.dispose()


def test_downgrade_to_0005_drops_the_school_steps_only(url: str, tmp_path: Path) -> None:
    upgrade(url)
    app = make_app(tmp_path, DATABASE_URL=url)
    found = service(app)
    mom = FeedSettings.from_json({"expires": "2027-04-20"})
    household = Household((Permit(None, "妈妈", mom),), (School(None, Stage.PRIMARY, 2027, (0,)),))
    created = found.store.create(household, found.clock())
    assert created.subscription.household.schools[0].key is not None
    found.store.dispose()

    downgrade(url, "0005")
    engine = create_engine(url)
    try:
        assert "schools" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(select(permits.c.key, permits.c.label)).all()
        assert [tuple(r) for r in rows] == [(f"s-{created.subscription.account}", "妈妈")]
    finally:
        engine.dispose()
    assert upgrade(url) == ("0005", "0006")
