"""gunicorn with the shipped config: first starts, a database that is down or hung, and back.

Workers never touch the schema at boot, so a first start of several workers
cannot race, and a worker (re)starts while the database is unreachable; what
needs the database answers 503 with Retry-After, the rest keeps working, and
everything recovers by itself when the database returns.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import fresh_schema, migrated_sqlite, require_or_skip
from tests.web.servers import (
    TcpGate,
    environment,
    free_port,
    gunicorn,
    permitcal_serve,
    status_of,
    upgrade_database,
    wait_for,
)

WORKERS = 4
# First starts race for the secret key and the pool: `make test-repeat` runs many.
FIRST_STARTS = int(os.environ.get("PERMITCAL_TEST_FIRST_STARTS", "1"))
# What needs no database: the start page, the stateless feed, the API description.
NO_DATABASE = ("/", "/feed.ics?issued=2023-06-01", "/openapi.json")


def post_json(url: str, body: bytes = b'{"issued": "2023-06-01"}') -> tuple[int, str]:
    """Status and Retry-After of a JSON POST."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Retry-After") or ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After") or ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The 303 after a creation is the answer to check, not a page to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def create_through_the_form(base: str) -> int:
    """GET the page (a session cookie and a CSRF token), then POST the form: the status."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )
    # A new connection per request: the two may land on different workers.
    with opener.open(base + "/", timeout=30) as page:
        html = page.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match is not None, html[:500]
    form = f"csrf_token={match.group(1)}&date_kind=issued&date=2023-06-01".encode()
    try:
        with opener.open(base + "/", data=form, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_first_start_of_four_workers(backend: str, tmp_path: Path) -> None:
    for trial in range(FIRST_STARTS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        if backend == "sqlite":
            url = migrated_sqlite(folder / "first.sqlite3")
        else:
            url = fresh_schema(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"))
        # No PERMITCAL_SECRET_KEY: the four workers make and share one on first start.
        with gunicorn(folder, environment(folder, url), workers=WORKERS) as server:
            wait_for(lambda: len(server.workers()) == WORKERS, what="four workers")
            server.wait_ready()
            booted = server.workers()
            statuses = [create_through_the_form(server.url) for _ in range(12)]
            assert statuses == [303] * 12, (trial, statuses, server.log()[-3000:])
            assert server.workers() == booted, server.log()[-3000:]  # none died or rebooted
            assert server.process.poll() is None
            log = server.log()
        assert "Traceback" not in log
        assert "failed to boot" not in log
        key = (folder / "instance" / "secret_key").read_text()
        assert len(key) == 64


def test_workers_boot_and_serve_without_a_database(tmp_path: Path) -> None:
    closed = f"postgresql+psycopg://nobody:nothing@127.0.0.1:{free_port()}/nothing"
    with gunicorn(tmp_path, environment(tmp_path, closed), workers=2) as server:
        wait_for(lambda: len(server.workers()) == 2, what="two workers")
        server.wait_ready()
        for path in NO_DATABASE:
            assert status_of(server.url + path) == 200, path
        assert post_json(server.url + "/api/subscriptions") == (503, "30")
        assert status_of(server.url + "/healthz") == 503
        # A worker that dies is replaced, though the database is still down.
        victim = min(server.workers())
        os.kill(victim, signal.SIGKILL)
        wait_for(
            lambda: victim not in server.workers() and len(server.workers()) == 2,
            what="a replacement worker",
        )
        for _ in range(8):
            assert status_of(server.url + "/") == 200
        assert server.process.poll() is None
        assert "database error" in server.log()  # logged, with a timestamp
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d.*database error", server.log())


@pytest.mark.parametrize("kind", ["gunicorn", "serve"])
def test_database_down_hung_frozen_and_back(kind: str, tmp_path: Path) -> None:
    """Each fault bounded by the DB timeout (2 s here) + 2 s; the rest answers; back by itself."""
    real = require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL")
    fresh_schema(real)
    port = int(re.search(r":(\d+)/", real).group(1))  # type: ignore[union-attr]
    gate = TcpGate(port)
    url = re.sub(r":\d+/", f":{gate.port}/", real)
    env = environment(tmp_path, url)
    upgrade_database(env)
    bound = 2 + 2
    start = (
        gunicorn(tmp_path, env, workers=2) if kind == "gunicorn" else permitcal_serve(tmp_path, env)
    )
    try:
        with start as server:
            server.wait_ready("/healthz")
            status, _ = post_json(server.url + "/api/subscriptions")
            assert status == 201
            feed = feed_path(server.url)
            assert status_of(server.url + feed) == 200

            gate.shut()
            assert post_json(server.url + "/api/subscriptions") == (503, "30")
            for path in NO_DATABASE:
                assert status_of(server.url + path) == 200, path

            gate.open()
            wait_for(lambda: status_of(server.url + "/healthz") == 200, seconds=30, what="back")
            assert status_of(server.url + feed) == 200  # connections in the pools again

            for fault in (gate.hang, gate.freeze):  # a hung server; stopped processes
                fault()
                # At once, as a phone's calendar and the operator's checks would.
                answers = all_at_once(
                    {
                        "create": lambda: post_json(server.url + "/api/subscriptions"),
                        "healthz": lambda: (status_of(server.url + "/healthz"), ""),
                        "feed": lambda: (status_of(server.url + feed), ""),
                    }
                )
                assert answers["create"][0] == (503, "30"), answers
                assert answers["healthz"][0][0] == 503, answers
                assert answers["feed"][0][0] == 503, answers
                slowest = max(took for _, took in answers.values())
                assert slowest < bound, (fault.__name__, answers)
                for path in NO_DATABASE:
                    # Answered while the database hangs (test_database_faults.py checks
                    # in the app that the stateless feed does not wait on it at all).
                    started = time.monotonic()
                    assert status_of(server.url + path) == 200, path
                    assert time.monotonic() - started < bound, path
                gate.open()  # back: no restart needed
                wait_for(
                    lambda: post_json(server.url + "/api/subscriptions")[0] == 201,
                    seconds=30,
                    what="recovery after the database returned",
                )
            assert status_of(server.url + "/healthz") == 200
            assert server.process.poll() is None
    finally:
        gate.close()


def all_at_once(calls: dict[str, Callable[[], Any]]) -> dict[str, tuple[Any, float]]:
    """Each call's answer and seconds taken, the calls made together on their own threads."""
    results: dict[str, tuple[Any, float]] = {}

    def run(name: str) -> None:
        started = time.monotonic()
        answer = calls[name]()
        results[name] = (answer, time.monotonic() - started)

    threads = [threading.Thread(target=run, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.keys() == calls.keys(), results
    return results


def feed_path(base: str) -> str:
    """A new subscription's feed path."""
    request = urllib.request.Request(
        base + "/api/subscriptions",
        data=b'{"issued": "2023-06-01"}',
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        feed_url: str = json.load(response)["feed_url"]
    return "/" + feed_url.split("/", 3)[3]


def test_every_worker_answers_an_edit_a_rotation_and_a_delete_at_once(tmp_path: Path) -> None:
    """Each worker remembers the feed's stamp (storage/feed_changes); after a write has
    answered, no worker answers from what it remembered before it."""
    url = migrated_sqlite(tmp_path / "remembered.sqlite3")
    with gunicorn(tmp_path, environment(tmp_path, url), workers=WORKERS) as server:
        wait_for(lambda: len(server.workers()) == WORKERS, what="four workers")
        server.wait_ready()
        created = api_call(server.url + "/api/subscriptions", "POST", {"issued": "2023-06-01"})
        manage = "/" + created["api_url"].split("/", 3)[3]
        feed = "/" + created["feed_url"].split("/", 3)[3]

        def fetches(path: str) -> set[tuple[int, str]]:
            """Status and ETag of 48 fetches, 8 at a time on new connections (every worker)."""
            calls = {f"{path}#{n}": lambda: fetch(server.url + path) for n in range(8)}
            return {answer for _ in range(6) for answer, _took in all_at_once(calls).values()}

        before = fetches(feed)
        assert [status for status, _etag in before] == [200], before
        api_call(server.url + manage, "PATCH", {"lang": "en"})
        after = fetches(feed)
        assert [status for status, _etag in after] == [200], after
        assert after.isdisjoint(before)
        rotated = api_call(server.url + manage + "/rotate", "POST", {})
        assert fetches(feed) == {(404, "")}
        moved = "/" + rotated["feed_url"].split("/", 3)[3]
        assert fetches(moved) == after  # the same bytes at the new address
        api_call(server.url + manage, "DELETE", None)
        assert fetches(moved) == {(404, "")}
        assert "Traceback" not in server.log()


def api_call(url: str, method: str, body: dict[str, Any] | None) -> dict[str, Any]:
    """A JSON API call that must succeed; its JSON answer ({} for none)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}, method=method
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201, 204), response.status
        text = response.read()
    answer: dict[str, Any] = json.loads(text) if text else {}
    return answer


def fetch(url: str) -> tuple[int, str]:
    """Status and ETag of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status, response.headers.get("ETag") or ""
    except urllib.error.HTTPError as error:
        return error.code, ""
