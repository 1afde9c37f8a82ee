"""gzip on the wire: negotiation, feeds (fast path and Flask), downloads, CalDAV, the setting."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from permitcal.web.app import config_flag, create_app
from permitcal.web.serving.compress import accepts_gzip, matched_etag
from tests.web.caldav_helpers import XML, basic_auth, propfind_body
from tests.web.conftest import (
    PassedToFlask,
    create_subscription,
    make_app,
    migrated_sqlite,
    path_of,
    service,
)

GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),  # not asked: never compressed, although RFC 9110 would allow it
        ("", False),
        ("gzip", True),
        ("gzip, deflate, br", True),  # what Outlook, Google and Apple send, give or take
        ("GZIP;Q=0.5", True),
        ("x-gzip", True),
        ("deflate", False),
        ("br", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=0, *", False),  # the named coding wins over *, whatever the order
        ("*, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("identity, *;q=0.1", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("gzip;q=abc", False),  # malformed entry dropped
    ],
)
def test_accept_encoding(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("if_none_match", "gzipped", "expected"),
    [
        ('"abc"', False, '"abc"'),
        ('"abc"', True, '"abc"'),  # the client holds the identity form: it stays current
        ('"abc-gz"', False, '"abc-gz"'),
        ('"abc-gz"', True, '"abc-gz"'),
        ('W/"abc-gz"', True, '"abc-gz"'),  # weak comparison (RFC 9110 §13.1.2)
        ('"old", "abc"', True, '"abc"'),
        ("*", True, '"abc-gz"'),
        ("*", False, '"abc"'),
        ('"old"', True, None),
        ('"old-gz"', False, None),
        ('"abc-gzip"', True, None),
        ('"gz"', True, None),
    ],
)
def test_matched_etag(if_none_match: str, gzipped: bool, expected: str | None) -> None:
    assert matched_etag(if_none_match, "abc", gzipped) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (1, True), (0, False)]
    + [(v, True) for v in ("true", "1", "yes", "on", "TRUE")]
    + [(v, False) for v in ("false", "0", "no", "off", " False ")],
)
def test_config_flag(value: object, expected: bool) -> None:
    assert config_flag(value, "COMPRESS") is expected


def test_config_flag_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="PERMITCAL_COMPRESS"):
        config_flag("maybe", "COMPRESS")


# -- feeds -------------------------------------------------------------------


@pytest.fixture
def sub(client: FlaskClient) -> dict[str, Any]:
    return create_subscription(client, issued="2023-06-01", lang="zh")


def fetch(
    app: Flask, client: FlaskClient, path: str, route: str, method: str = "GET", **headers: str
) -> TestResponse:
    """A feed answer by the fast path or by the Flask view (a query string sends it there)."""
    flask = PassedToFlask(app)
    if route == "fast":
        client.get(path)  # rendered and cached: the fast path answers from now on
        before = flask.count
        response = client.open(path, method=method, headers=headers)
        assert flask.count == before  # not passed on
    else:
        response = client.open(path + "?x=", method=method, headers=headers)
        assert flask.count == 1
    return response


ROUTES = ["fast", "flask"]


@pytest.mark.parametrize("route", ROUTES)
def test_gzip_decodes_to_the_identity_bytes(
    app: Flask, client: FlaskClient, sub: dict[str, Any], route: str
) -> None:
    path = path_of(sub["feed_url"])
    identity = fetch(app, client, path, route)
    packed = fetch(app, client, path, route, **GZIP)
    assert identity.status_code == packed.status_code == 200
    assert "Content-Encoding" not in identity.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == identity.data
    assert len(packed.data) < len(identity.data) / 3
    assert packed.headers["Content-Length"] == str(len(packed.data))
    assert identity.headers["Content-Length"] == str(len(identity.data))
    assert packed.headers["ETag"] == identity.headers["ETag"][:-1] + '-gz"'
    assert identity.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["Content-Type"] == identity.headers["Content-Type"]
    assert packed.headers["Last-Modified"] == identity.headers["Last-Modified"]
    # Compressed once: the same bytes again (mtime 0), from the cache.
    assert fetch(app, client, path, route, **GZIP).data == packed.data


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("accept", [None, "", "identity", "gzip;q=0", "deflate", "gzip;q=0, *"])
def test_never_compressed_unasked(
    app: Flask, client: FlaskClient, sub: dict[str, Any], route: str, accept: str | None
) -> None:
    path = path_of(sub["feed_url"])
    headers = {} if accept is None else {"Accept-Encoding": accept}
    response = fetch(app, client, path, route, **headers)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"BEGIN:VCALENDAR")
    assert response.headers["Vary"] == "Accept-Encoding"
    assert not response.headers["ETag"].endswith('-gz"')


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("held", ["identity", "gzip"])
@pytest.mark.parametrize("asked", ["identity", "gzip"])
def test_304_for_either_etag_form(
    app: Flask, client: FlaskClient, sub: dict[str, Any], route: str, held: str, asked: str
) -> None:
    """Both forms stand for the same content: a client holding either is current.

    The 304 repeats the ETag the client holds, so that its cache refreshes that
    entry; Vary is there, nothing else describes a body.
    """
    path = path_of(sub["feed_url"])
    etag = client.get(path, headers=GZIP if held == "gzip" else {}).headers["ETag"]
    assert etag.endswith('-gz"') == (held == "gzip")
    headers = {"If-None-Match": etag, **(GZIP if asked == "gzip" else {})}
    response = fetch(app, client, path, route, **headers)
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in response.headers
    assert "Content-Length" not in response.headers or response.headers["Content-Length"] == "0"


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("stale", ['"0123456789abcdef0123456789abcdef"', '"0123-gz"'])
def test_a_stale_etag_in_either_form_gets_the_feed(
    app: Flask, client: FlaskClient, sub: dict[str, Any], route: str, stale: str
) -> None:
    response = fetch(app, client, path_of(sub["feed_url"]), route, If_None_Match=stale, **GZIP)
    assert response.status_code == 200
    assert gzip.decompress(response.data).startswith(b"BEGIN:VCALENDAR")


def test_a_changed_feed_is_sent_again_whatever_form_the_client_holds(
    client: FlaskClient, sub: dict[str, Any]
) -> None:
    path = path_of(sub["feed_url"])
    held = [client.get(path).headers["ETag"], client.get(path, headers=GZIP).headers["ETag"]]
    assert client.patch(path_of(sub["api_url"]), json={"lang": "en"}).status_code == 200
    for etag in held:
        again = client.get(path, headers={"If-None-Match": etag, **GZIP})
        assert again.status_code == 200
        assert b"Permit" in gzip.decompress(again.data)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("accept", [None, "gzip"])
def test_head_has_the_get_headers_and_no_body(
    app: Flask, client: FlaskClient, sub: dict[str, Any], route: str, accept: str | None
) -> None:
    path = path_of(sub["feed_url"])
    headers = {} if accept is None else {"Accept-Encoding": accept}
    get = fetch(app, client, path, route, **headers)
    head = fetch(app, client, path, route, method="HEAD", **headers)
    assert head.status_code == 200
    assert head.data == b""
    assert dict(head.headers) == dict(get.headers)
    assert head.headers["Content-Length"] == str(len(get.data))


@pytest.mark.parametrize(
    "headers",
    [{}, GZIP, {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "*"}],
    ids=["identity", "gzip", "refused", "star"],
)
def test_fast_path_and_flask_send_the_same_headers(
    app: Flask, client: FlaskClient, sub: dict[str, Any], headers: dict[str, str]
) -> None:
    path = path_of(sub["feed_url"])
    by_flask = fetch(app, client, path, "flask", **headers)
    by_fast_path = fetch(app, client, path, "fast", **headers)
    assert by_fast_path.data == by_flask.data
    assert dict(by_fast_path.headers) == dict(by_flask.headers)
    etag = by_flask.headers["ETag"]
    flask_304 = fetch(app, client, path, "flask", If_None_Match=etag, **headers)
    fast_304 = fetch(app, client, path, "fast", If_None_Match=etag, **headers)
    assert fast_304.status_code == flask_304.status_code == 304
    assert dict(fast_304.headers) == dict(flask_304.headers)


def test_downloads_and_the_stateless_feed(client: FlaskClient, sub: dict[str, Any]) -> None:
    feed = client.get(path_of(sub["feed_url"])).data
    download = client.get(path_of(sub["download_url"]), headers=GZIP)
    assert download.status_code == 200
    assert download.headers["Content-Encoding"] == "gzip"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Length"] == str(len(download.data))
    assert gzip.decompress(download.data) == feed
    adhoc = "/feed.ics?issued=2023-06-01&lang=en"
    identity = client.get(adhoc)
    packed = client.get(adhoc, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == identity.data
    assert packed.headers["ETag"] == identity.headers["ETag"][:-1] + '-gz"'
    revalidated = client.get(adhoc, headers={"If-None-Match": packed.headers["ETag"]})
    assert revalidated.status_code == 304


def test_the_cache_counts_the_gzip_bytes_once(
    app: Flask, client: FlaskClient, sub: dict[str, Any]
) -> None:
    path = path_of(sub["feed_url"])
    cache = service(app).cache
    identity = client.get(path).data
    used = cache.used_bytes
    assert used >= len(identity)
    packed = client.get(path, headers=GZIP).data
    assert cache.used_bytes == used + len(packed)
    for _ in range(3):
        client.get(path, headers=GZIP)
    assert cache.used_bytes == used + len(packed)


def test_compress_false_never_compresses(tmp_path: Path) -> None:
    app = make_app(tmp_path, COMPRESS=False)
    try:
        client = app.test_client()
        sub = create_subscription(client)
        path = path_of(sub["feed_url"])
        for route in ROUTES:
            response = fetch(app, client, path, route, **GZIP)
            assert response.status_code == 200
            assert "Content-Encoding" not in response.headers
            assert "Vary" not in response.headers  # the answer does not vary
            assert response.data.startswith(b"BEGIN:VCALENDAR")
        # An ETag handed out in gzip form before the operator turned it off still revalidates.
        etag = response.headers["ETag"][:-1] + '-gz"'
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        dav = client.open(
            f"/dav/{sub['id']}/permit/",
            method="PROPFIND",
            data=propfind_body(b"<d:getetag/><c:calendar-data/>"),
            headers={**basic_auth(sub), "Depth": "1", "Content-Type": XML, **GZIP},
        )
        assert dav.status_code == 207
        assert "Content-Encoding" not in dav.headers
    finally:
        service(app).store.dispose()


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("no", False), ("1", True)])
def test_compress_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("PERMITCAL_DATABASE_URL", migrated_sqlite(tmp_path / "env.sqlite3"))
    monkeypatch.setenv("PERMITCAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("PERMITCAL_SECRET_KEY", "test-secret")
    monkeypatch.setenv("PERMITCAL_COMPRESS", value)
    app = create_app()
    try:
        assert service(app).compress is expected
    finally:
        service(app).store.dispose()


# -- CalDAV ------------------------------------------------------------------


def dav(
    client: FlaskClient, sub: dict[str, Any], method: str, path: str, **kw: Any
) -> TestResponse:
    headers = {**basic_auth(sub), **kw.pop("headers", {})}
    return client.open(path, method=method, headers=headers, **kw)


@pytest.mark.parametrize("target", ["object", "collection"])
def test_caldav_get_is_compressed_when_asked(
    client: FlaskClient, sub: dict[str, Any], target: str
) -> None:
    calendar = f"/dav/{sub['id']}/permit/"
    path = calendar + f"s-{sub['id']}-20270601-R1.ics" if target == "object" else calendar
    identity = dav(client, sub, "GET", path)
    packed = dav(client, sub, "GET", path, headers=GZIP)
    assert identity.status_code == packed.status_code == 200
    assert len(identity.data) > 1024  # an event with its description and alarms
    assert "Content-Encoding" not in identity.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == identity.data
    assert packed.headers["Content-Length"] == str(len(packed.data))
    assert identity.headers["Vary"] == packed.headers["Vary"] == "Accept-Encoding"
    assert packed.headers["ETag"] == identity.headers["ETag"][:-1] + '-gz"'
    for etag in (identity.headers["ETag"], packed.headers["ETag"]):
        for asked in ({}, GZIP):
            again = dav(client, sub, "GET", path, headers={"If-None-Match": etag, **asked})
            assert again.status_code == 304
            assert again.headers["ETag"] == etag
            assert again.headers["Vary"] == "Accept-Encoding"
            assert again.data == b""
    head = dav(client, sub, "HEAD", path, headers=GZIP)
    assert head.status_code == 200
    assert head.data == b""
    assert {**head.headers, "Date": ""} == {**packed.headers, "Date": ""}
    refused = dav(client, sub, "GET", path, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


@pytest.mark.parametrize("method", ["REPORT", "PROPFIND"])
def test_caldav_multistatus_is_compressed_when_asked(
    client: FlaskClient, sub: dict[str, Any], method: str
) -> None:
    path = f"/dav/{sub['id']}/permit/"
    if method == "REPORT":
        body = (
            b'<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" '
            b'xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/>'
            b'</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/>'
            b"</c:comp-filter></c:filter></c:calendar-query>"
        )
    else:
        body = propfind_body(b"<d:getetag/><c:calendar-data/>")
    headers = {"Depth": "1", "Content-Type": XML}
    identity = dav(client, sub, method, path, data=body, headers=headers)
    packed = dav(client, sub, method, path, data=body, headers={**headers, **GZIP})
    assert identity.status_code == packed.status_code == 207
    assert "Content-Encoding" not in identity.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == identity.data
    assert identity.data.count(b"BEGIN:VEVENT") > 5
    assert packed.headers["Content-Length"] == str(len(packed.data))
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert "ETag" not in packed.headers


def test_small_caldav_answers_go_out_as_they_are(client: FlaskClient, sub: dict[str, Any]) -> None:
    small = dav(
        client,
        sub,
        "PROPFIND",
        f"/dav/{sub['id']}/permit/",
        data=propfind_body(b"<d:displayname/>"),
        headers={"Depth": "0", "Content-Type": XML, **GZIP},
    )
    assert small.status_code == 207
    assert len(small.data) < 1024
    assert "Content-Encoding" not in small.headers
    refused = dav(client, sub, "PUT", f"/dav/{sub['id']}/permit/x.ics", headers=GZIP)
    assert refused.status_code == 403
    assert "Content-Encoding" not in refused.headers
