"""Mainland-China working days, safe and flagged provisional where a holiday notice is missing.

The State Council's yearly notice decides which days are off and which
weekends are worked (调休). Notices come from the ``holidays`` package and,
optionally, from holiday-cn files (``permitcal.holiday_files``). For a year
whose notice is not known nobody can say which days are off, so each question
takes the answer that is safe whatever the notice will say (RULES.md, "Years
without a published holiday notice"), and every answer that looked at such a
year is marked provisional:

- a day to act by, or a window's first day, counts every day that might be
  off as off, and no possible make-up weekend as working: never later than
  the notice's answer for a deadline, never earlier for an opening;
- a count of N working days counts every day that might be worked as
  working, so that it ends no later than it can with the notice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

from holidays.countries.china import ChinaStaticHolidays

from permitcal.errors import InvalidInputError
from permitcal.notices import (
    FIRST_SUPPORTED_YEAR,
    LAST_SUPPORTED_YEAR,
    Notice,
    package_notice,
    unknown_notice,
)

__all__ = [
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "Notice",
    "WorkCalendar",
    "WorkdayAnswer",
    "default_calendar",
]

# A bound on scans so that corrupt data cannot loop for ever: the longest run
# of rest days in any notice is 10 (Spring Festival 2020, extended for
# Covid-19); a safe answer for an unpublished year may add a few more.
_MAX_REST_RUN = 31

# A day's flags in WorkCalendar._flags: its year above these bits, which say
# whether it is a working day, whether it is or may turn out to be one (for
# counts), whether next year's unknown notice decides it (New Year break),
# and whether it is off whatever a missing notice says.
_WORKING, _MAY_WORK, _NEXT_NOTICE, _SURELY_REST = 1, 2, 4, 8
_YEAR_SHIFT = 4


@dataclass(frozen=True, slots=True)
class WorkdayAnswer:
    """A date found by counting working days, and whether it rests on unpublished years."""

    date: dt.date
    provisional: bool
    """True when a year that was looked at has no published holiday notice."""
    unpublished_years: tuple[int, ...] = ()
    """The unpublished years that were looked at, ascending."""


_SET_DATE, _SET_PROVISIONAL, _SET_YEARS = (
    getattr(WorkdayAnswer, name).__set__ for name in ("date", "provisional", "unpublished_years")
)


def _answer_of(day: dt.date, provisional: bool, years: tuple[int, ...]) -> WorkdayAnswer:
    """``WorkdayAnswer(day, provisional, years)``, slot by slot: every new day scanned makes
    one, and the frozen ``__init__`` costs twice as much."""
    answer: WorkdayAnswer = object.__new__(WorkdayAnswer)
    _SET_DATE(answer, day)
    _SET_PROVISIONAL(answer, provisional)
    _SET_YEARS(answer, years)
    return answer


@dataclass(frozen=True, slots=True)
class _YearView:
    """The days of one calendar year that differ from "weekdays work, weekends rest"."""

    off: frozenset[dt.date]
    """Days off for certain: in a known notice, or statutory."""
    working: frozenset[dt.date]
    """Days worked for certain: listed as working days by a known notice."""
    maybe_off: frozenset[dt.date]
    """Weekdays an unknown notice may give off."""
    maybe_working: frozenset[dt.date]
    """Weekends an unknown notice may make working days."""
    next_notice_days: frozenset[dt.date]
    """Days whose status rests on next year's unknown notice (its New Year break)."""


