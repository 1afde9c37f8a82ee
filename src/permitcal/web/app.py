"""The WSGI application factory: settings, the store, and every part of the service put together."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from permitcal.holiday_files import load_calendar
from permitcal.school_data import SchoolData, load_school_data
from permitcal.web.api import views as api
from permitcal.web.caldav import views as caldav
from permitcal.web.errors import register_error_handlers
from permitcal.web.feeds import views as feeds
from permitcal.web.feeds.cache import FeedCache
from permitcal.web.feeds.fastpath import FeedFastPath
from permitcal.web.feeds.remembered import RememberedAnswers
from permitcal.web.feeds.service import Service
from permitcal.web.page import permits, phone_page, schools
from permitcal.web.page import views as pages
from permitcal.web.page.about import operator_from_config
from permitcal.web.serving.bodylimit import install_body_limit
from permitcal.web.serving.page_compression import install_page_compression
from permitcal.web.serving.proxy import DEFAULT_TRUSTED_PROXIES, TrustedProxyFix, parse_networks
from permitcal.web.serving.security import install_security
from permitcal.web.storage.db_budget import BoundedRequests, DatabaseBudget
from permitcal.web.storage.engine import DEFAULT_TIMEOUT
from permitcal.web.storage.store import Store
from permitcal.workdays import WorkCalendar

__all__ = ["create_app", "database_url"]

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "SECRET_KEY": None,  # default: generated once into the instance folder
    "MAX_CONTENT_LENGTH": 32 * 1024,  # a subscription is a few hundred bytes
    "MAX_FORM_MEMORY_SIZE": 32 * 1024,
    # The largest real CalDAV answer (10 cycles, both languages, every event's
    # data) is about 0.7 MiB; anything far beyond that is an abuse.
    "CALDAV_MAX_ANSWER_BYTES": 4 * 1024 * 1024,
    "FEED_CACHE_ENTRIES": 4096,
    "FEED_CACHE_BYTES": 256 * 1024 * 1024,
    "RATELIMIT_CREATE": "10 per minute;300 per day",
    "RATELIMIT_STORAGE_URI": "memory://",  # per process; use redis:// with several workers
    "PUBLIC_URL": None,  # the start page's URL in calendar data; default: from the request
    "PROXY_FIX": False,  # trust X-Forwarded-* from one reverse proxy (for https URLs)
    "TRUSTED_PROXIES": DEFAULT_TRUSTED_PROXIES,  # the proxy's addresses, for PROXY_FIX
    "HSTS_SECONDS": 0,  # Strict-Transport-Security max-age on https answers; 0: not sent
    "DB_TIMEOUT": DEFAULT_TIMEOUT,  # seconds for connecting and per statement, then 503
    "HOLIDAY_DATA": None,  # holiday-cn files, separated by os.pathsep: notices applied at once
    "SCHOOL_DATA": None,  # the school checkpoints file; default: the one permitcal ships
    "COMPRESS": True,  # gzip feeds and CalDAV answers for clients that ask; false: never
    # The about page's operator and project (all optional): who runs this instance,
    # how to reach them, and where the source code and issue tracker are.
    "OPERATOR_NAME": None,
    "OPERATOR_CONTACT": None,
    "PROJECT_URL": None,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session cookie
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app; configuration from ``PERMITCAL_*`` environment variables unless given."""
    instance = os.environ.get("PERMITCAL_INSTANCE_PATH") or os.path.abspath("instance")
    app = Flask(
        __name__,
        instance_path=instance,
        instance_relative_config=True,
        # The page owns the templates (error pages use its base) and the static files.
        template_folder="page/templates",
        static_folder="page/static",
    )
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("PERMITCAL")
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    url = database_url(app)

    # No database access here: the schema comes from `permitcal db upgrade`, and a
    # worker must boot (and serve what needs no database) while the database is down.
    budget = DatabaseBudget(float(app.config["DB_TIMEOUT"]))
    store = Store(url, timeout=budget.seconds, budget=budget)
    found = Service(
        store,
        FeedCache(app.config["FEED_CACHE_ENTRIES"], app.config["FEED_CACHE_BYTES"]),
        calendar=_work_calendar(app.config["HOLIDAY_DATA"]),
        public_url=_public_url(app.config["PUBLIC_URL"]),
        compress=config_flag(app.config["COMPRESS"], "COMPRESS"),
        school_data=_school_data(app.config["SCHOOL_DATA"]),
    )
    app.extensions["permitcal"] = found
    app.extensions["permitcal_operator"] = operator_from_config(app.config)

    @app.context_processor
    def notices() -> dict[str, int]:
        return {"notices_through": found.calendar.published_through}

    app.register_blueprint(pages.bp)
    app.register_blueprint(permits.bp)
    app.register_blueprint(schools.bp)
    app.register_blueprint(phone_page.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(caldav.bp)
    install_security(app)
    install_page_compression(app)  # after install_security: runs before its headers hook
    install_body_limit(app)  # after install_security: its hook goes first
    register_error_handlers(app)
    # Inside ProxyFix, so that it sees the corrected scheme and host.
    remembered = RememberedAnswers(found)
    app.wsgi_app = FeedFastPath(app, app.wsgi_app, remembered)  # type: ignore[method-assign]
    # Every request's database time in all, the fast path's included.
    app.wsgi_app = BoundedRequests(app.wsgi_app, budget)  # type: ignore[method-assign]
    # Outside the budget: it reads no database.
    app.wsgi_app = remembered.in_front_of(app.wsgi_app)  # type: ignore[method-assign]
    if config_flag(app.config["PROXY_FIX"], "PROXY_FIX"):
        trusted = parse_networks(str(app.config["TRUSTED_PROXIES"]))
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted)  # type: ignore[method-assign]

    return app


