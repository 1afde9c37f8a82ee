"""The service keeps the calendar's promise over time: the window rolls, UIDs and SEQUENCE hold.

Feeds, the stateless feed, CalDAV and the API all start at the cycle live on
today's date in Shanghai (the service's clock, moved here by hand, never by
sleeping). An event keeps its UID when the window moves on, and its
SEQUENCE and DTSTAMP move only when its own content does.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.holiday_files import HolidayDataError
from tests.ics_checks import events
from tests.web.caldav_helpers import basic_auth
from tests.web.conftest import Clock, create_subscription, make_app, path_of, service

NOTICE_2027 = Path(__file__).resolve().parents[1] / "data" / "holiday-cn" / "2027.json"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expiries(data: bytes) -> set[str]:
    return {m for e in events(data) for m in re.findall(r"-(\d{8})-R1@", e["UID"])}


def caldav_uids(base: str, sub: dict[str, Any]) -> set[str]:
    body = (
        b'<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        b'<d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter>'
        b"</c:calendar-query>"
    )
    request = urllib.request.Request(
        sub["caldav_calendar_url"],
        data=body,
        method="REPORT",
        headers={**basic_auth(sub), "Depth": "1", "Content-Type": "application/xml"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return set(re.findall(r"UID:(\S+)", response.read().decode()))


def test_every_view_shows_the_rolled_window_and_a_year_on_keeps_uids_and_sequences(
    live_server: tuple[str, Flask],
) -> None:
    base, app = live_server
    clock = service(app).clock
    assert isinstance(clock, Clock)  # 2026-11-20 in the fixtures
    created = create_subscription(app.test_client(), issued="2023-06-01")
    # Made through the test client: the same addresses on the live server.
    sub = {k: base + path_of(v) if k.endswith("_url") else v for k, v in created.items()}
    status, headers, feed = fetch(sub["feed_url"])
    assert status == 200
    assert expiries(feed) == {"20270601", "20280601", "20290601"}
    _, _, stateless = fetch(base + "/feed.ics?issued=2023-06-01")
    assert expiries(stateless) == {"20270601", "20280601", "20290601"}
    assert {u for u in caldav_uids(base, sub) if "-R1@" in u} == {
        f"s-{sub['id']}-{e}-R1@permitcal" for e in ("20270601", "20280601", "20290601")
    }
    # Fetched again the same day: 304 on its ETag.
    assert fetch(sub["feed_url"], {"If-None-Match": headers["ETag"]})[0] == 304

    clock.advance(days=365)  # 2027-11-20: the 2027 cycle is over, 2030 comes in
    status, later_headers, later = fetch(sub["feed_url"])
    assert status == 200
    assert later_headers["ETag"] != headers["ETag"]
    assert expiries(later) == {"20280601", "20290601", "20300601"}
    before = {e["UID"]: e for e in events(feed)}
    after = {e["UID"]: e for e in events(later)}
    shared = before.keys() & after.keys()
    assert {uid for uid in shared if "-R1@" in uid} == {
        f"s-{sub['id']}-{e}-R1@permitcal" for e in ("20280601", "20290601")
    }
    for uid in shared:
        if before[uid]["DESCRIPTION"] == after[uid]["DESCRIPTION"]:
            assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"] == "0", uid
            assert after[uid]["DTSTAMP"] == before[uid]["DTSTAMP"], uid
    assert all(e["SEQUENCE"] == "0" for uid, e in after.items() if uid not in shared)
    assert expiries(fetch(base + "/feed.ics?issued=2023-06-01")[2]) == {
        "20280601",
        "20290601",
        "20300601",
    }
    assert {u for u in caldav_uids(base, sub) if "-R1@" in u} == {
        f"s-{sub['id']}-{e}-R1@permitcal" for e in ("20280601", "20290601", "20300601")
    }


def test_an_unchanged_event_keeps_its_sequence_across_restarts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    sub = create_subscription(client, issued="2023-06-01")
    first = {e["UID"]: e for e in events(client.get(path_of(sub["feed_url"])).data)}
    service(app).store.dispose()
    # A new process on the same database, a day later: nothing changed, nothing moves.
    again = make_app(tmp_path, DATABASE_URL=service(app).store.url)
    service(again).clock.advance(days=1)  # type: ignore[attr-defined]
    second = {e["UID"]: e for e in events(again.test_client().get(path_of(sub["feed_url"])).data)}
    assert first == second
    service(again).store.dispose()


def test_the_manage_page_records_the_renewed_card(client: FlaskClient, clock: Clock) -> None:
    clock.now = dt.datetime(2026, 12, 22, 2, 0, tzinfo=dt.UTC)
    sub = create_subscription(client, issued="2025-12-10")
    manage = path_of(sub["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    assert "我已拿到新证" in page
    assert 'value="2026-12-22"' in page  # default: today in Shanghai
    feed = path_of(sub["feed_url"])
    before = {e["UID"]: e for e in events(client.get(feed).data)}
    answer = client.post(manage + "/renewed", data={"card_received": "2026-12-20"})
    assert answer.status_code == 303
    assert "done=renewed" in answer.headers["Location"]
    after = {e["UID"]: e for e in events(client.get(feed).data)}
    cycle = f"s-{sub['id']}-20261210"
    assert set(before) - set(after) == {
        f"{cycle}-{name}@permitcal" for name in ("R3", "R3-r7", "R3-r1", "R4", "R5")
    }
    r6 = after[f"{cycle}-R6@permitcal"]
    assert r6["DTSTART;VALUE=DATE"] == "20261225"
    assert "（估）" not in r6["SUMMARY"]
    assert r6["SEQUENCE"] == "1"
    assert after[f"{cycle}-R1@permitcal"]["SEQUENCE"] == "0"  # untouched


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("2026-12-23", "拿到新证的日期：2026年12月23日晚于今天（2026年12月22日）。"),
        ("2026-13-01", "拿到新证的日期：“2026-13-01”不是有效日期。"),
        ("", "拿到新证的日期：请填写日期。"),
    ],
)
def test_a_bad_renewal_date_changes_nothing(
    client: FlaskClient, clock: Clock, card: str, message: str
) -> None:
    clock.now = dt.datetime(2026, 12, 22, 2, 0, tzinfo=dt.UTC)
    sub = create_subscription(client, issued="2025-12-10")
    manage = path_of(sub["manage_url"])
    answer = client.post(manage + "/renewed", data={"card_received": card})
    assert answer.status_code == 400
    assert f'<p class="error" role="alert" id="renewed-error">{message}</p>' in answer.get_data(
        as_text=True
    )
    assert client.get(path_of(sub["api_url"])).get_json()["revision"] == 0


def test_an_operator_applies_a_new_notice_with_a_file(tmp_path: Path) -> None:
    app = make_app(tmp_path, HOLIDAY_DATA=str(NOTICE_2027))
    client = app.test_client()
    health = client.get("/healthz").get_json()
    assert health["holiday_notices_through"] == 2027
    assert health["holiday_files"] == [str(NOTICE_2027)]
    assert "收录至2027年" in client.get("/").get_data(as_text=True)
    sub = create_subscription(client, expires="2027-02-10", cycles=1)
    r1 = next(
        e
        for e in events(client.get(path_of(sub["feed_url"])).data)
        if e["UID"].endswith("-R1@permitcal")
    )
    assert "2027-02-04" in r1["DESCRIPTION"]  # the notice's last working day before the break
    assert "尚未公布" not in r1["DESCRIPTION"]
    service(app).store.dispose()


def test_a_bad_notice_file_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "2027.json"
    bad.write_text('{"year": 2027, "days": "none"}')
    with pytest.raises(HolidayDataError) as caught:
        make_app(tmp_path, HOLIDAY_DATA=str(bad))
    assert "2027.json" in str(caught.value)
