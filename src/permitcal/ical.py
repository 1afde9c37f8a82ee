"""Layer 3: deadlines → icalendar objects → bytes, identical for identical input."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from icalendar import Alarm, Calendar, Component, Event, vDuration, vText
from icalendar.prop import vDDDTypes, vInt

from permitcal._version import __version__
from permitcal.deadlines import Deadline
from permitcal.errors import InvalidInputError
from permitcal.ical_write import Item, head_lines, write_calendar
from permitcal.inputs import PermitInput
from permitcal.policy import DEFAULT_POLICY, Lang, Policy, Text, get_policy
from permitcal.settings_schema import (
    DEFAULT_ALARMS,
    LANGS,
    MAX_ALARM_DAYS,
    MAX_ALARMS,
    MIN_ALARM_DAYS,
)
from permitcal.tracks import check_key, check_label

# The limits and defaults above are declared with the settings table; still importable here.
__all__ = [
    "DEFAULT_ALARMS",
    "DEFAULT_PRODID",
    "LANGS",
    "CalendarItem",
    "RenderOptions",
    "content_fingerprint",
    "default_identity",
    "event_uid",
    "parse_alarms",
    "parse_lang",
    "restamp",
    "to_ical",
    "to_vcalendar",
]

DEFAULT_PRODID = f"-//permitcal//permitcal {__version__}//ZH"
# Outlook and Apple read this refresh hint; 12 hours keeps a holiday-data
# correction from taking more than a day to arrive.
PUBLISHED_TTL = dt.timedelta(hours=12)
# All-day events start at local midnight; PT9H rings at 09:00 on the day.
ALARM_TIME_OF_DAY = dt.timedelta(hours=9)
TIMEZONE = "Asia/Shanghai"
_UID_DOMAIN = "permitcal"


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


class CalendarItem(Protocol):
    """An event that renders itself (a school track's): anything but a permit's deadline."""

    @property
    def date(self) -> dt.date: ...

    def vevents(self, options: RenderOptions) -> list[tuple[dt.date, Event]]:
        """(sort date, VEVENT) pairs, built with this module's UIDs and stamps."""
        ...


class _UidSlot(Protocol):
    """What names an event's UID: the date that names its cycle, and its rule."""

    @property
    def expiry(self) -> dt.date: ...

    @property
    def rule(self) -> str: ...


def to_ical(deadlines: Sequence[Deadline | CalendarItem], options: RenderOptions) -> bytes:
    """The calendar as bytes: CRLF, folded at 75 octets without splitting characters.

    The same bytes as ``to_vcalendar(deadlines, options).to_ical()``, written
    without building the objects (``permitcal.ical_write``) when every item is a
    permit's deadline (school events draw themselves as objects).
    """
    url = options.url
    permit_only = [d for d in deadlines if isinstance(d, Deadline)]
    if (url and not url.isprintable()) or len(permit_only) != len(deadlines):
        # icalendar would refuse or mangle a control character; let it say which.
        data: bytes = to_vcalendar(deadlines, options).to_ical()
        return data
    policy, lang = options.policy, options.lang
    head = head_lines(
        options.prodid,
        policy.feed_name.get(lang, " "),
        policy.feed_description.get(lang),
        TIMEZONE,
        PUBLISHED_TTL,
        options.refresh_interval,
    )
    return write_calendar(
        head,
        _items(permit_only, options),
        stamp=options.utc_stamp,
        sequence=options.sequence,
        url=url,
        alarm_time=ALARM_TIME_OF_DAY if options.alarms else None,
    )


def to_vcalendar(deadlines: Sequence[Deadline | CalendarItem], options: RenderOptions) -> Calendar:
    """The calendar object, calendar properties first, events in date order.

    Items other than deadlines (school events) render themselves; a deadline's
    event is the same with or without them.
    """
    policy, lang = options.policy, options.lang
    cal = Calendar()
    cal.add("prodid", options.prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = policy.feed_name.get(lang, " ")
    # icalendar 7.3's calendar_name/description setters skip escaping: use vText.
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-caldesc", vText(policy.feed_description.get(lang)))
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add("x-published-ttl", vDuration(PUBLISHED_TTL))
    if options.refresh_interval is not None:
        # icalendar's setter omits VALUE=DURATION, which clients need.
        cal.add(
            "refresh-interval",
            vDuration(options.refresh_interval),
            parameters={"VALUE": "DURATION"},
        )
    permit_events = [d for d in deadlines if isinstance(d, Deadline)]
    events = [
        (item.day, item.uid, _base_event(item, options)) for item in _items(permit_events, options)
    ]
    others = [item for item in deadlines if not isinstance(item, Deadline)]
    events.extend(
        (day, str(event["UID"]), event) for item in others for day, event in item.vevents(options)
    )
    events.sort(key=lambda triple: (triple[0], triple[1]))
    for _, _, event in events:
        cal.add_component(event)
    return cal


def _items(deadlines: Sequence[Deadline], options: RenderOptions) -> list[Item]:
    """Every event and reminder of the feed, in date order (then by UID)."""
    items = [_event(d, options) for d in deadlines]
    items.extend(
        _reminder(d, days, options)
        for d in deadlines
        if d.remind
        for days in options.alarms
        if days
    )
    items.sort(key=_date_and_uid)
    return items


def _date_and_uid(item: Item) -> tuple[dt.date, str]:
    return item.day, item.uid


def event_uid(track: str, deadline: _UidSlot, suffix: str = "") -> str:
    """The UID of a deadline's event (``suffix``: of one of its reminders) in ``track``.

    The one place UIDs are made. A cycle is named by its expiry, not by its
    place in the window, so an event keeps its UID when the window moves on
    (RULES.md, "Cycles over time"); the track key keeps the events of two
    permits in one feed apart.
    """
    cycle = deadline.expiry.strftime("%Y%m%d")
    return f"{track}-{cycle}-{deadline.rule}{suffix}@{_UID_DOMAIN}"


def _uid(options: RenderOptions, deadline: Deadline, suffix: str = "") -> str:
    return event_uid(deadline.track or options.identity, deadline, suffix)


def _policy(options: RenderOptions, deadline: Deadline) -> Policy:
    """The policy that words an event: the one that gave it, else the feed's."""
    return deadline.policy or options.policy


def _base_event(item: Item, options: RenderOptions) -> Event:
    """An all-day, transparent, confirmed event with deterministic stamps."""
    stamp = options.utc_stamp
    day, summary = item.day, item.summary
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", options.sequence)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", item.description)
    event.add("categories", [item.category])
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    if options.url:
        event.add("url", options.url)
    if options.alarms and item.alarm_on is not None:
        # Relative to the event's start (midnight): 09:00 on the day to act.
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", ALARM_TIME_OF_DAY - (day - item.alarm_on))
        event.add_component(alarm)
    return event


def _marker(deadline: Deadline, lang: Lang) -> str:
    """The title says when its date may still move; other notes live in the description."""
    if deadline.estimate:
        return {"zh": "（估）", "en": " (est.)", "both": "（估 est.）"}[lang]
    if deadline.date_provisional:
        return {"zh": "（暂定）", "en": " (prov.)", "both": "（暂定 prov.）"}[lang]
    return ""


def _alarm_day(deadline: Deadline) -> dt.date | None:
    """When the event's own alarm rings: the act-by day, never after it.

    A consequence has none: when it comes, the day to act has passed, and
    the deadline before it already rang.
    """
    where = deadline.kind.alarm_on_act_by
    if where is None:
        return None
    return deadline.nearest_working_day if where else deadline.date


def _whose(options: RenderOptions, deadline: Deadline) -> str:
    """The label that starts a household track's titles: "【妈妈】", in English "[Mom] "."""
    label = options.labels.get(deadline.track or options.identity)
    if not label:
        return ""
    return f"[{label}] " if options.lang == "en" else f"【{label}】"


def _event(deadline: Deadline, options: RenderOptions) -> Item:
    lang = options.lang
    return Item(
        deadline.date,
        _uid(options, deadline),
        _whose(options, deadline) + deadline.title.get(lang, " ") + _marker(deadline, lang),
        deadline.description.get(lang),
        _alarm_day(deadline),
        _policy(options, deadline).category.get(lang, " / "),
    )


def _reminder(deadline: Deadline, days: int, options: RenderOptions) -> Item:
    """A separate event ``days`` before the act-by day: what is left to do and by when."""
    policy, lang, title = _policy(options, deadline), options.lang, deadline.title
    wording = policy.wording
    act_by = deadline.nearest_working_day
    template = wording.reminder_title_one_day if days == 1 else wording.reminder_title
    # The title as a Text fills each language's template with its own side, so
    # "both" carries each language once.
    summary = template.format(days=days, title=title)
    count = wording.one_day_count if days == 1 else wording.days_count.format(days=days)
    lead = wording.reminder_description.format(
        title=title,
        act_by=act_by,
        weekday=wording.weekdays[act_by.weekday()],
        count=count,
        action=_action(deadline, policy),
    )
    parts = [lead]
    if deadline.act_on_receipt:
        parts.append(wording.reminder_on_receipt.format(date=deadline.date, act_by=act_by))
    elif act_by != deadline.date:
        note = (
            wording.reminder_rest_day
            if deadline.surely_rest_day
            else wording.reminder_maybe_rest_day
        )
        parts.append(note.format(date=deadline.date, act_by=act_by))
    if deadline.provisional:
        parts.append(wording.reminder_provisional)
    day = act_by - dt.timedelta(days=days)
    return Item(
        day,
        _uid(options, deadline, f"-r{days}"),
        _whose(options, deadline) + summary.get(lang, " ") + _marker(deadline, lang),
        "\n\n".join(p.get(lang) for p in parts),
        day,
        policy.category.get(lang, " / "),
    )


def _action(deadline: Deadline, policy: Policy) -> Text:
    for rule in policy.rules:
        if rule.id == deadline.rule and rule.action is not None:
            return rule.action
    return Text("", "")


# What says when and how often an event changed, and the link back, which
# differs by the host a feed was fetched from: not part of what it says.
_NOT_CONTENT = (b"DTSTAMP", b"LAST-MODIFIED", b"SEQUENCE", b"URL")


def content_fingerprint(event: Component) -> str:
    """A hash of what an event tells the person: equal when only its stamps differ."""
    unfolded = event.to_ical().replace(b"\r\n ", b"")
    lines = [line for line in unfolded.split(b"\r\n") if not line.startswith(_NOT_CONTENT)]
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def restamp(vcalendar: Calendar, versions: dict[str, tuple[int, dt.datetime]]) -> None:
    """Give each event its own SEQUENCE, DTSTAMP and LAST-MODIFIED, by UID.

    For a caller that keeps a history of each event's content (the service's
    store): an event's SEQUENCE then rises exactly when its content changes.
    """
    for event in vcalendar.walk("VEVENT"):
        sequence, stamp = versions[str(event["UID"])]
        moment = stamp.astimezone(dt.UTC).replace(microsecond=0)
        event["SEQUENCE"] = vInt(sequence)  # assigned in place: the property order stays
        event["DTSTAMP"] = vDDDTypes(moment)
        event["LAST-MODIFIED"] = vDDDTypes(moment)
