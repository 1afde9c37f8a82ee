"""RULES.md "Other cities": Beijing (decree 270 and its 2017 change) and the national rules (decree 663).

Beijing, as the 2017 change reported by 人民网 and 千龙网 words it: endorsement
from 11 to 13 months after the last issue or endorsement ("有效期满11个月且不
超13个月"); after that the permit is suspended. National, article 10 of decree
663: "在居住每满1年之日前1个月内" (A − 1 month … A − 1 day), suspended from A.
Month ends clamp as 民法典 art. 202 counts (no corresponding day: the month's
last day), which is what relativedelta does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from permitcal import (
    Deadline,
    InvalidDateError,
    InvalidInputError,
    Kind,
    WorkCalendar,
    compute_deadlines,
    policies,
)
from tests.conftest import d

# (last endorsement S, B1 opens, B2 last day, act by, B3 suspended, why)
BEIJING = [
    ("2024-03-31", "2025-02-28", "2025-04-30", "2025-04-30", "2025-05-01", "month ends clamp"),
    ("2024-02-29", "2025-01-29", "2025-03-29", "2025-03-28", "2025-03-30", "29 Feb; Sat → Fri"),
    ("2023-12-15", "2024-11-15", "2025-01-15", "2025-01-15", "2025-01-16", "year boundary"),
    ("2023-09-01", "2024-08-01", "2024-10-01", "2024-09-30", "2024-10-02", "National Day"),
    ("2023-12-01", "2024-11-01", "2025-01-01", "2024-12-31", "2025-01-02", "New Year's Day"),
]

# (last endorsement S, N1 opens, N2 last day, act by, N3 suspended = A, why)
NATIONAL = [
    ("2024-03-31", "2025-02-28", "2025-03-30", "2025-03-28", "2025-03-31", "month end; Sunday"),
    ("2024-02-29", "2025-01-28", "2025-02-27", "2025-02-27", "2025-02-28", "29 Feb → 28 Feb"),
    ("2024-01-01", "2024-12-01", "2024-12-31", "2024-12-31", "2025-01-01", "year boundary"),
    ("2023-10-08", "2024-09-08", "2024-10-07", "2024-09-30", "2024-10-08", "National Day"),
]


def first_cycle(policy: str, issued: str, cal: WorkCalendar) -> dict[str, Deadline]:
    found = compute_deadlines(policy=policy, issued=issued, cycles=1, calendar=cal)
    return {x.rule: x for x in found}


@pytest.mark.parametrize(
    ("policy", "issued", "opens", "last", "act_by", "suspended", "why"),
    [("beijing", *row) for row in BEIJING] + [("national", *row) for row in NATIONAL],
)
def test_window_and_late_rule(
    policy: str,
    issued: str,
    opens: str,
    last: str,
    act_by: str,
    suspended: str,
    why: str,
    calendar: WorkCalendar,
) -> None:
    """Each policy's three events: the window opens, the last day, suspended the day after."""
    found = compute_deadlines(policy=policy, issued=issued, cycles=1, calendar=calendar)
    window, deadline, late = found[0], found[1], found[2]
    assert [x.kind for x in found] == [Kind.OPENING, Kind.DEADLINE, Kind.CONSEQUENCE]
    assert (window.date, deadline.date, late.date) == (d(opens), d(last), d(suspended)), why
    assert deadline.nearest_working_day == d(act_by), why
    assert not any(x.estimate for x in found)  # cycle 1 counts from the input
    if policy == "national":
        assert late.expiry == d(suspended)  # the anniversary names the cycle


def test_a_window_opening_on_a_holiday_names_the_first_working_day(calendar: WorkCalendar) -> None:
    b1 = first_cycle("beijing", "2023-11-01", calendar)["B1"]
    assert b1.date == d("2024-10-01")
    assert b1.nearest_working_day == d("2024-10-08")  # after the National Day break
    n1 = first_cycle("national", "2024-01-01", calendar)["N1"]
    assert n1.nearest_working_day == d("2024-12-02")  # 1 December 2024 is a Sunday


@pytest.mark.parametrize(
    ("policy", "card", "voided", "next_expiry"),
    [
        # The endorsement moves the chain: the next year counts from its day.
        ("beijing", "2025-03-10", {"B2", "B3"}, "2026-03-10"),
        ("beijing", "2025-02-28", {"B2", "B3"}, "2026-02-28"),  # the first day of the window
        ("beijing", "2025-04-30", set(), "2026-04-30"),  # the last day: B2 stays, B3 goes
        ("national", "2025-03-20", {"N2", "N3"}, "2026-03-20"),
        ("national", "2025-03-30", {"N3"}, "2026-03-30"),
    ],
)
def test_a_recorded_endorsement_moves_the_chain(
    policy: str, card: str, voided: set[str], next_expiry: str, calendar: WorkCalendar
) -> None:
    found = compute_deadlines(
        policy=policy, issued="2024-03-31", card_received=card, cycles=3, calendar=calendar
    )
    first = {x.rule for x in found if x.cycle == 1}
    assert not voided & first
    assert len(first) == 3 - len(voided) - (policy == "beijing" and card == "2025-04-30")
    second = [x for x in found if x.cycle == 2]
    assert {x.expiry for x in second} == {d(next_expiry)}
    assert not any(x.estimate for x in second)  # its start is recorded
    assert all(x.estimate for x in found if x.cycle == 3)  # its start is not


