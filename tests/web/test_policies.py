"""Issue 18 over HTTP: the policy field of the JSON API, the stateless feed and the stored feed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, insert

from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.store import Store
from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import create_subscription, make_app, path_of, service
from tests.web.old_schema import subscriptions_before_permits


def test_a_subscription_follows_the_policy_it_names(client: FlaskClient) -> None:
    body = create_subscription(client, issued="2024-03-31", policy="beijing", lang="en")
    assert body["settings"]["policy"] == "beijing"
    assert body["settings"]["points"] is False  # Beijing has none
    assert [d["rule"] for d in body["deadlines"][:3]] == ["B1", "B2", "B3"]
    feed = client.get(path_of(body["feed_url"]))
    assert feed.status_code == 200
    assert_well_formed(feed.data)
    assert b"X-WR-CALNAME:Beijing permit deadlines" in feed.data
    assert all(e["UID"].startswith(f"s-{body['id']}-") for e in events(feed.data))


def test_without_a_policy_a_subscription_is_shanghais(client: FlaskClient) -> None:
    body = create_subscription(client, issued="2024-03-31")
    assert body["settings"]["policy"] == "shanghai"
    assert body["deadlines"][0]["rule"].startswith("R")


def test_patch_switches_the_policy_and_turns_points_off(client: FlaskClient) -> None:
    body = create_subscription(client, issued="2024-03-31")
    answer = client.patch(path_of(body["api_url"]), json={"policy": "national"})
    assert answer.status_code == 200, answer.get_json()
    settings = answer.get_json()["settings"]
    assert (settings["policy"], settings["points"]) == ("national", False)
    assert answer.get_json()["deadlines"][0]["rule"].startswith("N")


def test_points_or_a_points_change_under_a_policy_without_points_is_a_400(
    app: Flask, client: FlaskClient
) -> None:
    for bad in ({"points": True}, {"changes": ["spouse"]}, {"policy": "hangzhou"}):
        answer = client.post(
            "/api/subscriptions", json={"issued": "2024-03-31", "policy": "beijing", **bad}
        )
        assert answer.status_code == 400, bad
        assert answer.get_json()["error"]["field"] in ("points", "changes", "policy")
    assert service(app).store.count() == 0


def test_the_stateless_feed_and_deadlines_take_the_policy(client: FlaskClient) -> None:
    feed = client.get("/feed.ics?issued=2024-03-31&policy=national&lang=en")
    assert feed.status_code == 200
    assert_well_formed(feed.data)
    assert b"Your city may have rules of its own" in feed.data.replace(b"\r\n ", b"")
    rows = client.get("/api/deadlines?issued=2024-03-31&policy=beijing").get_json()
    assert {row["rule"] for row in rows} == {"B1", "B2", "B3"}
    assert client.get("/feed.ics?issued=2024-03-31&policy=national&points=1").status_code == 400


def test_a_subscription_stored_before_policies_keeps_its_feed(tmp_path: Path) -> None:
    """A row written at revision 0003 (no policy column), upgraded: Shanghai's, same UIDs."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0003")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(subscriptions_before_permits(MetaData(), policy=False)).values(
                account="0123456789ab",
                feed_hash="f" * 64,
                manage_hash="m" * 64,
                feed_generation=0,
                issued=dt.date(2023, 6, 1),
                changes="",
                cycles=3,
                lang="zh",
                alarms="7,1",
                source_rules=True,
                points=True,
                created_at=dt.datetime(2026, 1, 1),
                updated_at=dt.datetime(2026, 1, 1),
                revision=0,
            )
        )
    engine.dispose()
    upgrade(url)
    app = make_app(tmp_path, DATABASE_URL=url)
    store: Store = service(app).store
    sub = store.by_id(1)
    assert sub is not None
    assert sub.settings.policy == "shanghai"
    calendar = service(app).render_vcalendar(sub, None)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids
    assert all(uid.startswith("s-0123456789ab-") for uid in uids)
    assert any(uid.endswith("-R1@permitcal") for uid in uids)


def test_the_manage_form_keeps_the_stored_policy(app: Flask, client: FlaskClient) -> None:
    """The page asks no policy question yet: saving its form keeps a Beijing calendar Beijing's."""
    body = create_subscription(client, issued="2024-03-31", policy="beijing")
    form = {
        "date_kind": "issued",
        "date": "2024-04-01",
        "lang": "zh",
        "alarms": "7,1",
        "cycles": "3",
        "points": "1",  # the page's points question, which Beijing does not have
    }
    answer = client.post(path_of(body["manage_url"]), data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    sub = service(app).store.by_manage_token(body["manage_token"])
    assert sub is not None
    assert (sub.settings.policy, sub.settings.points) == ("beijing", False)
    assert str(sub.settings.issued) == "2024-04-01"
