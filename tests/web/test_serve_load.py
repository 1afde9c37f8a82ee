"""A bounded mixed load against the server `permitcal serve` starts: no error, no lost write, few files.

16 clients, each on its own keep-alive connection, create, read, change,
rotate and delete subscriptions and fetch feeds (200 and 304) and CalDAV
objects, 1,300+ requests in all (5,000+ in `make test-repeat`), on SQLite and on PostgreSQL. Every
acknowledged change must be what the server holds at the end, and the
server's open file descriptors must stay bounded (each request used to
leave a database connection open).
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from base64 import b64encode
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import fresh_schema, migrated_sqlite, require_or_skip
from tests.web.servers import environment, permitcal_serve

CLIENTS = 16
# Per client; a round sends 9 to 17 requests (8: 1,300+ requests in all).
# `make test-repeat` runs the long form, 32 rounds (5,000+), many times.
ROUNDS = int(os.environ.get("PERMITCAL_TEST_LOAD_ROUNDS", "8"))
MAX_OPEN_FILES = 64


class Client:
    """One keep-alive connection; every answer is checked, every acknowledged change kept."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.requests = 0
        self.errors: list[str] = []

    def send(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            sent.setdefault("Content-Type", "application/json")
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        self.conn.request(method, path, body=data, headers=sent)
        response = self.conn.getresponse()
        payload = response.read()
        self.requests += 1
        if response.status not in expect:
            self.errors.append(f"{method} {path[:40]} → {response.status} {payload[:120]!r}")
        return response.status, response.msg, payload  # case-insensitive headers


def run_client(port: int, number: int, results: list[dict[str, Any]]) -> None:
    client = Client(port)
    _, _, body = client.send("POST", "/api/subscriptions", {"issued": "2023-06-01"}, expect=(201,))
    sub = json.loads(body)
    acknowledged_alarms: list[int] = sub["settings"]["alarms"]
    feed_etag = ""
    for round_ in range(ROUNDS):
        if round_ % 4 == 1:  # a change, then the feed and CalDAV render it anew
            alarms = [1 + (number + round_) % 14]
            _, _, body = client.send("PATCH", sub["api_url"], {"alarms": alarms})
            if body:
                acknowledged_alarms = json.loads(body)["settings"]["alarms"]
            auth = b64encode(f"{sub['caldav_username']}:{sub['caldav_password']}".encode())
            client.send(
                "PROPFIND",
                sub["caldav_calendar_url"],
                b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
                headers={
                    "Depth": "1",
                    "Authorization": f"Basic {auth.decode()}",
                    "Content-Type": "application/xml",
                },
                expect=(207,),
            )
        for _ in range(5):  # what calendar apps do all day: poll the feed
            _, headers, _ = client.send("GET", sub["feed_url"])
            feed_etag = headers.get("ETag") or ""
        for _ in range(3):
            client.send("GET", sub["feed_url"], headers={"If-None-Match": feed_etag}, expect=(304,))
        client.send("HEAD", sub["feed_url"])
        if round_ % 4 == 3:
            old_feed = sub["feed_url"]
            _, _, body = client.send("POST", sub["api_url"] + "/rotate")
            sub = json.loads(body)
            client.send("GET", old_feed, expect=(404,))
            client.send("GET", sub["api_url"])
        if round_ % 8 == 5:
            _, _, body = client.send(
                "POST", "/api/subscriptions", {"expires": "2026-12-31"}, expect=(201,)
            )
            other = json.loads(body)
            client.send("DELETE", other["api_url"], expect=(204,))
            client.send("GET", other["api_url"], expect=(404,))
    _, _, body = client.send("GET", sub["api_url"])
    stored = json.loads(body)["settings"]["alarms"]
    if stored != acknowledged_alarms:
        client.errors.append(f"lost write: acknowledged {acknowledged_alarms}, stored {stored}")
    client.conn.close()
    results.append({"requests": client.requests, "errors": client.errors})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_mixed_load_on_permitcal_serve(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        url = migrated_sqlite(tmp_path / "load.sqlite3")
    else:
        url = fresh_schema(require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL"))
    # The production default for waits on the database (5 s), not the outage tests' 2 s:
    # on 2 busy cores a SQLite writer can wait more than 2 s for the write lock.
    env = environment(tmp_path, url, PERMITCAL_DB_TIMEOUT="5")
    with permitcal_serve(tmp_path, env) as server:
        before = server.open_files()
        results: list[dict[str, Any]] = []
        threads = [
            threading.Thread(target=run_client, args=(server.port, n, results))
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = server.open_files()
        log = server.log()

    assert len(results) == CLIENTS, log[-3000:]
    total = sum(r["requests"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    assert total >= 160 * ROUNDS
    assert errors == [], errors[:10]
    assert after < MAX_OPEN_FILES, (before, after)
    assert "Traceback" not in log
    # The access log names no token: only redacted feed, manage and API paths.
    assert "/f/<redacted>/" in log
    assert "/api/subscriptions/<redacted>" in log
    for r in results:
        assert "/f/" not in "".join(r["errors"])
