"""Feeds over HTTP: headers, conditional GET, HEAD, downloads, updates, rotation, failures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import Clock, PassedToFlask, create_subscription, path_of, service


@pytest.fixture
def sub(client: FlaskClient) -> dict[str, str]:
    return create_subscription(client, issued="2023-06-01", lang="zh")


def test_feed_headers_and_body(client: FlaskClient, sub: dict[str, str]) -> None:
    response = client.get(path_of(sub["feed_url"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")  # strong
    assert response.headers["Last-Modified"] == "Fri, 20 Nov 2026 08:00:00 GMT"  # creation
    assert "Content-Encoding" not in response.headers  # not asked for (tests/web/test_compress.py)
    assert response.headers["Vary"] == "Accept-Encoding"
    assert "Content-Disposition" not in response.headers
    assert_well_formed(response.data)
    uids = {e["UID"] for e in events(response.data)}
    assert f"s-{sub['id']}-20270601-R1@permitcal" in uids  # the window rolled to 2027


def test_feed_bytes_are_identical_on_every_request(
    client: FlaskClient, sub: dict[str, str]
) -> None:
    first = client.get(path_of(sub["feed_url"])).data
    assert client.get(path_of(sub["feed_url"])).data == first
    token = sub["feed_url"].split("/")[4]
    assert client.get(f"/feeds/{token}.ics").data == first  # the short form serves the same


def test_conditional_get_answers_304(client: FlaskClient, sub: dict[str, str]) -> None:
    path = path_of(sub["feed_url"])
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"not-the-etag"'})
    assert stale.status_code == 200
    assert stale.data == first.data


def test_304_does_not_render(app: Flask, client: FlaskClient, sub: dict[str, str]) -> None:
    path = path_of(sub["feed_url"])
    etag = client.get(path).headers["ETag"]
    cache = service(app).cache
    misses = cache.misses
    for _ in range(5):
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert cache.misses == misses
    assert cache.hits >= 1  # then the fast path answers from its remembered 304


def test_head(client: FlaskClient, sub: dict[str, str]) -> None:
    get = client.get(path_of(sub["feed_url"]))
    head = client.head(path_of(sub["feed_url"]))
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(get.data))


def test_download_is_the_same_bytes_as_an_attachment(
    client: FlaskClient, sub: dict[str, str]
) -> None:
    feed = client.get(path_of(sub["feed_url"]))
    download = client.get(path_of(sub["download_url"]))
    assert download.status_code == 200
    assert download.data == feed.data
    assert download.headers["Content-Disposition"] == 'attachment; filename="shanghai-permit.ics"'


def test_the_file_name_names_the_policy(client: FlaskClient) -> None:
    beijing = create_subscription(client, issued="2024-03-31", policy="beijing")
    assert beijing["feed_url"].endswith("/beijing-permit.ics")
    download = client.get(path_of(beijing["download_url"]))
    assert download.headers["Content-Disposition"] == 'attachment; filename="beijing-permit.ics"'
    stateless = client.get("/feed.ics?issued=2024-03-31&policy=national&download=1")
    assert stateless.headers["Content-Disposition"] == 'attachment; filename="national-permit.ics"'
    # A name that would need quoting in the header is not echoed back.
    token_path = path_of(beijing["feed_url"]).rsplit("/", 1)[0]
    odd = client.get(token_path + '/a"b;c.ics?download=1')
    assert odd.status_code == 200
    assert odd.headers["Content-Disposition"] == 'attachment; filename="permit.ics"'


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",  # well-formed, unknown
        "/feeds/short.ics",
        "/feeds/" + "A" * 33 + ".ics",
        "/feeds/%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87.ics",
        "/f/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/x.ics",
        "/feeds/..%2F..%2Fetc%2Fpasswd.ics",
    ],
)
def test_unknown_or_malformed_tokens_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.data


def test_update_bumps_sequence_and_keeps_uids(
    client: FlaskClient, clock: Clock, sub: dict[str, str]
) -> None:
    path = path_of(sub["feed_url"])
    before = client.get(path)
    clock.advance(days=3)
    patched = client.patch(path_of(sub["api_url"]), json={"lang": "en"})
    assert patched.status_code == 200
    after = client.get(path)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] == "Mon, 23 Nov 2026 08:00:00 GMT"
    old = {e["UID"]: e for e in events(before.data)}
    new = {e["UID"]: e for e in events(after.data)}
    assert old.keys() == new.keys()
    assert {e["SEQUENCE"] for e in old.values()} == {"0"}
    assert {e["SEQUENCE"] for e in new.values()} == {"1"}  # every text changed language
    assert {e["DTSTAMP"] for e in new.values()} == {"20261123T080000Z"}
    assert client.get(path, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_rotation_retires_the_old_url(client: FlaskClient, sub: dict[str, str]) -> None:
    old_path = path_of(sub["feed_url"])
    old_uids = {e["UID"] for e in events(client.get(old_path).data)}
    rotated = client.post(path_of(sub["api_url"]) + "/rotate")
    assert rotated.status_code == 200
    new_url = rotated.get_json()["feed_url"]
    assert new_url != sub["feed_url"]
    assert client.get(old_path).status_code == 404
    fresh = client.get(path_of(new_url))
    assert fresh.status_code == 200
    assert {e["UID"] for e in events(fresh.data)} == old_uids


def test_deleted_subscription_feed_is_404(client: FlaskClient, sub: dict[str, str]) -> None:
    assert client.delete(path_of(sub["api_url"])).status_code == 204
    assert client.get(path_of(sub["feed_url"])).status_code == 404


def test_adhoc_feed(client: FlaskClient) -> None:
    response = client.get("/feed.ics?issued=2023-06-01&lang=en&alarms=3&changes=education,address")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert_well_formed(response.data)
    found = events(response.data)
    assert any(e["SUMMARY"] == "3 days left: Permit & points expire" for e in found)
    assert any(e["SUMMARY"] == "Start degree verification" for e in found)
    again = client.get("/feed.ics?issued=2023-06-01&lang=en&alarms=3&changes=education,address")
    assert again.data == response.data
    etag = response.headers["ETag"]
    conditional = client.get(
        "/feed.ics?issued=2023-06-01&lang=en&alarms=3&changes=education,address",
        headers={"If-None-Match": etag},
    )
    assert conditional.status_code == 304


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("issued=2023-02-30", "issued: 2023-02-30 is not a real calendar date"),
        ("issued=2023/6/1", "YYYY-MM-DD"),
        ("issued=0000-01-01", "issued"),
        ("issued=99999-01-01", "issued"),
        ("", "issued"),
        ("issued=2023-06-01&expires=2024-06-01", "not both"),
        ("issued=2023-06-01&lang=fr", "lang"),
        ("issued=2023-06-01&cycles=zero", "cycles"),
        ("issued=2023-06-01&cycles=99", "cycles"),
        ("issued=2023-06-01&alarms=x", "alarms"),
        ("issued=2023-06-01&changes=nose", "changes"),
        ("issued=2023-06-01&source_rules=maybe", "source_rules"),
        ("issued=2023-06-01&colour=red", "colour: unknown parameter"),
    ],
)
def test_adhoc_feed_bad_input_is_400(client: FlaskClient, query: str, fragment: str) -> None:
    response = client.get(f"/feed.ics?{query}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert fragment in text
    zh, en, technical = text.splitlines()
    assert re.search(r"^[^：]+：.*[\u4e00-\u9fff]", zh)  # in Chinese, naming the field first
    assert re.search(r"^[^：]+: ", en)
    assert technical.startswith("(")
    assert "BEGIN:VCALENDAR" not in text


def test_database_failure_is_503_with_retry_after(
    app: Flask, client: FlaskClient, sub: dict[str, str], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    store = service(app).store
    store.dispose()  # closes the per-thread read connections too
    store.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    feed = client.get(path_of(sub["feed_url"]))
    assert feed.status_code == 503
    assert feed.headers["Retry-After"] == "30"
    assert b"BEGIN:VCALENDAR" not in feed.data
    api = client.get(path_of(sub["api_url"]))
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 503
    created = client.post("/api/subscriptions", json={"issued": "2023-06-01"})
    assert created.status_code == 503


def test_holiday_data_update_reaches_the_same_feed_url(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    # Before the 2026 notice was in the data, 2026 counted statutory holidays only.
    from permitcal import WorkCalendar

    service(app).calendar = WorkCalendar(published_through=2025)
    clock.now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)  # the cycle of 2026-02-20 is live
    sub = create_subscription(client, issued="2025-02-20", card_received="2026-02-13")
    path = path_of(sub["feed_url"])
    before = client.get(path)
    r6 = f"s-{sub['id']}-20260220-R6@permitcal"
    old = {e["UID"]: e for e in events(before.data)}
    # Without the notice, the safe count ends no later than any notice could make it.
    assert old[r6]["DTSTART;VALUE=DATE"] == "20260222"
    assert "暂定" in old[r6]["SUMMARY"]

    clock.advance(days=1)
    service(app).calendar = WorkCalendar(published_through=2026)  # the holidays package upgraded
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    new = {e["UID"]: e for e in events(after.data)}
    assert new.keys() == old.keys()
    assert new[r6]["DTSTART;VALUE=DATE"] == "20260227"  # Saturday 02-14 is a working day
    assert "暂定" not in new[r6]["SUMMARY"]
    assert new[r6]["SEQUENCE"] == "1"
    assert after.headers["Last-Modified"] == "Tue, 06 Jan 2026 08:00:00 GMT"
    # Events the notice did not touch keep their SEQUENCE and stamp.
    untouched = [uid for uid in old if old[uid]["DESCRIPTION"] == new[uid]["DESCRIPTION"]]
    assert untouched
    for uid in untouched:
        assert new[uid]["SEQUENCE"] == old[uid]["SEQUENCE"] == "0"
        assert new[uid]["DTSTAMP"] == old[uid]["DTSTAMP"]


def test_fast_path_answers_like_flask(app: Flask, client: FlaskClient, sub: dict[str, str]) -> None:
    flask = PassedToFlask(app)
    path = path_of(sub["feed_url"])
    by_flask = client.get(path)  # first fetch: rendered by the Flask view
    assert flask.count == 1
    by_fast_path = client.get(path)
    assert flask.count == 1  # answered by the fast path
    assert by_fast_path.data == by_flask.data
    assert dict(by_fast_path.headers) == dict(by_flask.headers)
    etag = by_flask.headers["ETag"]
    flask_304 = client.get(path + "?x=", headers={"If-None-Match": etag})  # a query string: Flask
    fast_304 = client.get(path, headers={"If-None-Match": etag})
    assert flask.count == 2  # only the one with a query string
    assert fast_304.status_code == flask_304.status_code == 304
    assert dict(fast_304.headers) == dict(flask_304.headers)
    head = client.head(path)
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(by_flask.data))
    assert client.get(path + "?download=1").headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("value", "attachment"),
    [("1", True), ("true", True), ("yes", True), ("0", False), ("false", False), ("", False)],
)
def test_download_parameter_means_what_it_says(
    client: FlaskClient, sub: dict[str, str], value: str, attachment: bool
) -> None:
    response = client.get(path_of(sub["feed_url"]) + f"?download={value}")
    assert response.status_code == 200
    disposition = response.headers.get("Content-Disposition", "")
    assert disposition.startswith("attachment") is attachment


def test_a_download_value_that_is_neither_yes_nor_no_is_400(client: FlaskClient) -> None:
    response = client.get("/feed.ics?issued=2023-06-01&download=maybe")
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("下载：")
