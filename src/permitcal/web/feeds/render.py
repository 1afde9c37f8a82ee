"""A stored feed's bytes written directly (``permitcal.ical_write``), each event with its own
SEQUENCE and stamps: the bytes of ``render_vcalendar(...).to_ical()``, without the objects.

Profiling the daily re-render (benchmarks/stored_rerender.py) put about 80 %
of a stored feed's render in icalendar: serialising every event once for its
fingerprint and the whole calendar again, a per-character fold each time.
Here each event's lines are written once with the stand-in stamps (for its
fingerprint) and once with its own version, and the calendar is joined from
them. Feeds holding school events, which draw themselves as objects, and
URLs icalendar would refuse, keep the object path (``write`` gives None).
``tests/web/test_feed_bytes.py`` holds both paths equal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from permitcal.deadlines import Deadline
from permitcal.ical import ALARM_TIME_OF_DAY, RenderOptions, feed_head, feed_items
from permitcal.ical_write import Item, write_calendar
from permitcal.school_events import SchoolEvent

__all__ = ["Versions", "fingerprint", "write"]

Versions = Callable[[dict[str, str]], dict[str, tuple[int, dt.datetime]]]
"""UID → content fingerprint, to UID → (SEQUENCE, stamp): the store's record of each event."""

# What ical_versions.content_fingerprint leaves out: when and how often an
# event changed, and the link back (it differs by the host a feed was fetched from).
_NOT_CONTENT = (b"DTSTAMP", b"LAST-MODIFIED", b"SEQUENCE", b"URL")
_BEGIN = len(b"BEGIN:VCALENDAR\r\n")
_END = len(b"END:VCALENDAR\r\n")


def fingerprint(event: bytes) -> str:
    """``content_fingerprint`` of the event whose ``to_ical()`` bytes are ``event``."""
    lines = event.replace(b"\r\n ", b"").split(b"\r\n")
    content = b"\n".join(line for line in lines if not line.startswith(_NOT_CONTENT))
    return hashlib.sha256(content).hexdigest()


def write(
    events: Sequence[Deadline | SchoolEvent], options: RenderOptions, versions: Versions
) -> tuple[bytes, dt.datetime | None] | None:
    """The feed's bytes and its newest stamp, or None where only the object path can draw it."""
    url = options.url
    if (url and not url.isprintable()) or not all(isinstance(e, Deadline) for e in events):
        return None
    deadlines = [e for e in events if isinstance(e, Deadline)]
    items = feed_items(deadlines, options)
    alarm_time = ALARM_TIME_OF_DAY if options.alarms else None

    def event(item: Item, stamp: dt.datetime, sequence: int) -> bytes:
        whole = write_calendar(
            (), (item,), stamp=stamp, sequence=sequence, url=url, alarm_time=alarm_time
        )
        return whole[_BEGIN:-_END]

    stand_in = options.utc_stamp
    fingerprints = {
        item.uid: fingerprint(event(item, stand_in, options.sequence)) for item in items
    }
    recorded = versions(fingerprints)
    head = feed_head(options)
    frame = write_calendar(head, (), stamp=stand_in, sequence=0, url=url, alarm_time=alarm_time)
    out = [frame[:-_END]]
    newest: dt.datetime | None = None
    for item in items:
        sequence, stamp = recorded[item.uid]
        # As ical_versions.restamp sets them: UTC, whole seconds.
        moment = stamp.astimezone(dt.UTC).replace(microsecond=0)
        newest = moment if newest is None else max(newest, moment)
        out.append(event(item, moment, sequence))
    out.append(frame[-_END:])
    return b"".join(out), newest
