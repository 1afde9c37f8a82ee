"""A household: the 1 to 6 permits of one calendar, each with its label, policy and dates."""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.settings_schema import FEED_NAMES, PERMIT_NAMES
from permitcal.tracks import MAX_PERMITS, Track, check_household, check_label
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
    """The permits of one calendar, in the order their holder gave them."""

    permits: tuple[Permit, ...]

    def __post_init__(self) -> None:
        check_household([p.label for p in self.permits])
        shared = _feed_part(self.permits[0].settings)
        if any(_feed_part(p.settings) != shared for p in self.permits):
            raise ValueError("the permits of one calendar share its calendar-wide settings")

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

    def with_feed(self, feed: FeedSettings) -> Household:
        """Every permit with ``feed``'s calendar-wide settings."""
        shared = _feed_part(feed)
        return Household(
            tuple(replace(p, settings=replace(p.settings, **shared)) for p in self.permits)
        )

    def replaced(self, key: str, permit: Permit | None) -> Household:
        """With the permit of ``key`` replaced, or removed when ``permit`` is None."""
        kept = [permit if p.key == key else p for p in self.permits]
        return Household(tuple(p for p in kept if p is not None))

    def added(self, permit: Permit) -> Household:
        return Household((*self.permits, permit))

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
