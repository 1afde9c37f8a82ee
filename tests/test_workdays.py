"""Working days: the 2024–2026 notices, 调休 weekends, and provisional 2027."""

from __future__ import annotations

import pytest

from permitcal import InvalidInputError, WorkCalendar
from tests.conftest import d

# (date, working?, why) — taken from the State Council notices.
SCHEDULE = [
    ("2024-05-01", False, "Labour Day 2024"),
    ("2024-05-02", False, "Labour Day 2024 (bridging)"),
    ("2024-05-06", True, "first working day after Labour Day 2024"),
    ("2024-05-11", True, "Saturday worked for Labour Day 2024"),
    ("2024-06-01", False, "plain Saturday"),
    ("2025-01-01", False, "New Year 2025"),
    ("2025-01-26", True, "Sunday worked for Spring Festival 2025"),
    ("2025-01-28", False, "Spring Festival 2025 eve"),
    ("2025-02-04", False, "last day of Spring Festival 2025"),
    ("2025-02-08", True, "Saturday worked for Spring Festival 2025"),
    ("2025-04-04", False, "Qingming 2025"),
    ("2025-04-27", True, "Sunday worked for Labour Day 2025"),
    ("2025-05-05", False, "Labour Day 2025 (bridging Monday)"),
    ("2025-06-02", False, "Dragon Boat 2025 (observed Monday)"),
    ("2025-09-28", True, "Sunday worked for National Day 2025"),
    ("2025-10-08", False, "National Day 2025, eighth day"),
    ("2025-10-11", True, "Saturday worked for National Day 2025"),
    ("2026-01-02", False, "New Year 2026 bridging Friday"),
    ("2026-01-04", True, "Sunday worked for New Year 2026"),
    ("2026-02-14", True, "Saturday worked for Spring Festival 2026"),
    ("2026-02-16", False, "Spring Festival 2026"),
    ("2026-02-23", False, "last day of Spring Festival 2026"),
    ("2026-02-24", True, "back to work after Spring Festival 2026"),
    ("2026-02-28", True, "Saturday worked for Spring Festival 2026"),
    ("2026-04-06", False, "Qingming 2026 (Monday)"),
    ("2026-05-05", False, "Labour Day 2026, fifth day"),
    ("2026-05-09", True, "Saturday worked for Labour Day 2026"),
    ("2026-06-19", False, "Dragon Boat 2026"),
    ("2026-09-20", True, "Sunday worked for National Day 2026"),
    ("2026-09-25", False, "Mid-Autumn 2026"),
    ("2026-10-07", False, "National Day 2026, seventh day"),
    ("2026-10-08", True, "after National Day 2026"),
    ("2026-10-10", True, "Saturday worked for National Day 2026"),
    ("2026-10-11", False, "plain Sunday"),
    ("2026-12-31", True, "plain Thursday"),
]


@pytest.mark.parametrize(("day", "working", "why"), SCHEDULE)
def test_published_schedule(calendar: WorkCalendar, day: str, working: bool, why: str) -> None:
    assert calendar.is_working_day(d(day)) is working, why


# (start, n, expected, provisional, why) — RULES.md's R6 table plus edge rows.
NTH_WORKING_DAY = [
    ("2024-05-20", 5, "2024-05-27", False, "plain week"),
    ("2026-09-28", 5, "2026-10-10", False, "National Day; Saturday 10-10 is a working day"),
    ("2026-02-13", 5, "2026-02-27", False, "Spring Festival; Saturday 02-14 is a working day"),
    ("2026-12-28", 5, "2027-01-05", True, "2027 notice not yet published"),
    ("2024-04-30", 1, "2024-05-06", False, "counting starts the next day; holiday skipped"),
    ("2025-09-27", 1, "2025-09-28", False, "a working Sunday counts"),
    ("2025-12-31", 1, "2026-01-04", False, "year boundary: New Year, then a worked Sunday"),
    ("2026-05-08", 1, "2026-05-09", False, "a working Saturday counts"),
    ("2026-12-31", 1, "2027-01-04", True, "first working day of an unpublished year"),
]


