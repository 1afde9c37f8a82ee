"""Fixtures for the web service: an app on a temporary SQLite file, a fixed clock, clients."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from permitcal.web import create_app
from permitcal.web.service import Service

NOW = dt.datetime(2026, 11, 20, 8, 0, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def require_or_skip(env: str, what: str) -> str:
    """The value of ``env``, or a skip with the reason (a failure where CI requires it)."""
    value = os.environ.get(env, "")
    if value:
        return value
    message = f"{what} not available: set {env} (.ci/run starts one)"
    if os.environ.get("PERMITCAL_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def make_app(tmp_path: Path, **config: Any) -> Flask:
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_CREATE": "1000 per minute",
    }
    settings.update(config)
    os.environ["PERMITCAL_INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        app = create_app(settings)
    finally:
        del os.environ["PERMITCAL_INSTANCE_PATH"]
    service(app).clock = Clock()
    return app


def service(app: Flask) -> Service:
    found: Service = app.extensions["permitcal"]
    return found


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The app served over real HTTP on 127.0.0.1 (a random port), for real clients."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)
    service(app).store.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    service(app).store.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clock(app: Flask) -> Clock:
    found = service(app).clock
    assert isinstance(found, Clock)
    return found


def create_subscription(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/subscriptions", json=body or {"issued": "2023-06-01"})
    assert response.status_code == 201, response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


def path_of(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    return "/" + url.split("/", 3)[3]
