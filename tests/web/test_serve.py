"""`permitcal serve` as an operator meets it: its own schema on SQLite, one line for each trouble, keep-alive."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
from email.utils import parsedate_to_datetime
from pathlib import Path

from sqlalchemy import create_engine

from permitcal.web.storage.tables import metadata
from tests.web.conftest import require_or_skip
from tests.web.servers import BIN, environment, free_port, permitcal_serve, status_of, wait_for


def test_serve_brings_a_new_sqlite_database_up_to_date_itself(tmp_path: Path) -> None:
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with permitcal_serve(tmp_path, env) as server:
        assert status_of(server.url + "/healthz") == 200
        first = server.log()
    with permitcal_serve(tmp_path, env) as server:
        again = server.log()
    lines = [line for line in first.splitlines() if line.startswith("database ")]
    assert len(lines) == 1, first
    assert "upgraded from empty to revision" in lines[0]
    assert "new.sqlite3 is up to date (revision" in again
    assert "Traceback" not in first + again


def test_a_busy_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'busy.sqlite3'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN / "permitcal"), "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"permitcal: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert "serving on" not in done.stdout + done.stderr


def test_serve_keeps_the_connection_alive_after_a_304(tmp_path: Path) -> None:
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'alive.sqlite3'}")
    with permitcal_serve(tmp_path, env) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request(
            "POST",
            "/api/subscriptions",
            body=b'{"issued": "2023-06-01"}',
            headers={"Content-Type": "application/json"},
        )
        created = conn.getresponse()
        feed = "/" + json.loads(created.read())["feed_url"].split("/", 3)[3]
        conn.request("GET", feed)
        first = conn.getresponse()
        first.read()
        etag = first.headers["ETag"]
        # A first fetch: the record was stamped during this second, Date taken at the
        # request's start; Last-Modified must not be after it.
        modified = parsedate_to_datetime(first.headers["Last-Modified"])
        assert modified <= parsedate_to_datetime(first.headers["Date"])
        sock = conn.sock
        for _ in range(3):  # a calendar app polling on one connection
            conn.request("GET", feed, headers={"If-None-Match": etag})
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 304
            assert not answer.will_close, dict(answer.headers)
            assert conn.sock is sock  # the same connection, not a new one
        conn.request("GET", feed, headers={"If-None-Match": etag, "Connection": "close"})
        closing = conn.getresponse()
        closing.read()
        assert closing.status == 304
        assert closing.will_close
        conn.close()


def test_serve_on_a_server_without_schema_says_what_to_run(tmp_path: Path) -> None:
    url = require_or_skip("PERMITCAL_TEST_POSTGRES_URL", "PostgreSQL")
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    port = free_port()
    env = environment(tmp_path, url)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "permitcal"), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: status_of(f"http://127.0.0.1:{port}/") == 200, what="serve")
            health = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            health.request("GET", "/healthz")
            answer = health.getresponse()
            body = json.loads(answer.read())
            health.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
    assert answer.status == 503
    assert "permitcal db upgrade" in body["database"]
    text = log.read_text()
    assert "the database has no schema: run `permitcal db upgrade`" in text.splitlines()[0], text
    assert "Traceback" not in text
