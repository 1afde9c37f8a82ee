"""Working days: the 2024–2026 notices, 调休 weekends, and safe provisional answers for 2027."""

from __future__ import annotations

import datetime as dt

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


# (day, surely working, may be working, why) for 2027, whose notice is not in
# the data: is_working_day gives the first answer; counts use the second.
UNPUBLISHED_2027 = [
    ("2027-01-01", False, False, "New Year: statutory, never worked"),
    ("2027-01-04", True, True, "plain Monday, no break nearby"),
    ("2027-02-04", False, True, "two days before Spring Festival: may be a bridge day"),
    ("2027-02-05", False, False, "Spring Festival eve: statutory since 2025"),
    ("2027-02-09", False, True, "the package's observed guess: may be off"),
    ("2027-02-12", False, True, "end of a possible nine-day break"),
    ("2027-02-15", True, True, "after any Spring Festival break of up to nine days"),
    ("2027-02-20", False, True, "Saturday after the break: may be a make-up day"),
    ("2027-01-30", False, True, "Saturday before the break: may be a make-up day"),
    ("2027-03-06", False, False, "plain Saturday, no break nearby"),
    ("2027-04-05", False, False, "Qingming, a Monday: statutory"),
    ("2027-04-29", False, True, "Labour Day break may start here"),
    ("2027-05-05", False, True, "Labour Day break may end here"),
    ("2027-05-06", True, True, "after any Labour Day break"),
    ("2027-06-09", False, False, "Dragon Boat, a Wednesday: statutory, not bridged"),
    ("2027-06-10", True, True, "the day after a Wednesday holiday"),
    ("2027-10-08", False, True, "National Day break may run eight days"),
    ("2027-10-09", False, True, "Saturday after National Day: may be a make-up day"),
    ("2027-10-11", True, True, "after any National Day break"),
]


@pytest.mark.parametrize(("day", "surely", "maybe", "why"), UNPUBLISHED_2027)
def test_unpublished_year_answers_safely_per_question(
    calendar_2026: WorkCalendar, day: str, surely: bool, maybe: bool, why: str
) -> None:
    assert calendar_2026.is_working_day(d(day)) is surely, why
    # The first day a count of one reaches from the day before is the day
    # itself exactly when the count treats it as (possibly) working.
    counted = calendar_2026.add_working_days(d(day) - dt.timedelta(days=1), 1)
    assert (counted.date == d(day)) is maybe, why
    assert counted.provisional


# (deadline day, act-by day, first working day on or after) with 2027 unpublished.
UNPUBLISHED_NEAREST = [
    ("2027-02-09", "2027-02-03", "2027-02-15"),  # inside the possible Spring Festival break
    ("2027-02-20", "2027-02-19", "2027-02-22"),  # a possible make-up Saturday is not relied on
    ("2027-05-01", "2027-04-28", "2027-05-06"),  # Labour Day
    ("2027-10-01", "2027-09-30", "2027-10-11"),  # National Day
    ("2027-06-10", "2027-06-10", "2027-06-10"),  # a sure working day is its own answer
]


@pytest.mark.parametrize(("day", "before", "after"), UNPUBLISHED_NEAREST)
def test_unpublished_year_nearest_working_days_are_sure_ones(
    calendar_2026: WorkCalendar, day: str, before: str, after: str
) -> None:
    act_by = calendar_2026.last_working_day_on_or_before(d(day))
    opening = calendar_2026.first_working_day_on_or_after(d(day))
    assert (act_by.date, opening.date) == (d(before), d(after))
    assert act_by.unpublished_years == opening.unpublished_years == (2027,)


def test_older_data_makes_2026_provisional() -> None:
    # Simulates the data before the 2026 notice: 02-14 is then a plain Saturday,
    # and 02-20 a weekday the notice may (and did) give off.
    old = WorkCalendar(published_through=2025)
    assert not old.is_working_day(d("2026-02-14"))
    assert not old.is_working_day(d("2026-02-20"))
    answer = old.add_working_days(d("2026-02-13"), 5)
    assert answer.provisional
    # Counting every day that may be worked (make-up weekends 02-14/15 and
    # 02-21/22, bridge day 02-20) ends on 02-22; the notice's answer is 02-27.
    assert answer.date == d("2026-02-22")
    assert answer.date <= WorkCalendar().add_working_days(d("2026-02-13"), 5).date


def test_hiding_a_notice_hides_its_december_days() -> None:
    # The 2019 notice gave 2018-12-31 off and made 2018-12-29 a working day; the
    # package files both under 2018. Without the 2019 notice neither is known.
    hidden, real = WorkCalendar(published_through=2018), WorkCalendar()
    assert real.is_working_day(d("2018-12-29"))
    assert not real.is_working_day(d("2018-12-31"))
    assert not hidden.is_working_day(d("2018-12-29"))  # a plain Saturday, as far as is known
    # New Year on a Tuesday may bring a Monday bridge: 12-31 may be off.
    assert not hidden.is_working_day(d("2018-12-31"))
    act_by = hidden.last_working_day_on_or_before(d("2018-12-31"))
    assert (act_by.date, act_by.unpublished_years) == (d("2018-12-28"), (2019,))
    assert real.last_working_day_on_or_before(d("2018-12-31")).date == d("2018-12-29")
    # For counts, the Saturday may be a make-up day.
    assert hidden.add_working_days(d("2018-12-28"), 1).date == d("2018-12-29")


@pytest.mark.parametrize(
    ("published_through", "day", "provisional"),
    [
        (2018, "2018-12-31", True),  # New Year 2019 on a Tuesday: 12-31 may be a bridge day
        (2018, "2018-12-27", False),  # no New Year bridge reaches back that far
        (2026, "2026-12-31", False),  # New Year 2027 on a Friday: no bridge before it
    ],
)
def test_december_rests_on_the_next_notice_only_where_it_may_change(
    published_through: int, day: str, provisional: bool
) -> None:
    answer = WorkCalendar(published_through=published_through).last_working_day_on_or_before(d(day))
    assert answer.provisional is provisional


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
