"""Issue 16: a renewed card belongs to the renewal whose span (E − 30 … E + 90 days) holds it."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from permitcal import InvalidDateError, PermitInput, compute
from permitcal.cli import cli
from permitcal.workdays import WorkCalendar
from tests.conftest import d

# (anchor, anchor date, card, cycle of the card or the error's reason)
ROWS = [
    # The two commands of the issue: a card between two spans is a new permit.
    ("issued", "2023-06-01", "2024-12-01", "card_outside_renewal"),
    ("issued", "2023-06-01", "2025-03-15", "card_outside_renewal"),
    ("issued", "2023-06-01", "2024-11-30", "card_outside_renewal"),
    # Cycle 0 (the renewal at the issue date): its own span.
    ("issued", "2023-06-01", "2023-05-01", "before_issued"),
    ("issued", "2023-06-01", "2023-05-02", 0),
    ("issued", "2023-06-01", "2023-08-30", 0),
    ("issued", "2023-06-01", "2023-08-31", "card_outside_renewal"),
    # Cycle 1, E = 2024-06-01: E − 31, E − 30, E + 90, E + 91.
    ("issued", "2023-06-01", "2024-05-01", "card_outside_renewal"),
    ("issued", "2023-06-01", "2024-05-02", 1),
    ("issued", "2023-06-01", "2024-08-30", 1),
    ("issued", "2023-06-01", "2024-08-31", "card_outside_renewal"),
    # Cycle 2, E = 2025-06-01.
    ("issued", "2023-06-01", "2025-05-01", "card_outside_renewal"),
    ("issued", "2023-06-01", "2025-05-02", 2),
    ("issued", "2023-06-01", "2025-08-30", 2),
    ("issued", "2023-06-01", "2025-08-31", "card_outside_renewal"),
    # 29 February issued: the chain is 2025-02-28, 2026-02-28, …
    ("issued", "2024-02-29", "2024-01-30", 0),
    ("issued", "2024-02-29", "2024-01-29", "before_issued"),
    ("issued", "2024-02-29", "2026-01-29", 2),
    ("issued", "2024-02-29", "2026-01-28", "card_outside_renewal"),
    ("issued", "2024-02-29", "2026-05-29", 2),
    ("issued", "2024-02-29", "2026-05-30", "card_outside_renewal"),
    # 29 February printed: cycle 0 is 2023-02-28, cycle 2 is 2025-02-28 (stays).
    ("expires", "2024-02-29", "2023-01-29", 0),
    ("expires", "2024-02-29", "2024-01-30", 1),
    ("expires", "2024-02-29", "2024-01-29", "card_outside_renewal"),
    ("expires", "2024-02-29", "2024-05-29", 1),
    ("expires", "2024-02-29", "2024-05-30", "card_outside_renewal"),
    ("expires", "2024-02-29", "2025-01-29", 2),
    ("expires", "2024-02-29", "2025-01-28", "card_outside_renewal"),
    # Across the year boundary: E = 2025-01-10 opens on 2024-12-11.
    ("expires", "2025-01-10", "2024-12-10", "card_outside_renewal"),
    ("expires", "2025-01-10", "2024-12-11", 1),
    ("expires", "2025-01-10", "2025-04-10", 1),
    ("expires", "2025-01-10", "2025-04-11", "card_outside_renewal"),
    ("expires", "2025-01-10", "2025-12-11", 2),
    ("expires", "2025-01-10", "2026-01-01", 2),
]


@pytest.mark.parametrize(("anchor", "date", "card", "expected"), ROWS)
def test_issue_16_card_cycle_by_span(
    anchor: str, date: str, card: str, expected: int | str
) -> None:
    if isinstance(expected, str):
        with pytest.raises(InvalidDateError) as caught:
            PermitInput.create(**{anchor: date}, card_received=card)
        assert caught.value.field == "card_received"
        assert caught.value.reason == expected
        return
    permit = PermitInput.create(**{anchor: date}, card_received=card)
    assert permit.card_cycle() == expected


def test_issue_16_the_error_names_the_spans_on_both_sides() -> None:
    with pytest.raises(InvalidDateError) as caught:
        PermitInput.create(issued="2023-06-01", card_received="2024-12-01")
    assert caught.value.params == {
        "date": "2024-12-01",
        "expiry_before": "2024-06-01",
        "late_until": "2024-08-30",
        "next_expiry": "2025-06-01",
        "window_opens": "2025-05-02",
    }
    assert "new permit: enter its date as the issue date" in caught.value.message


@pytest.mark.parametrize("card", ["2024-12-01", "2025-03-15"])
def test_issue_16_the_cli_refuses_a_card_between_spans(card: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["show", "--issued", "2023-06-01", "--card-received", card, "--today", "2024-09-15"],
    )
    assert result.exit_code == 2
    assert "falls in no renewal" in result.output
    assert "enter its date as the issue date" in result.output


@pytest.mark.parametrize(
    ("card", "cycle", "late_events"),
    [
        # At the end of cycle 1's span: its R3, R4 and R5 are on or before the
        # card, so they stay (only events after the card go).
        ("2024-08-30", 1, {"R3", "R4", "R5"}),
        # Early in cycle 2's window: cycle 2's late-renewal events all go, and
        # cycle 1's stay (its renewal is not recorded).
        ("2025-05-10", 2, set()),
    ],
)
def test_issue_16_a_card_in_a_span_renews_that_cycle(
    calendar: WorkCalendar, card: str, cycle: int, late_events: set[str]
) -> None:
    permit = PermitInput.create(issued="2023-06-01", card_received=card)
    deadlines = compute(permit, calendar=calendar, today=d("2024-07-01"))
    r6 = [x for x in deadlines if x.rule == "R6" and x.cycle == cycle]
    assert len(r6) == 1
    assert not r6[0].estimate
    assert r6[0].date > d(card)
    late = {x.rule for x in deadlines if x.cycle == cycle and x.rule in ("R3", "R4", "R5")}
    assert late == late_events
    # The cycle before keeps its late-renewal warnings whatever the card says.
    if cycle == 2:
        assert {"R3", "R4", "R5"} <= {x.rule for x in deadlines if x.cycle == 1}


def test_issue_16_today_does_not_change_which_cards_are_renewals(calendar: WorkCalendar) -> None:
    # From cycle 0 upward whatever today is: the same card is refused early and late.
    for today in (dt.date(2023, 7, 1), dt.date(2025, 12, 1)):
        with pytest.raises(InvalidDateError):
            compute(
                PermitInput.create(issued="2023-06-01", card_received="2024-10-01"),
                calendar=calendar,
                today=today,
            )


def days_of_2027() -> list[dt.date]:
    start = dt.date(2027, 1, 1)
    return [start + dt.timedelta(days=n) for n in range(365)]


def test_issue_16_r6_act_by_is_never_before_the_card_in_2027(calendar_2026: WorkCalendar) -> None:
    # Every card day of 2027 (no notice in the data), with an expiry that fits it.
    early = []
    for card in days_of_2027():
        permit = PermitInput.create(
            expires=card + dt.timedelta(days=10), card_received=card, cycles=1
        )
        (r6,) = (x for x in compute(permit, calendar=calendar_2026) if x.rule == "R6")
        assert r6.provisional
        if r6.nearest_working_day < card:
            early.append(card)
        if r6.act_on_receipt:
            assert r6.nearest_working_day == card
            assert "在积分系统显示签注结果后尽快申报" in r6.description.zh
            assert "as soon as the points system shows the endorsement" in r6.description.en
    assert early == []


def test_issue_16_the_issues_r6_example_acts_on_the_card_day(calendar_2026: WorkCalendar) -> None:
    permit = PermitInput.create(expires="2027-02-06", card_received="2027-02-04", cycles=1)
    (r6,) = (x for x in compute(permit, calendar=calendar_2026) if x.rule == "R6")
    assert r6.act_on_receipt
    assert r6.nearest_working_day == d("2027-02-04")
    assert "2027-02-03" not in r6.description.zh
