"""Month and year steps by plain arithmetic (#19) give what dateutil's relativedelta gives."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from permitcal.cycles import add_months, calendar_step
from permitcal.policy import Step, Unit


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2024-01-31", 1, "2024-02-29"),  # month end, leap year
        ("2023-01-31", 1, "2023-02-28"),  # month end, common year
        ("2024-03-31", -1, "2024-02-29"),
        ("2024-03-31", 11, "2025-02-28"),  # Beijing's 11 months from a month end
        ("2024-03-31", 13, "2025-04-30"),
        ("2024-03-30", 13, "2025-04-30"),
        ("2024-05-31", -2, "2024-03-31"),
        ("2024-02-29", 12, "2025-02-28"),  # 29 February, one year on
        ("2024-02-29", 48, "2028-02-29"),
        ("2024-02-29", -12, "2023-02-28"),
        ("2023-12-31", 1, "2024-01-31"),  # year boundary, forward
        ("2024-01-15", -1, "2023-12-15"),  # year boundary, back
        ("2023-11-30", 2, "2024-01-30"),
        ("2024-12-31", -10, "2024-02-29"),
        ("2024-06-15", 0, "2024-06-15"),
        ("2079-12-31", -24, "2077-12-31"),
    ],
)
def test_month_steps_table(day: str, months: int, expected: str) -> None:
    start = dt.date.fromisoformat(day)
    assert add_months(start, months) == dt.date.fromisoformat(expected)
    assert add_months(start, months) == start + relativedelta(months=months)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(-400, 400),
)
@settings(max_examples=2000, deadline=None)
def test_month_steps_match_relativedelta(day: dt.date, months: int) -> None:
    assert calendar_step(day, Step(months, Unit.MONTHS)) == day + relativedelta(months=months)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(-30, 30),
)
@settings(max_examples=1000, deadline=None)
def test_year_steps_match_relativedelta(day: dt.date, years: int) -> None:
    assert calendar_step(day, Step(years, Unit.YEARS)) == day + relativedelta(years=years)


@pytest.mark.parametrize(("day", "months"), [("9999-12-01", 1), ("0001-01-31", -1)])
def test_past_the_last_year_a_date_can_hold_fails_as_relativedelta_does(
    day: str, months: int
) -> None:
    start = dt.date.fromisoformat(day)
    with pytest.raises(ValueError, match="out of range") as ours:
        add_months(start, months)
    with pytest.raises(ValueError, match="out of range") as theirs:
        _ = start + relativedelta(months=months)
    assert str(ours.value) == str(theirs.value)
