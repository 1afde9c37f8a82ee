"""Concurrent edits of one subscription over real HTTP: never a 5xx, never a silently lost change."""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import fresh_schema, make_app, migrated_sqlite, require_or_skip, serving

# Races per test: `make test-repeat` hunts with 100 (RACE_ROUNDS), CI runs 25.
ROUNDS = int(os.environ.get("PERMITCAL_TEST_RACE_ROUNDS", "25"))


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[int]:
    if request.param == "sqlite":
        url = migrated_sqlite(tmp_path / "races.sqlite3")
    else:
        url = fresh_schema(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"))
    app: Flask = make_app(tmp_path, DATABASE_URL=url)
    with serving(app) as port:
        yield port


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data and data[:1] == b"{" else None
    finally:
        conn.close()


def at_once(port: int, *requests: tuple[str, str, Any]) -> list[tuple[int, Any]]:
    """Send the requests from separate threads released together."""
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, Any]] = [(0, None)] * len(requests)

    def send(index: int, method: str, path: str, body: Any) -> None:
        barrier.wait()
        answers[index] = call(port, method, path, body)

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def new_subscription(port: int) -> str:
    status, created = call(port, "POST", "/api/subscriptions", {"issued": "2023-06-01"})
    assert status == 201
    return "/" + created["api_url"].split("/", 3)[3]


def test_patch_racing_delete(server: int) -> None:
    outcomes = set()
    for _ in range(ROUNDS):
        api = new_subscription(server)
        (patched, _), (deleted, _) = at_once(
            server, ("PATCH", api, {"lang": "en"}), ("DELETE", api, None)
        )
        assert patched in (200, 404)
        assert deleted == 204
        assert call(server, "GET", api)[0] == 404
        outcomes.add(patched)
    assert outcomes <= {200, 404}


def test_rotate_racing_delete(server: int) -> None:
    for _ in range(ROUNDS):
        api = new_subscription(server)
        (rotated, _), (deleted, _) = at_once(
            server, ("POST", api + "/rotate", None), ("DELETE", api, None)
        )
        assert rotated in (200, 404)
        assert deleted == 204
        assert call(server, "GET", api)[0] == 404


def test_two_patches_of_different_fields_both_survive(server: int) -> None:
    for _ in range(ROUNDS):
        api = new_subscription(server)
        (first, _), (second, _) = at_once(
            server, ("PATCH", api, {"lang": "en"}), ("PATCH", api, {"alarms": [3]})
        )
        assert (first, second) == (200, 200)
        status, stored = call(server, "GET", api)
        assert status == 200
        assert stored["settings"]["lang"] == "en"
        assert stored["settings"]["alarms"] == [3]
        assert stored["revision"] == 2


def test_two_rotations_agree_on_one_new_feed_url(server: int) -> None:
    for _ in range(ROUNDS // 4):
        api = new_subscription(server)
        _, before = call(server, "GET", api)
        (first, a), (second, b) = at_once(
            server, ("POST", api + "/rotate", None), ("POST", api + "/rotate", None)
        )
        assert (first, second) == (200, 200)
        assert a["feed_url"] != before["feed_url"]
        assert b["feed_url"] != before["feed_url"]