def _work_calendar(paths: str | list[str] | None) -> WorkCalendar | None:
    """The holiday data plus the operator's holiday-cn files (PERMITCAL_HOLIDAY_DATA).

    A bad file stops the start with its error: serving on without the notice
    the operator meant to apply would give people wrong dates.
    """
    if not paths:
        return None
    listed = paths.split(os.pathsep) if isinstance(paths, str) else list(paths)
    return load_calendar([path for path in listed if path.strip()])


def _school_data(path: str | None) -> SchoolData | None:
    """The operator's school checkpoints file (PERMITCAL_SCHOOL_DATA), read once.

    A bad file stops the start with its error, as a bad holiday file does.
    """
    if not path or not str(path).strip():
        return None
    return load_school_data(str(path).strip())


def _public_url(value: str | None) -> str | None:
    """PERMITCAL_PUBLIC_URL as the start page's URL (with its slash); None when unset."""
    if not value or not str(value).strip():
        return None
    url = str(value).strip()
    if not url.startswith(("https://", "http://")):
        raise RuntimeError(f"PERMITCAL_PUBLIC_URL must be an http(s) URL, not {url!r}")
    return url if url.endswith("/") else url + "/"


def config_flag(value: object, name: str) -> bool:
    """A yes/no setting: a bool, or what an environment variable holds (true/false, 1/0, yes/no).

    ``from_prefixed_env`` parses ``false`` and ``0`` as JSON but leaves ``no``
    a (truthy) string; an unreadable value stops the start rather than guess.
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"PERMITCAL_{name}: expected true or false, not {value!r}")


def database_url(app: Flask) -> str:
    """The configured database, or the embedded default: a SQLite file in the instance folder."""
    configured: str | None = app.config["DATABASE_URL"]
    return configured or f"sqlite:///{Path(app.instance_path) / 'permitcal.sqlite3'}"


def _instance_secret(path: Path) -> str:
    """A per-installation secret for the session cookie, kept private to the owner.

    Several workers start at once on a fresh installation: the key is written
    whole to a private temporary file and linked into place, which fails if
    another process got there first; then everyone reads the one winner. No
    process ever sees a missing or half-written key.
    """
    if not path.exists():
        fd, temporary = tempfile.mkstemp(prefix=".secret-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(
            f"{path} holds no usable secret key; delete it or set PERMITCAL_SECRET_KEY"
        )
    return key
