"""The CalDAV view of a subscription: one calendar object per feed event, and sync tokens."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from icalendar import Calendar, Event

if TYPE_CHECKING:
    from permitcal.web.feeds.service import Service
    from permitcal.web.storage.store import Subscription

__all__ = [
    "CalendarObject",
    "Snapshot",
    "caldav_snapshot",
    "decode_sync_token",
    "short_etag",
    "snapshot_of",
]

SYNC_TOKEN_PREFIX = "http://permitcal.invalid/sync/"
# Properties a calendar object resource keeps from the calendar; RFC 4791 §4.1
# forbids METHOD in stored objects, and the X-WR-* names belong to feeds.
_OBJECT_CALENDAR_PROPERTIES = ("PRODID", "VERSION", "CALSCALE")


@dataclass(frozen=True, slots=True)
class CalendarObject:
    """One event as a calendar object resource."""

    name: str
    """Last path segment, from the event's UID: stable across every change."""
    uid: str
    body: bytes
    etag: str
    start: dt.date
    end: dt.date
    vcalendar: Calendar = field(compare=False, repr=False)
    """The parsed object (VCALENDAR with its VEVENT), for calendar-query filters."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything CalDAV serves for one revision of one subscription."""

    objects: tuple[CalendarObject, ...]
    feed: bytes
    """The whole calendar: the subscription's feed, with the URL of ``caldav_snapshot``."""
    ctag: str
    sync_token: str
    by_name: dict[str, CalendarObject] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.feed) + sum(len(o.body) for o in self.objects)


def snapshot_of(vcalendar: Calendar, feed: bytes, account_prefix: str) -> Snapshot:
    """Split the feed's calendar into objects; ``account_prefix`` is stripped in tokens."""
    objects = []
    for event in vcalendar.walk("VEVENT"):
        assert isinstance(event, Event)
        objects.append(_object(vcalendar, event))
    objects.sort(key=lambda o: o.name)
    ctag = hashlib.sha256(feed).hexdigest()[:32]
    token = encode_sync_token({o.name: o.etag for o in objects}, account_prefix)
    return Snapshot(tuple(objects), feed, ctag, token, {o.name: o for o in objects})


def caldav_snapshot(service: Service, sub: Subscription) -> Snapshot:
    """The CalDAV objects of a subscription: the feed's events, split, from the same render.

    Their ``URL:`` is the configured public URL or none, never the request's
    host: the same object has one ETag however the server is reached.
    """
    url = service.public_url
    key = ("dav", sub.id, sub.revision, sub.updated_at, service.versions_key, url, service.today())

    def build() -> Snapshot:
        vcalendar = service.render_vcalendar(sub, url)
        return snapshot_of(vcalendar, vcalendar.to_ical(), sub.uid_prefix)

    snapshot: Snapshot = service.cache.get_or_build(key, build, lambda s: s.size)
    return snapshot


def _object(vcalendar: Calendar, event: Event) -> CalendarObject:
    single = Calendar()
    for name in _OBJECT_CALENDAR_PROPERTIES:
        if name in vcalendar:
            single.add(name, vcalendar[name])
    single.add_component(event)
    body: bytes = single.to_ical()
    uid = str(event["UID"])
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    return CalendarObject(
        name=uid.split("@", 1)[0] + ".ics",
        uid=uid,
        body=body,
        etag=hashlib.sha256(body).hexdigest()[:32],
        start=start,
        end=end,
        vcalendar=single,
    )


def short_etag(etag: str) -> str:
    """The part of an etag a sync token keeps: enough to tell versions apart, short to carry."""
    return etag[:12]


def encode_sync_token(etags: dict[str, str], account_prefix: str) -> str:
    """A self-contained token: the names and short etags of every object.

    The server keeps no history, so the token carries the state it stands for;
    comparing it with the current state yields exactly what changed and what
    was removed (RFC 6578).
    """
    entries = sorted([name.removeprefix(account_prefix), etag[:12]] for name, etag in etags.items())
    packed = zlib.compress(json.dumps(entries, separators=(",", ":")).encode(), 9)
    return SYNC_TOKEN_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_sync_token(token: str, account_prefix: str) -> dict[str, str] | None:
    """The name → short etag map a token stands for; None when it is not ours."""
    if not token.startswith(SYNC_TOKEN_PREFIX) or len(token) > 20_000:
        return None
    data = token.removeprefix(SYNC_TOKEN_PREFIX)
    try:
        packed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        # Bounded decompression: a forged token cannot blow up memory.
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, 200_000)
        if inflater.unconsumed_tail:
            return None
        entries = json.loads(raw)
    except (binascii.Error, ValueError, zlib.error):
        return None
    if not isinstance(entries, list):
        return None
    result: dict[str, str] = {}
    for entry in entries:
        if not (
            isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)
        ):
            return None
        result[account_prefix + entry[0]] = entry[1]
    return result
