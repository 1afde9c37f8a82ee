"""CalDAV against real clients on a live server: discovery, sync, refusals, properties."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
import urllib.request

import caldav
import pytest
from flask import Flask

from tests.web.caldav_helpers import (
    client_for,
    create,
    credentials,
    feed_uids,
    patch,
    raw,
)
from tests.web.conftest import service


def test_api_hands_out_caldav_credentials(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    assert sub["caldav_url"] == base + "/dav/"
    assert sub["caldav_username"] == sub["id"]
    assert sub["caldav_password"] in sub["feed_url"]  # the feed token doubles as password
    assert sub["caldav_calendar_url"] == f"{base}/dav/{sub['id']}/permit/"


def test_discovery_listing_and_events_match_the_feed(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10", lang="en")
    client = client_for(base, sub)
    calendars = client.principal().calendars()
    assert len(calendars) == 1
    calendar = calendars[0]
    assert calendar.get_display_name() == "Shanghai permit deadlines"
    assert str(calendar.url) == sub["caldav_calendar_url"]
    objects = calendar.events()
    uids = {str(o.icalendar_component["UID"]) for o in objects}
    assert uids == feed_uids(sub)
    expiry = next(
        o for o in objects if str(o.icalendar_component["UID"]).endswith("-20261210-R1@permitcal")
    )
    component = expiry.icalendar_component
    assert str(component["SUMMARY"]) == "Permit & points expire"
    assert component.decoded("DTSTART") == dt.date(2026, 12, 10)
    assert "METHOD" not in expiry.data  # RFC 4791 §4.1


def test_discovery_through_well_known(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    status, headers, _ = raw(base, "PROPFIND", "/.well-known/caldav")
    assert status == 301
    assert headers["location"].endswith("/dav/")
    sub = create(base)
    client = caldav.DAVClient(
        url=base + "/.well-known/caldav",
        username=sub["caldav_username"],
        password=sub["caldav_password"],
    )
    assert len(client.principal().calendars()) == 1


def test_time_range_search(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    calendar = client_for(base, sub).principal().calendars()[0]
    found = calendar.search(
        start=dt.datetime(2026, 12, 10), end=dt.datetime(2026, 12, 11), event=True
    )
    starts = {o.icalendar_component.decoded("DTSTART") for o in found}
    assert starts == {dt.date(2026, 12, 10)}
    names = {str(o.icalendar_component["UID"]).split("-", 2)[2] for o in found}
    assert names == {"20261210-R1@permitcal", "20261210-R6-r7@permitcal"}  # R6 (est. 12-17) - 7
    december = calendar.search(
        start=dt.datetime(2026, 12, 1), end=dt.datetime(2027, 1, 1), event=True
    )
    assert len(december) > len(found)
    assert all(
        dt.date(2026, 11, 30) <= o.icalendar_component.decoded("DTSTART") < dt.date(2027, 1, 1)
        for o in december
    )


def test_sync_token_reports_exactly_what_changed(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    calendar = client_for(base, sub).principal().calendars()[0]
    first = calendar.objects_by_sync_token(load_objects=False)
    token = first.sync_token
    assert len(list(first)) == len(feed_uids(sub))
    unchanged = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
    assert list(unchanged) == []
    assert unchanged.sync_token == token
    # Turning reminders off removes the reminder events and bumps SEQUENCE everywhere.
    patch(base, sub, alarms=[], lang="zh")
    changed = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
    assert changed.sync_token != token
    names = {str(o.url).rsplit("/", 1)[1] for o in changed}
    assert any(name.endswith("-20261210-R1-r7.ics") for name in names)  # reminders removed


def test_sync_collection_lists_removed_objects(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    body = b'<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'
    path = f"/dav/{sub['id']}/permit/"
    status, _, data = raw(base, "REPORT", path, body, credentials(sub))
    assert status == 207
    token = data.split(b"<D:sync-token>")[-1].split(b"</D:sync-token>")[0].decode()
    patch(base, sub, alarms=[])  # drops every reminder event
    with_token = body.replace(b"<d:sync-token/>", f"<d:sync-token>{token}</d:sync-token>".encode())
    status, _, data = raw(base, "REPORT", path, with_token, credentials(sub))
    assert status == 207
    text = data.decode()
    assert text.count("HTTP/1.1 404 Not Found") == 18  # 3 rules × 3 cycles × 2 reminders
    bogus = body.replace(
        b"<d:sync-token/>", b"<d:sync-token>http://permitcal.invalid/sync/xx</d:sync-token>"
    )
    status, _, data = raw(base, "REPORT", path, bogus, credentials(sub))
    assert status == 403
    assert b"valid-sync-token" in data


def test_wrong_credentials_are_refused(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    mine, other = create(base), create(base)
    path = f"/dav/{mine['id']}/permit/"
    for auth in (
        None,
        (mine["id"], "x" * 32),
        (mine["id"], other["caldav_password"]),
        ("", mine["caldav_password"]),
        (other["id"], mine["caldav_password"]),
    ):
        status, headers, _ = raw(base, "PROPFIND", path, auth=auth, headers={"Depth": "1"})
        assert status == 401
        assert headers["www-authenticate"].startswith("Basic ")
    # Logged in as the other subscription: this one's calendar does not exist.
    status, _, _ = raw(base, "PROPFIND", path, auth=credentials(other), headers={"Depth": "1"})
    assert status == 404
    status, _, _ = raw(base, "GET", path, auth=credentials(other))
    assert status == 404


@pytest.mark.parametrize(
    "method",
    [
        "PUT",
        "DELETE",
        "MKCALENDAR",
        "MKCOL",
        "PROPPATCH",
        "MOVE",
        "COPY",
        "LOCK",
        "UNLOCK",
        "POST",
        "ACL",
    ],
)
def test_every_write_is_refused_and_changes_nothing(
    live_server: tuple[str, Flask], method: str
) -> None:
    base, app = live_server
    sub = create(base)
    calendar_path = f"/dav/{sub['id']}/permit/"
    before = raw(base, "GET", calendar_path, auth=credentials(sub))[2]
    body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n" if method == "PUT" else b""
    for path in (
        calendar_path,
        calendar_path + "new.ics",
        calendar_path + f"s-{sub['id']}-20261210-R1.ics",
        f"/dav/{sub['id']}/",
    ):
        status, headers, _ = raw(
            base,
            method,
            path,
            body,
            credentials(sub),
            {"Destination": base + calendar_path + "x.ics"},
        )
        assert status == 403, (method, path)
        assert "PUT" not in headers["allow"]
        assert raw(base, method, path, body)[0] == 401  # and without credentials: 401
    assert raw(base, "GET", calendar_path, auth=credentials(sub))[2] == before
    assert service(app).store.count() == 1


def test_options_and_objects(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    status, headers, _ = raw(base, "OPTIONS", "/dav/")
    assert status == 200
    assert "calendar-access" in headers["dav"]
    assert "PROPFIND" in headers["allow"]
    name = f"s-{sub['id']}-20261210-R1.ics"
    path = f"/dav/{sub['id']}/permit/{name}"
    status, headers, body = raw(base, "GET", path, auth=credentials(sub))
    assert status == 200
    assert headers["content-type"].startswith("text/calendar")
    assert body.count(b"BEGIN:VEVENT") == 1
    etag = headers["etag"]
    assert raw(base, "GET", path, auth=credentials(sub), headers={"If-None-Match": etag})[0] == 304
    head = raw(base, "HEAD", path, auth=credentials(sub))
    assert head[0] == 200
    assert head[2] == b""
    assert raw(base, "GET", f"/dav/{sub['id']}/permit/nothing.ics", auth=credentials(sub))[0] == 404


def test_propfind_properties(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    body = (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
        b'xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:resourcetype/><d:displayname/>'
        b"<cs:getctag/><d:sync-token/><c:supported-calendar-component-set/><d:nonsense/></d:prop></d:propfind>"
    )
    status, _, data = raw(
        base, "PROPFIND", f"/dav/{sub['id']}/permit/", body, credentials(sub), {"Depth": "0"}
    )
    assert status == 207
    text = data.decode()
    assert "<C:calendar />" in text or "<C:calendar/>" in text
    assert '<C:comp name="VEVENT"' in text
    assert "上海居住证提醒" in text
    assert "HTTP/1.1 404 Not Found" in text  # d:nonsense
    status, _, data = raw(
        base, "PROPFIND", f"/dav/{sub['id']}/permit/", b"", credentials(sub), {"Depth": "1"}
    )
    assert status == 207
    assert data.count(b"<D:response>") == 1 + len(feed_uids(sub))


@pytest.mark.parametrize(
    "body",
    [
        b"<not-closed",
        b"\xff\xfe garbage",
        # Billion laughs: must be refused, never expanded.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
        b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
        b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><d:propfind xmlns:d="DAV:"><d:prop>&lol9;</d:prop></d:propfind>',
        # External entity: must never be fetched or read.
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:">&xxe;</d:propfind>',
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop>',
        b'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:"/>',
    ],
)
def test_hostile_xml_is_a_4xx_and_memory_stays_flat(
    live_server: tuple[str, Flask], body: bytes
) -> None:
    base, _ = live_server
    sub = create(base)
    tracemalloc.start()
    try:
        for method in ("PROPFIND", "REPORT"):
            status, _, data = raw(
                base, method, f"/dav/{sub['id']}/permit/", body, credentials(sub), {"Depth": "0"}
            )
            assert 400 <= status < 500, (method, status, data[:200])
            assert b"root:" not in data
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # no expansion happened in this process


def test_huge_body_is_413(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    body = (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>'
        + b"<d:getetag/>" * 100_000
        + b"</d:prop></d:propfind>"
    )
    status, _, _ = raw(base, "PROPFIND", f"/dav/{sub['id']}/permit/", body, credentials(sub))
    assert status == 413


def test_rotation_changes_the_password_and_deletion_removes_the_calendar(
    live_server: tuple[str, Flask],
) -> None:
    base, _ = live_server
    sub = create(base)
    path = f"/dav/{sub['id']}/permit/"
    request = urllib.request.Request(sub["api_url"] + "/rotate", method="POST")
    with urllib.request.urlopen(request) as response:
        rotated = json.load(response)
    assert rotated["caldav_password"] != sub["caldav_password"]
    assert raw(base, "PROPFIND", path, auth=credentials(sub))[0] == 401
    assert raw(base, "PROPFIND", path, auth=credentials(rotated))[0] == 207
    with urllib.request.urlopen(
        urllib.request.Request(sub["api_url"], method="DELETE")
    ) as response:
        assert response.status == 204
    assert raw(base, "PROPFIND", path, auth=credentials(rotated))[0] == 401


def test_changes_reach_ctag_and_etags(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    calendar = client_for(base, sub).principal().calendars()[0]
    ctag_query = (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">'
        b"<d:prop><cs:getctag/></d:prop></d:propfind>"
    )
    path = f"/dav/{sub['id']}/permit/"
    ctag_before = raw(base, "PROPFIND", path, ctag_query, credentials(sub), {"Depth": "0"})[2]
    before = {
        str(o.url): o.props.get("{DAV:}getetag")
        for o in calendar.objects_by_sync_token(load_objects=False)
    }
    patch(base, sub, lang="en")
    after = {
        str(o.url): o.props.get("{DAV:}getetag")
        for o in calendar.objects_by_sync_token(load_objects=False)
    }
    assert before.keys() == after.keys()
    assert all(before[url] != after[url] for url in before)  # every text changed language
    ctag_after = raw(base, "PROPFIND", path, ctag_query, credentials(sub), {"Depth": "0"})[2]
    assert b"getctag" in ctag_after
    assert ctag_after != ctag_before


def test_calendar_multiget(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    calendar_path = f"/dav/{sub['id']}/permit/"
    wanted = [
        f"{calendar_path}s-{sub['id']}-20261210-R1.ics",
        f"{base}{calendar_path}s-{sub['id']}-20271210-R3.ics",
        f"{calendar_path}missing.ics",
        "/elsewhere/x.ics",
    ]
    hrefs = "".join(f"<d:href>{h}</d:href>" for h in wanted).encode()
    body = (
        b'<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        b"<d:prop><d:getetag/><c:calendar-data/></d:prop>" + hrefs + b"</c:calendar-multiget>"
    )
    status, _, data = raw(base, "REPORT", calendar_path, body, credentials(sub), {"Depth": "1"})
    assert status == 207
    text = data.decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert f"UID:s-{sub['id']}-20261210-R1@permitcal" in text
    assert text.count("HTTP/1.1 404 Not Found") == 2


def test_holiday_data_update_changes_ctag_and_the_changed_objects(
    live_server: tuple[str, Flask],
) -> None:
    from permitcal import WorkCalendar

    base, app = live_server
    service(app).calendar = WorkCalendar(published_through=2025)
    # Early 2026: the cycle expiring 2026-02-20 is live, its renewal recorded.
    service(app).clock.now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    sub = create(base, issued="2025-02-20", card_received="2026-02-13", alarms=[])
    calendar = client_for(base, sub).principal().calendars()[0]
    before = calendar.objects_by_sync_token(load_objects=False)
    etags = {str(o.url).rsplit("/", 1)[1]: o.props.get("{DAV:}getetag") for o in before}
    service(app).calendar = WorkCalendar(published_through=2026)
    changed = calendar.objects_by_sync_token(sync_token=before.sync_token, load_objects=False)
    names = {str(o.url).rsplit("/", 1)[1] for o in changed}
    assert f"s-{sub['id']}-20260220-R6.ics" in names
    assert changed.sync_token != before.sync_token
    # Events whose dates and texts do not touch 2026's working days keep their etags.
    unchanged = set(etags) - names
    assert f"s-{sub['id']}-20270220-R3.ics" in unchanged
