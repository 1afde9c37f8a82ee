"""Secrets kept out of caches and logs, cookies over https, creation limits, and conditional edits."""

from __future__ import annotations

import logging
import multiprocessing
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask.testing import FlaskClient

from permitcal.web.app import _instance_secret
from permitcal.web.gunicorn_conf import RedactingLogger
from permitcal.web.serving.logs import AccessLog, redact
from tests.web.conftest import create_subscription, make_app, path_of, service

TOKEN = "Zx9_-abcDEF0123456789abcdefABCDEF"


def test_answers_that_carry_a_token_are_never_stored(client: FlaskClient) -> None:
    created = client.post("/api/subscriptions", json={"issued": "2023-06-01"})
    assert created.headers["Cache-Control"] == "no-store"
    api = path_of(created.get_json()["api_url"])
    manage = path_of(created.get_json()["manage_url"])
    for response in (
        client.get(api),
        client.patch(api, json={"lang": "en"}),
        client.post(api + "/rotate"),
        client.get(manage),
        client.post("/", data={"date_kind": "issued", "date": "2023-06-01"}),
    ):
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    # The start page and the feeds carry no secret: ordinary caching rules.
    assert client.get("/").headers.get("Cache-Control") != "no-store"


def test_secure_cookie_and_hsts_only_over_https(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_FIX=True, HSTS_SECONDS=31536000, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    behind_tls = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in behind_tls.headers["Set-Cookie"]
    assert behind_tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = app.test_client().get("/")
    assert "Secure" not in plain.headers["Set-Cookie"]  # local http use keeps working
    assert "Strict-Transport-Security" not in plain.headers
    service(app).store.dispose()


def test_only_successful_creations_count_against_the_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_CREATE="2 per minute")
    client = app.test_client()
    typos = [
        client.post("/", data={"date_kind": "issued", "date": "2023-02-30"}).status_code
        for _ in range(5)
    ]
    assert typos == [400] * 5  # a person fixing typos is not locked out
    bad_json = [
        client.post("/api/subscriptions", json={"issued": "x"}).status_code for _ in range(3)
    ]
    assert bad_json == [400] * 3
    good = [
        client.post("/", data={"date_kind": "issued", "date": "2023-06-01"}).status_code,
        client.post("/api/subscriptions", json={"issued": "2023-06-01"}).status_code,
        client.post("/api/subscriptions", json={"issued": "2023-06-01"}).status_code,
    ]
    assert good == [303, 201, 429]
    service(app).store.dispose()


def test_a_patch_that_changes_nothing_changes_nothing(client: FlaskClient) -> None:
    created = create_subscription(client, issued="2023-06-01", lang="en")
    api = path_of(created["api_url"])
    before = client.get(api)
    same = client.patch(api, json={"lang": "en", "issued": "2023-06-01"})
    assert same.status_code == 200
    assert same.get_json()["revision"] == 0
    assert same.get_json()["updated_at"] == before.get_json()["updated_at"]
    assert same.headers["ETag"] == before.headers["ETag"]
    feed = client.get(path_of(created["feed_url"]))
    assert b"SEQUENCE:0" in feed.data


def test_if_match_guards_a_patch_rotate_and_delete(client: FlaskClient) -> None:
    created = create_subscription(client)
    api = path_of(created["api_url"])
    etag = client.get(api).headers["ETag"]
    first = client.patch(api, json={"lang": "en"}, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = client.patch(api, json={"lang": "both"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    assert client.get(api).get_json()["settings"]["lang"] == "en"  # unchanged
    assert client.post(api + "/rotate", headers={"If-Match": etag}).status_code == 412
    assert client.delete(api, headers={"If-Match": etag}).status_code == 412
    assert client.delete(api, headers={"If-Match": first.headers["ETag"]}).status_code == 204
    assert client.delete(api).status_code == 404


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        (
            f"GET /f/{TOKEN}/shanghai-permit.ics HTTP/1.1",
            "GET /f/<redacted>/shanghai-permit.ics HTTP/1.1",
        ),
        (f"/feeds/{TOKEN}.ics", "/feeds/<redacted>.ics"),
        (f"/m/{TOKEN}/rotate?ui=en", "/m/<redacted>/rotate?ui=en"),
        (f"/api/subscriptions/{TOKEN}/rotate", "/api/subscriptions/<redacted>/rotate"),
        (f"https://example.org/m/{TOKEN}", "https://example.org/m/<redacted>"),
        ("/api/subscriptions", "/api/subscriptions"),
        ("/feed.ics?issued=2023-06-01", "/feed.ics?issued=2023-06-01"),
        ("/m/%41%42%43", "/m/<redacted>"),
    ],
)
def test_redact(line: str, redacted: str) -> None:
    assert redact(line) == redacted


def test_gunicorn_access_atoms_are_redacted() -> None:
    logger = RedactingLogger(SimpleNamespace(**_gunicorn_cfg()))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/m/{TOKEN}",
        "PATH_INFO": f"/m/{TOKEN}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"/m/{TOKEN}",
    }
    request = SimpleNamespace(
        headers=[], method="GET", path=f"/m/{TOKEN}", query="", version=(1, 1)
    )
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    atoms = logger.atoms(response, request, environ, _Elapsed())
    assert TOKEN not in repr(atoms)
    assert atoms["r"] == "GET /m/<redacted> HTTP/1.1"


def test_waitress_access_log_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("404 NOT FOUND", [("Content-Type", "text/plain")])
        return [b"gone"]

    logged = AccessLog(app)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/f/{TOKEN}/x.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    with caplog.at_level(logging.INFO, logger="permitcal.access"):
        body = logged(environ, lambda *args: None)
        assert b"".join(body) == b"gone"
        body.close()  # type: ignore[attr-defined]
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert TOKEN not in line
    assert '"GET /f/<redacted>/x.ics HTTP/1.1" 404 4' in line


def _make_secret(path: str, barrier: Any, queue: Any) -> None:
    barrier.wait()
    try:
        queue.put(_instance_secret(Path(path)))
    except Exception as error:  # reported, so the test shows what went wrong
        queue.put(f"error: {error!r}")


def test_workers_starting_together_share_one_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for trial in range(25):
        path = tmp_path / f"secret-{trial}"
        barrier = context.Barrier(4)
        queue = context.Queue()
        processes = [
            context.Process(target=_make_secret, args=(str(path), barrier, queue)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        keys = {queue.get(timeout=30) for _ in processes}
        for process in processes:
            process.join()
        assert len(keys) == 1, keys
        (key,) = keys
        assert re.fullmatch(r"[0-9a-f]{64}", key)
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".secret-")]  # no leftovers


class _Elapsed:
    seconds = 0
    microseconds = 1500

    def total_seconds(self) -> float:
        return 0.0015


def _gunicorn_cfg() -> dict[str, Any]:
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    return {name: setting.get() for name, setting in config.settings.items()} | {
        "access_log_format": "%(r)s %(U)s %(f)s",
        "logconfig_dict": {},
        "errorlog": "-",
        "loglevel": "info",
        "syslog": False,
        "capture_output": False,
        "logconfig": None,
        "logconfig_json": None,
    }
