"""A household's school steps: a child's stage and year, and which of its permits it depends on.

A step names its permits by position in the household while it is being
built (new permits have no key yet), and by key once stored; ``Household``
keeps the positions right when permits are removed.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.school import FIRST_YEAR, LAST_YEAR, parse_school
from permitcal.school_data import Stage

if TYPE_CHECKING:
    from permitcal.web.storage.household import Permit

__all__ = [
    "MAX_SCHOOLS",
    "SCHOOL_CITY",
    "School",
    "carry_schools",
    "new_school_key",
    "parse_school_params",
    "parse_schools",
]

MAX_SCHOOLS = 4
"""Two children, each with a step this year and the next: more is not one calendar's."""
SCHOOL_CITY = "shanghai"
"""The one city with school checkpoints; its permits are what a step depends on by default."""
_ENTRY_FIELDS = ("id", "stage", "year", "permits")
_STAGE_YEAR = re.compile(r"[a-z]+:[0-9]{4}")
_KEY_LETTERS = string.ascii_lowercase


def new_school_key(account: str) -> str:
    """A new school step's track key: ``s-<account>-k<5 letters>``.

    Under the account's prefix (CalDAV's sync tokens strip it), and never a
    permit's: those are ``s-<account>`` and ``s-<account>-p<5 letters>``.
    """
    return f"s-{account}-k" + "".join(secrets.choice(_KEY_LETTERS) for _ in range(5))


@dataclass(frozen=True, slots=True)
class School:
    """One school step: its track key (None until stored), stage, year, and the
    positions in the household of the permits it depends on."""

    key: str | None
    stage: Stage
    year: int
    permits: tuple[int, ...]


def parse_school_params(values: Sequence[str]) -> tuple[tuple[Stage, int], ...]:
    """``school`` query values (repeated and/or comma-separated ``STAGE:YEAR``), in order,
    each once; an empty value is ignored. Written exactly (no spaces, four-digit
    years), as the OpenAPI document's pattern says."""
    found: dict[tuple[Stage, int], None] = {}
    for value in values:
        if not value:
            continue
        for part in value.split(","):
            stage_year = parse_school(part)
            if not _STAGE_YEAR.fullmatch(part):  # " primary:2027", "primary:02027"
                raise InvalidInputError(
                    "school",
                    f"expected STAGE:YEAR such as primary:2027, not {part!r}",
                    reason="not_stage_year",
                    params={"text": part},
                )
            found[stage_year] = None
    if len(found) > MAX_SCHOOLS:
        raise _too_many("school")
    return tuple(found)


def parse_schools(
    entries: object,
    permits: Sequence[Permit],
    stored: Mapping[str, School] | None = None,
    stored_permits: Sequence[Permit] = (),
) -> tuple[School, ...]:
    """The ``schools`` list of an API body, its permit references resolved against
    ``permits`` (the household being written).

    A reference is a permit's ``id`` or, unique within a calendar, its
    ``label`` (new permits have no id yet); no ``permits`` means every
    Shanghai permit. An entry with an ``id`` keeps that stored step's key
    (``stored``, whose positions refer to ``stored_permits``) and, unless
    given, its stage, year and permits.
    """
    if not isinstance(entries, list):
        raise InvalidInputError("schools", "expected a list of school steps", reason="not_a_list")
    if len(entries) > MAX_SCHOOLS:
        raise _too_many("schools")
    stored = stored or {}
    schools: list[School] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        field = f"schools[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInputError(field, "expected a JSON object", reason="not_an_object")
        try:
            school = _entry(entry, permits, stored, stored_permits, seen)
        except PermitcalError as error:
            raise error.inside(field) from None
        if any((s.stage, s.year) == (school.stage, school.year) for s in schools):
            # The same checkpoints twice in one calendar: every event doubled.
            raise InvalidInputError(
                field,
                f"the calendar already has the {school.stage.value} step of {school.year}",
                reason="school_twice",
                params={"stage": school.stage.value, "year": school.year},
            )
        schools.append(school)
    return tuple(schools)


def _entry(
    entry: dict[str, Any],
    permits: Sequence[Permit],
    stored: Mapping[str, School],
    stored_permits: Sequence[Permit],
    seen: set[str],
) -> School:
    unknown = sorted(set(entry) - set(_ENTRY_FIELDS))
    if unknown:
        raise InvalidInputError(
            unknown[0],
            f"unknown field; a school step has: {', '.join(_ENTRY_FIELDS)}",
            reason="unknown_field",
            params={"known": list(_ENTRY_FIELDS)},
        )
    key = entry.get("id")
    before = None
    if key is not None:
        if not isinstance(key, str) or key not in stored or key in seen:
            raise InvalidInputError(
                "id", "no school step of this calendar has this id", reason="unknown_school"
            )
        seen.add(key)
        before = stored[key]
    stage = _stage(entry, before)
    year = _year(entry, before)
    if "permits" in entry:
        positions = _references(entry["permits"], permits)
    elif before is not None:
        positions = carry_positions(before.permits, stored_permits, permits)
        if not positions:
            raise _no_permit_left(stage, year)
    else:
        positions = tuple(i for i, p in enumerate(permits) if p.settings.policy == SCHOOL_CITY)
        if not positions:
            raise InvalidInputError(
                "permits",
                "the school checkpoints are Shanghai's, and this calendar has no Shanghai permit",
                reason="no_city_permit",
            )
    return School(key, stage, year, positions)


