"""Layer 4 (command line): the service's commands, ``permitcal serve`` and ``permitcal db upgrade``.

The web stack is imported inside each command, so ``permitcal show`` and
``permitcal ics`` start without loading Flask or SQLAlchemy.
"""

from __future__ import annotations

import importlib.util

import click

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


# waitress answers with a 413 itself beyond this; the app's own limit is far lower.
_MAX_BODY_BYTES = 1024 * 1024


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

    Run `permitcal db upgrade` first. For several processes use gunicorn:
    gunicorn -c python:permitcal.web.gunicorn_conf 'permitcal.web:create_app()'
    """
    _require_web_extra()
    import waitress

    from permitcal.web import create_app
    from permitcal.web.logs import AccessLog, configure_logging

    configure_logging()
    app = create_app()
    click.echo(f"permitcal serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    waitress.serve(
        AccessLog(app),
        host=host,
        port=port,
        threads=threads,
        ident="permitcal",
        max_request_body_size=_MAX_BODY_BYTES,
        # Behind a proxy, PERMITCAL_PROXY_FIX makes the app read X-Forwarded-*;
        # waitress itself trusts no proxy header.
        clear_untrusted_proxy_headers=True,
    )


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
    from sqlalchemy import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from permitcal.web import create_app, database_url
    from permitcal.web.migrate import upgrade as upgrade_schema

    url = database_url(create_app())
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        before, after = upgrade_schema(url)
    except SQLAlchemyError as error:
        message = str(error).splitlines()[0]
        raise click.ClickException(f"cannot upgrade {shown}: {message}") from None
    if before == after:
        click.echo(f"database {shown} is up to date (revision {after})")
    else:
        click.echo(f"database {shown} upgraded from {before or 'empty'} to revision {after}")


def service_commands() -> list[click.Command]:
    return [serve, db, init_db]
