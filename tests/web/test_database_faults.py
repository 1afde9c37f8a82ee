"""A database that is missing its schema, refuses, hangs, or freezes mid-query: bounded, truthful answers.

Each request's time on the database is bounded in all by PERMITCAL_DB_TIMEOUT
(+ 2 s of slack), whatever the database does: the frozen case (connections
open, nothing answered, as when the server's processes are stopped) is the
one that neither TCP nor the server can end. Meanwhile what needs no
database keeps answering, and it all recovers by itself.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.web.storage.migrate import head_revision, upgrade
from tests.web.conftest import (
    create_subscription,
    fresh_schema,
    make_app,
    path_of,
    require_or_skip,
    service,
)
from tests.web.servers import BIN, TcpGate, environment
from tests.web.test_gunicorn import all_at_once

TIMEOUT = 2.0
BOUND = TIMEOUT + 2.0  # what issue #15 allows a request in all


def _waiting_for_cpu() -> float:
    """Seconds this thread has been ready to run but not running (Linux schedstat): the
    delay of a busy machine, which no timeout in the code can bound; 0 elsewhere."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def timed(call: Callable[[], int]) -> tuple[int, float]:
    """The call's status and its time, less the time its thread waited for a CPU (under a
    loaded machine a request can sit runnable for a while; the bound is about the code)."""
    started, queued = time.monotonic(), _waiting_for_cpu()
    status = call()
    return status, time.monotonic() - started - (_waiting_for_cpu() - queued)


# --- the schema -----------------------------------------------------------------


