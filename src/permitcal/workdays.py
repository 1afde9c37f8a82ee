"""Mainland-China working days, with a flag for years whose holiday notice is unpublished.

The ``holidays`` package knows every State Council holiday notice it has been
given, adjusted working weekends (调休) included, but for later years it
silently guesses by applying "observed" rules. A deadline must not rest on a
guess without saying so: for a year whose notice is not in the data we count
statutory holidays and weekends only, and every answer that looked at such a
year is marked provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from holidays.countries.china import China, ChinaStaticHolidays

from permitcal.errors import InvalidInputError

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "WorkCalendar",
    "WorkdayAnswer",
    "default_calendar",
]

# The package's China data starts with the 2001 notice and ends in 2100; we
# never look outside, so a result is never silently based on an empty year.
FIRST_SUPPORTED_YEAR = 2001
LAST_SUPPORTED_YEAR = 2100

# A bound on scans so that corrupt data cannot loop for ever: the longest run
# of rest days in any notice is 9 (Spring Festival 2026).
_MAX_REST_RUN = 31


@dataclass(frozen=True, slots=True)
class WorkdayAnswer:
    """A date found by counting working days, and whether it rests on unpublished years."""

    date: dt.date
    provisional: bool
    """True when a year that was looked at has no published holiday notice."""
    unpublished_years: tuple[int, ...] = ()
    """The unpublished years that were looked at, ascending."""


class WorkCalendar:
    """Working days of mainland China, per the State Council's yearly notices.

    ``published_through`` is the last year whose notice is in the data; by
    default, the last year for which the ``holidays`` package has adjusted
    (substituted) days. Pass a smaller year to simulate an older data set.
    """

    def __init__(self, published_through: int | None = None) -> None:
        known = max(ChinaStaticHolidays.special_public_holidays)
        self.published_through = known if published_through is None else published_through
        if not FIRST_SUPPORTED_YEAR - 1 <= self.published_through <= LAST_SUPPORTED_YEAR:
            raise InvalidInputError(
                "published_through",
                f"must be between {FIRST_SUPPORTED_YEAR - 1} and {LAST_SUPPORTED_YEAR}",
            )
        # Computed once: reading package metadata costs milliseconds, and the
        # service asks for this on every feed request (it is part of cache keys).
        self.data_version = f"holidays-{version('holidays')}-cn{self.published_through}"
        """Identifies the holiday data; part of every cache key of rendered output."""
        self._rest_days: dict[int, frozenset[dt.date]] = {}
        self._working_weekends: dict[int, frozenset[dt.date]] = {}

    def notice_published(self, year: int) -> bool:
        """Whether the State Council's holiday notice for ``year`` is in the data."""
        return FIRST_SUPPORTED_YEAR <= year <= self.published_through

    def is_working_day(self, day: dt.date) -> bool:
        """Whether service centres work on ``day``: adjusted working weekends count."""
        self._check_year(day.year)
        if day in self._working_weekend_set(day.year):
            return True
        return day.weekday() < 5 and day not in self._holiday_set(day.year)

    def add_working_days(self, start: dt.date, count: int) -> WorkdayAnswer:
        """The ``count``-th working day after ``start`` (counting starts the next day)."""
        if count < 1:
            raise InvalidInputError("count", "must be at least 1")
        day, seen = start, {start.year}
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            seen.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        return self._answer(day, seen)

    def last_working_day_on_or_before(self, day: dt.date) -> WorkdayAnswer:
        """``day`` if it is a working day, else the nearest working day before it."""
        return self._scan(day, -1)

    def first_working_day_on_or_after(self, day: dt.date) -> WorkdayAnswer:
        """``day`` if it is a working day, else the nearest working day after it."""
        return self._scan(day, +1)

    def last_working_day_before(self, day: dt.date) -> WorkdayAnswer:
        """The nearest working day strictly before ``day``."""
        return self._scan(day - dt.timedelta(days=1), -1)

    def _scan(self, day: dt.date, direction: int) -> WorkdayAnswer:
        seen = {day.year}
        for _ in range(_MAX_REST_RUN):
            if self.is_working_day(day):
                return self._answer(day, seen)
            day += dt.timedelta(days=direction)
            seen.add(day.year)
        raise RuntimeError(f"no working day within {_MAX_REST_RUN} days of {day}")

    def _answer(self, day: dt.date, seen: set[int]) -> WorkdayAnswer:
        unpublished = tuple(sorted(y for y in seen if not self.notice_published(y)))
        return WorkdayAnswer(day, bool(unpublished), unpublished)

    def _check_year(self, year: int) -> None:
        if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
            raise InvalidInputError(
                "date",
                f"{year} is outside the years with holiday data "
                f"({FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR})",
            )

    def _holiday_set(self, year: int) -> frozenset[dt.date]:
        if year not in self._rest_days:
            self._rest_days[year] = _holidays_of(year, self.notice_published(year))
        return self._rest_days[year]

    def _working_weekend_set(self, year: int) -> frozenset[dt.date]:
        if year not in self._working_weekends:
            published = self.notice_published(year)
            self._working_weekends[year] = _working_weekends_of(year) if published else frozenset()
        return self._working_weekends[year]


def _china(**kwargs: Any) -> Any:
    # The holidays package ships without full type hints for country classes.
    return China(**kwargs)  # type: ignore[no-untyped-call]


@lru_cache(maxsize=256)
def _holidays_of(year: int, published: bool) -> frozenset[dt.date]:
    # With a published notice, the package's "observed" days are the notice's
    # bridging days; without one they are a guess, so only statutory days count.
    days = {d for d in _china(years=year, observed=published) if d.year == year}
    if not published:
        # The notice's own days off, should the data hold them (a calendar told
        # to treat a known year as unpublished), are not statutory either.
        days -= _notice_days_off(year)
    return frozenset(days)


def _notice_days_off(year: int) -> set[dt.date]:
    entries = ChinaStaticHolidays.special_public_holidays.get(year, ())
    if entries and isinstance(entries[0], int):  # a single entry, not a tuple of them
        entries = (entries,)
    return {dt.date(year, entry[0], entry[1]) for entry in entries}


@lru_cache(maxsize=256)
def _working_weekends_of(year: int) -> frozenset[dt.date]:
    # A notice may move a working day into the neighbouring year (2001-12-29
    # belongs to the 2002 notice), so look at both sides of the year.
    days = _china(years=(year - 1, year, year + 1))
    return frozenset(d for d in days.weekend_workdays if d.year == year)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar built from the installed holiday data; shared, since it only caches."""
    return WorkCalendar()
