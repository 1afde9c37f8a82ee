"""Day flags filled a year at a time (#19) answer as the day-by-day walk over views did."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from permitcal import WorkCalendar, WorkdayAnswer
from permitcal.holiday_files import load_notice

INVENTED_2027 = Path(__file__).parent / "data" / "holiday-cn" / "2027.json"
ONE_DAY = dt.timedelta(days=1)


# The walk of b337383, asking the year's view about each day (the reference).
def _notice_years(cal: WorkCalendar, day: dt.date) -> tuple[int, ...]:
    if day in cal._view(day).next_notice_days:
        return day.year, day.year + 1
    return (day.year,)


def _working(cal: WorkCalendar, day: dt.date) -> bool:
    view = cal._view(day)
    return day in view.working or (
        day.weekday() < 5 and day not in view.off and day not in view.maybe_off
    )


def _may_work(cal: WorkCalendar, day: dt.date) -> bool:
    view = cal._view(day)
    if day in view.working or day in view.maybe_working:
        return True
    return day.weekday() < 5 and day not in view.off


def _surely_rest(cal: WorkCalendar, day: dt.date) -> bool:
    view = cal._view(day)
    if day in view.working:
        return False
    if not all(map(cal.notice_published, _notice_years(cal, day))):
        return day in view.off
    return not _working(cal, day)


def _answer(cal: WorkCalendar, day: dt.date, seen: set[int]) -> WorkdayAnswer:
    unpublished = tuple(sorted(y for y in seen if not cal.notice_published(y)))
    return WorkdayAnswer(day, bool(unpublished), unpublished)


def _scan(cal: WorkCalendar, day: dt.date, direction: int) -> WorkdayAnswer:
    seen: set[int] = set()
    while True:
        seen.update(_notice_years(cal, day))
        if _working(cal, day):
            return _answer(cal, day, seen)
        day += dt.timedelta(days=direction)


def _count(cal: WorkCalendar, start: dt.date, count: int) -> WorkdayAnswer:
    day, seen = start, {start.year}
    while count:
        day += ONE_DAY
        seen.update(_notice_years(cal, day))
        if _may_work(cal, day):
            count -= 1
    return _answer(cal, day, seen)


CALENDARS = {
    "installed data": lambda: WorkCalendar(),
    "published through 2020": lambda: WorkCalendar(published_through=2020),
    "invented 2027 notice": lambda: WorkCalendar(
        published_through=2026, notices=[load_notice(INVENTED_2027)]
    ),
}


@pytest.mark.parametrize("name", CALENDARS)
@pytest.mark.parametrize("years", [(2002, 2004), (2019, 2023), (2025, 2029), (2070, 2073)])
def test_every_day_answers_as_the_walk_over_views(name: str, years: tuple[int, int]) -> None:
    cal, reference = CALENDARS[name](), CALENDARS[name]()
    day, last = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
    while day <= last:
        assert cal.is_working_day(day) is _working(reference, day), day
        assert cal.is_surely_rest_day(day) is _surely_rest(reference, day), day
        assert cal.last_working_day_on_or_before(day) == _scan(reference, day, -1), day
        assert cal.first_working_day_on_or_after(day) == _scan(reference, day, +1), day
        assert cal.last_working_day_before(day) == _scan(reference, day - ONE_DAY, -1), day
        for count in (1, 5, 20):
            assert cal.add_working_days(day, count) == _count(reference, day, count), day
        day += ONE_DAY


def test_a_long_count_crosses_years_as_the_walk_does() -> None:
    cal, reference = WorkCalendar(published_through=2026), WorkCalendar(published_through=2026)
    start = dt.date(2025, 3, 3)
    answer = cal.add_working_days(start, 900)
    assert answer == _count(reference, start, 900)
    assert answer.date.year == 2028  # over three New Years
    assert answer.unpublished_years == (2027, 2028)


def test_walking_past_the_supported_years_fails_as_before() -> None:
    cal = WorkCalendar()
    with pytest.raises(ValueError, match="2000 is outside the years with holiday data"):
        cal.last_working_day_on_or_before(dt.date(2001, 1, 1))  # New Year's Day, off
    with pytest.raises(ValueError, match="2101 is outside the years with holiday data"):
        cal.add_working_days(dt.date(2100, 12, 31), 1)
