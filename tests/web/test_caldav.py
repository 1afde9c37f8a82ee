"""CalDAV against real clients on a live server: the caldav library and vdirsyncer."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import shutil
import subprocess
import sys
import tracemalloc
import urllib.request
import xml.etree.ElementTree as ET
from base64 import b64encode
from pathlib import Path
from typing import Any

import caldav
import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from tests.ics_checks import events
from tests.web.conftest import create_subscription, make_app, service

XML = "application/xml; charset=utf-8"


def create(base: str, **body: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        base + "/api/subscriptions",
        data=json.dumps(body or {"issued": "2025-12-10"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.load(response)
    return result


def patch(base: str, sub: dict[str, Any], **body: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        sub["api_url"],
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        result: dict[str, Any] = json.load(response)
    return result


def client_for(base: str, sub: dict[str, Any]) -> caldav.DAVClient:
    return caldav.DAVClient(
        url=base + "/", username=sub["caldav_username"], password=sub["caldav_password"]
    )


def feed_uids(sub: dict[str, Any]) -> set[str]:
    with urllib.request.urlopen(sub["feed_url"]) as response:
        return {e["UID"] for e in events(response.read())}


def raw(
    base: str,
    method: str,
    path: str,
    body: bytes = b"",
    auth: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    sent = dict(headers or {})
    if auth is not None:
        sent["Authorization"] = "Basic " + b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    if body:
        sent.setdefault("Content-Type", XML)
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def credentials(sub: dict[str, Any]) -> tuple[str, str]:
    return sub["caldav_username"], sub["caldav_password"]


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


# -- vdirsyncer ----------------------------------------------------------------


def vdirsyncer(config: Path, *args: str) -> str:
    executable = shutil.which("vdirsyncer", path=str(Path(sys.executable).parent)) or "vdirsyncer"
    result = subprocess.run(
        [executable, "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def local_events(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in folder.glob("*.ics"):
        data = path.read_bytes()
        uid = next(line for line in data.decode().splitlines() if line.startswith("UID:"))[4:]
        found[uid] = data
    return found


def test_vdirsyncer_one_way_sync(live_server: tuple[str, Flask], tmp_path: Path) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    folder = tmp_path / "calendar"
    folder.mkdir()
    config = tmp_path / "config"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair permit]
a = "server"
b = "phone"
collections = null
conflict_resolution = "a wins"

[storage server]
type = "caldav"
url = "{sub["caldav_calendar_url"]}"
username = "{sub["caldav_username"]}"
password = "{sub["caldav_password"]}"
read_only = true

[storage phone]
type = "filesystem"
path = "{folder}/"
fileext = ".ics"
"""
    )
    vdirsyncer(config, "discover")
    vdirsyncer(config, "sync")
    first = local_events(folder)
    assert set(first) == feed_uids(sub)

    # Record the renewed card: cycle 1's R6 and its reminders change date, and
    # its late-renewal events after the card go; nothing else changes.
    updated = patch(base, sub, card_received="2026-12-20")
    assert updated["revision"] == 1
    output = vdirsyncer(config, "sync")
    second = local_events(folder)
    assert set(second) == feed_uids(sub)
    cycle = f"s-{sub['id']}-20261210"
    gone = {f"{cycle}-{name}@permitcal" for name in ("R3", "R3-r7", "R3-r1", "R4", "R5")}
    assert set(first) - set(second) == gone
    changed = {uid for uid in second if first[uid] != second[uid]}
    assert changed == {f"{cycle}-{name}@permitcal" for name in ("R6", "R6-r7", "R6-r1")}
    assert b"DTSTART;VALUE=DATE:20261225" in second[f"{cycle}-R6@permitcal"]  # 5 working days
    assert b"SEQUENCE:1" in second[f"{cycle}-R6@permitcal"]
    assert output.count("Copying (updating) item") == len(changed)

    # Nothing changed on the server: the next sync changes nothing locally.
    output = vdirsyncer(config, "sync")
    assert "Copying" not in output
    assert local_events(folder) == second


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


def basic_auth(sub: dict[str, Any]) -> dict[str, str]:
    token = b64encode(f"{sub['caldav_username']}:{sub['caldav_password']}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def propfind_body(props: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
        b'xmlns:x="urn:example:made-up"><d:prop>' + props + b"</d:prop></d:propfind>"
    )


