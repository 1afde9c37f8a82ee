"""The feed fast path (#19): the stateless feed from remembered queries, HSTS, bounded memory."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import Client
from werkzeug.wrappers import Response

from permitcal import WorkCalendar
from permitcal.web.feeds import remembered as remembered_module
from permitcal.web.feeds import service as service_module
from tests.web.conftest import (
    Clock,
    Counted,
    PassedToFlask,
    create_subscription,
    make_app,
    path_of,
    service,
)

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


# --- whole stored-feed answers, remembered per request shape ------------------------


SHAPES: list[dict[str, str]] = [
    {},
    {"Accept-Encoding": "gzip"},
    {"Accept-Encoding": "gzip, deflate, br"},
]


def test_a_remembered_answer_is_the_answer_flask_gives(app: Flask, client: FlaskClient) -> None:
    settled(app)
    path = path_of(create_subscription(client)["feed_url"])
    flask = Client(PassedToFlask.fast_path(app).next_app, Response)  # Flask alone
    etag = flask.get(path).headers["ETag"]
    shapes = [*SHAPES, {"If-None-Match": etag}, {"If-None-Match": etag, "Accept-Encoding": "gzip"}]
    by_flask = [flask.get(path, headers=h) for h in shapes]
    first = [client.get(path, headers=h) for h in shapes]
    renders = Counted(service(app), "stamped_feed")  # past the remembered answers
    for _ in range(3):
        again = [client.get(path, headers=h) for h in shapes]
        assert [a.status_code for a in again] == [200, 200, 200, 304, 304]
        assert [(a.data, dict(a.headers)) for a in again] == [
            (a.data, dict(a.headers)) for a in by_flask
        ]
    assert renders.count == 0  # every one was a remembered answer
    assert [(a.data, dict(a.headers)) for a in first] == [
        (a.data, dict(a.headers)) for a in by_flask
    ]


def test_an_edit_a_new_day_or_new_holiday_data_is_never_answered_from_memory(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    settled(app)
    created = create_subscription(client)
    path = path_of(created["feed_url"])
    renders = Counted(service(app), "stamped_feed")  # past the remembered answers

    def from_memory() -> tuple[bool, str]:
        """Whether a fetch was a remembered answer; its ETag."""
        before = renders.count
        etag = client.get(path).headers["ETag"]
        return renders.count == before, etag

    client.get(path)  # rendered by Flask
    client.get(path)  # answered by the fast path, which remembers its answer
    remembered, etag = from_memory()
    assert remembered
    assert client.patch(path_of(created["api_url"]), json={"lang": "en"}).status_code == 200
    remembered, edited = from_memory()
    assert not remembered
    assert edited != etag
    assert from_memory() == (False, edited)  # the fast path's first answer
    assert from_memory() == (True, edited)  # remembered again
    clock.advance(days=1)
    assert not from_memory()[0]  # the window moved
    from_memory()
    assert from_memory()[0]
    service(app).calendar = WorkCalendar(published_through=2025)
    assert not from_memory()[0]  # other holiday data


def test_an_answer_made_in_its_records_own_second_is_not_remembered(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    # Last-Modified may not be later than the request: such an answer depends on the time.
    settled(app)
    clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    path = path_of(create_subscription(client)["feed_url"])
    client.get(path)
    renders = Counted(service(app), "stamped_feed")  # past the remembered answers
    client.get(path)
    client.get(path)
    assert renders.count == 2


def test_remembered_answers_are_bounded(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remembered_module, "ANSWERS", 4)
    settled(app)
    path = path_of(create_subscription(client)["feed_url"])
    client.get(path)
    for n in range(10):
        assert client.get(path, headers={"If-None-Match": f'"other-{n}"'}).status_code == 200
    answers = PassedToFlask.fast_path(app).remembered.answers
    assert len(answers) == 4
    assert [key[5] for key in answers] == [f'"other-{n}"' for n in range(6, 10)]


def test_remembered_answers_follow_the_host_the_proxy_names(tmp_path: Path) -> None:
    # The events link to the start page of the host asked; the key holds the corrected host.
    app = make_app(tmp_path, PROXY_FIX=True)
    client = app.test_client()
    settled(app)
    path = path_of(create_subscription(client)["feed_url"])
    for host in ("a.example", "b.example", "a.example", "b.example"):
        headers = {"X-Forwarded-Host": host, "X-Forwarded-Proto": "https"}
        for _ in range(3):
            body = client.get(path, headers=headers).data.decode()
            assert f"https://{host}/" in body
            assert f"https://{'b' if host[0] == 'a' else 'a'}.example/" not in body


def test_a_remembered_answer_needs_no_database(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled(app)
    path = path_of(create_subscription(client)["feed_url"])
    client.get(path)
    answer = client.get(path)  # now remembered
    store = service(app).store

    def unreachable(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the database was asked")

    monkeypatch.setattr(store._readers, "fetch_one", unreachable)
    monkeypatch.setattr(store.engine, "connect", unreachable)
    again = client.get(path)
    assert (again.status_code, again.data) == (200, answer.data)


def test_today_on_the_real_clock_turns_at_shanghai_midnight(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = service(app)
    monkeypatch.setattr(found, "clock", service_module.utcnow)
    midnight = dt.datetime(2027, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    for now, day in (
        (midnight - 1, dt.date(2026, 12, 31)),
        (midnight - 0.001, dt.date(2026, 12, 31)),
        (midnight, dt.date(2027, 1, 1)),
        (midnight + 86399, dt.date(2027, 1, 1)),
        (midnight + 86400, dt.date(2027, 1, 2)),
        (midnight - 5, dt.date(2026, 12, 31)),  # a clock set back
    ):
        monkeypatch.setattr(service_module.time, "time", lambda now=now: now)
        assert found.today() == day, now
