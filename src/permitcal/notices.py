"""Holiday notices: what a published one says, and what an unpublished one might say.

A ``Notice`` is one State Council holiday notice: the days off it gives and the
weekends it makes working days (调休). The ``holidays`` package supplies the
notices it has been given; holiday-cn files can add more (see
``permitcal.holiday_files``). For a year whose notice is not known,
``Unknown`` bounds what the notice may say, so that each question can take the
answer that is safe whatever it says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from holidays.countries.china import China, ChinaStaticHolidays

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "Notice",
    "Unknown",
    "package_notice",
    "statutory_days",
    "unknown_notice",
]

# The package's China data starts with the 2001 notice and ends in 2100; we
# never look outside, so a result is never silently based on an empty year.
FIRST_SUPPORTED_YEAR = 2001
LAST_SUPPORTED_YEAR = 2100

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Notice:
    """One year's holiday notice: every day off it gives and every weekend it makes a working day.

    ``days_off`` holds whole breaks, weekends inside them included, as
    holiday-cn files list them; dates may lie in the year before (a New Year
    break that starts in December) or after. ``working_days`` may also hold a
    weekday a holiday-cn file lists as worked, as a reminder (2020-02-03).
    """

    year: int
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date]
    source: str = ""
    """Where the notice came from (a file path, or the ``holidays`` package)."""

    def fingerprint(self) -> str:
        """A short hash of the year and the dates, not of the source: same content, same hash."""
        text = "|".join(
            [
                str(self.year),
                ",".join(sorted(d.isoformat() for d in self.days_off)),
                ",".join(sorted(d.isoformat() for d in self.working_days)),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Unknown:
    """What an unpublished notice may say, as three sets of dates (some may lie in December before).

    A safe answer to a question takes, for each uncertain day, the status
    that cannot make it later than the notice will.
    """

    statutory: frozenset[dt.date]
    """Days off by law: every notice gives them, none ever makes them working days."""
    maybe_off: frozenset[dt.date]
    """Weekdays the notice may give off: bridge days and the package's "observed" guesses."""
    maybe_working: frozenset[dt.date]
    """Weekends the notice may make working days (make-up days around breaks with bridges)."""


# --- Published notices, as the holidays package knows them -------------------


def _china(**kwargs: Any) -> Any:
    # The holidays package ships without full type hints for country classes.
    return China(language="en_US", **kwargs)  # type: ignore[no-untyped-call]


def _entries(table: dict[int, Any], year: int) -> Iterator[tuple[Any, ...]]:
    entries = table.get(year, ())
    if entries and isinstance(entries[0], int):  # a single entry, not a tuple of them
        entries = (entries,)
    yield from entries


def _special_days(year: int) -> list[tuple[dt.date, dt.date | None]]:
    """The package's extra days off stored under ``year``, each with its make-up day if any.

    An entry is ``(month, day, name)`` for a plain extra day off, or
    ``(month, day, from_month, from_day[, from_year])`` for a day off swapped
    with a working weekend.
    """
    days: list[tuple[dt.date, dt.date | None]] = []
    for entry in _entries(ChinaStaticHolidays.special_public_holidays, year):
        off = dt.date(year, entry[0], entry[1])
        if len(entry) >= 4:
            from_year = entry[4] if len(entry) == 5 else year
            days.append((off, dt.date(from_year, entry[2], entry[3])))
        else:
            days.append((off, None))
    return days


def _special_observed_days(year: int) -> set[dt.date]:
    table = ChinaStaticHolidays.special_public_holidays_observed
    return {dt.date(year, entry[0], entry[1]) for entry in _entries(table, year)}


def _belongs_to_next_notice(off: dt.date) -> bool:
    # No statutory holiday falls in December, so a December day off in the
    # package's data is the start of the next year's New Year break: the 2019
    # notice gave 2018-12-31 off, and the package files it under 2018.
    return off.month == 12


def _days_in(holidays: Iterable[dt.date], year: int) -> set[dt.date]:
    return {d for d in holidays if d.year == year}


@lru_cache(maxsize=256)
def package_notice(year: int) -> Notice:
    """The notice for ``year`` as the ``holidays`` package has it, December days filed by notice.

    For a year the package has no notice for, this is the package's own guess
    (statutory days and its "observed" substitutes); the caller decides
    whether to trust it.
    """
    own = [(off, work) for off, work in _special_days(year) if not _belongs_to_next_notice(off)]
    ours_filed_last_year = [
        (off, work) for off, work in _special_days(year - 1) if _belongs_to_next_notice(off)
    ]
    theirs = {off for off, _ in _special_days(year) if _belongs_to_next_notice(off)}
    days_off = _days_in(_china(years=year, observed=True), year) - theirs
    days_off |= {off for off, _ in ours_filed_last_year}
    working = {work for _, work in own + ours_filed_last_year if work is not None}
    return Notice(year, frozenset(days_off), frozenset(working), "holidays package")


# --- Unpublished notices: the law, and what notices have done with it --------


@lru_cache(maxsize=256)
def _law_days(year: int) -> dict[dt.date, str]:
    """Statutory days of ``year`` with their English names, without anything a notice added."""
    added = {off for off, _ in _special_days(year)} | _special_observed_days(year)
    return {d: name for d, name in _china(years=year, observed=False).items() if d not in added}


