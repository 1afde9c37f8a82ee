"""Shared fixtures: a holiday calendar, and parsers for checking generated .ics bytes."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from permitcal import WorkCalendar


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, each worker gets a PostgreSQL database of its own.

    The tests drop and migrate the schema of the database they are given, so
    two workers on one database would pull it from under each other. The
    test role may create databases (.ci/run grants CREATEDB).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("PERMITCAL_TEST_POSTGRES_URL")
    if not worker or not url:
        return
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    os.environ["PERMITCAL_TEST_POSTGRES_URL"] = base.set(database=name).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    """The calendar of the installed holiday data (2026 is the last published year)."""
    cal = WorkCalendar()
    assert cal.published_through >= 2026, "tests assume the 2026 notice is in the data"
    return cal


@pytest.fixture(scope="session")
def calendar_2026() -> WorkCalendar:
    """Data pinned at the 2026 notice, so results for 2027 stay provisional."""
    return WorkCalendar(published_through=2026)


def d(text: str) -> dt.date:
    """Short form for dates in tables."""
    return dt.date.fromisoformat(text)
