"""What a person tells permitcal, validated once at the edge of the library."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypedDict

from permitcal.cycles import (
    CARD_SPAN_REASONS,
    CycleDates,
    calendar_step,
    chain,
    cycle_of_card,
    offset_day,
)
from permitcal.errors import InvalidDateError, InvalidInputError
from permitcal.policy import Change, Policy, Step
from permitcal.policy.registry import DEFAULT_POLICY, get_policy
from permitcal.settings_schema import (
    DATE_LIMITS,
    DEFAULT_CYCLES,
    EARLIEST_EXPIRY,
    EARLIEST_ISSUED,
    LATEST_EXPIRY,
    LATEST_ISSUED,
    MAX_CYCLES,
    MIN_CYCLES,
)

# The limits and defaults above are declared with the settings table; still importable here.
__all__ = [
    "CARD_SPAN_REASONS",
    "DATE_LIMITS",
    "DEFAULT_CYCLES",
    "EARLIEST_EXPIRY",
    "EARLIEST_ISSUED",
    "LATEST_EXPIRY",
    "LATEST_ISSUED",
    "LATE_RENEWAL_LIMIT",
    "MAX_CYCLES",
    "MIN_CYCLES",
    "RENEWAL_WINDOW",
    "PermitArgs",
    "PermitInput",
    "cycle_of_card",
    "parse_changes",
    "parse_date",
    "shanghai_today",
]


# Shanghai's numbers, kept importable for callers of 0.x: every computation now
# reads them from the policy's cycle (Policy.cycle), where each city sets its own.
LATE_RENEWAL_LIMIT = dt.timedelta(days=90)
RENEWAL_WINDOW = dt.timedelta(days=30)

# China Standard Time has had no daylight saving since 1991: a fixed offset is exact.
SHANGHAI_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Shanghai at ``now`` (default: this moment); the window's *today*."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(SHANGHAI_TIME).date()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: object, field_name: str) -> dt.date:
    """A ``date`` from a ``date`` or a ``YYYY-MM-DD`` string; anything else is an error."""
    if isinstance(value, dt.datetime):
        # datetime is a date subclass; a time of day would be silently dropped.
        raise InvalidDateError(
            field_name,
            value,
            "expected a date without a time of day",
            reason="not_a_date",
            params={"text": str(value)},
        )
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidDateError(
            field_name,
            value,
            f"expected a date as YYYY-MM-DD, got {type(value).__name__}",
            reason="not_a_date",
        )
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidDateError(
            field_name,
            value,
            f"{value!r} is not a date in the form YYYY-MM-DD (e.g. 2023-06-01)",
            reason="not_a_date" if text else "required",
            params={"text": value},
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDateError(
            field_name,
            value,
            f"{text} is not a real calendar date",
            reason="impossible_date",
            params={"text": value},
        ) from None


def parse_changes(values: Iterable[object], policy: Policy | None = None) -> frozenset[Change]:
    """Material changes from their names (``"address"``, ``"employer"``, …).

    With ``policy``, only the changes its checklist knows (the points-related
    ones exist only where there are points).
    """
    if isinstance(values, str | bytes):
        raise InvalidInputError("changes", "expected a list of change names", reason="not_a_list")
    allowed = tuple(Change) if policy is None else policy.changes
    changes = set()
    for value in values:
        try:
            if isinstance(value, Change):
                change = value
            elif isinstance(value, str):
                change = Change(value)
            else:
                raise ValueError(value)
            if change not in allowed:
                raise ValueError(value)
            changes.add(change)
        except ValueError:
            known = [c.value for c in allowed]
            given = value.value if isinstance(value, Change) else value  # its name, not its repr
            raise InvalidInputError(
                "changes",
                f"{_whose(policy)} change {given!r}; known changes: {', '.join(known)}",
                reason="not_one_of",
                params={"choices": known, **_text(given)},
            ) from None
    return frozenset(changes)


def _whose(policy: Policy | None) -> str:
    """ "unknown", or whose checklist lacks the change (Beijing has no "spouse")."""
    return "unknown" if policy is None else f"the {policy.id} policy has no"


class PermitArgs(TypedDict, total=False):
    """The raw keyword inputs of :meth:`PermitInput.create`, shared by the entry points."""

    issued: object
    expires: object
    card_received: object
    changes: Iterable[object]
    cycles: object
    source_rules: object
    points: object


@dataclass(frozen=True, slots=True)
class PermitInput:
    """Validated inputs under one policy: exactly one of ``issued`` and ``expires``, and options."""

    first_expiry: dt.date
    """Expiry of cycle 1: ``issued`` + one validity, or ``expires`` as printed on the card."""
    policy: Policy
    """The rules the permit was validated for; they also count its cycles."""
    issued: dt.date | None = None
    expires: dt.date | None = None
    card_received: dt.date | None = None
    changes: frozenset[Change] = field(default_factory=frozenset)
    cycles: int = DEFAULT_CYCLES
    source_rules: bool = True
    points: bool = True
    """Whether the holder has a points status (积分); without, the points events go."""

    @classmethod
    def create(
        cls,
        *,
        policy: object = DEFAULT_POLICY,
        issued: object = None,
        expires: object = None,
        card_received: object = None,
        changes: Iterable[object] = (),
        cycles: object = DEFAULT_CYCLES,
        source_rules: object = True,
        points: object = None,
    ) -> PermitInput:
        """Validate raw values (dates or ISO strings); raise a PermitcalError on bad input.

        ``policy`` is a key of :func:`permitcal.policies` or a Policy. ``points``
        defaults to true where the policy has points, and is an error where it has none.
        """
        rules = get_policy(policy)
        if issued is None and expires is None:
            raise InvalidInputError(
                "issued",
                "give the date the permit was issued or its expiry",
                reason="issued_or_expires",
            )
        if issued is not None and expires is not None:
            raise InvalidInputError(
                "expires",
                "give either the issue date or the expiry date, not both",
                reason="both_anchors",
            )
        if isinstance(cycles, bool) or not isinstance(cycles, int):
            raise InvalidInputError(
                "cycles", "must be a whole number", reason="not_whole_number", params=_text(cycles)
            )
        if not MIN_CYCLES <= cycles <= MAX_CYCLES:
            raise InvalidInputError(
                "cycles",
                f"must be between {MIN_CYCLES} and {MAX_CYCLES}, got {cycles}",
                reason="out_of_range",
                params={"value": cycles, "min": MIN_CYCLES, "max": MAX_CYCLES},
            )
        source = _flag("source_rules", source_rules)
        has_points = _points(rules, points)

        issued_date = None if issued is None else parse_date(issued, "issued")
        expires_date = None if expires is None else parse_date(expires, "expires")
        if issued_date is not None:
            _check_range("issued", issued_date, *DATE_LIMITS["issued"])
            first_expiry = _after_validity(rules, issued_date)
        else:
            assert expires_date is not None
            _check_range("expires", expires_date, *DATE_LIMITS["expires"])
            first_expiry = expires_date

        card = None if card_received is None else parse_date(card_received, "card_received")
        if card is not None:
            start = (
                issued_date if issued_date is not None else _before_validity(rules, first_expiry)
            )
            cycle_of_card(
                card,
                start,
                first_expiry,
                anchor="issued" if issued_date else "expires",
                policy=rules,
            )

        return cls(
            first_expiry=first_expiry,
            policy=rules,
            issued=issued_date,
            expires=expires_date,
            card_received=card,
            changes=parse_changes(changes, rules),
            cycles=cycles,
            source_rules=source,
            points=has_points,
        )

    def chain(self, *, with_card: bool = True) -> Iterator[CycleDates]:
        """The cycles from 0 upward; with the recorded card moving it where the policy says."""
        renewal = None
        if with_card and self.card_received is not None and self.policy.cycle.counts_from_renewal:
            renewal = (self.card_cycle() or 0, self.card_received)
        return chain(self.policy.cycle, self.start, self.first_expiry, renewal)

    def window(self, today: dt.date | None = None) -> list[CycleDates]:
        """The cycles shown: from the one live on ``today`` (else from cycle 1), ``cycles`` of them.

        The live cycle is the earliest whose late events are still ahead (the
        policy's ``live_until`` ≥ today), never one before the first expiry.
        """
        shown: list[CycleDates] = []
        for cycle in self.chain():
            if cycle.number == 0:
                continue
            # The live horizon only matters before the first cycle shown, given a today.
            if (
                not shown
                and today is not None
                and offset_day(self.policy.cycle.live_until, cycle) < today
            ):
                continue
            shown.append(cycle)
            if len(shown) == self.cycles:
                break
        return shown

    def expiries(self, today: dt.date | None = None) -> list[dt.date]:
        """The expiries of the cycles shown (see :meth:`window`)."""
        return [cycle.expiry for cycle in self.window(today)]

    def card_cycle(self) -> int | None:
        """The cycle whose renewal produced ``card_received`` (0: the one at ``start``)."""
        if self.card_received is None:
            return None
        return cycle_of_card(self.card_received, self.start, self.first_expiry, policy=self.policy)

    def cycle_expiry(self, cycle: int) -> dt.date:
        """The expiry of ``cycle`` in the chain: ``start`` for 0, ``first_expiry`` for 1, …"""
        for found in self.chain():
            if found.number == cycle:
                return found.expiry
        raise ValueError(f"no cycle {cycle}")  # beyond the last year a date can hold

    @property
    def start(self) -> dt.date:
        """When the current period began: ``issued``, or the expiry − one validity."""
        if self.issued is not None:
            return self.issued
        return _before_validity(self.policy, self.first_expiry)

    def canonical(self) -> str:
        """A stable text form of everything that affects the output; used for default UIDs."""
        anchor = f"issued={self.issued}" if self.issued else f"expires={self.expires}"
        changes = ",".join(sorted(c.value for c in self.changes))
        return (
            f"{anchor};card={self.card_received or ''};changes={changes};"
            f"cycles={self.cycles};source={int(self.source_rules)}"
            # Only when off: the default leaves every existing UID as it was.
            + ("" if self.points else ";points=0")
        )


def _after_validity(policy: Policy, day: dt.date) -> dt.date:
    for step in policy.cycle.validity:
        day = calendar_step(day, step)
    return day


def _before_validity(policy: Policy, day: dt.date) -> dt.date:
    for step in reversed(policy.cycle.validity):
        day = calendar_step(day, Step(-step.amount, step.unit))
    return day


def _points(policy: Policy, value: object) -> bool:
    """The ``points`` option: true by default where the policy has points; absent elsewhere."""
    if value is None:
        return policy.points
    has = _flag("points", value)
    if has and not policy.points:
        raise InvalidInputError(
            "points",
            f"the {policy.id} policy has no points (积分); leave the option out",
            reason="no_points",
            params={"policy": policy.id},
        )
    return has


def _check_range(field_name: str, value: dt.date, earliest: dt.date, latest: dt.date) -> None:
    if not earliest <= value <= latest:
        raise InvalidDateError(
            field_name,
            value,
            f"{value} is outside the supported range {earliest} to {latest}",
            reason="date_out_of_range",
            params={
                "date": value.isoformat(),
                "earliest": earliest.isoformat(),
                "latest": latest.isoformat(),
            },
        )


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(
            name, "must be true or false", reason="not_true_or_false", params=_text(value)
        )
    return value


def _text(value: object) -> dict[str, object]:
    """An error's ``text`` param: the value as given, when it was text."""
    return {"text": value} if isinstance(value, str) else {}
