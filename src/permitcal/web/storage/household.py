"""A household: the 1 to 6 permits of one calendar, each with its label, policy and dates,
and the 0 to 4 school steps that depend on them."""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.school import SchoolTrack
from permitcal.settings_schema import FEED_NAMES, PERMIT_NAMES
from permitcal.tracks import MAX_PERMITS, Track, check_household, check_label
from permitcal.web.storage.schools import (
    MAX_SCHOOLS,
    SCHOOL_CITY,
    School,
    carry_schools,
    parse_schools,
)
from permitcal.web.storage.settings import FeedSettings

__all__ = ["MAX_PERMITS", "Household", "Permit", "new_permit_key"]

_KEY_LETTERS = string.ascii_lowercase


def new_permit_key(account: str) -> str:
    """A new permit's track key: ``s-<account>-p<5 letters>``.

    Under the account's prefix (CalDAV's sync tokens strip it), and never
    ambiguous with the first permit's UIDs ``s-<account>-<expiry digits>-…``
    because it continues with a letter.
    """
    return f"s-{account}-p" + "".join(secrets.choice(_KEY_LETTERS) for _ in range(5))


@dataclass(frozen=True, slots=True)
class Permit:
    """One permit of a household: its track key (None until stored), label and settings.

    ``settings`` is complete: its calendar-wide fields (language, reminders, …)
    are the household's, the same in every permit.
    """

    key: str | None
    label: str
    settings: FeedSettings

    def to_json(self) -> dict[str, Any]:
        values = self.settings.to_json()
        return {
            "id": self.key,
            "label": self.label,
            **{name: values[name] for name in PERMIT_NAMES},
        }


@dataclass(frozen=True, slots=True)
class Household:
    """The permits of one calendar, in the order their holder gave them, and its school
    steps (each naming its permits by position in ``permits``)."""

    permits: tuple[Permit, ...]
    schools: tuple[School, ...] = ()

    def __post_init__(self) -> None:
        check_household([p.label for p in self.permits])
        shared = _feed_part(self.permits[0].settings)
        if any(_feed_part(p.settings) != shared for p in self.permits):
            raise ValueError("the permits of one calendar share its calendar-wide settings")
        if len(self.schools) > MAX_SCHOOLS or any(
            not s.permits or not all(0 <= i < len(self.permits) for i in s.permits)
            for s in self.schools
        ):
            raise ValueError("school steps name 1 or more of the household's permits, 4 at most")

    @classmethod
    def single(cls, settings: FeedSettings, key: str | None = None, label: str = "") -> Household:
        return cls((Permit(key, label, settings),))

    @property
    def settings(self) -> FeedSettings:
        """The calendar-wide settings (and the first permit's own)."""
        return self.permits[0].settings

    @property
    def labels(self) -> dict[str, str]:
        """Track key -> label for the titles: only when there is more than one permit."""
        if len(self.permits) == 1:
            return {}
        return {p.key: p.label for p in self.permits if p.key}

    def tracks(self) -> list[Track]:
        """One track per stored permit (a stored card that fits no renewal left out)."""
        return [Track(p.key, p.settings.permit(stored=True)) for p in self.permits if p.key]

    def school_tracks(self) -> list[SchoolTrack]:
        """One track per stored school step, naming its stored Shanghai permits by key;
        warnings name a permit by its label when there are several.

        A permit moved to another policy since (a path that does not check the
        steps) is left out rather than fail the feed; a step left with none too.
        """
        labels = self.labels
        found = []
        for school in self.schools:
            keys = tuple(
                key
                for i in school.permits
                if (key := self.permits[i].key) and self.permits[i].settings.policy == SCHOOL_CITY
            )
            if school.key and keys:
                found.append(
                    SchoolTrack(school.key, school.stage, school.year, keys, labels=labels)
                )
        return found

    def school_json(self, school: School) -> dict[str, Any]:
        return {
            "id": school.key,
            "stage": school.stage.value,
            "year": school.year,
            "permits": [self.permits[i].key for i in school.permits],
        }

    def with_feed(self, feed: FeedSettings) -> Household:
        """Every permit with ``feed``'s calendar-wide settings."""
        shared = _feed_part(feed)
        return Household(
            tuple(replace(p, settings=replace(p.settings, **shared)) for p in self.permits),
            self.schools,
        )

    def replaced(self, key: str, permit: Permit | None) -> Household:
        """With the permit of ``key`` replaced, or removed when ``permit`` is None (a school
        step depending on it then depends on its other permits; on none: refused)."""
        kept = tuple(p for p in (permit if p.key == key else p for p in self.permits) if p)
        return Household(kept, carry_schools(self.schools, self.permits, kept))

    def added(self, permit: Permit) -> Household:
        return Household((*self.permits, permit), self.schools)

    def with_schools(self, schools: tuple[School, ...]) -> Household:
        return Household(self.permits, schools)

    def by_key(self, key: str) -> Permit | None:
        return next((p for p in self.permits if p.key == key), None)

    @classmethod
    def from_json(cls, body: object, base: Household | None = None) -> Household:
        """From an API body: today's single-permit fields, or ``permits`` and calendar fields.

        With ``base`` (PATCH): calendar fields merge onto it; ``permits``, when
        given, is the whole new list, where an entry with an ``id`` changes that
        stored permit (only the fields it names) and one without is a new
        permit; a stored permit not listed is removed. Top-level permit fields
        in a PATCH change the only permit (with several, name it in ``permits``).
        """
        if not isinstance(body, dict):
            raise InvalidInputError("body", "expected a JSON object", reason="not_an_object")
        if "schools" not in body:
            return cls._permits_from_json(body, base)
        # The new list replaces the stored steps: they are not carried over first.
        found = cls._permits_only({k: v for k, v in body.items() if k != "schools"}, base)
        stored = {s.key: s for s in base.schools if s.key} if base else {}
        return found.with_schools(
            parse_schools(body["schools"], found.permits, stored, base.permits if base else ())
        )

    @classmethod
    def _permits_from_json(cls, body: dict[str, Any], base: Household | None) -> Household:
        """The permits (and calendar fields) of a body; a PATCH's stored school steps carried
        over to them."""
        if base is None:
            return cls._permits_only(body, None)
        found = cls._permits_only(body, base)
        return found.with_schools(carry_schools(base.schools, base.permits, found.permits))

    @classmethod
    def _permits_only(cls, body: dict[str, Any], base: Household | None) -> Household:
        if "permits" not in body:
            if base is not None and len(base.permits) > 1 and set(body) & set(PERMIT_NAMES):
                raise InvalidInputError(
                    "permits",
                    "this calendar holds several permits: change one inside 'permits', by its id",
                    reason="name_the_permit",
                )
            if base is None:
                return cls.single(FeedSettings.from_json(body))
            first = base.permits[0]
            settings = FeedSettings.from_json(body, base=first.settings)
            others = base.with_feed(settings).permits[1:]
            return Household((replace(first, settings=settings), *others))
        return _household_from_json(body, base)


