"""RULES.md "Cycles over time" and "Renewal recorded": the window rolls with today; renewals recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from permitcal import Deadline, InvalidDateError, Kind, WorkCalendar, compute_deadlines
from tests.conftest import d


def expiries_shown(deadlines: list[Deadline]) -> list[str]:
    return sorted({str(x.expiry) for x in deadlines if x.rule == "R1"})


# (input, today, the expiries shown)
WINDOWS = [
    # RULES.md: issued 2023-06-01 seen on 2026-11-27 → 2027, 2028, 2029
    ({"issued": "2023-06-01"}, "2026-11-27", ["2027-06-01", "2028-06-01", "2029-06-01"]),
    # and seen on 2024-01-01 → the worked examples' cycles
    ({"issued": "2023-06-01"}, "2024-01-01", ["2024-06-01", "2025-06-01", "2026-06-01"]),
    # still live: its late-renewal events are ahead (2026-10-15 + 90 days ≥ today)
    ({"expires": "2026-10-15"}, "2026-11-27", ["2026-10-15", "2027-10-15", "2028-10-15"]),
    # the last day of the live cycle (E + 90), then the day after
    ({"expires": "2026-06-01"}, "2026-08-30", ["2026-06-01", "2027-06-01", "2028-06-01"]),
    ({"expires": "2026-06-01"}, "2026-08-31", ["2027-06-01", "2028-06-01", "2029-06-01"]),
    # never a cycle before the input's own expiry, however early today is
    ({"expires": "2030-03-01"}, "2026-11-27", ["2030-03-01", "2031-03-01", "2032-03-01"]),
    # 29 February: the chain stays on 28 February
    ({"expires": "2028-02-29"}, "2031-01-01", ["2031-02-28", "2032-02-28", "2033-02-28"]),
    # year boundary: an expiry on 31 December, today in the next January
    ({"issued": "2022-12-31"}, "2025-01-10", ["2024-12-31", "2025-12-31", "2026-12-31"]),
    ({"issued": "2023-06-01", "cycles": 1}, "2029-05-01", ["2029-06-01"]),
]


@pytest.mark.parametrize(("given", "today", "expected"), WINDOWS)
def test_the_window_starts_at_the_live_cycle(
    calendar_2026: WorkCalendar, given: dict[str, str], today: str, expected: list[str]
) -> None:
    shown = compute_deadlines(calendar=calendar_2026, today=d(today), **given)
    assert expiries_shown(shown) == expected


def test_without_today_the_window_starts_at_the_input(calendar_2026: WorkCalendar) -> None:
    shown = compute_deadlines(issued="2023-06-01", calendar=calendar_2026)
    assert expiries_shown(shown) == ["2024-06-01", "2025-06-01", "2026-06-01"]


def test_cycle_numbers_count_from_the_input_whatever_the_window(
    calendar_2026: WorkCalendar,
) -> None:
    early = compute_deadlines(issued="2023-06-01", cycles=5, calendar=calendar_2026)
    late = compute_deadlines(issued="2023-06-01", today=d("2026-11-27"), calendar=calendar_2026)
    numbers = {x.expiry: x.cycle for x in early}
    assert {x.cycle for x in late} == {4, 5, 6}
    for x in late:
        if x.expiry in numbers:
            assert numbers[x.expiry] == x.cycle


# (card received, R6 expected, cycle): RULES.md "Renewal recorded"
CARDS = [
    ("2024-05-20", "2024-05-27", 0),  # in the window before the new period: the renewal at issued
    ("2024-05-02", "2024-05-10", 0),  # the window's first day (2024-05-02 is Labour Day)
    ("2024-06-03", "2024-06-11", 0),  # just after: still the renewal at issued (Dragon Boat 06-10)
]


@pytest.mark.parametrize(("card", "r6", "cycle"), CARDS)
def test_a_card_in_the_renewal_window_belongs_to_that_renewal(
    calendar_2026: WorkCalendar, card: str, r6: str, cycle: int
) -> None:
    shown = compute_deadlines(issued="2024-06-01", card_received=card, calendar=calendar_2026)
    found = [x for x in shown if x.rule == "R6" and not x.estimate]
    assert [(str(x.date), x.cycle) for x in found] == [(r6, cycle)]


def test_a_card_more_than_30_days_early_is_refused() -> None:
    with pytest.raises(InvalidDateError) as caught:
        compute_deadlines(issued="2024-06-01", card_received="2024-05-01")
    assert caught.value.field == "card_received"


def test_the_recorded_renewal_drops_late_renewal_events_after_it(
    calendar_2026: WorkCalendar,
) -> None:
    plain = compute_deadlines(issued="2023-06-01", calendar=calendar_2026)
    renewed = compute_deadlines(
        issued="2023-06-01", card_received="2024-06-20", calendar=calendar_2026
    )
    rules_of = lambda shown, cycle: {x.rule for x in shown if x.cycle == cycle}  # noqa: E731
    assert {"R3", "R4", "R5"} <= rules_of(plain, 1)
    assert not {"R3", "R4", "R5"} & rules_of(renewed, 1)  # renewed 06-20: all three after it
    assert {"R7", "R8", "R6"} <= rules_of(renewed, 1)  # the points still need the declaration
    assert rules_of(renewed, 2) == rules_of(plain, 2)  # other cycles untouched
    late = compute_deadlines(
        issued="2023-06-01", card_received="2024-08-10", calendar=calendar_2026
    )
    # Renewed on day 70: R3 (day 60) and R4 (day 61) stay as what happened; R5 (day 90) goes.
    assert {"R3", "R4"} <= rules_of(late, 1)
    assert "R5" not in rules_of(late, 1)


def test_conditional_titles_state_their_condition(calendar_2026: WorkCalendar) -> None:
    shown = compute_deadlines(issued="2023-06-01", cycles=1, calendar=calendar_2026)
    titles = {x.rule: x.title for x in shown}
    for rule in ("R3", "R4", "R5"):
        assert titles[rule].zh.startswith("如仍未签注")
        assert titles[rule].en.startswith("If not endorsed")
    for rule in ("R7", "R8"):
        assert titles[rule].zh.startswith("如积分未续办")
        assert titles[rule].en.startswith("If points not renewed")
    for rule in ("R1", "R2", "R6"):
        assert not titles[rule].zh.startswith("如")


def test_consequences_name_no_day_already_past(calendar_2026: WorkCalendar) -> None:
    # R7 falls on a rest day every time expiry is a Friday; R4 on a Sunday here.
    shown = compute_deadlines(expires="2025-06-06", cycles=3, calendar=calendar_2026)
    consequences = [x for x in shown if x.kind is Kind.CONSEQUENCE]
    assert any(not x.working_day for x in consequences)
    for x in consequences:
        assert "act by" not in x.description.en
        assert "此前最后一个工作日" not in x.description.zh


def test_descriptions_never_say_before_today(calendar_2026: WorkCalendar) -> None:
    shown = compute_deadlines(issued="2023-06-01", calendar=calendar_2026)
    for x in shown:
        assert "在今天之前" not in x.description.zh
        assert "第0个周期" not in x.description.zh


def test_cycle_zero_is_named_by_its_date_not_called_an_expiry(
    calendar_2026: WorkCalendar,
) -> None:
    shown = compute_deadlines(
        issued="2024-06-01", card_received="2024-05-20", calendar=calendar_2026
    )
    r6 = next(x for x in shown if x.cycle == 0)
    assert "本周期居住证到期日" not in r6.description.zh
    assert "2024-06-01到期的居住证及其签注" in r6.description.zh


def test_spouse_checklist_label_matches_its_documents(calendar_2026: WorkCalendar) -> None:
    r2 = next(x for x in compute_deadlines(issued="2023-06-01", cycles=1) if x.rule == "R2")
    assert "- 配偶：结婚证" in r2.description.zh
    assert "子女" not in r2.description.zh.split("- 配偶")[1].split("\n")[0]


def test_today_makes_no_difference_to_dates_only_to_the_window(
    calendar_2026: WorkCalendar,
) -> None:
    full = compute_deadlines(issued="2023-06-01", cycles=6, calendar=calendar_2026)
    rolled = compute_deadlines(
        issued="2023-06-01", today=dt.date(2025, 9, 1), calendar=calendar_2026
    )
    by_key = {(x.expiry, x.rule): x for x in full}
    for x in rolled:
        assert by_key[(x.expiry, x.rule)] == x
