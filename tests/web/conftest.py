"""Fixtures for the web service: an app on a temporary SQLite file, a fixed clock, clients."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from werkzeug.serving import make_server

from permitcal.web import create_app
from permitcal.web.feeds.service import Service
from permitcal.web.storage.migrate import upgrade
from permitcal.web.storage.tables import metadata

NOW = dt.datetime(2026, 11, 20, 8, 0, 0, tzinfo=dt.UTC)


def latest_typed(today: dt.date, kind: str) -> dt.date:
    """RULES.md, "Dates a real card cannot carry", written out by hand."""
    if kind == "issued":
        return today + dt.timedelta(days=30)
    return today.replace(year=today.year + 1) + dt.timedelta(days=30)


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


_schema_template: list[Path] = []


def migrated_sqlite(path: Path) -> str:
    """A SQLite file at ``path`` with the migrated schema (migrated once, then copied)."""
    if not _schema_template:
        template = Path(tempfile.mkdtemp(prefix="permitcal-schema-")) / "template.sqlite3"
        upgrade(f"sqlite:///{template}")
        _schema_template.append(template)
    shutil.copyfile(_schema_template[0], path)
    return f"sqlite:///{path}"


def fresh_schema(url: str) -> str:
    """Drop everything at ``url`` (a shared test server) and migrate it from scratch."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
    upgrade(url)
    return url


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """The app on a migrated SQLite file in ``tmp_path``, unless DATABASE_URL is given."""
    if "DATABASE_URL" not in config:
        config["DATABASE_URL"] = migrated_sqlite(tmp_path / "test.sqlite3")
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
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


# serve_forever checks for shutdown once per poll interval; its default of 0.5 s
# made every live test wait that long at teardown (a third of the suite's time).
SHUTDOWN_POLL_SECONDS = 0.01


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[int]:
    """``app`` served over real HTTP on 127.0.0.1 in a thread; yields the port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
    )
    thread.start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        service(app).store.dispose()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The app served over real HTTP on 127.0.0.1 (a random port), for real clients."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture(scope="module")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as a browser meets it (CSRF on), served over HTTP for one module's tests."""
    app = make_app(tmp_path_factory.mktemp("page"), WTF_CSRF_ENABLED=True)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """The system Chromium, driven by Playwright, for one module's tests."""
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM_FLAGS, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield found
        found.close()


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


class Counted:
    """Counts the calls of ``owner.name`` (a method, or a callable such as a WSGI layer's
    ``next_app``), passing each on."""

    def __init__(self, owner: Any, name: str) -> None:
        self.count = 0
        method = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return method(*args, **kwargs)

        setattr(owner, name, counted)


class PassedToFlask(Counted):
    """Counts the requests the feed fast path hands on to Flask (its ``next_app``)."""

    @staticmethod
    def fast_path(app: Flask) -> Any:
        """The app's FeedFastPath layer."""
        fast: Any = app.wsgi_app
        while fast.__class__.__name__ != "FeedFastPath":  # inside the proxy and budget layers
            fast = getattr(fast, "app", None) or fast.next_app
        return fast

    def __init__(self, app: Flask) -> None:
        super().__init__(self.fast_path(app), "next_app")