def _stage(entry: dict[str, Any], before: School | None) -> Stage:
    if "stage" not in entry and before is not None:
        return before.stage
    value = entry.get("stage")
    choices = [s.value for s in Stage]
    if value is None:
        raise InvalidInputError("stage", "a school step needs its stage", reason="required")
    if value not in choices:
        raise InvalidInputError(
            "stage",
            f"unknown stage {value!r}: one of {', '.join(choices)}",
            reason="not_one_of",
            params={"choices": choices, "text": str(value)},
        )
    return Stage(value)


def _year(entry: dict[str, Any], before: School | None) -> int:
    if "year" not in entry and before is not None:
        return before.year
    value = entry.get("year")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON has one kind of number: 2027.0 is 2027, as for cycles
    if value is None:
        raise InvalidInputError("year", "a school step needs its year", reason="required")
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not FIRST_YEAR <= value <= LAST_YEAR
    ):
        raise InvalidInputError(
            "year",
            f"the year must be a whole number {FIRST_YEAR}–{LAST_YEAR}, not {value!r}",
            reason="out_of_range",
            params={"min": FIRST_YEAR, "max": LAST_YEAR, "value": value},
        )
    return value


def _references(value: object, permits: Sequence[Permit]) -> tuple[int, ...]:
    """Positions of the permits named by id or label, each once, in the order given."""
    if not isinstance(value, list):
        raise InvalidInputError("permits", "expected a list of permits", reason="not_a_list")
    if not value:
        raise InvalidInputError(
            "permits", "a school step depends on at least one permit", reason="required"
        )
    positions: list[int] = []
    for index, reference in enumerate(value):
        found = _resolve(reference, permits)
        if found is None or found in positions:
            raise InvalidInputError(
                f"permits[{index}]",
                "no permit of this calendar has this id or label (or it is named twice)",
                reason="unknown_permit",
            )
        if permits[found].settings.policy != SCHOOL_CITY:
            raise InvalidInputError(
                f"permits[{index}]",
                f"the school checkpoints are Shanghai's, and {reference!r} is not a Shanghai "
                "permit",
                reason="wrong_city",
                params={"text": str(reference)},
            )
        positions.append(found)
    return tuple(positions)


def _resolve(reference: object, permits: Sequence[Permit]) -> int | None:
    if not isinstance(reference, str):
        return None
    for index, permit in enumerate(permits):
        if permit.key is not None and permit.key == reference:
            return index
    labels = [index for index, p in enumerate(permits) if p.label and p.label == reference]
    return labels[0] if len(labels) == 1 else None


def carry_positions(
    positions: Sequence[int], before: Sequence[Permit], after: Sequence[Permit]
) -> tuple[int, ...]:
    """``positions`` among ``before`` as positions among ``after``, by permit key; a permit
    no longer there is left out."""
    now = {p.key: index for index, p in enumerate(after) if p.key is not None}
    keys = [before[i].key for i in positions]
    return tuple(now[k] for k in keys if k is not None and k in now)


def carry_schools(
    schools: Sequence[School], before: Sequence[Permit], after: Sequence[Permit]
) -> tuple[School, ...]:
    """The school steps of a household whose permits went from ``before`` to ``after``.

    A removed permit leaves the steps that depended on it; a step left with no
    permit is refused (the holder removes the step, or names another permit,
    in the same request), never dropped silently.
    """
    carried = []
    for index, school in enumerate(schools):
        positions = carry_positions(school.permits, before, after)
        if not positions:
            raise _no_permit_left(school.stage, school.year).inside(f"schools[{index}]")
        carried.append(
            School(school.key, school.stage, school.year, positions)
            if positions != school.permits
            else school
        )
    return tuple(carried)


def _no_permit_left(stage: Stage, year: int) -> InvalidInputError:
    return InvalidInputError(
        "permits",
        f"the school step {stage.value}:{year} would depend on no permit: remove the step "
        "or name another permit in the same request",
        reason="school_needs_a_permit",
        params={"stage": stage.value, "year": year},
    )


def _too_many(field: str) -> InvalidInputError:
    return InvalidInputError(
        field,
        f"one calendar holds at most {MAX_SCHOOLS} school steps",
        reason="too_many_schools",
        params={"max": MAX_SCHOOLS},
    )
