"""Layer 2: turn validated inputs and a policy into dated deadline objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Unpack

from permitcal.by_identity import ByIdentity
from permitcal.cycles import CycleDates, calendar_step, offset_day
from permitcal.descriptions import Describe, describe
from permitcal.errors import InvalidDateError, InvalidInputError
from permitcal.inputs import PermitArgs, PermitInput
from permitcal.policy import (
    DEFAULT_POLICY,
    Anchor,
    Basis,
    Change,
    Kind,
    Lang,
    Policy,
    Rule,
    Text,
    get_policy,
)
from permitcal.rule_dates import Dated, PlannedRule, dated_answer, dated_answers, question
from permitcal.workdays import WorkCalendar, default_calendar

__all__ = ["Deadline", "compute", "compute_deadlines"]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated event of one cycle, with everything a person needs to act on it."""

    rule: str
    """Rule id, ``"R1"`` … ``"R9"``."""
    cycle: int
    """1 for the first projected expiry; 0 only for R6 of the renewal at ``issued``."""
    date: dt.date
    kind: Kind
    basis: Basis
    expiry: dt.date
    """The expiry date of the cycle this event belongs to."""
    estimate: bool
    """The date is estimated from a fallback anchor (R6 without ``card_received``)."""
    provisional: bool
    """The date or its working-day information rests on an unpublished holiday notice."""
    date_provisional: bool
    """The date itself was counted over an unpublished year and may move."""
    working_day: bool
    """Whether ``date`` itself is a working day."""
    nearest_working_day: dt.date
    """The working day to act on: last on or before a deadline, first on or after an
    opening, last before a consequence."""
    title: Text
    description: Text
    remind: bool
    """Important enough for separate reminder events."""
    surely_rest_day: bool = False
    """``date`` is off whatever a missing notice says; a date that is not a working
    day but not surely off only *may* be a day off (a year without a notice)."""
    act_on_receipt: bool = False
    """``nearest_working_day`` is the day the renewed card arrived: the day surely
    open for the deadline fell before it (a year without a notice), and a day
    to act is never before the day one can act (RULES.md)."""
    track: str = ""
    """The key of the track the event belongs to (see :class:`permitcal.Track`); its
    UID is built from it. Empty when computed without a track."""
    policy: Policy | None = field(default=None, compare=False, repr=False)
    """The policy whose rule gave the event (for its reminders' wording)."""

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        """JSON-ready form, the one ``permitcal show --json`` prints."""
        return {
            "rule": self.rule,
            "cycle": self.cycle,
            "date": self.date.isoformat(),
            "kind": self.kind.value,
            "basis": self.basis.value,
            "expiry": self.expiry.isoformat(),
            "estimate": self.estimate,
            "provisional": self.provisional,
            "date_provisional": self.date_provisional,
            "working_day": self.working_day,
            "nearest_working_day": self.nearest_working_day.isoformat(),
            "title": self.title.get(lang, " / "),
            "description": self.description.get(lang),
        }


def compute_deadlines(
    *,
    policy: object = DEFAULT_POLICY,
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
    **inputs: Unpack[PermitArgs],
) -> list[Deadline]:
    """Every deadline for the given permit under ``policy`` (a key or a Policy), by date.

    Dates may be ``datetime.date`` objects or ``YYYY-MM-DD`` strings. With
    ``today`` the cycles start at the one still live that day (RULES.md,
    "Cycles over time"); without it, at the input's own expiry. Raises a
    :class:`permitcal.PermitcalError` (a ``ValueError``) on bad input.

    >>> [(d.rule, str(d.date)) for d in compute_deadlines(issued="2023-06-01", cycles=1)][:3]
    [('R2', '2024-05-02'), ('R1', '2024-06-01'), ('R7', '2024-06-02')]
    >>> today = dt.date(2026, 11, 27)
    >>> sorted({str(d.expiry) for d in compute_deadlines(issued="2023-06-01", today=today)})
    ['2027-06-01', '2028-06-01', '2029-06-01']
    >>> [(d.rule, str(d.date)) for d in compute_deadlines(
    ...     policy="beijing", issued="2024-03-31", cycles=1)]
    [('B1', '2025-02-28'), ('B2', '2025-04-30'), ('B3', '2025-05-01')]
    """
    return compute(PermitInput.create(policy=policy, **inputs), None, calendar, today)