class WorkCalendar:
    """Working days of mainland China, per the State Council's yearly notices.

    ``published_through`` is the last year of the ``holidays`` package's
    notices to use: by default, the last year the package has a notice for
    (one with adjusted days). Pass a smaller year to hide later notices, as
    if the data were older. ``notices`` adds or replaces notices, typically
    from holiday-cn files (``permitcal.holiday_files.load_notice``); a notice
    for the year after ``published_through`` extends it.
    """

    def __init__(
        self, published_through: int | None = None, notices: Iterable[Notice] = ()
    ) -> None:
        known = max(ChinaStaticHolidays.special_public_holidays)
        base = known if published_through is None else published_through
        if not FIRST_SUPPORTED_YEAR - 1 <= base <= LAST_SUPPORTED_YEAR:
            raise InvalidInputError(
                "published_through",
                f"must be between {FIRST_SUPPORTED_YEAR - 1} and {LAST_SUPPORTED_YEAR}",
                reason="out_of_range",
                params={"value": base, "min": FIRST_SUPPORTED_YEAR - 1, "max": LAST_SUPPORTED_YEAR},
            )
        self._package_through = base
        self._added = _index_notices(notices)
        while base + 1 in self._added:
            base += 1
        self._published_through = base
        self._notices = tuple(self._added[year] for year in sorted(self._added))
        # Computed once: reading package metadata costs milliseconds, and the
        # service asks for this on every feed request (it is part of cache keys).
        self._data_version = _data_version(base, self._notices)
        self._views: dict[int, _YearView] = {}
        # Answers by question, per calendar: the holiday data above is fixed at
        # construction (read-only below), so an answer never goes stale, and a
        # calendar with other data has its own. Each holds at most one entry per
        # day of the supported years; every feed asks about the same few
        # thousand days, so a render scans a day's neighbours once, not per event.
        self._working: dict[dt.date, bool] = {}
        self._surely_rest: dict[dt.date, bool] = {}
        self._scans: dict[tuple[dt.date, int], WorkdayAnswer] = {}
        self._counts: dict[tuple[dt.date, int], WorkdayAnswer] = {}
        # The day flags above, by ordinal, a whole year at once from its view:
        # scans and counts walk these instead of asking the view day by day.
        self._flags: dict[int, int] = {}

    @property
    def published_through(self) -> int:
        """The last year of an unbroken run of known notices (for /healthz and page footers)."""
        return self._published_through

    @property
    def notices(self) -> tuple[Notice, ...]:
        """The notices given on top of the package's, by year."""
        return self._notices

    @property
    def data_version(self) -> str:
        """Identifies the holiday data; part of every cache key of rendered output."""
        return self._data_version

    def notice_published(self, year: int) -> bool:
        """Whether the State Council's holiday notice for ``year`` is in the data."""
        return FIRST_SUPPORTED_YEAR <= year <= self._published_through or year in self._added

    def is_working_day(self, day: dt.date) -> bool:
        """Whether service centres surely work on ``day``: adjusted working weekends count.

        In a year without a known notice, a day that may turn out to be off
        (a possible bridge day) is not a working day, and a weekend that may
        turn out to be worked is not one either: the answer agrees with
        :meth:`last_working_day_on_or_before`, so a deadline on such a day
        names an earlier day to act by.
        """
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = bool(self._day_flags(day.toordinal()) & _WORKING)
        return known

    def is_surely_rest_day(self, day: dt.date) -> bool:
        """Whether ``day`` is off whatever a missing notice will say.

        Where the notice that decides ``day`` is unknown, only the days known
        off (statutory days, days listed by a neighbouring known notice) are
        surely off; a weekend may still become a make-up working day. Events
        call such a day "可能是休息日 / may be a day off", never a rest day.
        """
        known = self._surely_rest.get(day)
        if known is None:
            known = self._surely_rest[day] = self._find_surely_rest_day(day)
        return known

    def _find_surely_rest_day(self, day: dt.date) -> bool:
        return bool(self._day_flags(day.toordinal()) & _SURELY_REST)

    def add_working_days(self, start: dt.date, count: int) -> WorkdayAnswer:
        """The ``count``-th working day after ``start`` (counting starts the next day).

        Over an unknown notice every day that may be worked counts (possible
        bridge days and make-up weekends; never statutory days), so the answer
        is never later than the notice's.
        """
        if count < 1:
            raise InvalidInputError(
                "count", "must be at least 1", reason="too_small", params={"value": count, "min": 1}
            )
        found = self._counts.get((start, count))
        if found is None:
            found = self._counts[start, count] = self._count_working_days(start, count)
        return found

    def _count_working_days(self, start: dt.date, count: int) -> WorkdayAnswer:
        flags, ordinal, remaining = self._flags, start.toordinal(), count
        next_years: list[int] = []
        while remaining:
            ordinal += 1
            found = flags.get(ordinal)
            if found is None:
                found = self._day_flags(ordinal)
            if found & _NEXT_NOTICE:
                next_years.append((found >> _YEAR_SHIFT) + 1)
            if found & _MAY_WORK:
                remaining -= 1
        day = dt.date.fromordinal(ordinal)
        # The days walked are every day after `start` up to `day`; `start`'s year counts too.
        return self._answer(day, start.year, day.year, next_years)

    def last_working_day_on_or_before(self, day: dt.date) -> WorkdayAnswer:
        """``day`` if it is a working day, else the nearest working day before it.

        Over an unknown notice this is never later than the notice's answer.
        """
        return self._scan(day, -1)

    def first_working_day_on_or_after(self, day: dt.date) -> WorkdayAnswer:
        """``day`` if it is a working day, else the nearest working day after it.

        Over an unknown notice this is never earlier than the notice's answer:
        it names a day the centres surely work. A later opening is the safe
        side, since it cannot hide a deadline (every window closes weeks after
        it opens) while an earlier one may send the person to a closed centre.
        """
        return self._scan(day, +1)

    def last_working_day_before(self, day: dt.date) -> WorkdayAnswer:
        """The nearest working day strictly before ``day`` (never later than the notice's)."""
        return self._scan(day - dt.timedelta(days=1), -1)

    def _scan(self, day: dt.date, direction: int) -> WorkdayAnswer:
        found = self._scans.get((day, direction))
        if found is None:
            found = self._scans[day, direction] = self._scan_from(day, direction)
        return found

    def _scan_from(self, day: dt.date, direction: int) -> WorkdayAnswer:
        flags, ordinal = self._flags, day.toordinal()
        found = flags.get(ordinal)
        if found is None:
            found = self._day_flags(ordinal)
        if found & (_WORKING | _NEXT_NOTICE) == _WORKING:  # most days: the day itself
            return self._answer(day, day.year, day.year, [])
        next_years: list[int] = []
        for _ in range(_MAX_REST_RUN):
            found = flags.get(ordinal)
            if found is None:
                found = self._day_flags(ordinal)
            if found & _NEXT_NOTICE:
                next_years.append((found >> _YEAR_SHIFT) + 1)
            if found & _WORKING:
                end = dt.date.fromordinal(ordinal)
                # Fewer than _MAX_REST_RUN days: their years are the two ends' years.
                first, last = (end.year, day.year) if direction < 0 else (day.year, end.year)
                return self._answer(end, first, last, next_years)
            ordinal += direction
        raise RuntimeError(
            f"no working day within {_MAX_REST_RUN} days of {dt.date.fromordinal(ordinal)}"
        )

    def _day_flags(self, ordinal: int) -> int:
        """A day's flags (see ``_WORKING``), filling in its whole year the first time."""
        found = self._flags.get(ordinal)
        if found is None:
            self._fill_flags(dt.date.fromordinal(ordinal))
            found = self._flags[ordinal]
        return found

    def _fill_flags(self, day: dt.date) -> None:
        """Every day's flags of ``day``'s year, from the year's view.

        Weekdays work and weekends rest, then the view's days change that:
        a day off certainly neither works nor may; a day that may be off is
        not a working day but may be one; a weekend that may be worked may
        be one; a listed working day is one.
        """
        view, year = self._view(day), day.year
        first = dt.date(year, 1, 1)
        base, weekday = first.toordinal(), first.weekday()
        length = dt.date(year + 1, 1, 1).toordinal() - base if year < dt.MAXYEAR else 365
        both, tag = _WORKING | _MAY_WORK, year << _YEAR_SHIFT
        flags = [tag | (both if (weekday + n) % 7 < 5 else 0) for n in range(length)]
        for off in view.off:
            flags[off.toordinal() - base] = tag
        for maybe_off in view.maybe_off:
            flags[maybe_off.toordinal() - base] &= ~_WORKING
        for maybe_working in view.maybe_working:
            flags[maybe_working.toordinal() - base] |= _MAY_WORK
        for working in view.working:
            flags[working.toordinal() - base] |= both
        for next_notice in view.next_notice_days:
            flags[next_notice.toordinal() - base] |= _NEXT_NOTICE
        # Surely off: not a listed working day, and where a notice that decides
        # the day is unknown (its own year's, or the next's for a New Year
        # break), a day known off; else any day that is not a working day.
        known, next_known = self.notice_published(year), self.notice_published(year + 1)
        listed_off = {d.toordinal() - base for d in view.off}
        listed_working = {d.toordinal() - base for d in view.working}
        for n, found in enumerate(flags):
            if n in listed_working:
                continue
            decided = known and (next_known or not found & _NEXT_NOTICE)
            if (n in listed_off) if not decided else not found & _WORKING:
                flags[n] = found | _SURELY_REST
        self._flags.update(zip(range(base, base + length), flags, strict=True))

    def _answer(self, day: dt.date, first: int, last: int, next_years: list[int]) -> WorkdayAnswer:
        """``day``, with the unpublished ones among the years whose notices were looked at:
        ``first`` to ``last``, and ``next_years`` for New Year breaks."""
        if not next_years:
            if last <= self._published_through:  # every notice known
                return _answer_of(day, False, ())
            if first == last and last not in self._added:  # one year, its notice unknown
                return _answer_of(day, True, (last,))
        seen = {*range(first, last + 1), *next_years}
        unpublished = tuple(sorted(y for y in seen if not self.notice_published(y)))
        return _answer_of(day, bool(unpublished), unpublished)

    def _view(self, day: dt.date) -> _YearView:
        year = day.year
        if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
            raise InvalidInputError(
                "date",
                f"{year} is outside the years with holiday data "
                f"({FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR})",
                reason="no_holiday_data",
                params={"year": year, "first": FIRST_SUPPORTED_YEAR, "last": LAST_SUPPORTED_YEAR},
            )
        if year not in self._views:
            self._views[year] = self._build_view(year)
        return self._views[year]

    def _notice(self, year: int) -> Notice | None:
        if year in self._added:
            return self._added[year]
        if FIRST_SUPPORTED_YEAR <= year <= self._package_through:
            return package_notice(year)
        return None

    def _listed(self, year: int) -> dict[dt.date, bool]:
        """Days of ``year`` that known notices list, True for working; a later notice wins."""
        listed: dict[dt.date, bool] = {}
        for notice in filter(None, map(self._notice, (year - 1, year, year + 1))):
            listed.update({d: False for d in notice.days_off if d.year == year})
            listed.update({d: True for d in notice.working_days if d.year == year})
        return listed

    def _build_view(self, year: int) -> _YearView:
        listed = self._listed(year)
        off = {d for d, working in listed.items() if not working}
        working = {d for d, working in listed.items() if working}
        maybe_off: set[dt.date] = set()
        maybe_working: set[dt.date] = set()
        if not self.notice_published(year):
            unknown = unknown_notice(year)
            off |= unknown.statutory - working
            maybe_off |= unknown.maybe_off
            maybe_working |= unknown.maybe_working
        next_notice_days: set[dt.date] = set()
        if year < LAST_SUPPORTED_YEAR and not self.notice_published(year + 1):
            # The next notice may start its New Year break in late December.
            unknown = unknown_notice(year + 1)
            tail = {d for d in unknown.maybe_off | unknown.maybe_working if d.year == year}
            next_notice_days = tail - listed.keys()
            maybe_off |= unknown.maybe_off & tail
            maybe_working |= unknown.maybe_working & tail
        return _YearView(
            off=frozenset(off),
            working=frozenset(working),
            maybe_off=frozenset(d for d in maybe_off if d.year == year and d not in listed),
            maybe_working=frozenset(
                d for d in maybe_working if d.year == year and d not in listed and d not in off
            ),
            next_notice_days=frozenset(next_notice_days),
        )


def _index_notices(notices: Iterable[Notice]) -> dict[int, Notice]:
    by_year: dict[int, Notice] = {}
    for notice in notices:
        if not FIRST_SUPPORTED_YEAR <= notice.year <= LAST_SUPPORTED_YEAR:
            raise InvalidInputError(
                "holiday_data",
                f"{notice.source or 'a notice'}: year {notice.year} is outside "
                f"{FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR}",
                reason="bad_holiday_data",
                params={"source": notice.source},
            )
        if notice.year in by_year:
            raise InvalidInputError(
                "holiday_data",
                f"two notices for {notice.year}: "
                f"{by_year[notice.year].source or '?'} and {notice.source or '?'}",
                reason="bad_holiday_data",
                params={"source": notice.source},
            )
        by_year[notice.year] = notice
    return by_year


def _data_version(published_through: int, notices: tuple[Notice, ...]) -> str:
    base = f"holidays-{version('holidays')}-cn{published_through}"
    if not notices:
        return base
    digest = hashlib.sha256(" ".join(n.fingerprint() for n in notices).encode()).hexdigest()
    return f"{base}-notices-{digest[:12]}"


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar built from the installed holiday data; shared, since it only caches."""
    return WorkCalendar()
