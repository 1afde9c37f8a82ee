"""Shared fixtures: a holiday calendar, and parsers for checking generated .ics bytes."""

from __future__ import annotations

import datetime as dt

import pytest

from permitcal import WorkCalendar


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