@pytest.mark.parametrize("prop", [b"<d:getetag/>", b"<c:calendar-data/>", b"<x:made-up/>"])
def test_repeated_properties_are_answered_once(client: FlaskClient, prop: bytes) -> None:
    """A 32 KB PROPFIND repeating one name thousands of times once got a 110 MB answer."""
    sub = create_subscription(client)
    path = f"/dav/{sub['id']}/permit/"
    headers = {**basic_auth(sub), "Depth": "1", "Content-Type": XML}
    body = propfind_body(prop * ((32 * 1024 - 300) // len(prop)))
    assert 31 * 1024 < len(body) <= 32 * 1024
    # Render and cache the calendar first: only the cost of the request itself is measured.
    warm = client.open(path, method="PROPFIND", data=propfind_body(prop), headers=headers)
    assert warm.status_code == 207
    tracemalloc.start()
    try:
        response = client.open(path, method="PROPFIND", data=body, headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 207
    assert len(response.data) < 1024 * 1024
    assert peak < 20 * 1024 * 1024
    # The same answer as for the name given once: each resource names the property once.
    assert response.data == warm.data
    responses = ET.fromstring(response.data).findall("{DAV:}response")
    assert len(responses) > 10
    tag = {b"d": "{DAV:}", b"c": "{urn:ietf:params:xml:ns:caldav}", b"x": "{urn:example:made-up}"}[
        prop[1:2]
    ] + prop[3:-2].decode()
    assert all(len(r.findall(f".//{tag}")) == 1 for r in responses)


def test_too_many_distinct_properties_are_refused(client: FlaskClient) -> None:
    sub = create_subscription(client)
    path = f"/dav/{sub['id']}/permit/"
    headers = {**basic_auth(sub), "Depth": "1", "Content-Type": XML}
    hundred = b"".join(b"<x:p%d/>" % i for i in range(100))
    assert (
        client.open(
            path, method="PROPFIND", data=propfind_body(hundred), headers=headers
        ).status_code
        == 207
    )
    response = client.open(
        path, method="PROPFIND", data=propfind_body(hundred + b"<x:one-more/>"), headers=headers
    )
    assert response.status_code == 413
    assert "at most 100" in response.get_data(as_text=True)
    assert "每次最多 100 个" in response.get_data(as_text=True)


def test_an_answer_over_the_limit_is_refused_whole(app: Flask, client: FlaskClient) -> None:
    sub = create_subscription(client)
    path = f"/dav/{sub['id']}/permit/"
    headers = {**basic_auth(sub), "Depth": "1", "Content-Type": XML}
    body = propfind_body(b"<d:getetag/><c:calendar-data/>")
    full = client.open(path, method="PROPFIND", data=body, headers=headers)
    assert full.status_code == 207
    app.config["CALDAV_MAX_ANSWER_BYTES"] = len(full.data) - 1
    refused = client.open(path, method="PROPFIND", data=body, headers=headers)
    assert refused.status_code == 507
    assert b"<D:number-of-matches-within-limits />" in refused.data
    assert b"BEGIN:VEVENT" not in refused.data  # nothing partial a client could take for all
    # The same limit holds for REPORTs.
    hrefs = f"<d:href>{path}s-{sub['id']}-20261210-R1.ics</d:href>".encode()
    multiget = (
        b'<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        b"<d:prop><d:getetag/><c:calendar-data/></d:prop>" + hrefs + b"</c:calendar-multiget>"
    )
    assert client.open(path, method="REPORT", data=multiget, headers=headers).status_code == 207
    app.config["CALDAV_MAX_ANSWER_BYTES"] = 200
    assert client.open(path, method="REPORT", data=multiget, headers=headers).status_code == 507


def test_multiget_answers_each_object_once(client: FlaskClient) -> None:
    sub = create_subscription(client)
    path = f"/dav/{sub['id']}/permit/"
    name = f"s-{sub['id']}-20270601-R1.ics"
    spellings = [
        f"{path}{name}",
        f"http://localhost{path}{name}",
        f"{path}{name}".replace("-", "%2D"),
    ]
    hrefs = "".join(f"<d:href>{h}</d:href>" for h in spellings * 100).encode()
    body = (
        b'<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        b"<d:prop><d:getetag/><c:calendar-data/></d:prop>" + hrefs + b"</c:calendar-multiget>"
    )
    headers = {**basic_auth(sub), "Depth": "1", "Content-Type": XML}
    response = client.open(path, method="REPORT", data=body, headers=headers)
    assert response.status_code == 207
    assert response.data.count(b"BEGIN:VEVENT") == 1
    assert response.data.count(b"<D:response>") == 1


def feed_events(sub: dict[str, Any]) -> list[dict[str, str]]:
    with urllib.request.urlopen(sub["feed_url"]) as response:
        return events(response.read())


def uids_of(found: list[Any]) -> set[str]:
    return {str(o.icalendar_component["UID"]) for o in found}


def test_search_by_summary_and_uid_returns_exactly_the_matches(
    live_server: tuple[str, Flask],
) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    feed = feed_events(sub)
    calendar = client_for(base, sub).principal().calendars()[0]
    window = {e["UID"] for e in feed if "签注窗口" in e["SUMMARY"]}
    assert 0 < len(window) < len(feed)
    assert uids_of(calendar.search(summary="签注窗口", event=True)) == window
    uid = sorted(window)[0]
    assert uids_of(calendar.search(uid=uid, event=True)) == {uid}


def query_report(inner: str) -> bytes:
    return (
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        '<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">'
        f'<C:comp-filter name="VEVENT">{inner}</C:comp-filter>'
        "</C:comp-filter></C:filter></C:calendar-query>"
    ).encode()


def hrefs(body: bytes) -> set[str]:
    return {(h.text or "").rsplit("/", 1)[-1] for h in ET.fromstring(body).iter("{DAV:}href")}


def test_negated_text_match_and_unsupported_filters(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    feed = feed_events(sub)
    path = f"/dav/{sub['id']}/permit/"
    other = {e["UID"].split("@")[0] + ".ics" for e in feed if "签注窗口" not in e["SUMMARY"]}
    body = query_report(
        '<C:prop-filter name="SUMMARY">'
        '<C:text-match collation="i;unicode-casemap" negate-condition="yes">签注窗口</C:text-match>'
        "</C:prop-filter>"
    )
    status, headers, data = raw(
        base, "REPORT", path, body, auth=credentials(sub), headers={"Depth": "1"}
    )
    assert status == 207
    assert hrefs(data) == other
    unsupported = query_report(
        '<C:prop-filter name="SUMMARY"><C:param-filter name="LANGUAGE"/></C:prop-filter>'
    )
    status, headers, data = raw(
        base, "REPORT", path, unsupported, auth=credentials(sub), headers={"Depth": "1"}
    )
    assert status == 403
    assert headers["content-type"] == XML
    error = ET.fromstring(data)
    assert error.tag == "{DAV:}error"
    assert error.find("{urn:ietf:params:xml:ns:caldav}supported-filter") is not None


def test_dav_without_slash_options_on_the_root_and_forgiving_credentials(
    live_server: tuple[str, Flask],
) -> None:
    base, _ = live_server
    sub = create(base)
    status, headers, data = raw(
        base, "PROPFIND", "/dav", auth=credentials(sub), headers={"Depth": "1"}
    )
    assert status == 207  # no redirect
    assert headers["content-type"] == XML
    assert f"/dav/{sub['id']}/" in {h.text for h in ET.fromstring(data).iter("{DAV:}href")}
    for path in ("/", "/dav", "/dav/"):
        status, headers, data = raw(base, "OPTIONS", path)
        assert status == 200, path
        assert headers["dav"] == "1, 3, calendar-access"
        assert headers["content-type"].startswith("text/plain"), path
    status, headers, _ = raw(base, "PROPFIND", "/dav/nothing/here/at/all", auth=credentials(sub))
    assert (status, headers["content-type"]) == (404, "text/plain; charset=utf-8")
    user, password = credentials(sub)
    for auth in ((user.upper(), password), (f"  {user} ", f" {password}\n")):
        status, _, _ = raw(
            base, "PROPFIND", f"/dav/{sub['id']}/permit/", auth=auth, headers={"Depth": "0"}
        )
        assert status == 207, auth


def test_objects_have_one_etag_whatever_the_host(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base)
    path = f"/dav/{sub['id']}/permit/s-{sub['id']}-20261210-R1.ics"
    seen = {}
    for host in ("permitcal.example", "127.0.0.1:1"):
        status, headers, body = raw(
            base, "GET", path, auth=credentials(sub), headers={"Host": host}
        )
        assert status == 200
        assert host.encode() not in body
        seen[host] = headers["etag"]
    assert len(set(seen.values())) == 1, seen


def test_public_url_is_the_events_url(tmp_path: Path) -> None:
    app = make_app(tmp_path, PUBLIC_URL="https://permit.example/base")
    client = app.test_client()
    sub = create_subscription(client)
    auth = basic_auth(sub)
    path = f"/dav/{sub['id']}/permit/"
    bodies = [
        client.get(path, headers={**auth, "Host": host}).get_data() for host in ("a.test", "b.test")
    ]
    assert bodies[0] == bodies[1]
    assert b"URL:https://permit.example/base/" in bodies[0].replace(b"\r\n ", b"")
    feed = client.get(sub["feed_url"].removeprefix("http://localhost"), headers={"Host": "c.test"})
    assert feed.get_data() == bodies[0]  # the feed and the CalDAV calendar agree
    service(app).store.dispose()


def test_the_caldav_library_decodes_gzip_answers(live_server: tuple[str, Flask]) -> None:
    """A real client asks for gzip, gets it, and reads the same events as the feed."""
    base, app = live_server
    encodings: list[tuple[str, str, str | None]] = []

    @app.after_request
    def record(response: Response) -> Response:  # registered before the first request
        encodings.append(
            (request.method, request.headers.get("Accept-Encoding", ""), response.content_encoding)
        )
        return response

    sub = create(base, issued="2025-12-10", lang="en")
    calendar = client_for(base, sub).principal().calendars()[0]
    objects = calendar.events()
    assert {str(o.icalendar_component["UID"]) for o in objects} == feed_uids(sub)
    reports = [e for e in encodings if e[0] == "REPORT"]
    assert reports
    assert all("gzip" in accept and encoding == "gzip" for _, accept, encoding in reports)
