"""A stored feed's bytes written directly (``permitcal.ical_write``), each event with its own
SEQUENCE and stamps: the bytes of ``render_vcalendar(...).to_ical()``, without the objects.

Profiling the daily re-render (benchmarks/stored_rerender.py) put about 80 %
of a stored feed's render in icalendar: serialising every event once for its
fingerprint and the whole calendar again, a per-character fold each time.
Here each event's lines are written once, with the stand-in stamps (for its
fingerprint); its own version then takes the place of the three lines that
carry one (DTSTAMP, SEQUENCE, LAST-MODIFIED), and the calendar is joined from
them. Feeds holding school events, which draw themselves as objects, and URLs
icalendar would refuse, keep the object path (``write`` gives None).
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
    drafts = [(item, event(item, stand_in, options.sequence)) for item in items]
    recorded = versions({item.uid: fingerprint(draft) for item, draft in drafts})
    head = feed_head(options)
    frame = write_calendar(head, (), stamp=stand_in, sequence=0, url=url, alarm_time=alarm_time)
    out = [frame[:-_END]]
    newest: dt.datetime | None = None
    drafted = _version_lines(stand_in, options.sequence)
    for item, draft in drafts:
        sequence, stamp = recorded[item.uid]
        # As ical_versions.restamp sets them: UTC, whole seconds.
        moment = stamp.astimezone(dt.UTC).replace(microsecond=0)
        newest = moment if newest is None else max(newest, moment)
        out.append(_restamped(draft, drafted, _version_lines(moment, sequence)))
    out.append(frame[-_END:])
    return b"".join(out), newest


def _version_lines(stamp: dt.datetime, sequence: int) -> tuple[bytes, bytes, bytes]:
    """An event's lines that carry its version, as ``write_calendar`` writes them."""
    # Each with the line break before it: a property line begins only there
    # (a folded line's rest begins with a space), so no text can match.
    at = stamp.strftime("%Y%m%dT%H%M%SZ")
    return (
        f"\r\nDTSTAMP:{at}\r\n".encode(),
        f"\r\nSEQUENCE:{sequence}\r\n".encode(),
        f"\r\nLAST-MODIFIED:{at}\r\n".encode(),
    )


def _restamped(
    draft: bytes, drafted: tuple[bytes, bytes, bytes], version: tuple[bytes, bytes, bytes]
) -> bytes:
    """``draft`` (written with the ``drafted`` version lines) carrying ``version`` instead."""
    for old, new in zip(drafted, version, strict=True):
        if old != new:
            draft = draft.replace(old, new, 1)
    return draft
