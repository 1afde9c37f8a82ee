"""A subscription's settings, read from and written to JSON, text and rows by the settings table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from permitcal.errors import InvalidDateError, InvalidInputError
from permitcal.ical import parse_alarms, parse_lang
from permitcal.inputs import CARD_SPAN_REASONS, PermitInput, parse_changes, parse_date
from permitcal.policy import DEFAULT_POLICY, Change, Lang, Policy, get_policy
from permitcal.settings_schema import (
    DEFAULT_ALARMS,
    DEFAULT_CYCLES,
    DEFAULT_LANG,
    NAMES,
    SETTINGS,
    Setting,
)

__all__ = ["FIELDS", "FeedSettings"]

FIELDS = NAMES
_WHOLE_NUMBER = re.compile(r"([0-9]{1,4})(?:\.0+)?", re.ASCII)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# What a list setting's JSON must be, in the words of its not_a_list error.
_LIST_OF = {"changes": "change names", "alarms": "whole numbers of days"}


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """Everything a stored or ad-hoc feed depends on; no personal data beyond the dates.

    One attribute per entry of :data:`permitcal.settings_schema.SETTINGS`, in
    its order and with its defaults (a test holds them together).
    """

    issued: dt.date | None = None
    expires: dt.date | None = None
    card_received: dt.date | None = None
    changes: frozenset[Change] = field(default_factory=frozenset)
    cycles: int = DEFAULT_CYCLES
    lang: Lang = DEFAULT_LANG
    alarms: tuple[int, ...] = DEFAULT_ALARMS
    source_rules: bool = True
    points: bool = True
    policy: str = DEFAULT_POLICY
    """The key of the policy (stored rows from before there were several: Shanghai's)."""

    @property
    def rules(self) -> Policy:
        """The policy the key names."""
        return get_policy(self.policy)

    def permit(self, *, stored: bool = False) -> PermitInput:
        """The library's validated input; raises PermitcalError when inconsistent.

        With ``stored``, a card that fits no renewal of the chain is left out
        instead: it may have been stored before that rule, and a stored feed
        must always render (the manage page asks to correct it, see
        :meth:`card_problem`).
        """
        try:
            return self._permit(self.card_received)
        except InvalidDateError as error:
            if not stored or not _card_fits_no_renewal(error):
                raise
            return self._permit(None)

    def card_problem(self) -> InvalidDateError | None:
        """Why the stored card is left out of the feed, or None when it is used (or absent)."""
        try:
            self._permit(self.card_received)
        except InvalidDateError as error:
            if _card_fits_no_renewal(error):
                return error
        return None

    def _permit(self, card: dt.date | None) -> PermitInput:
        return PermitInput.create(
            issued=self.issued,
            expires=self.expires,
            card_received=card,
            changes=self.changes,
            cycles=self.cycles,
            source_rules=self.source_rules,
            points=self.points,
            policy=self.policy,
        )

    def to_json(self) -> dict[str, Any]:
        return {s.name: _json_value(s, getattr(self, s.name)) for s in SETTINGS}

    def to_row(self) -> dict[str, Any]:
        """The store's columns: lists as comma-separated text, the rest as they are."""
        return {s.name: _row_value(s, getattr(self, s.name)) for s in SETTINGS}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> FeedSettings:
        """From the store's columns (trusted: written by :meth:`to_row`)."""
        return cls(**{s.name: _from_row(s, row[s.name]) for s in SETTINGS})

    @classmethod
    def from_json(
        cls, body: object, base: FeedSettings | None = None, *, whole: bool = True
    ) -> FeedSettings:
        """From a JSON object; with ``base``, a partial update (PATCH) of it.

        Types are strict (a number is not a date, a string is not a number),
        unknown fields are refused, and the result is checked as a whole
        (unless not ``whole``: a household's calendar-wide fields, without a permit).
        """
        if not isinstance(body, dict):
            raise InvalidInputError("body", "expected a JSON object", reason="not_an_object")
        for name in body:
            if name not in FIELDS:
                raise InvalidInputError(
                    name,
                    f"unknown field; known fields: {', '.join(FIELDS)}",
                    reason="unknown_field",
                    params={"known": list(FIELDS)},
                )
        values: dict[str, Any] = {
            s.name: _from_json(s, body[s.name]) for s in SETTINGS if s.name in body
        }
        if base is not None:
            # Giving one anchor replaces the other, so a PATCH can switch between them.
            if "issued" in values and values["issued"] is not None and "expires" not in values:
                values["expires"] = None
            if "expires" in values and values["expires"] is not None and "issued" not in values:
                values["issued"] = None
        found = replace(base, **values) if base else cls(**values)
        if not whole:
            return found
        return _without_points(found, "points" in values).checked()

    @classmethod
    def from_strings(
        cls, data: Mapping[str, str], *, allowed: tuple[str, ...] = FIELDS
    ) -> FeedSettings:
        """From query-string or form values (all text).

        Empty values count as absent, except for ``alarms`` (empty: no
        reminders) and ``source_rules`` (empty: false, an unticked box).
        """
        for name in data:
            if name not in allowed:
                raise InvalidInputError(
                    name,
                    f"unknown parameter; known: {', '.join(allowed)}",
                    reason="unknown_field",
                    params={"known": list(allowed)},
                )
        values: dict[str, Any] = {
            s.name: _from_text(s, data[s.name])
            for s in SETTINGS
            if s.name in data and (data[s.name].strip() or _empty_is_a_value(s))
        }
        return _without_points(cls(**values), "points" in values).checked()

    def checked(self) -> FeedSettings:
        """Self, after checking the settings together (one anchor, card after issue, …)."""
        self.permit()
        return self


def _without_points(settings: FeedSettings, asked: bool) -> FeedSettings:
    """Under a policy without points the option is off; asking for points there is an error."""
    if settings.rules.points or not settings.points:
        return settings
    if asked:
        raise InvalidInputError(
            "points",
            f"the {settings.policy} policy has no points (积分); leave the option out",
            reason="no_points",
            params={"policy": settings.policy},
        )
    return replace(settings, points=False)


def _card_fits_no_renewal(error: InvalidDateError) -> bool:
    return error.field == "card_received" and error.reason in CARD_SPAN_REASONS


def _empty_is_a_value(setting: Setting) -> bool:
    """Whether empty text is a value (no alarms; an unticked box), not "use the default"."""
    return setting.kind in ("days", "flag")


def _from_json(setting: Setting, raw: object) -> object:
    name = setting.name
    match setting.kind:
        case "date":
            if raw is not None and not isinstance(raw, str):
                raise InvalidInputError(
                    name, "expected a date string YYYY-MM-DD or null", reason="not_a_date"
                )
            return None if raw is None else parse_date(raw, name)
        case "names" | "days":
            if not isinstance(raw, list):
                raise InvalidInputError(
                    name, f"expected a list of {_LIST_OF[name]}", reason="not_a_list"
                )
            if setting.kind == "names":
                return parse_changes(raw)
            return parse_alarms([_json_whole_number(v) for v in raw])
        case "whole":
            number = _json_whole_number(raw)
            if isinstance(number, bool) or not isinstance(number, int):
                raise InvalidInputError(
                    name,
                    "expected a whole number",
                    reason="not_whole_number",
                    params={"text": number} if isinstance(number, str) else {},
                )
            return number  # its range is the library's to check, with the rest
        case "choice":
            return _choice(name, raw)
        case "flag":
            if not isinstance(raw, bool):
                raise InvalidInputError(name, "expected true or false", reason="not_true_or_false")
            return raw


def _from_text(setting: Setting, text: str) -> object:
    name = setting.name
    match setting.kind:
        case "date":
            return parse_date(text, name)
        case "names":
            return parse_changes(_split(text))
        case "whole":
            return _whole_number(name, text)
        case "choice":
            return _choice(name, text.strip())
        case "days":
            return parse_alarms([_whole_number(name, part) for part in _split(text)])
        case "flag":
            return _boolean(name, text)


def _choice(name: str, raw: object) -> str:
    """A ``choice`` setting's value: the calendar's language, or a policy's key."""
    if name == "policy":
        return get_policy(raw).id
    return parse_lang(raw)


def _json_value(setting: Setting, value: Any) -> object:
    match setting.kind:
        case "date":
            return None if value is None else value.isoformat()
        case "names":
            return sorted(c.value for c in value)
        case "days":
            return list(value)
    return value


def _row_value(setting: Setting, value: Any) -> object:
    match setting.kind:
        case "names":
            return ",".join(sorted(c.value for c in value))
        case "days":
            return ",".join(str(a) for a in value)
    return value


def _from_row(setting: Setting, value: Any) -> Any:
    match setting.kind:
        case "names":
            return frozenset(Change(c) for c in value.split(",") if c)
        case "days":
            return tuple(int(a) for a in value.split(",") if a)
        case "flag":
            return bool(value)  # SQLite hands back 0 and 1
    return value


def _json_whole_number(value: object) -> object:
    """3.0 as 3: JSON has one kind of number, and JSON Schema counts 3.0 as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _whole_number(name: str, text: str) -> int:
    # "5.0" is 5, as in JSON bodies (JSON Schema's integer includes it); "5.5" is not.
    match = _WHOLE_NUMBER.fullmatch(text.strip())
    if match is None:
        raise InvalidInputError(
            name,
            f"{text.strip()!r} is not a whole number",
            reason="not_whole_number",
            params={"text": text},
        )
    return int(match.group(1))


def _boolean(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInputError(
        name, f"{text!r} is not true or false", reason="not_true_or_false", params={"text": text}
    )
