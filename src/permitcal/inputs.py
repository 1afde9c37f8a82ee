"""What a person tells permitcal, validated once at the edge of the library."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict

from dateutil.relativedelta import relativedelta

from permitcal.errors import InvalidDateError, InvalidInputError
from permitcal.policy import Change
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

ONE_YEAR = relativedelta(years=1)

# Late renewal is possible up to 90 days after an expiry (R5): until then a
# cycle is still live. The window to renew opens 30 days before it (R2).
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


def parse_changes(values: Iterable[object]) -> frozenset[Change]:
    """Material changes from their names (``"address"``, ``"employer"``, …)."""
    if isinstance(values, str | bytes):
        raise InvalidInputError("changes", "expected a list of change names", reason="not_a_list")
    changes = set()
    for value in values:
        if isinstance(value, Change):
            changes.add(value)
            continue
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            changes.add(Change(value))
        except ValueError:
            known = [c.value for c in Change]
            raise InvalidInputError(
                "changes",
                f"unknown change {value!r}; known changes: {', '.join(known)}",
                reason="not_one_of",
                params={"choices": known, **_text(value)},
            ) from None
    return frozenset(changes)


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
    """Validated inputs: exactly one of ``issued`` and ``expires``, and the options."""

    first_expiry: dt.date
    """Expiry of cycle 1: ``issued`` + 1 year, or ``expires`` as printed on the card."""
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
        issued: object = None,
        expires: object = None,
        card_received: object = None,
        changes: Iterable[object] = (),
        cycles: object = DEFAULT_CYCLES,
        source_rules: object = True,
        points: object = True,
    ) -> PermitInput:
        """Validate raw values (dates or ISO strings); raise a PermitcalError on bad input."""
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
        source, has_points = _flag("source_rules", source_rules), _flag("points", points)

        issued_date = None if issued is None else parse_date(issued, "issued")
        expires_date = None if expires is None else parse_date(expires, "expires")
        if issued_date is not None:
            _check_range("issued", issued_date, *DATE_LIMITS["issued"])
            first_expiry = issued_date + ONE_YEAR
        else:
            assert expires_date is not None
            _check_range("expires", expires_date, *DATE_LIMITS["expires"])
            first_expiry = expires_date

        card = None if card_received is None else parse_date(card_received, "card_received")
        if card is not None:
            start = issued_date if issued_date is not None else first_expiry - ONE_YEAR
            cycle_of_card(card, start, first_expiry, anchor="issued" if issued_date else "expires")

        return cls(
            first_expiry=first_expiry,
            issued=issued_date,
            expires=expires_date,
            card_received=card,
            changes=parse_changes(changes),
            cycles=cycles,
            source_rules=source,
            points=has_points,
        )

    def expiries(self, today: dt.date | None = None) -> list[dt.date]:
        """The expiries of the cycles shown: from the live one on ``today``, else from the first.

        The live cycle is the earliest whose late-renewal events are still
        ahead (expiry + 90 days ≥ today), never one before the first expiry.
        """
        first = self.first_expiry
        if today is not None:
            while first + LATE_RENEWAL_LIMIT < today:
                first += ONE_YEAR
        return expiries(first, self.cycles)

    def card_cycle(self) -> int | None:
        """The cycle whose renewal produced ``card_received`` (0: the one at ``start``)."""
        if self.card_received is None:
            return None
        return cycle_of_card(self.card_received, self.start, self.first_expiry)

    def cycle_expiry(self, cycle: int) -> dt.date:
        """The expiry of ``cycle`` in the chain: ``start`` for 0, ``first_expiry`` for 1, …"""
        if cycle == 0:
            return self.start
        expiry = self.first_expiry
        for _ in range(cycle - 1):
            expiry += ONE_YEAR  # one step at a time: 29 Feb → 28 Feb, then stays
        return expiry

    @property
    def start(self) -> dt.date:
        """When the current period began: ``issued``, or the expiry − 1 year."""
        return self.issued if self.issued is not None else self.first_expiry - ONE_YEAR

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


def expiries(first: dt.date, cycles: int) -> list[dt.date]:
    """Each cycle's expiry is one year after the previous one (29 Feb → 28 Feb, then stays)."""
    result = [first]
    for _ in range(cycles - 1):
        result.append(result[-1] + ONE_YEAR)
    return result


# The reasons for which a card fits no renewal of the chain (a stored card may
# carry one from before the rule: it is then treated as absent, not an error).
CARD_SPAN_REASONS = frozenset({"before_issued", "card_outside_renewal"})

# Beyond this the chain would step past the last year a date can hold; no
# renewal span of a supported permit comes near it.
_LAST_CHAIN_YEAR = 9990


def cycle_of_card(
    card: dt.date, start: dt.date, first_expiry: dt.date, *, anchor: str = "issued"
) -> int:
    """The cycle whose renewal span (E − 30 days … E + 90 days) holds ``card``.

    Cycle 0 is the renewal at ``start`` (when the current period began),
    cycle 1 the one at ``first_expiry``, each later one a year after the
    previous (29 Feb → 28 Feb, then stays). The spans are 120 days wide and a
    year apart, so at most one holds the card; a card in none is not a renewal
    (RULES.md, "Dates a real card cannot carry"), and guessing the nearest
    cycle would take away that cycle's late-renewal warnings.
    """
    earliest = start - RENEWAL_WINDOW
    if card < earliest:
        what = "issued" if anchor == "issued" else "took effect (expiry − 1 year)"
        raise InvalidDateError(
            "card_received",
            card,
            f"{card} is more than 30 days before the permit {what} ({start})",
            reason="before_issued",
            params={
                "date": card.isoformat(),
                "start": start.isoformat(),
                "earliest": earliest.isoformat(),
                "days": RENEWAL_WINDOW.days,
                "anchor": anchor,
            },
        )
    cycle, expiry, previous = 0, start, start
    while card > expiry + LATE_RENEWAL_LIMIT:
        previous = expiry
        expiry = first_expiry if cycle == 0 else expiry + ONE_YEAR
        cycle += 1
        if card < expiry - RENEWAL_WINDOW or expiry.year >= _LAST_CHAIN_YEAR:
            late_until = previous + LATE_RENEWAL_LIMIT
            opens = expiry - RENEWAL_WINDOW
            raise InvalidDateError(
                "card_received",
                card,
                f"{card} falls in no renewal: the permit expiring on {previous} could be "
                f"renewed until {late_until}, the next renewal opens on {opens} (30 days "
                f"before {expiry}). A card received more than 90 days after an expiry is "
                "a new permit: enter its date as the issue date",
                reason="card_outside_renewal",
                params={
                    "date": card.isoformat(),
                    "expiry_before": previous.isoformat(),
                    "late_until": late_until.isoformat(),
                    "next_expiry": expiry.isoformat(),
                    "window_opens": opens.isoformat(),
                },
            )
    return cycle


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
