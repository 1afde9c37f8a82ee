"""Deadlines: RULES.md's worked examples, month ends, 29 February, holidays, cycles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from permitcal import (
    Basis,
    Deadline,
    InvalidDateError,
    InvalidInputError,
    Kind,
    PermitcalError,
    WorkCalendar,
    compute_deadlines,
)
from permitcal.policy import SHANGHAI
from tests.conftest import d


def by_key(deadlines: list[Deadline]) -> dict[tuple[int, str], Deadline]:
    return {(x.cycle, x.rule): x for x in deadlines}


@pytest.fixture(scope="module")
def seed(calendar_2026: WorkCalendar) -> dict[tuple[int, str], Deadline]:
    return by_key(compute_deadlines(issued="2023-06-01", calendar=calendar_2026))


# RULES.md, "Worked examples": (cycle, rule, date, working day?, nearest working day)
SEED_EXAMPLES = [
    (1, "R2", "2024-05-02", False, "2024-05-06"),  # Labour Day: first working day after
    (1, "R1", "2024-06-01", False, "2024-05-31"),  # Saturday: last working day before
    (1, "R3", "2024-07-31", True, "2024-07-31"),
    (1, "R4", "2024-08-01", True, "2024-07-31"),  # consequence: act by the day before
    (1, "R5", "2024-08-30", True, "2024-08-30"),
    (1, "R8", "2024-07-31", True, "2024-07-31"),
    (1, "R7", "2024-06-02", False, "2024-05-31"),
    (2, "R1", "2025-06-01", False, "2025-05-30"),  # next expiry; Dragon Boat weekend
    (3, "R1", "2026-06-01", True, "2026-06-01"),
]


@pytest.mark.parametrize(("cycle", "rule", "date", "working", "nearest"), SEED_EXAMPLES)
def test_seed_example(
    seed: dict[tuple[int, str], Deadline],
    cycle: int,
    rule: str,
    date: str,
    working: bool,
    nearest: str,
) -> None:
    deadline = seed[(cycle, rule)]
    assert deadline.date == d(date)
    assert deadline.working_day is working
    assert deadline.nearest_working_day == d(nearest)
    assert not deadline.provisional


def test_seed_rest_day_notes_are_in_the_descriptions(seed: dict[tuple[int, str], Deadline]) -> None:
    opening = seed[(1, "R2")].description
    assert "2024-05-02是休息日" in opening.zh
    assert "2024-05-06" in opening.zh
    assert "first working day on or after it is 2024-05-06" in opening.en
    expiry = seed[(1, "R1")].description
    # A deadline on a rest day leads with the day to act, and says "today" nowhere.
    assert expiry.zh.startswith("请最迟在2024-05-31（星期五）办理：2024-06-01是休息日")
    assert expiry.en.startswith("Act by 2024-05-31 (Friday): 2024-06-01 is a rest day")
    assert "not extended" in expiry.en
    assert "今天" not in expiry.zh
    assert "today" not in expiry.en.lower()
    assert "休息日" not in seed[(1, "R3")].description.zh  # a working day gets no note


# Edge rows: (input, cycle, rule, expected date, nearest working day)
EDGE_ROWS = [
    # month end: 31 January; R2 lands on New Year's Day (opening → next working day)
    ({"issued": "2023-01-31"}, 1, "R1", "2024-01-31", "2024-01-31"),
    ({"issued": "2023-01-31"}, 1, "R2", "2024-01-01", "2024-01-02"),
    ({"issued": "2023-01-31"}, 1, "R3", "2024-03-31", "2024-03-29"),  # 60 days over a leap February
    ({"issued": "2023-01-31"}, 1, "R4", "2024-04-01", "2024-03-29"),
    ({"issued": "2023-01-31"}, 1, "R5", "2024-04-30", "2024-04-30"),
    ({"issued": "2023-01-31", "changes": ["education"]}, 1, "R9", "2023-11-01", "2023-11-01"),
    # 29 February maps to 28 February and stays there
    ({"issued": "2024-02-29"}, 1, "R1", "2025-02-28", "2025-02-28"),
    ({"issued": "2024-02-29"}, 1, "R2", "2025-01-29", "2025-02-05"),  # Spring Festival 2025
    ({"issued": "2024-02-29"}, 2, "R1", "2026-02-28", "2026-02-28"),  # a worked Saturday
    ({"expires": "2028-02-29"}, 2, "R1", "2029-02-28", "2029-02-28"),
    ({"expires": "2028-02-29", "cycles": 5}, 5, "R1", "2032-02-28", "2032-02-27"),
    # year boundary: expiry on 31 December
    ({"issued": "2023-12-31"}, 1, "R1", "2024-12-31", "2024-12-31"),
    ({"issued": "2023-12-31"}, 1, "R2", "2024-12-01", "2024-12-02"),
    ({"issued": "2023-12-31"}, 1, "R7", "2025-01-01", "2024-12-31"),
    ({"issued": "2023-12-31"}, 1, "R3", "2025-03-01", "2025-02-28"),
    ({"issued": "2023-12-31"}, 1, "R6", "2025-01-08", "2025-01-08"),  # estimate over New Year
    # deadlines inside public holidays
    ({"expires": "2026-10-03"}, 1, "R1", "2026-10-03", "2026-09-30"),  # National Day 2026
    ({"expires": "2026-02-19"}, 1, "R1", "2026-02-19", "2026-02-14"),  # Spring Festival 2026
    ({"expires": "2025-03-05"}, 1, "R2", "2025-02-03", "2025-02-05"),  # opening in Spring Festival
    # worked weekends are working days for deadlines
    ({"expires": "2025-10-11"}, 1, "R1", "2025-10-11", "2025-10-11"),
    ({"expires": "2026-01-04"}, 1, "R1", "2026-01-04", "2026-01-04"),
]


@pytest.mark.parametrize(("given", "cycle", "rule", "expected", "nearest"), EDGE_ROWS)
def test_edge_rows(
    calendar_2026: WorkCalendar,
    given: dict[str, Any],
    cycle: int,
    rule: str,
    expected: str,
    nearest: str,
) -> None:
    deadline = by_key(compute_deadlines(calendar=calendar_2026, **given))[(cycle, rule)]
    assert deadline.date == d(expected)
    assert deadline.nearest_working_day == d(nearest)


def test_expires_gives_the_same_dates_as_issued(calendar_2026: WorkCalendar) -> None:
    from_issued = compute_deadlines(issued="2023-06-01", calendar=calendar_2026)
    from_expiry = compute_deadlines(expires="2024-06-01", calendar=calendar_2026)
    assert [(x.rule, x.cycle, x.date) for x in from_issued] == [
        (x.rule, x.cycle, x.date) for x in from_expiry
    ]


def test_dates_accept_date_objects(calendar_2026: WorkCalendar) -> None:
    as_text = compute_deadlines(issued="2023-06-01", calendar=calendar_2026)
    as_date = compute_deadlines(issued=dt.date(2023, 6, 1), calendar=calendar_2026)
    assert as_text == as_date


@pytest.mark.parametrize(
    ("card", "cycle", "expected", "provisional"),
    [
        ("2024-05-20", 1, "2024-05-27", False),  # RULES.md: plain week
        ("2024-06-20", 1, "2024-06-27", False),  # after expiry still belongs to cycle 1
        ("2023-06-05", 0, "2023-06-12", False),  # the renewal at `issued`: cycle 0
        ("2025-05-29", 2, "2025-06-06", False),  # Dragon Boat 2025 (05-31..06-02) skipped
    ],
)
def test_card_received_makes_r6_exact(
    calendar_2026: WorkCalendar, card: str, cycle: int, expected: str, provisional: bool
) -> None:
    deadlines = compute_deadlines(issued="2023-06-01", card_received=card, calendar=calendar_2026)
    r6 = {x.cycle: x for x in deadlines if x.rule == "R6"}
    assert r6[cycle].date == d(expected)
    assert not r6[cycle].estimate
    assert r6[cycle].provisional is provisional
    assert card in r6[cycle].description.zh
    others = [x for c, x in r6.items() if c != cycle]
    assert others
    assert all(x.estimate for x in others)


def test_r6_is_provisional_over_an_unpublished_year(calendar_2026: WorkCalendar) -> None:
    # RULES.md: card received 2026-12-28 → 2027-01-05, provisional.
    deadlines = compute_deadlines(
        issued="2025-12-20", card_received="2026-12-28", calendar=calendar_2026
    )
    r6 = next(x for x in deadlines if x.rule == "R6" and x.cycle == 1)
    assert r6.date == d("2027-01-05")
    assert r6.provisional
    assert r6.date_provisional
    assert "2027" in r6.description.zh
    assert "暂定" in r6.description.zh
    assert "not yet published the 2027 holiday schedule" in r6.description.en


def test_calendar_day_rule_in_unpublished_year_has_provisional_rest_day_info(
    calendar_2026: WorkCalendar,
) -> None:
    r1 = by_key(compute_deadlines(expires="2027-06-01", calendar=calendar_2026))[(1, "R1")]
    assert r1.date == d("2027-06-01")  # the date itself never moves
    assert r1.provisional
    assert not r1.date_provisional
    assert "date itself is fixed by the rule" in r1.description.en


def test_r6_without_card_is_an_estimate(seed: dict[tuple[int, str], Deadline]) -> None:
    r6 = seed[(1, "R6")]
    assert r6.estimate
    assert r6.date == d("2024-06-07")  # five working days after the expiry
    assert "估计" in r6.description.zh
    assert "Estimate" in r6.description.en
    assert "2–3" in r6.description.zh  # both guides' versions are stated


def test_cycles_project_yearly(calendar_2026: WorkCalendar) -> None:
    deadlines = compute_deadlines(issued="2023-06-01", cycles=5, calendar=calendar_2026)
    expiries = sorted({x.expiry for x in deadlines})
    assert expiries == [d(f"{y}-06-01") for y in range(2024, 2029)]
    assert {x.cycle for x in deadlines} == {1, 2, 3, 4, 5}


def test_sorted_by_date_then_rule_order(seed: dict[tuple[int, str], Deadline]) -> None:
    deadlines = compute_deadlines(issued="2023-06-01")
    assert [x.date for x in deadlines] == sorted(x.date for x in deadlines)
    same_day = [x.rule for x in deadlines if x.date == d("2024-07-31")]
    assert same_day == ["R3", "R8"]


def test_source_rules_can_be_left_out() -> None:
    official = compute_deadlines(issued="2023-06-01", source_rules=False, changes=["education"])
    assert {x.rule for x in official} == {"R1", "R2", "R3", "R4"}
    assert all(x.basis is Basis.OFFICIAL for x in official)
    full = compute_deadlines(issued="2023-06-01", changes=["education"])
    assert {x.rule for x in full} == {f"R{n}" for n in range(1, 10)}


def test_source_rules_say_whom_to_ask() -> None:
    """RULES.md "Basis": points questions go to 12333, permit questions to 12345 or a
    community service centre; official rules name neither."""
    seen = set()
    for x in compute_deadlines(issued="2023-06-01", cycles=1, changes=["education"]):
        points = SHANGHAI.rule(x.rule).points
        if x.basis is Basis.SOURCE and points:
            assert "请拨打12333" in x.description.zh
            assert "12345" not in x.description.zh
            assert "12333" in x.description.en
        elif x.basis is Basis.SOURCE:
            assert "请拨打12345" in x.description.zh
            assert "社区事务受理服务中心" in x.description.zh
            assert "12333" not in x.description.zh
            assert "12345" in x.description.en
        else:
            assert "12333" not in x.description.zh
            assert "12345" not in x.description.zh
        seen.add((x.basis, points))
    assert len(seen) == 3  # a source rule of each kind and an official one were checked


def test_education_change_adds_r9_in_the_first_cycle_only() -> None:
    deadlines = compute_deadlines(issued="2023-06-01", changes=["education"])
    assert [(x.cycle, x.date) for x in deadlines if x.rule == "R9"] == [(1, d("2024-03-02"))]
    assert not [x for x in compute_deadlines(issued="2023-06-01") if x.rule == "R9"]


def test_checklist_lists_declared_changes_in_cycle_one() -> None:
    deadlines = by_key(compute_deadlines(issued="2023-06-01", changes=["employer"]))
    first = deadlines[(1, "R2")].description
    assert "离职证明" in first.zh
    assert "租赁备案" not in first.zh
    assert "The changes you declared" in first.en
    later = deadlines[(2, "R2")].description
    assert "离职证明" in later.zh
    assert "租赁备案" in later.zh
    assert "续办申请" in first.zh  # the procedure is there too


def test_kinds_decide_the_nearest_working_day_direction() -> None:
    for x in compute_deadlines(issued="2023-06-01", cycles=3):
        if x.kind is Kind.OPENING:
            assert x.nearest_working_day >= x.date
        elif x.kind is Kind.CONSEQUENCE:
            assert x.nearest_working_day < x.date
        else:
            assert x.nearest_working_day <= x.date


def test_to_dict_has_the_documented_keys() -> None:
    row = compute_deadlines(issued="2023-06-01", cycles=1)[0].to_dict("en")
    assert row["rule"] == "R2"
    assert row["date"] == "2024-05-02"
    assert row["nearest_working_day"] == "2024-05-06"
    assert row["working_day"] is False
    assert row["provisional"] is False
    assert row["title"] == "Endorsement can start"
    both = compute_deadlines(issued="2023-06-01", cycles=1)[0].to_dict("both")
    assert both["title"] == "可以开始办理签注 / Endorsement can start"


# (arguments, exception class, field named in the error)
BAD_INPUT = [
    ({}, InvalidInputError, "issued"),
    ({"issued": "2023-06-01", "expires": "2024-06-01"}, InvalidInputError, "expires"),
    ({"issued": "2023-02-30"}, InvalidDateError, "issued"),
    ({"issued": "2023/6/1"}, InvalidDateError, "issued"),
    ({"issued": "0000-06-01"}, InvalidDateError, "issued"),
    ({"issued": "99999-06-01"}, InvalidDateError, "issued"),
    ({"issued": "1999-06-01"}, InvalidDateError, "issued"),
    ({"issued": 20230601}, InvalidDateError, "issued"),
    ({"issued": dt.datetime(2023, 6, 1, 12, 0)}, InvalidDateError, "issued"),
    ({"expires": "2099-01-01"}, InvalidDateError, "expires"),
    ({"issued": "2023-06-01", "card_received": "2023-05-01"}, InvalidDateError, "card_received"),
    ({"issued": "2023-06-01", "card_received": "2031-01-01"}, InvalidDateError, "card_received"),
    ({"issued": "2023-06-01", "card_received": "yesterday"}, InvalidDateError, "card_received"),
    ({"issued": "2023-06-01", "cycles": 0}, InvalidInputError, "cycles"),
    ({"issued": "2023-06-01", "cycles": 11}, InvalidInputError, "cycles"),
    ({"issued": "2023-06-01", "cycles": "3"}, InvalidInputError, "cycles"),
    ({"issued": "2023-06-01", "cycles": True}, InvalidInputError, "cycles"),
    ({"issued": "2023-06-01", "changes": ["hair colour"]}, InvalidInputError, "changes"),
    ({"issued": "2023-06-01", "changes": "address"}, InvalidInputError, "changes"),
    ({"issued": "2023-06-01", "changes": [3]}, InvalidInputError, "changes"),
    ({"issued": "2023-06-01", "source_rules": "no"}, InvalidInputError, "source_rules"),
]


@pytest.mark.parametrize(("kwargs", "error", "field"), BAD_INPUT)
def test_bad_input_raises_a_library_error(
    kwargs: dict[str, Any], error: type[PermitcalError], field: str
) -> None:
    with pytest.raises(error) as caught:
        compute_deadlines(**kwargs)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert field in str(caught.value)


def test_consequence_on_new_years_day_of_an_unpublished_year_is_provisional(
    calendar_2026: WorkCalendar,
) -> None:
    # Found by Hypothesis: R4 on 2027-01-01 looked only at 2026 for its nearest
    # working day, but whether 2027-01-01 itself is a rest day rests on 2027's notice.
    r4 = by_key(compute_deadlines(expires="2026-11-01", calendar=calendar_2026))[(1, "R4")]
    assert r4.date == d("2027-01-01")
    assert r4.nearest_working_day == d("2026-12-31")
    assert r4.provisional
    assert not r4.date_provisional
    # A consequence names no day to act: no note about one (issue 16).
    assert "schedule" not in r4.description.en
    assert "节假日安排" not in r4.description.zh


def test_card_received_line_only_on_the_rule_it_anchors(calendar_2026: WorkCalendar) -> None:
    deadlines = compute_deadlines(
        issued="2023-06-01", card_received="2024-05-20", calendar=calendar_2026
    )
    with_line = {x.rule for x in deadlines if "2024-05-20" in x.description.zh}
    assert with_line == {"R6"}