def compute(
    permit: PermitInput,
    policy: object = None,
    calendar: WorkCalendar | None = None,
    today: dt.date | None = None,
) -> list[Deadline]:
    """Every deadline for already validated inputs, sorted by date then rule order.

    The permit was validated under its own policy, which counts its cycles;
    ``policy``, when given, must be that one (a key or the Policy).
    """
    policy = _permit_policy(permit, policy)
    cal = calendar or default_calendar()
    plan = _plan(policy)
    dated = dated_answers(cal)
    points = permit.points
    rules = [
        r
        for r in plan.rules
        if (permit.source_rules or r.rule.basis is Basis.OFFICIAL) and (points or not r.rule.points)
    ]
    window = permit.window(today)
    card = permit.card_received
    card_cycle = None if card is None else _cycle_of_card(card, permit, window)
    first = window[0].number
    results: list[Deadline] = []
    for cycle in window:
        renewed = card if card_cycle == cycle.number else None
        changes = permit.changes if cycle.number == first else frozenset()
        for planned in rules:
            rule = planned.rule
            if rule.requires_change is not None and (
                # Changes since the last renewal matter for the next one: the first shown.
                cycle.number != first or rule.requires_change not in permit.changes
            ):
                continue
            if renewed is not None and _void_by_renewal(rule, cycle, renewed):
                continue
            results.append(_deadline(planned, cycle, renewed, changes, policy, cal, dated, points))
    # A card received around `start` belongs to the renewal before cycle 1; its
    # points declaration is still due, so it is shown as cycle 0 while cycle 1 is.
    if card_cycle == 0 and card is not None and first == 1:
        zero = next(permit.chain())
        for planned in rules:
            if planned.rule.anchor is Anchor.CARD_RECEIVED:
                results.append(
                    _deadline(planned, zero, card, frozenset(), policy, cal, dated, points)
                )
    results.sort(key=plan.sort_key)
    return results


class _Plan:
    """One policy's rules, planned once (see :func:`_plan`)."""

    __slots__ = ("policy", "rules", "sort_key")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.rules = [PlannedRule(rule, question(rule)) for rule in policy.rules]
        order = {rule.id: index for index, rule in enumerate(policy.rules)}
        self.sort_key: Callable[[Deadline], tuple[dt.date, int, int]] = lambda d: (
            d.date,
            d.cycle,
            order[d.rule],
        )


# Planned once per policy object (a Policy's hash walks all its rules); the
# registry has three, tests make variants.
_plan: ByIdentity[Policy, _Plan] = ByIdentity(_Plan)


def _permit_policy(permit: PermitInput, policy: object) -> Policy:
    """The permit's policy, or a variant of it given here (the same key: a test's subset of
    rules, say); another policy is a caller's mistake, said plainly."""
    if policy is None:
        return permit.policy
    found = get_policy(policy)
    if found.id != permit.policy.id:
        raise InvalidInputError(
            "policy",
            f"the permit was validated for {permit.policy.id!r}, not {found.id!r}: "
            "create it with PermitInput.create(policy=...)",
            reason="not_one_of",
            params={"choices": [permit.policy.id]},
        )
    return found


def _cycle_of_card(card: dt.date, permit: PermitInput, window: list[CycleDates]) -> int:
    """The cycle whose renewal span holds the card (validated by PermitInput.create).

    Cycle 0 is the renewal at ``permit.start`` (when the current period
    began). A card of a renewal beyond the window cannot be shown: an error.
    """
    latest = offset_day(permit.policy.cycle.renewal_closes, window[-1])
    if card > latest:
        raise InvalidDateError(
            "card_received",
            card,
            f"{card} is after the last projected renewal ({latest}); "
            "enter a later permit date instead",
            reason="after_last_renewal",
            params={"date": card.isoformat(), "latest": latest.isoformat()},
        )
    cycle = permit.card_cycle()
    assert cycle is not None
    return cycle


def _void_by_renewal(rule: Rule, cycle: CycleDates, renewed: dt.date | None) -> bool:
    """A late-renewal event after the recorded renewed card no longer applies."""
    if renewed is None or not rule.void_once_renewed:
        return False
    if rule.anchor not in (Anchor.EXPIRY, Anchor.START):
        raise ValueError(f"rule {rule.id}: only a cycle's own dates can be void")  # a policy bug
    day = cycle.expiry if rule.anchor is Anchor.EXPIRY else cycle.start
    for step in rule.steps:
        day = calendar_step(day, step)  # a working-day step raises: a policy bug
    return day > renewed


def _deadline(
    planned: PlannedRule,
    cycle_dates: CycleDates,
    card: dt.date | None,
    changes: frozenset[Change],
    policy: Policy,
    cal: WorkCalendar,
    dated: dict[tuple[int, dt.date], Dated],
    points: bool = True,
) -> Deadline:
    rule = planned.rule if points else planned.without_points
    expiry = cycle_dates.expiry
    if rule.anchor is Anchor.EXPIRY:  # most rules: no call
        anchor, estimate = expiry, False
    else:
        anchor, estimate = _anchor_date(rule, cycle_dates, card)
    key = (planned.question, anchor)
    found = dated.get(key)
    if found is None:
        found = dated[key] = dated_answer(anchor, rule, planned, cal)
    day, counted, nearest, working_day, surely_rest_day, act_on_receipt = found
    # Built on first read (see _WrittenOnRead): the value is describe()'s.
    unwritten = _Unwritten(
        (
            rule,
            policy,
            expiry,
            day,
            card,
            estimate,
            counted,
            nearest,
            working_day,
            changes,
            act_on_receipt,
            surely_rest_day,
            points,
            cycle_dates.estimate,
        )
    )
    return _made(
        rule.id,
        cycle_dates.number,
        day,
        rule.kind,
        rule.basis,
        expiry,
        estimate or cycle_dates.estimate,
        counted.provisional or nearest.provisional,
        counted.provisional,
        working_day,
        nearest.date,
        rule.title,
        unwritten,
        rule.remind,
        surely_rest_day,
        act_on_receipt,
        "",
        policy,
    )


