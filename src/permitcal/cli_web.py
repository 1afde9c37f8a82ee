"""Layer 4 (command line): the service's commands, ``permitcal serve`` and ``permitcal db upgrade``.

The web stack is imported inside each command, so ``permitcal show`` and
``permitcal ics`` start without loading Flask or SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import importlib.util
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["service_commands"]

# What `pip install permitcal` leaves out: the library and `show`/`ics` need none of it.
WEB_EXTRA_MODULES = ("flask", "sqlalchemy", "flask_wtf", "flask_limiter", "alembic", "waitress")


def _require_web_extra() -> None:
    """One line and exit 2 instead of an ImportError traceback when the extra is missing."""
    missing = [name for name in WEB_EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        click.echo(
            f"permitcal: the web service needs {', '.join(missing)}: "
            "pip install 'permitcal[web]' (and 'permitcal[postgres]' for PostgreSQL)",
            err=True,
        )
        raise SystemExit(2)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Worker threads (a fixed pool: connections and memory stay bounded).",
)
def serve(host: str, port: int, threads: int) -> None:
    """Run the web service on waitress (SQLite in ./instance unless PERMITCAL_DATABASE_URL is set).

    On the embedded SQLite default it brings the schema up to date itself
    before serving; on a database server, run `permitcal db upgrade` first.
    For several processes use gunicorn:
    gunicorn -c python:permitcal.web.gunicorn_conf 'permitcal.web:create_app()'
    """
    _require_web_extra()
    from permitcal.web import create_app
    from permitcal.web.embedded import embedded_server
    from permitcal.web.serving.logs import AccessLog, configure_logging

    configure_logging()
    app = create_app()
    _prepare_schema(app)
    try:
        server = embedded_server(AccessLog(app), host, port, threads)
    except OSError as error:
        reason = error.strerror or str(error)
        click.echo(f"permitcal: cannot listen on {host}:{port}: {reason}", err=True)
        raise SystemExit(2) from None
    click.echo(f"permitcal serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()


def _prepare_schema(app: Flask) -> None:
    """SQLite (one process, this one): upgrade now. A server: say if it needs `db upgrade`.

    `permitcal serve` is the only process on its SQLite file, so upgrading
    here cannot race; several gunicorn workers on one server could, so they
    never touch the schema and the operator runs `permitcal db upgrade` once.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from permitcal.web import database_url
    from permitcal.web.feeds.service import Service

    url = database_url(app)
    if url.startswith("sqlite"):
        _upgrade_and_say(url, float(app.config["DB_TIMEOUT"]))
        return
    found: Service = app.extensions["permitcal"]
    try:
        with found.store.budget.request():
            problem = found.schema_problem()
    except SQLAlchemyError as error:
        # Serve anyway: what needs no database works, the rest answers 503 until it is back.
        click.echo(f"permitcal: database {_shown(url)} not reachable yet: {_first_line(error)}")
        return
    if problem is not None:
        click.echo(f"permitcal: database {_shown(url)}: {problem}", err=True)


@click.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command()
def upgrade() -> None:
    """Create or upgrade the schema; run once before starting the workers (safe to repeat)."""
    _upgrade()


@click.command("init-db")
def init_db() -> None:
    """Alias of `permitcal db upgrade`."""
    _upgrade()


def _upgrade() -> None:
    _require_web_extra()
    from permitcal.web import create_app, database_url

    app = create_app()
    _upgrade_and_say(database_url(app), float(app.config["DB_TIMEOUT"]))


def _upgrade_and_say(url: str, timeout: float) -> None:
    """Upgrade the schema at ``url``; say what was done in one line (a failure too)."""
    from sqlalchemy.exc import SQLAlchemyError

    from permitcal.web.storage.migrate import upgrade as upgrade_schema

    try:
        before, after = upgrade_schema(url, timeout=timeout)
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"cannot upgrade {_shown(url)}: {_first_line(error)}"
            f" (PERMITCAL_DB_TIMEOUT={timeout:g} s)"
        ) from None
    if before == after:
        click.echo(f"database {_shown(url)} is up to date (revision {after})")
    else:
        click.echo(f"database {_shown(url)} upgraded from {before or 'empty'} to revision {after}")


def _shown(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def _first_line(error: Exception) -> str:
    """The driver's own words when there are some ("connection timeout expired")."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def service_commands() -> list[click.Command]:
    return [serve, db, init_db]
