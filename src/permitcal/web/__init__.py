"""Layer 4 (web): the Flask service, one folder per part it serves; ``create_app()`` builds it.

The rooms, each importing only those listed before it (tests/web/test_layout.py):

- ``words``: the service's own words (page texts, input errors as sentences);
- ``storage``: the database (subscriptions, settings, tokens, migrations);
- ``serving``: HTTP plumbing every answer passes (proxy, security, gzip, logs);
- ``feeds``: what calendar apps fetch (rendering, cache, links, the fast path);
- ``errors``: every failure as a clear answer;
- ``caldav``, ``api``, ``page``: the CalDAV account, the JSON API, the web page;
- ``app``, ``embedded``, ``gunicorn_conf``: how it all starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app", "database_url"]


# Real functions, not re-exports: gunicorn evaluates 'permitcal.web:create_app()' in this
# module's namespace, and importing app.py here would make every room import the
# whole service (and each other) whenever any one of them is imported.
def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app; configuration from ``PERMITCAL_*`` environment variables unless given."""
    from permitcal.web.app import create_app as factory

    return factory(test_config)


def database_url(app: Flask) -> str:
    """The SQLAlchemy URL the app uses (see :func:`permitcal.web.app.database_url`)."""
    from permitcal.web.app import database_url as url

    return url(app)