def statutory_days(year: int) -> frozenset[dt.date]:
    """The days off the law gives in ``year``; a notice never makes them working days."""
    return frozenset(_law_days(year))


def _observed_guess(year: int) -> set[dt.date]:
    # The package's "observed" days are its guess at the substitutes for
    # statutory days on weekends (the law gives them, the notice places them).
    added = {off for off, _ in _special_days(year)} | _special_observed_days(year)
    guessed = _days_in(_china(years=year, observed=True), year)
    return guessed - _days_in(_china(years=year, observed=False), year) - added


@dataclass(frozen=True, slots=True)
class _Break:
    """Where a long break may lie (``first``..``last``), from the notices of 2014–2026."""

    first: dt.date
    last: dt.date


# How far make-up working weekends fall from a long break's possible days: the
# 2026 National Day make-up was Sunday 09-20, eleven days before 10-01, since
# the weekend between was Mid-Autumn's.
_LONG_MAKEUP_REACH = 11
# A short break (one statutory day) bridged to a weekend has its make-up day
# on the nearest weekend outside the break, within a week.
_SHORT_MAKEUP_REACH = 7
# Labour Day has been a long break since the 2019 notice's amendment (four
# days in 2019, five since).
_LONG_LABOUR_DAY_SINCE = 2019


def _long_breaks(law: dict[dt.date, str], year: int) -> list[_Break]:
    """The spans within which each long break of ``year`` may lie.

    Bounds, from the notices of 2014–2026: Spring Festival from the day before
    the eve (2026) to nine days from the eve (the longest break; 2020's
    extension for Covid-19 reached eight); Labour Day, five days around 05-01,
    from 04-29 (2023) to 05-05; National Day from 10-01 to 10-08 (eight days),
    reaching back to Mid-Autumn when that falls from 09-28 on (2023) and on to
    two days after a Mid-Autumn as late as 10-06 (2025).
    """
    breaks: list[_Break] = []
    spring = sorted(d for d, name in law.items() if "Spring Festival" in name)
    if spring:
        breaks.append(_Break(spring[0] - 2 * _DAY, spring[0] + 7 * _DAY))
    if year >= _LONG_LABOUR_DAY_SINCE:
        breaks.append(_Break(dt.date(year, 4, 29), dt.date(year, 5, 5)))
    first, last = dt.date(year, 10, 1), dt.date(year, 10, 8)
    for d, name in law.items():
        if "Mid-Autumn" in name and dt.date(year, 9, 28) <= d:
            first, last = min(first, d), max(last, d + 2 * _DAY)
    breaks.append(_Break(first, last))
    return breaks


def _in_long_break(day: dt.date, breaks: list[_Break]) -> bool:
    return any(b.first <= day <= b.last for b in breaks)


def _short_bridge(holiday: dt.date) -> dt.date | None:
    """The weekday a notice gives off to join a one-day holiday to a weekend, if any."""
    if holiday.weekday() == 1:  # Tuesday: the Monday before (2019-01-01 → 2018-12-31)
        return holiday - _DAY
    if holiday.weekday() == 3:  # Thursday: the Friday after (2026-01-01 → 2026-01-02)
        return holiday + _DAY
    return None


def _weekends_near(first: dt.date, last: dt.date, reach: int) -> set[dt.date]:
    start = first - reach * _DAY
    days = ((last - first).days + 1) + 2 * reach
    return {start + i * _DAY for i in range(days) if (start + i * _DAY).weekday() >= 5}


@lru_cache(maxsize=256)
def unknown_notice(year: int) -> Unknown:
    """Bounds on the unpublished notice for ``year``, from the law and the notices of 2014–2026.

    - Statutory days are off, and never worked.
    - Long breaks (Spring Festival, Labour Day since 2019, National Day) run
      5–9 days: every weekday in the span a break may take may be off, and
      every weekend within eleven days of that span may be a make-up day.
    - A one-day holiday on a Tuesday or Thursday may be bridged to the weekend
      (the Monday before, the Friday after), with a make-up weekend day within
      a week; one on a weekend is substituted on a weekday (the package's
      "observed" guess).
    """
    law = _law_days(year)
    statutory = set(law)
    breaks = _long_breaks(law, year)
    maybe_off = _observed_guess(year)
    maybe_working: set[dt.date] = set()
    for b in breaks:
        maybe_off |= {b.first + i * _DAY for i in range((b.last - b.first).days + 1)}
        maybe_working |= _weekends_near(b.first, b.last, _LONG_MAKEUP_REACH)
    for holiday in statutory:
        bridge = _short_bridge(holiday)
        if bridge is None or _in_long_break(holiday, breaks):
            continue
        maybe_off.add(bridge)
        maybe_working |= _weekends_near(bridge, bridge, _SHORT_MAKEUP_REACH)
    maybe_off = {d for d in maybe_off if d.weekday() < 5} - statutory
    maybe_working -= statutory
    return Unknown(frozenset(statutory), frozenset(maybe_off), frozenset(maybe_working))
