"""Layer 3: a stored feed's SEQUENCE and stamps, moved exactly when an event's content does."""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Component
from icalendar.prop import vDDDTypes, vInt

__all__ = ["content_fingerprint", "restamp"]


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
