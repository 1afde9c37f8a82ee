"""Layer 3: what a rendering depends on besides the deadlines: identity, language, alarms."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from permitcal._version import __version__
from permitcal.errors import InvalidInputError
from permitcal.inputs import PermitInput
from permitcal.policy import DEFAULT_POLICY, Lang, Policy, get_policy
from permitcal.settings_schema import (
    DEFAULT_ALARMS,
    LANGS,
    MAX_ALARM_DAYS,
    MAX_ALARMS,
    MIN_ALARM_DAYS,
)
from permitcal.tracks import check_key, check_label

__all__ = ["DEFAULT_PRODID", "RenderOptions", "default_identity", "parse_alarms", "parse_lang"]

DEFAULT_PRODID = f"-//permitcal//permitcal {__version__}//ZH"


def parse_lang(value: object) -> Lang:
    """``"zh"``, ``"en"`` or ``"both"``; anything else is an error."""
    for lang in LANGS:
        if value == lang:
            return lang
    raise InvalidInputError(
        "lang",
        f"must be one of {', '.join(LANGS)}; got {value!r}",
        reason="not_one_of",
        params={"choices": list(LANGS), **_text(value)},
    )


def parse_alarms(values: Iterable[object]) -> tuple[int, ...]:
    """Reminder offsets in days before a deadline, largest first, without repeats."""
    if isinstance(values, str | bytes):
        raise InvalidInputError(
            "alarms", "expected a list of whole numbers of days", reason="not_a_list"
        )
    values = list(values)
    # The count is of entries given, not of distinct days: what a list's maxItems says.
    if len(values) > MAX_ALARMS:
        raise InvalidInputError(
            "alarms",
            f"at most {MAX_ALARMS} reminders",
            reason="too_many",
            params={"count": len(values), "max": MAX_ALARMS},
        )
    days: set[int] = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(
                "alarms",
                f"{value!r} is not a whole number of days",
                reason="not_whole_number",
                params=_text(value),
            )
        if not MIN_ALARM_DAYS <= value <= MAX_ALARM_DAYS:
            raise InvalidInputError(
                "alarms",
                f"{value} is outside {MIN_ALARM_DAYS} to {MAX_ALARM_DAYS} days before a deadline",
                reason="out_of_range",
                params={"value": value, "min": MIN_ALARM_DAYS, "max": MAX_ALARM_DAYS},
            )
        days.add(value)
    return tuple(sorted(days, reverse=True))


def _text(value: object) -> dict[str, object]:
    """An error's ``text`` param: the value as given, when it was text."""
    return {"text": value} if isinstance(value, str) else {}


def default_identity(permit: PermitInput, policy: object = None) -> str:
    """A UID prefix (track key) derived from the inputs, for callers with no stored identity.

    ``policy`` is the permit's own by default (the one it was validated for).
    """
    rules = permit.policy if policy is None else get_policy(policy)
    digest = hashlib.sha256(f"{rules.id};{permit.canonical()}".encode()).hexdigest()
    return f"in-{digest[:24]}"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Everything besides the deadlines that the bytes depend on."""

    identity: str
    """Stable per subscription: the track key of events computed without a track, so
    their UIDs are ``<identity>-<expiry YYYYMMDD>-<rule>@permitcal`` (see :func:`event_uid`)."""
    lang: Lang = "zh"
    stamp: dt.datetime | None = None
    """Last change of the record (UTC): DTSTAMP and LAST-MODIFIED. Default: the policy date."""
    sequence: int = 0
    """Goes up each time the record changes, so clients replace their copies."""
    alarms: tuple[int, ...] = DEFAULT_ALARMS
    """Days before R1/R3/R6 that get reminder events; empty: no alarms at all."""
    url: str | None = None
    """A link back to the page that manages the feed, added to every event."""
    prodid: str = DEFAULT_PRODID
    refresh_interval: dt.timedelta | None = None
    """Off by default: Xiaomi's calendar is reported to reject files that carry it."""
    policy: Policy = DEFAULT_POLICY  # type: ignore[assignment]  # a key, resolved below
    """The feed's policy (a key or a Policy): its name and description head the calendar;
    each event is worded by the policy that gave it."""
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Track key -> whose permit it is ("妈妈"): a labelled track's titles start with it
    (a household gives labels only when it holds more than one permit)."""

    def __post_init__(self) -> None:
        # The identity is the track key of events computed without a track.
        check_key(self.identity, "identity")
        for key, label in self.labels.items():
            check_key(key)
            check_label(label)
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))
        if self.stamp is not None and self.stamp.utcoffset() is None:
            raise InvalidInputError("stamp", "must be timezone-aware (UTC)", reason="no_timezone")
        sequence_message = "must be a whole number ≥ 0"
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise InvalidInputError("sequence", sequence_message, reason="not_whole_number")
        if self.sequence < 0:
            raise InvalidInputError(
                "sequence",
                sequence_message,
                reason="too_small",
                params={"value": self.sequence, "min": 0},
            )
        object.__setattr__(self, "policy", get_policy(self.policy))
        object.__setattr__(self, "alarms", parse_alarms(self.alarms))
        object.__setattr__(self, "lang", parse_lang(self.lang))

    @property
    def utc_stamp(self) -> dt.datetime:
        """The stamp in UTC, whole seconds (iCalendar has no fractions)."""
        if self.stamp is None:
            return dt.datetime.combine(self.policy.updated, dt.time(), dt.UTC)
        return self.stamp.astimezone(dt.UTC).replace(microsecond=0)
