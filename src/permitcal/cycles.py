"""Layer 2: a permit's chain of yearly cycles, counted by its policy's cycle parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from permitcal.policy import Anchor, Cycle, Offset, Step, Unit

__all__ = ["CycleDates", "calendar_step", "chain", "offset_day"]

# Beyond this the chain would step past the last year a date can hold; no
# renewal span of a supported permit comes near it.
LAST_CHAIN_YEAR = 9990


def calendar_step(day: dt.date, step: Step) -> dt.date:
    """One calendar step (days, months or years; month ends clamp, as 民法典 art. 202 counts)."""
    if step.unit is Unit.DAYS:
        return day + dt.timedelta(days=step.amount)
    if step.unit is Unit.MONTHS:
        return day + relativedelta(months=step.amount)
    if step.unit is Unit.YEARS:
        return day + relativedelta(years=step.amount)
    raise ValueError(f"{step.unit} is not a calendar step")  # a policy bug, not bad input


def _steps(day: dt.date, steps: tuple[Step, ...], sign: int = 1) -> dt.date:
    for step in steps if sign > 0 else reversed(steps):
        day = calendar_step(day, Step(sign * step.amount, step.unit))
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
