"""Invariants for any valid input (Hypothesis)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permitcal import (
    Change,
    Kind,
    PermitInput,
    RenderOptions,
    WorkCalendar,
    compute,
    to_ical,
)
from tests.ics_checks import assert_well_formed

CALENDAR = WorkCalendar(published_through=2026)
ANCHORS = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def permits(draw: st.DrawFn) -> PermitInput:
    anchor = draw(ANCHORS)
    use_issued = draw(st.booleans())
    cycles = draw(st.integers(1, 4))
    first_expiry = anchor + relativedelta(years=1) if use_issued else anchor
    card = None
    if draw(st.booleans()):
        # A renewed card falls in the renewal span (E − 30 … E + 90 days) of one
        # expiry of the chain: cycle 0 (the start) or one of the cycles shown.
        start = anchor if use_issued else first_expiry - relativedelta(years=1)
        chain = [start, first_expiry]
        while len(chain) <= cycles:
            chain.append(chain[-1] + relativedelta(years=1))  # 29 Feb → 28 Feb, then stays
        expiry = draw(st.sampled_from(chain))
        card = expiry + dt.timedelta(days=draw(st.integers(-30, 90)))
    return PermitInput.create(
        issued=anchor if use_issued else None,
        expires=None if use_issued else anchor,
        card_received=card,
        changes=draw(st.frozensets(st.sampled_from(list(Change)))),
        cycles=cycles,
        source_rules=draw(st.booleans()),
    )


@given(permits())
@settings(max_examples=300, deadline=None)
def test_deadlines_are_consistent(permit: PermitInput) -> None:
    deadlines = compute(permit, calendar=CALENDAR)
    effective = permit.first_expiry - relativedelta(years=1)
    assert [d.date for d in deadlines] == sorted(d.date for d in deadlines)
    for d in deadlines:
        # Nothing is due before the permit took effect; the R9 reminder counts
        # back furthest (E − 30 days − 2 months), still inside the year.
        # (A card of the renewal at the start may arrive up to 30 days before it.)
        assert d.date >= effective or (d.rule == "R6" and d.cycle == 0)
        if d.rule in ("R2", "R9"):
            assert d.date < d.expiry
        elif d.rule == "R6" and not d.estimate:
            assert permit.card_received is not None
            assert d.date > permit.card_received
        elif d.rule != "R1":
            assert d.date > d.expiry
        # The day to act is a working day, or the card day when the safe one fell before it.
        assert CALENDAR.is_working_day(d.nearest_working_day) or (
            d.act_on_receipt and d.rule == "R6"
        )
        if d.rule == "R6":
            card = permit.card_received if not d.estimate else d.expiry
            assert d.nearest_working_day >= (card or d.expiry)
        assert d.working_day is CALENDAR.is_working_day(d.date)
        if d.kind is Kind.OPENING:
            assert d.date <= d.nearest_working_day <= d.date + dt.timedelta(days=14)
        elif d.kind is Kind.CONSEQUENCE:
            assert d.date - dt.timedelta(days=14) <= d.nearest_working_day < d.date
        else:
            assert d.date - dt.timedelta(days=14) <= d.nearest_working_day <= d.date
        if d.working_day and d.kind is not Kind.CONSEQUENCE:
            assert d.nearest_working_day == d.date
        assert d.provisional or not d.date_provisional
        if d.date.year > CALENDAR.published_through:
            assert d.provisional


@given(permits(), st.sampled_from(["zh", "en", "both"]), st.sets(st.integers(0, 60), max_size=3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_output_is_well_formed_and_repeatable(
    permit: PermitInput, lang: str, alarms: set[int]
) -> None:
    options = RenderOptions(identity="prop", lang=lang, alarms=tuple(alarms))  # type: ignore[arg-type]
    data = to_ical(compute(permit, calendar=CALENDAR), options)
    assert data == to_ical(compute(permit, calendar=CALENDAR), options)
    assert_well_formed(data)
