"""Layer 3: a feed's bytes written directly, byte for byte what icalendar's ``to_ical`` gives.

Building icalendar objects and serialising them cost several times the date
logic (a property object, a parameter dict and a content line per value,
then a per-character fold). A feed has one fixed shape, so its lines are
written here in the order icalendar sorts them (its ``canonical_order``, then
alphabetical). ``tests/test_ical_write.py`` holds the two paths equal over
generated feeds; ``to_vcalendar`` still gives the objects to callers that edit them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["Item", "duration", "fold", "head_lines", "text", "write_calendar"]

_FOLD_AT = 74  # bytes of a line before its fold (75 octets with the fold's space)


class Item(NamedTuple):
    """One event, as both renderings take it; tuples sort by day, then UID."""

    day: dt.date
    uid: str
    summary: str
    description: str
    alarm_on: dt.date | None
    """The day of its alarm (09:00), None for no alarm."""
    category: str


def text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11; the order matters)."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> bytes:
    """The line in UTF-8, folded before 75 octets between characters, as icalendar folds.

    Like icalendar, a fold never leaves a lone ``\\`` or ``^`` at a line's end
    (so an escape is not split across the fold).
    """
    data = line.encode()
    size = len(data)
    if size <= _FOLD_AT:
        return data
    pieces = []
    start = 0
    while size - start > _FOLD_AT:
        cut = start + _FOLD_AT
        while data[cut] & 0xC0 == 0x80:  # inside a character: fold before it
            cut -= 1
        if cut - start > 1 and data[cut - 1] in b"\\^":
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def duration(value: dt.timedelta) -> str:
    """A DURATION as icalendar writes one (days and a time part; no weeks)."""
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    time = ""
    if value.seconds:
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T"
        if hours:
            time += f"{hours}H"
        if minutes or (hours and seconds):
            time += f"{minutes}M"
        if seconds:
            time += f"{seconds}S"
    if value.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{value.days}D{time}"


def head_lines(
    prodid: str,
    name: str,
    description: str,
    timezone: str,
    ttl: dt.timedelta,
    refresh_interval: dt.timedelta | None,
) -> list[str]:
    """The calendar's property lines as ``ical.to_vcalendar`` adds them, in icalendar's
    order (its ``canonical_order``, then alphabetical); the time zone is not escaped."""
    head = [
        "VERSION:2.0",
        f"PRODID:{text(prodid)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALDESC:{text(description)}",
        f"NAME:{text(name)}",
        f"X-WR-CALNAME:{text(name)}",
    ]
    if refresh_interval is not None:
        head.append(f"REFRESH-INTERVAL;VALUE=DURATION:{duration(refresh_interval)}")
    head.append(f"X-PUBLISHED-TTL:{duration(ttl)}")
    head.append(f"X-WR-TIMEZONE:{timezone}")
    return head


def write_calendar(
    head: Sequence[str],
    items: Iterable[Item],
    *,
    stamp: dt.datetime,
    sequence: int,
    url: str | None,
    alarm_time: dt.timedelta | None,
) -> bytes:
    """The VCALENDAR: ``head`` (its property lines, sorted and escaped), then the events.

    ``alarm_time`` is when on its day an event's alarm rings; None: no alarms.
    """
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    # The lines every event shares, written once per feed.
    shared_bytes = f"DTSTAMP:{stamp_text}\r\n".encode()
    after_bytes = (
        f"LAST-MODIFIED:{stamp_text}\r\nSTATUS:CONFIRMED\r\nTRANSP:TRANSPARENT\r\n".encode()
    )
    if url:
        after_bytes += fold(f"URL:{url}") + b"\r\n"  # a URI: not escaped
    out = [b"BEGIN:VCALENDAR\r\n"]
    out += [fold(line) + b"\r\n" for line in head]
    sequence_line = f"SEQUENCE:{sequence}\r\n".encode()
    for item in items:
        day, summary = item.day, text(item.summary)
        out.append(b"BEGIN:VEVENT\r\n")
        out.append(fold("SUMMARY:" + summary))
        dates = f"\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\nDTEND;VALUE=DATE:"
        out.append(f"{dates}{day + _DAY:%Y%m%d}\r\n".encode())
        out.append(shared_bytes)
        out.append(fold("UID:" + text(item.uid)) + b"\r\n")
        out.append(sequence_line)
        out.append(fold("CATEGORIES:" + text(item.category)) + b"\r\n")
        out.append(fold("DESCRIPTION:" + text(item.description)) + b"\r\n")
        out.append(after_bytes)
        if alarm_time is not None and item.alarm_on is not None:
            trigger = duration(alarm_time - (day - item.alarm_on))
            out.append(b"BEGIN:VALARM\r\nACTION:DISPLAY\r\n")
            out.append(fold("DESCRIPTION:" + summary))
            out.append(f"\r\nTRIGGER:{trigger}\r\nEND:VALARM\r\n".encode())
        out.append(b"END:VEVENT\r\n")
    out.append(b"END:VCALENDAR\r\n")
    return b"".join(out)


_DAY = dt.timedelta(days=1)