def test_an_unrecorded_endorsement_is_counted_the_safe_way(calendar: WorkCalendar) -> None:
    """Without a recorded endorsement, the next year counts from the first day possible."""
    found = compute_deadlines(policy="beijing", issued="2024-03-31", cycles=2, calendar=calendar)
    second = [x for x in found if x.cycle == 2]
    assert {x.expiry for x in second} == {d("2026-02-28")}  # from B1 of cycle 1, 2025-02-28
    assert all(x.estimate for x in second)
    assert all("估计日期" in x.description.zh and "Estimate" in x.description.en for x in second)


@pytest.mark.parametrize(
    ("policy", "card", "reason"),
    [
        ("beijing", "2025-05-01", "card_outside_renewal"),  # late: a new start, not a renewal
        ("beijing", "2025-02-27", "card_outside_renewal"),  # before 11 months
        ("national", "2025-03-31", "card_outside_renewal"),  # on A: late
        ("national", "2024-02-28", "before_issued"),
    ],
)
def test_an_endorsement_outside_the_window_is_not_a_renewal(
    policy: str, card: str, reason: str
) -> None:
    with pytest.raises(InvalidDateError) as raised:
        compute_deadlines(policy=policy, issued="2024-03-31", card_received=card)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("policy", "today", "first_expiry"),
    [
        ("beijing", "2025-05-01", "2025-03-31"),  # B3's day: still live
        ("beijing", "2025-05-02", "2026-02-28"),
        ("national", "2025-03-31", "2025-03-31"),  # N3's day (A): still live
        ("national", "2025-04-01", "2026-02-28"),
    ],
)
def test_the_live_cycle_is_the_policys(policy: str, today: str, first_expiry: str) -> None:
    found = compute_deadlines(policy=policy, issued="2024-03-31", today=d(today))
    assert min(x.expiry for x in found) == d(first_expiry)


@pytest.mark.parametrize("policy", ["beijing", "national"])
def test_points_do_not_exist_there(policy: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        compute_deadlines(policy=policy, issued="2024-03-31", points=True)
    assert (raised.value.field, raised.value.reason) == ("points", "no_points")
    assert compute_deadlines(policy=policy, issued="2024-03-31", points=False)
    with pytest.raises(InvalidInputError) as raised:
        compute_deadlines(policy=policy, issued="2024-03-31", changes=["education"])
    assert (raised.value.field, raised.value.reason) == ("changes", "not_one_of")
    assert raised.value.params["choices"] == ["address", "employer"]


def test_national_events_say_the_city_may_have_its_own_rules() -> None:
    for x in compute_deadlines(policy="national", issued="2024-03-31", cycles=2):
        assert "你所在的城市可能有自己的规定" in x.description.zh
        assert "Your city may have rules of its own" in x.description.en
    for x in compute_deadlines(policy="beijing", issued="2024-03-31", cycles=1):
        assert "你所在的城市可能有自己的规定" not in x.description.zh


def test_national_is_never_a_silent_fallback() -> None:
    assert next(x.rule for x in compute_deadlines(issued="2024-03-31", cycles=1)).startswith("R")
    with pytest.raises(InvalidInputError) as raised:
        compute_deadlines(policy="guangzhou", issued="2024-03-31")
    assert (raised.value.field, raised.value.reason) == ("policy", "not_one_of")
    assert raised.value.params["choices"] == list(policies())


def test_every_rule_cites_its_source_with_its_basis() -> None:
    for policy in policies().values():
        ids = [rule.id for rule in policy.rules]
        assert len(set(ids)) == len(ids)
        for rule in policy.rules:
            assert rule.references, f"{policy.id} {rule.id} cites nothing"
            assert rule.basis.value in ("official", "source")
        assert policy.cycle.counts_from_renewal == (policy.id != "shanghai")
        assert policy.points == (policy.id == "shanghai")


def test_rule_ids_never_collide_across_policies() -> None:
    """A subscription that changes its policy never reuses a UID for other content."""
    seen: dict[str, str] = {}
    for policy in policies().values():
        for rule in policy.rules:
            assert rule.id not in seen, f"{rule.id} is in {seen.get(rule.id)} and {policy.id}"
            seen[rule.id] = policy.id


def test_beijing_validity_counts_from_the_endorsement_day() -> None:
    """ "居住证自签发或签注之日起1年内有效": the expiry is one year after S."""
    found = compute_deadlines(policy="beijing", issued=dt.date(2024, 3, 31), cycles=1)
    assert {x.expiry for x in found} == {d("2025-03-31")}