class _Unwritten(tuple[Any, ...]):
    """A description not built yet: (rule, policy, the fields of :class:`Describe`).

    One tuple, since one is made for every event and most are never read.
    """

    __slots__ = ()

    def write(self) -> Text:
        return describe(self[0], self[1], Describe(*self[2:]))


class _WrittenOnRead:
    """``Deadline.description``: an event's description is built when first read.

    Building descriptions was half of ``compute``'s time, for texts that a
    caller after dates never reads. The slot holds an :class:`_Unwritten`
    until then; every read (attribute, ``==``, ``hash``, ``repr``,
    ``replace``, pickling) goes through here and sees the built ``Text``.
    """

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, deadline: Deadline | None, owner: type | None = None) -> Any:
        if deadline is None:
            return self
        value = self.slot.__get__(deadline, owner)
        if type(value) is _Unwritten:
            value = value.write()
            # Two threads may both build it: they store equal values.
            self.slot.__set__(deadline, value)
        return value

    def __set__(self, deadline: Deadline, value: object) -> None:
        self.slot.__set__(deadline, value)

    def __delete__(self, deadline: Deadline) -> None:
        self.slot.__delete__(deadline)


setattr(Deadline, "description", _WrittenOnRead(Deadline.__dict__["description"]))  # noqa: B010

# Each field's slot setter, for _made (the description's under _WrittenOnRead).
_SET = {
    f.name: getattr(Deadline.__dict__[f.name], "slot", Deadline.__dict__[f.name]).__set__
    for f in fields(Deadline)
}
if len(_SET) != 18:  # a new field must be set by _made too
    raise RuntimeError("Deadline's fields changed: update deadlines._made")
_RULE, _CYCLE, _DATE, _KIND, _BASIS, _EXPIRY = (
    _SET[n] for n in ("rule", "cycle", "date", "kind", "basis", "expiry")
)
_ESTIMATE, _PROVISIONAL, _DATE_PROVISIONAL, _WORKING_DAY, _NEAREST, _TITLE = (
    _SET[n]
    for n in (
        "estimate",
        "provisional",
        "date_provisional",
        "working_day",
        "nearest_working_day",
        "title",
    )
)
_DESCRIPTION, _REMIND, _SURELY_REST_DAY, _ACT_ON_RECEIPT, _TRACK, _POLICY = (
    _SET[n]
    for n in ("description", "remind", "surely_rest_day", "act_on_receipt", "track", "policy")
)


def _made(
    rule: str,
    cycle: int,
    date: dt.date,
    kind: Kind,
    basis: Basis,
    expiry: dt.date,
    estimate: bool,
    provisional: bool,
    date_provisional: bool,
    working_day: bool,
    nearest_working_day: dt.date,
    title: Text,
    description: object,
    remind: bool,
    surely_rest_day: bool,
    act_on_receipt: bool,
    track: str,
    policy: Policy,
) -> Deadline:
    """``Deadline(...)`` set slot by slot: the frozen ``__init__`` calls
    ``object.__setattr__`` for each field, half the cost of an event whose dates are known."""
    deadline: Deadline = object.__new__(Deadline)
    _RULE(deadline, rule)
    _CYCLE(deadline, cycle)
    _DATE(deadline, date)
    _KIND(deadline, kind)
    _BASIS(deadline, basis)
    _EXPIRY(deadline, expiry)
    _ESTIMATE(deadline, estimate)
    _PROVISIONAL(deadline, provisional)
    _DATE_PROVISIONAL(deadline, date_provisional)
    _WORKING_DAY(deadline, working_day)
    _NEAREST(deadline, nearest_working_day)
    _TITLE(deadline, title)
    _DESCRIPTION(deadline, description)
    _REMIND(deadline, remind)
    _SURELY_REST_DAY(deadline, surely_rest_day)
    _ACT_ON_RECEIPT(deadline, act_on_receipt)
    _TRACK(deadline, track)
    _POLICY(deadline, policy)
    return deadline


def _anchor_date(rule: Rule, cycle: CycleDates, card: dt.date | None) -> tuple[dt.date, bool]:
    """The date the rule counts from, and whether it is a fallback (an estimate)."""
    expiry = cycle.expiry
    if rule.anchor is Anchor.EXPIRY:
        return expiry, False
    if rule.anchor is Anchor.START:
        return cycle.start, False
    if rule.anchor is Anchor.CARD_RECEIVED and card is not None:
        return card, False
    if rule.fallback_anchor is Anchor.EXPIRY:
        return expiry, True
    raise ValueError(f"rule {rule.id} has no usable anchor")  # a policy bug, not bad input
