"""The feed fast path (#19): the stateless feed from remembered queries, HSTS, bounded memory."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal import WorkCalendar
from permitcal.web.feeds import service as service_module
from tests.web.conftest import Clock, PassedToFlask, create_subscription, make_app, path_of, service

QUERY = "/feed.ics?issued=2023-06-01&lang=en&changes=employer"


def settled(app: Flask) -> None:
    """Wait until the service knows when it first served these rules and holidays.

    Until the database answers (on a thread of its own), a stateless feed's
    Last-Modified is the process start; answers compared header by header must
    come after it, or a second can separate them (seen once in CI).
    """
    service(app).data_since()


def test_a_stateless_query_answered_once_is_answered_like_flask(
    app: Flask, client: FlaskClient
) -> None:
    settled(app)
    flask = PassedToFlask(app)
    by_flask = client.get(QUERY)
    assert by_flask.status_code == 200
    assert flask.count == 1
    by_fast_path = client.get(QUERY)
    assert flask.count == 1  # not passed on
    assert by_fast_path.data == by_flask.data
    assert dict(by_fast_path.headers) == dict(by_flask.headers)
    packed = client.get(QUERY, headers={"Accept-Encoding": "gzip"})
    assert flask.count == 1
    assert gzip.decompress(packed.data) == by_flask.data
    assert packed.headers["ETag"] == by_flask.headers["ETag"][:-1] + '-gz"'
    etag = by_flask.headers["ETag"]
    fast_304 = client.get(QUERY, headers={"If-None-Match": etag})
    flask_304 = client.get(QUERY + "&lang=en", headers={"If-None-Match": etag})  # a new string
    assert flask.count == 2
    assert fast_304.status_code == flask_304.status_code == 304
    assert dict(fast_304.headers) == dict(flask_304.headers)
    head = client.head(QUERY)
    assert flask.count == 2
    assert head.data == b""
    assert dict(head.headers) == dict(by_flask.headers)


def test_a_download_is_remembered_with_its_name(app: Flask, client: FlaskClient) -> None:
    settled(app)
    flask = PassedToFlask(app)
    by_flask = client.get(QUERY + "&download=1")
    by_fast_path = client.get(QUERY + "&download=1")
    assert flask.count == 1
    assert by_fast_path.headers["Content-Disposition"].startswith("attachment; filename=")
    assert dict(by_fast_path.headers) == dict(by_flask.headers)
    assert "Content-Disposition" not in client.get(QUERY).headers


@pytest.mark.parametrize(
    "query",
    [
        "/feed.ics?issued=2023-02-30",
        "/feed.ics?issued=2023-06-01&download=maybe",
        "/feed.ics?issued=2023-06-01&colour=red",
        "/feed.ics?lang=en",
    ],
    ids=["bad-date", "bad-download", "unknown-option", "no-date"],
)
def test_bad_input_gets_its_400_from_flask_every_time(
    app: Flask, client: FlaskClient, query: str
) -> None:
    flask = PassedToFlask(app)
    first = client.get(query)
    second = client.get(query)
    assert first.status_code == second.status_code == 400
    assert second.data == first.data
    assert flask.count == 2  # never remembered


def test_a_new_day_or_new_holiday_data_goes_to_flask_again(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    flask = PassedToFlask(app)
    client.get(QUERY)
    client.get(QUERY)
    assert flask.count == 1
    clock.advance(days=1)
    next_day = client.get(QUERY)
    assert flask.count == 2  # the window moved: rendered for the new day
    assert next_day.status_code == 200
    client.get(QUERY)
    assert flask.count == 2
    service(app).calendar = WorkCalendar(published_through=2025)
    client.get(QUERY)
    assert flask.count == 3  # other holiday data: other bytes, rendered anew


def test_remembered_queries_are_bounded(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "QUERIES_REMEMBERED", 3)
    flask = PassedToFlask(app)
    queries = [f"{QUERY}&alarms={days}" for days in (1, 2, 3, 4, 5)]
    for query in queries:
        assert client.get(query).status_code == 200
    assert len(service(app)._queries) == 3
    client.get(queries[-1])
    assert flask.count == 5  # the newest is still known
    client.get(queries[0])
    assert flask.count == 6  # the oldest was dropped: Flask answers it again
    long = QUERY + "&x" * service_module.LONGEST_QUERY_REMEMBERED
    assert len(long) > service_module.LONGEST_QUERY_REMEMBERED
    client.get(long)
    client.get(long)
    assert flask.count == 8  # too long to remember


def test_the_fast_path_sends_hsts_as_flask_does(tmp_path: Path) -> None:
    app = make_app(tmp_path, HSTS_SECONDS=600)
    try:
        client = app.test_client()
        sub = create_subscription(client)
        settled(app)
        for path in (path_of(sub["feed_url"]), QUERY):
            flask = PassedToFlask(app)
            by_flask = client.get(path, base_url="https://localhost")
            by_fast_path = client.get(path, base_url="https://localhost")
            assert flask.count == 1
            assert by_fast_path.headers["Strict-Transport-Security"] == "max-age=600"
            assert dict(by_fast_path.headers) == dict(by_flask.headers)
        plain = app.test_client()  # plain http: no HSTS from either
        assert "Strict-Transport-Security" not in plain.get(QUERY).headers
        assert "Strict-Transport-Security" not in plain.get(path_of(sub["feed_url"])).headers
    finally:
        service(app).store.dispose()