@pytest.mark.parametrize(("start", "count", "expected", "provisional", "why"), NTH_WORKING_DAY)
def test_nth_working_day_after(
    calendar_2026: WorkCalendar,
    start: str,
    count: int,
    expected: str,
    provisional: bool,
    why: str,
) -> None:
    answer = calendar_2026.add_working_days(d(start), count)
    assert (answer.date, answer.provisional) == (d(expected), provisional), why


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        ("2024-06-01", "2024-05-31", "2024-06-03"),  # Saturday
        ("2024-05-02", "2024-04-30", "2024-05-06"),  # inside Labour Day 2024
        ("2026-02-15", "2026-02-14", "2026-02-24"),  # Spring Festival; 02-14 is worked
        ("2026-10-09", "2026-10-09", "2026-10-09"),  # a working day is its own answer
        ("2026-10-04", "2026-09-30", "2026-10-08"),  # National Day 2026
    ],
)
def test_nearest_working_days(calendar: WorkCalendar, day: str, before: str, after: str) -> None:
    assert calendar.last_working_day_on_or_before(d(day)).date == d(before)
    assert calendar.first_working_day_on_or_after(d(day)).date == d(after)


def test_last_working_day_strictly_before(calendar: WorkCalendar) -> None:
    assert calendar.last_working_day_before(d("2026-10-12")).date == d("2026-10-10")
    assert calendar.last_working_day_before(d("2024-05-06")).date == d("2024-04-30")


def test_notice_published(calendar_2026: WorkCalendar) -> None:
    assert calendar_2026.notice_published(2026)
    assert not calendar_2026.notice_published(2027)
    assert not calendar_2026.notice_published(2000)


def test_unpublished_year_counts_statutory_holidays_only(calendar_2026: WorkCalendar) -> None:
    # The holidays package guesses 2027-02-09/10 as "observed" Spring Festival
    # days; without a notice they must count as ordinary working days.
    assert calendar_2026.is_working_day(d("2027-02-09"))
    assert not calendar_2026.is_working_day(d("2027-02-08"))  # statutory 3rd day
    assert not calendar_2026.is_working_day(d("2027-01-01"))
    answer = calendar_2026.last_working_day_on_or_before(d("2027-02-09"))
    assert answer.provisional
    assert answer.unpublished_years == (2027,)


def test_older_data_makes_2026_provisional() -> None:
    # Simulates the data before the 2026 notice: 02-14 is then a plain Saturday.
    old = WorkCalendar(published_through=2025)
    assert not old.is_working_day(d("2026-02-14"))
    assert old.is_working_day(d("2026-02-20"))  # a notice day off, not a statutory one
    answer = old.add_working_days(d("2026-02-13"), 5)
    assert answer.provisional
    assert answer.date == d("2026-02-26")  # statutory 02-16..19 only


def test_data_version_names_package_and_published_year(calendar_2026: WorkCalendar) -> None:
    assert calendar_2026.data_version.startswith("holidays-")
    assert calendar_2026.data_version.endswith("-cn2026")
    assert WorkCalendar(published_through=2025).data_version != calendar_2026.data_version


@pytest.mark.parametrize("year", [1999, 2101])
def test_years_outside_the_data_are_refused(calendar: WorkCalendar, year: int) -> None:
    with pytest.raises(InvalidInputError, match="outside the years"):
        calendar.is_working_day(d(f"{year}-06-01"))


def test_bad_arguments_are_library_errors(calendar: WorkCalendar) -> None:
    with pytest.raises(InvalidInputError):
        calendar.add_working_days(d("2024-01-01"), 0)
    with pytest.raises(InvalidInputError):
        WorkCalendar(published_through=3000)