@pytest.fixture
def unmigrated(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    url = f"sqlite:///{tmp_path / 'never-upgraded.sqlite3'}"
    app = make_app(tmp_path, DATABASE_URL=url)
    yield app, url
    service(app).store.dispose()


def test_a_missing_schema_is_named_with_its_fix(
    unmigrated: tuple[Flask, str], caplog: pytest.LogCaptureFixture
) -> None:
    app, url = unmigrated
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "not_set_up"
    assert "permitcal db upgrade" in health.get_json()["database"]

    api = client.post("/api/subscriptions", json={"issued": "2023-06-01"})
    assert api.status_code == 503
    error = api.get_json()["error"]
    assert error["code"] == "not_set_up"
    assert "not set up" in error["message"]
    assert "shortly" not in error["message"]
    page = client.post("/", data={"date_kind": "issued", "date": "2023-06-01"})
    assert page.status_code == 503
    assert "服务还没有设置好" in page.get_data(as_text=True)
    assert "稍后再试" not in page.get_data(as_text=True)
    # What needs no database still works.
    assert client.get("/").status_code == 200
    assert client.get("/feed.ics?issued=2023-06-01").status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("permitcal db upgrade" in line for line in logged), logged

    upgrade(url)  # the operator runs it: no restart needed
    assert client.get("/healthz").status_code == 200
    assert client.post("/api/subscriptions", json={"issued": "2023-06-01"}).status_code == 201


def test_a_schema_behind_the_code_names_both_revisions(unmigrated: tuple[Flask, str]) -> None:
    app, url = unmigrated
    upgrade(url, "0001")
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert re.search(
        rf"revision 0001, this version needs {head_revision()}: run `permitcal db upgrade`",
        health.get_json()["database"],
    )


# --- the budget, in the app ---------------------------------------------------------


def test_sqlite_lock_held_longer_than_the_budget(tmp_path: Path) -> None:
    app = make_app(tmp_path, DB_TIMEOUT=TIMEOUT)
    client = app.test_client()
    created = create_subscription(client)
    url = service(app).store.url.removeprefix("sqlite:///")
    blocker = sqlite3.connect(url, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # readers and writers wait on the busy timeout
    try:
        # (Reads go on: WAL readers never wait for a writer.)
        for call in (
            lambda: client.post("/api/subscriptions", json={"issued": "2024-01-01"}).status_code,
            lambda: client.patch(path_of(created["api_url"]), json={"lang": "en"}).status_code,
        ):
            status, took = timed(call)
            assert (status, took < BOUND) == (503, True), took
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert client.patch(path_of(created["api_url"]), json={"lang": "en"}).status_code == 200
    service(app).store.dispose()


@pytest.fixture
def gated_postgres(tmp_path: Path) -> Iterator[tuple[Flask, TcpGate]]:
    real = require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL")
    fresh_schema(real)
    port = int(re.search(r":(\d+)/", real).group(1))  # type: ignore[union-attr]
    gate = TcpGate(port)
    app = make_app(
        tmp_path, DATABASE_URL=re.sub(r":\d+/", f":{gate.port}/", real), DB_TIMEOUT=TIMEOUT
    )
    try:
        yield app, gate
    finally:
        gate.close()
        service(app).store.dispose()


def test_a_frozen_postgresql_costs_each_request_its_budget_at_most(
    gated_postgres: tuple[Flask, TcpGate],
) -> None:
    app, gate = gated_postgres
    client = app.test_client()
    created = create_subscription(client)
    feed = path_of(created["feed_url"])
    assert client.get(feed).status_code == 200  # pooled connections now open
    assert client.get(path_of(created["manage_url"])).status_code == 200
    # Rendered once while the database is up: what is timed below is the wait, if any.
    assert client.get("/feed.ics?issued=2023-06-01").status_code == 200

    gate.freeze()
    calls: dict[str, Callable[[FlaskClient], int]] = {
        "healthz": lambda c: c.get("/healthz").status_code,
        "feed": lambda c: c.get(feed).status_code,
        "manage": lambda c: c.get(path_of(created["manage_url"])).status_code,
        "create": lambda c: c.post("/api/subscriptions", json={"issued": "2024-01-01"}).status_code,
        "patch": lambda c: c.patch(path_of(created["api_url"]), json={"lang": "en"}).status_code,
    }
    results: dict[str, tuple[int, float]] = {}

    def run(name: str) -> None:
        results[name] = timed(lambda: calls[name](app.test_client()))

    threads = [threading.Thread(target=run, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    # Meanwhile, what needs no database answers at once.
    for _ in range(3):
        status, took = timed(lambda: client.get("/feed.ics?issued=2023-06-01").status_code)
        assert (status, took < 1.0) == (200, True), took
        with client.get("/static/style.css") as static:
            assert static.status_code == 200
    for thread in threads:
        thread.join(timeout=30)
    for name, (status, took) in results.items():
        assert (status, took < BOUND) == (503, True), (name, took)
    assert len(results) == len(calls)

    # Again, on whatever connections are left or new: still bounded.
    status, took = timed(lambda: calls["feed"](client))
    assert status == 503
    assert took < BOUND

    gate.open()
    deadline = time.monotonic() + 20
    while client.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "no recovery after the database came back"
        time.sleep(0.1)
    assert client.get(feed).status_code == 200
    assert calls["create"](client) == 201


@pytest.mark.parametrize("fault", ["hang", "shut"])
def test_a_hung_or_closed_postgresql_is_bounded_too(
    gated_postgres: tuple[Flask, TcpGate], fault: str
) -> None:
    app, gate = gated_postgres
    created = create_subscription(app.test_client())
    getattr(gate, fault)()
    answers = all_at_once(
        {
            "healthz": lambda: app.test_client().get("/healthz").status_code,
            "feed": lambda: app.test_client().get(path_of(created["feed_url"])).status_code,
            "create": lambda: (
                app.test_client()
                .post("/api/subscriptions", json={"issued": "2024-01-01"})
                .status_code
            ),
        }
    )
    for name, (status, took) in answers.items():
        assert (status, took < BOUND) == (503, True), (name, took)


def test_db_upgrade_gives_up_on_a_hung_server_within_the_timeout(tmp_path: Path) -> None:
    real = require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL")
    port = int(re.search(r":(\d+)/", real).group(1))  # type: ignore[union-attr]
    gate = TcpGate(port)
    try:
        gate.hang()
        env = environment(tmp_path, re.sub(r":\d+/", f":{gate.port}/", real))
        started = time.monotonic()
        done = subprocess.run(
            [str(BIN / "permitcal"), "db", "upgrade"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        took = time.monotonic() - started
    finally:
        gate.close()
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("permitcal: error: cannot upgrade postgresql"), lines
    assert "PERMITCAL_DB_TIMEOUT=2 s" in lines[0]
    assert "Traceback" not in done.stderr
    assert "***" in lines[0]
    # The driver gave up at the 2 s timeout; the command's own start (imports, which
    # a busy machine can stretch to many seconds) comes on top. It took 130 s before.
    assert "connection timeout expired" in lines[0]
    assert took < 45, took
