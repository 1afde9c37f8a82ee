"""Layer 2: a permit's chain of yearly cycles, and which cycle a renewal belongs to, by policy."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from permitcal.errors import InvalidDateError
from permitcal.policy import DEFAULT_POLICY, Anchor, Cycle, Offset, Step, Unit, get_policy

__all__ = [
    "CARD_SPAN_REASONS",
    "CycleDates",
    "add_months",
    "calendar_step",
    "chain",
    "cycle_of_card",
    "offset_day",
]

# Beyond this the chain would step past the last year a date can hold; no
# renewal span of a supported permit comes near it.
LAST_CHAIN_YEAR = 9990


def calendar_step(day: dt.date, step: Step) -> dt.date:
    """One calendar step (days, months or years; month ends clamp, as 民法典 art. 202 counts)."""
    if step.unit is Unit.DAYS:
        return day + dt.timedelta(days=step.amount)
    if step.unit is Unit.MONTHS:
        return add_months(day, step.amount)
    if step.unit is Unit.YEARS:
        return add_months(day, 12 * step.amount)
    raise ValueError(f"{step.unit} is not a calendar step")  # a policy bug, not bad input


def add_months(day: dt.date, months: int) -> dt.date:
    """``day + relativedelta(months=months)``: the same day of the month, or the month's last.

    Plain arithmetic, since building a relativedelta for every step was a
    tenth of ``compute``; tests/test_month_steps.py holds it to relativedelta.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:
        return day.replace(year=year, month=month)
    return day.replace(year=year, month=month, day=min(day.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return _DAYS_IN_MONTH[month]


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _steps(day: dt.date, steps: tuple[Step, ...], sign: int = 1) -> dt.date:
    if sign > 0:
        for step in steps:
            day = calendar_step(day, step)
        return day
    for step in reversed(steps):
        day = calendar_step(day, Step(-step.amount, step.unit))
    return day


@dataclass(frozen=True, slots=True)
class CycleDates:
    """One cycle of the chain: its number, the day it counts from, and its expiry."""

    number: int
    """0: the renewal at the permit's start; 1: the first expiry the input gives; …"""
    start: dt.date
    expiry: dt.date
    estimate: bool = False
    """The start is assumed: the renewal it counts from is not recorded yet, so it is
    counted as made on the first day possible (never more time than the rule gives)."""


def offset_day(offset: Offset, cycle: CycleDates) -> dt.date:
    """The day ``offset`` names in ``cycle``."""
    base = cycle.expiry if offset.anchor is Anchor.EXPIRY else cycle.start
    if offset.anchor not in (Anchor.EXPIRY, Anchor.START):
        raise ValueError(f"{offset.anchor} cannot bound a cycle")  # a policy bug
    return _steps(base, offset.steps)


def chain(
    cycle: Cycle,
    start: dt.date,
    first_expiry: dt.date,
    renewal: tuple[int, dt.date] | None = None,
) -> Iterator[CycleDates]:
    """The cycles from 0 upward (without end: the caller stops).

    ``start`` is when the current period began (the issue date, or the last
    renewal); cycle 1 expires on ``first_expiry``. ``renewal`` is a recorded
    renewal as (cycle number, day): under a policy that counts from the
    renewal, the next cycle starts that day. Each later expiry is one step of
    ``validity`` after the cycle's start, taken one at a time (29 Feb → 28 Feb,
    then stays).
    """
    current = CycleDates(0, _steps(start, cycle.validity, -1), start)
    number = 0
    while True:
        yield current
        if current.expiry.year >= LAST_CHAIN_YEAR:
            return
        number += 1
        if number == 1 and not (cycle.counts_from_renewal and renewal and renewal[0] == 0):
            current = CycleDates(1, start, first_expiry)
            continue
        if not cycle.counts_from_renewal:
            begins, estimate = current.expiry, False
        elif renewal is not None and renewal[0] == current.number:
            begins, estimate = renewal[1], False
        else:
            begins, estimate = offset_day(cycle.renewal_opens, current), True
        current = CycleDates(number, begins, _steps(begins, cycle.validity), estimate)


# The reasons for which a card fits no renewal of the chain (a stored card may
# carry one from before the rule: it is then treated as absent, not an error).
CARD_SPAN_REASONS = frozenset({"before_issued", "card_outside_renewal"})


def cycle_of_card(
    card: dt.date,
    start: dt.date,
    first_expiry: dt.date,
    *,
    anchor: str = "issued",
    policy: object = DEFAULT_POLICY,
) -> int:
    """The cycle whose renewal span (the policy's ``renewal_opens`` … ``renewal_closes``)
    holds ``card``.

    Cycle 0 is the renewal at ``start`` (when the current period began),
    cycle 1 the one at ``first_expiry``, each later one a validity after the
    previous. The spans are narrower than a year and a year apart, so at most
    one holds the card; a card in none is not a renewal (RULES.md, "Dates a
    real card cannot carry"), and guessing the nearest cycle would take away
    that cycle's late-renewal warnings.
    """
    rules = get_policy(policy)
    spans = rules.cycle
    cycles = chain(spans, start, first_expiry)
    current = next(cycles)
    earliest = offset_day(spans.renewal_opens, current)
    if card < earliest:
        what = "issued" if anchor == "issued" else "took effect (expiry − 1 year)"
        days = (start - earliest).days
        raise InvalidDateError(
            "card_received",
            card,
            f"{card} is {_before_words(spans, days)} the permit {what} ({start})",
            reason="before_issued",
            params={
                "date": card.isoformat(),
                "start": start.isoformat(),
                "earliest": earliest.isoformat(),
                "days": days,
                "anchor": anchor,
            },
        )
    while card > (closes := offset_day(spans.renewal_closes, current)):
        previous = current
        current = next(cycles, previous)
        opens = offset_day(spans.renewal_opens, current)
        if current is previous or card < opens:
            raise InvalidDateError(
                "card_received",
                card,
                f"{card} falls in no renewal: the permit expiring on {previous.expiry} could be "
                f"renewed until {closes}, the next renewal opens on {opens} "
                f"({_opens_words(spans, current, opens)}). A card received "
                f"{_closes_words(spans)} is a new permit: enter its date as the issue date",
                reason="card_outside_renewal",
                params={
                    "date": card.isoformat(),
                    "expiry_before": previous.expiry.isoformat(),
                    "late_until": closes.isoformat(),
                    "next_expiry": current.expiry.isoformat(),
                    "window_opens": opens.isoformat(),
                },
            )
    return current.number


def _day_steps(offset: Offset) -> int | None:
    """The offset in days from the expiry, when it is a plain count of days (Shanghai's)."""
    if offset.anchor is Anchor.EXPIRY and len(offset.steps) == 1:
        step = offset.steps[0]
        if step.unit is Unit.DAYS:
            return step.amount
    return None


def _before_words(spans: Cycle, days: int) -> str:
    if _day_steps(spans.renewal_opens) is not None:
        return f"more than {days} days before"
    return "before the earliest renewal of"


def _opens_words(spans: Cycle, cycle: CycleDates, opens: dt.date) -> str:
    days = _day_steps(spans.renewal_opens)
    if days is not None:
        return f"{-days} days before {cycle.expiry}"
    return f"for the permit expiring on {cycle.expiry}"


def _closes_words(spans: Cycle) -> str:
    days = _day_steps(spans.renewal_closes)
    if days is not None:
        return f"more than {days} days after an expiry"
    return "after the last day a renewal continues the permit"
