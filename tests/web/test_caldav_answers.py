"""What CalDAV answers: bounded PROPFIND and multiget, search filters, /dav, Host-free ETags, gzip."""

from __future__ import annotations

import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from tests.web.caldav_helpers import (
    XML,
    basic_auth,
    client_for,
    create,
    credentials,
    feed_events,
    feed_uids,
    hrefs,
    propfind_body,
    query_report,
    raw,
    uids_of,
)
from tests.web.conftest import create_subscription, make_app, service


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


def test_search_by_summary_and_uid_returns_exactly_the_matches(
    live_server: tuple[str, Flask],
) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    feed = feed_events(sub)
    calendar = client_for(base, sub).principal().calendars()[0]
    window = {e["UID"] for e in feed if "开始办理签注" in e["SUMMARY"]}
    assert 0 < len(window) < len(feed)
    assert uids_of(calendar.search(summary="开始办理签注", event=True)) == window
    uid = sorted(window)[0]
    assert uids_of(calendar.search(uid=uid, event=True)) == {uid}


def test_negated_text_match_and_unsupported_filters(live_server: tuple[str, Flask]) -> None:
    base, _ = live_server
    sub = create(base, issued="2025-12-10")
    feed = feed_events(sub)
    path = f"/dav/{sub['id']}/permit/"
    other = {e["UID"].split("@")[0] + ".ics" for e in feed if "开始办理签注" not in e["SUMMARY"]}
    body = query_report(
        '<C:prop-filter name="SUMMARY">'
        '<C:text-match collation="i;unicode-casemap" negate-condition="yes">开始办理签注</C:text-match>'
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