def _household_from_json(body: dict[str, Any], base: Household | None) -> Household:
    entries = body["permits"]
    mixed = sorted(set(body) & set(PERMIT_NAMES))
    if mixed:
        raise InvalidInputError(
            mixed[0],
            "with 'permits', each permit's fields go inside its entry",
            reason="inside_permits",
        )
    if not isinstance(entries, list):
        raise InvalidInputError("permits", "expected a list of permits", reason="not_a_list")
    calendar = {name: body[name] for name in body if name != "permits"}
    shared = FeedSettings.from_json(calendar, base=base.settings if base else None, whole=False)
    stored = {p.key: p for p in base.permits} if base else {}
    permits = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        field = f"permits[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInputError(field, "expected a JSON object", reason="not_an_object")
        fields = {k: v for k, v in entry.items() if k not in ("id", "label")}
        unknown = sorted(set(fields) - set(PERMIT_NAMES))
        if unknown:
            raise InvalidInputError(
                f"{field}.{unknown[0]}",
                f"unknown field; a permit has: id, label, {', '.join(PERMIT_NAMES)}",
                reason="unknown_field",
                params={"known": ["id", "label", *PERMIT_NAMES]},
            )
        key = entry.get("id")
        if key is not None and (key not in stored or key in seen):
            raise InvalidInputError(
                f"{field}.id", "no permit of this calendar has this id", reason="unknown_permit"
            )
        try:
            if key is not None:
                seen.add(key)
                before = stored[key]
                own = FeedSettings.from_json(
                    fields, base=replace(before.settings, **_feed_part(shared))
                )
                label = check_label(entry.get("label", before.label))
            else:
                own = FeedSettings.from_json({**calendar_json(shared), **fields})
                label = check_label(entry.get("label", ""))
        except PermitcalError as error:
            raise error.inside(field) from None
        permits.append(Permit(key, label, own))
    return Household(tuple(permits))


def calendar_json(settings: FeedSettings) -> dict[str, Any]:
    """The calendar-wide fields of ``settings`` as JSON."""
    values = settings.to_json()
    return {name: values[name] for name in FEED_NAMES}


def _feed_part(settings: FeedSettings) -> Mapping[str, Any]:
    return {name: getattr(settings, name) for name in FEED_NAMES}
