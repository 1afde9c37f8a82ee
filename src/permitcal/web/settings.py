"""A subscription's settings and their validation from JSON, query strings and forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from permitcal.errors import InvalidInputError
from permitcal.ical import DEFAULT_ALARMS, parse_alarms, parse_lang
from permitcal.inputs import DEFAULT_CYCLES, PermitInput, parse_changes, parse_date
from permitcal.policy import Change, Lang

__all__ = ["FIELDS", "FeedSettings"]

FIELDS = (
    "issued",
    "expires",
    "card_received",
    "changes",
    "cycles",
    "lang",
    "alarms",
    "source_rules",
)
_DATE_FIELDS = ("issued", "expires", "card_received")
_WHOLE_NUMBER = re.compile(r"([0-9]{1,4})(?:\.0+)?", re.ASCII)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """Everything a stored or ad-hoc feed depends on; no personal data beyond the dates."""

    issued: dt.date | None = None
    expires: dt.date | None = None
    card_received: dt.date | None = None
    changes: frozenset[Change] = field(default_factory=frozenset)
    cycles: int = DEFAULT_CYCLES
    lang: Lang = "zh"
    alarms: tuple[int, ...] = DEFAULT_ALARMS
    source_rules: bool = True

    def permit(self) -> PermitInput:
        """The library's validated input; raises PermitcalError when inconsistent."""
        return PermitInput.create(
            issued=self.issued,
            expires=self.expires,
            card_received=self.card_received,
            changes=self.changes,
            cycles=self.cycles,
            source_rules=self.source_rules,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "issued": _iso(self.issued),
            "expires": _iso(self.expires),
            "card_received": _iso(self.card_received),
            "changes": sorted(c.value for c in self.changes),
            "cycles": self.cycles,
            "lang": self.lang,
            "alarms": list(self.alarms),
            "source_rules": self.source_rules,
        }

    @classmethod
    def from_json(cls, body: object, base: FeedSettings | None = None) -> FeedSettings:
        """From a JSON object; with ``base``, a partial update (PATCH) of it.

        Types are strict (a number is not a date, a string is not a number),
        unknown fields are refused, and the result is checked as a whole.
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
        values: dict[str, Any] = {}
        for name in _DATE_FIELDS:
            if name in body:
                raw = body[name]
                if raw is not None and not isinstance(raw, str):
                    raise InvalidInputError(
                        name, "expected a date string YYYY-MM-DD or null", reason="not_a_date"
                    )
                values[name] = None if raw is None else parse_date(raw, name)
        if "changes" in body:
            if not isinstance(body["changes"], list):
                raise InvalidInputError(
                    "changes", "expected a list of change names", reason="not_a_list"
                )
            values["changes"] = parse_changes(body["changes"])
        if "cycles" in body:
            cycles = _json_whole_number(body["cycles"])
            if isinstance(cycles, bool) or not isinstance(cycles, int):
                raise InvalidInputError(
                    "cycles",
                    "expected a whole number",
                    reason="not_whole_number",
                    params={"text": cycles} if isinstance(cycles, str) else {},
                )
            values["cycles"] = cycles
        if "lang" in body:
            values["lang"] = parse_lang(body["lang"])
        if "alarms" in body:
            if not isinstance(body["alarms"], list):
                raise InvalidInputError(
                    "alarms", "expected a list of whole numbers of days", reason="not_a_list"
                )
            values["alarms"] = parse_alarms([_json_whole_number(v) for v in body["alarms"]])
        if "source_rules" in body:
            if not isinstance(body["source_rules"], bool):
                raise InvalidInputError(
                    "source_rules", "expected true or false", reason="not_true_or_false"
                )
            values["source_rules"] = body["source_rules"]
        if base is not None:
            # Giving one anchor replaces the other, so a PATCH can switch between them.
            if "issued" in values and values["issued"] is not None and "expires" not in values:
                values["expires"] = None
            if "expires" in values and values["expires"] is not None and "issued" not in values:
                values["issued"] = None
        return (replace(base, **values) if base else cls(**values)).checked()

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
        values: dict[str, Any] = {}
        for name in _DATE_FIELDS:
            if data.get(name, "").strip():
                values[name] = parse_date(data[name], name)
        if data.get("changes", "").strip():
            values["changes"] = parse_changes(_split(data["changes"]))
        if data.get("cycles", "").strip():
            values["cycles"] = _whole_number("cycles", data["cycles"])
        if data.get("lang", "").strip():
            values["lang"] = parse_lang(data["lang"].strip())
        if "alarms" in data:
            values["alarms"] = parse_alarms(
                [_whole_number("alarms", part) for part in _split(data["alarms"])]
            )
        if "source_rules" in data:
            values["source_rules"] = _boolean("source_rules", data["source_rules"])
        return cls(**values).checked()

    def checked(self) -> FeedSettings:
        """Self, after checking the settings together (one anchor, card after issue, …)."""
        self.permit()
        return self


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


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
