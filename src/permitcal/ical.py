"""Layer 3: deadlines → icalendar objects → bytes, identical for identical input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from icalendar import Alarm, Calendar, Event, vDuration, vText

from permitcal.deadlines import Deadline
from permitcal.ical_options import (
    DEFAULT_PRODID,
    RenderOptions,
    default_identity,
    parse_alarms,
    parse_lang,
)
from permitcal.ical_versions import content_fingerprint, restamp
from permitcal.ical_write import Item, head_lines, write_calendar
from permitcal.policy import Lang, Policy, Text
from permitcal.settings_schema import DEFAULT_ALARMS, LANGS, MAX_ALARM_DAYS, MAX_ALARMS

# The limits and defaults above are declared with the settings table, the options and
# the stored feed's stamps in modules of their own; all still importable here.
__all__ = [
    "DEFAULT_ALARMS",
    "DEFAULT_PRODID",
    "LANGS",
    "MAX_ALARMS",
    "MAX_ALARM_DAYS",
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

# Outlook and Apple read this refresh hint; 12 hours keeps a holiday-data
# correction from taking more than a day to arrive.
PUBLISHED_TTL = dt.timedelta(hours=12)
# All-day events start at local midnight; PT9H rings at 09:00 on the day.
ALARM_TIME_OF_DAY = dt.timedelta(hours=9)
TIMEZONE = "Asia/Shanghai"
_UID_DOMAIN = "permitcal"


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
    return write_calendar(
        feed_head(options),
        feed_items(permit_only, options),
        stamp=options.utc_stamp,
        sequence=options.sequence,
        url=url,
        alarm_time=ALARM_TIME_OF_DAY if options.alarms else None,
    )


def feed_head(options: RenderOptions) -> list[str]:
    """The calendar's own lines before its events (name, description, time zone, refresh)."""
    policy, lang = options.policy, options.lang
    return head_lines(
        options.prodid,
        policy.feed_name.get(lang, " "),
        policy.feed_description.get(lang),
        TIMEZONE,
        PUBLISHED_TTL,
        options.refresh_interval,
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
        (item.day, item.uid, _base_event(item, options))
        for item in feed_items(permit_events, options)
    ]
    others = [item for item in deadlines if not isinstance(item, Deadline)]
    events.extend(
        (day, str(event["UID"]), event) for item in others for day, event in item.vevents(options)
    )
    events.sort(key=lambda triple: (triple[0], triple[1]))
    for _, _, event in events:
        cal.add_component(event)
    return cal


def feed_items(deadlines: Sequence[Deadline], options: RenderOptions) -> list[Item]:
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
