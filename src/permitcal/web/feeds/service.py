"""What the blueprints share: the store, the feed cache, and feed rendering."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from flask import current_app
from icalendar import Calendar
from sqlalchemy.exc import SQLAlchemyError

from permitcal._version import __version__
from permitcal.deadlines import Deadline, compute
from permitcal.errors import PermitcalError
from permitcal.ical import (
    RenderOptions,
    content_fingerprint,
    default_identity,
    restamp,
    to_ical,
    to_vcalendar,
)
from permitcal.inputs import SHANGHAI_TIME, shanghai_today
from permitcal.policy import policies
from permitcal.school import SchoolTrack, compute_feed, compute_school, school_feed
from permitcal.school_data import SchoolData, Stage, packaged_school_data
from permitcal.school_events import SchoolEvent
from permitcal.tracks import Track, compute_tracks
from permitcal.web.feeds.cache import FeedCache, RenderedFeed
from permitcal.web.feeds.render import write as write_feed
from permitcal.web.storage.bounded import Bounded
from permitcal.web.storage.household import Household
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import FeedStamp, Store, Subscription
from permitcal.workdays import WorkCalendar, default_calendar

__all__ = [
    "Feed",
    "Service",
    "SubscriptionGone",
    "WriteConflict",
    "retry_write",
    "service",
    "utcnow",
]

WRITE_ATTEMPTS = 5
# The stateless feed's answered query strings the fast path knows, per process:
# at most this many (the oldest remembered dropped), each at most this long, so
# at most about 10 MB with their keys; the bytes themselves are the feed cache's.
QUERIES_REMEMBERED = 4096
LONGEST_QUERY_REMEMBERED = 2048
# After the database failed to say when the data were first served, the
# stateless feed uses the process start for this long without asking again.
DATA_SINCE_RETRY_SECONDS = 10.0

log = logging.getLogger(__name__)


def latest_stamp(vcalendar: Calendar) -> dt.datetime | None:
    """The newest DTSTAMP of the calendar's events: when its content last changed."""
    stamps = [event.decoded("DTSTAMP") for event in vcalendar.walk("VEVENT")]
    return max(stamps, default=None)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SubscriptionGone(LookupError):
    """The subscription was deleted while its feed was being served."""


class WriteConflict(RuntimeError):
    """Other requests kept changing the subscription while this one tried to write."""


def retry_write(
    read: Callable[[], Subscription], write: Callable[[Subscription], Subscription | None]
) -> Subscription:
    """Apply ``write`` to a fresh read until it lands (compare-and-set in the store).

    ``write`` returns None when the row changed under it; it is then computed
    again from what the other writer stored, so that both changes survive.
    ``read`` answers a vanished subscription itself (a 404).
    """
    for _ in range(WRITE_ATTEMPTS):
        written = write(read())
        if written is not None:
            return written
    raise WriteConflict


@dataclass(frozen=True, slots=True)
class Feed:
    """A rendered feed with what HTTP caching needs."""

    rendered: RenderedFeed
    last_modified: dt.datetime
    cache: FeedCache | None = None
    """Where the rendering is kept, under ``key``: its gzip form is counted there."""
    key: Hashable = None

    def gzip_body(self) -> bytes:
        """The gzip bytes, compressed once per cached rendering (and counted in the cache)."""
        body, attached = self.rendered.gzipped()
        if attached and self.cache is not None:
            self.cache.charge(self.key, self.rendered, len(body))
        return body


class AdhocKey(NamedTuple):
    """A stateless feed's cache key: everything its bytes depend on."""

    settings: FeedSettings
    schools: tuple[tuple[Stage, int], ...]
    versions: str
    home_url: str
    today: dt.date


_Checked = TypeVar("_Checked", FeedSettings, Household)


class Service:
    """One per app: owns the store and the cache; renders feeds through the library."""

    def __init__(
        self,
        store: Store,
        cache: FeedCache,
        calendar: WorkCalendar | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        public_url: str | None = None,
        compress: bool = True,
        school_data: SchoolData | None = None,
    ) -> None:
        self.store = store
        self.cache = cache
        self.calendar = calendar or default_calendar()
        self.school_data = school_data or packaged_school_data()
        """The school checkpoints (PERMITCAL_SCHOOL_DATA, read once at start)."""
        self.clock = clock
        self.public_url = public_url or None
        """PERMITCAL_PUBLIC_URL: the events' URL, whatever host a request names."""
        self.compress = compress
        """gzip feeds and CalDAV answers for clients that ask (PERMITCAL_COMPRESS)."""
        self._data_since: dict[str, dt.datetime] = {}
        self.home_urls: dict[tuple[object, ...], str] = {}
        """The start page's external URL per request host, filled by the feed views."""
        self._data_since_retry = 0.0
        self._loading = False
        self._loading_lock = threading.Lock()
        self._schema_current = False
        self._started = clock().replace(microsecond=0)
        self._today: tuple[dt.date, float, float] = (dt.date.min, 0.0, 0.0)
        self._versions_of: tuple[WorkCalendar, SchoolData, str] | None = None
        self._queries: Bounded[tuple[str, str, dt.date, str], tuple[AdhocKey, str | None]]
        self._queries = Bounded()

    @property
    def versions_key(self) -> str:
        """The versions as one string: part of every cache key and of data_since.

        Read on every feed fetch, so kept while the same calendar and school
        data are in place (the policies and the library cannot change in a
        running process; a calendar or school data of other content is
        another object, as when a test or an operator swaps one in).
        """
        known = self._versions_of
        if known is not None and known[0] is self.calendar and known[1] is self.school_data:
            return known[2]
        key = "/".join(self.versions)
        self._versions_of = (self.calendar, self.school_data, key)
        return key

    @property
    def versions(self) -> tuple[str, str, str, str]:
        """Everything besides the record that the bytes depend on (every policy's version:
        a subscription may follow any of them; the school checkpoints' file)."""
        return (
            policies_version(),
            self.calendar.data_version,
            __version__,
            self.school_data.version,
        )

    def data_since(self, wait: bool = True) -> dt.datetime:
        """When this deployment first served the current rules and holiday data.

        Stored in the database, so every worker and every restart agrees; it
        moves when the policy, the holiday data or the library changes, which
        keeps Last-Modified moving whenever the bytes can change. While the
        database is unreachable, this process's start stands in, not
        remembered, so the stored value wins once the database is back.
        Without ``wait`` (the stateless feed, which needs no database) the
        database is asked on a thread of its own and the process start serves
        until it answers: no stateless fetch ever waits on the database.
        """
        key = self.versions_key
        found = self._data_since.get(key)
        if found is not None:
            return found
        if time.monotonic() < self._data_since_retry:
            return self._started  # the database failed just now: don't ask again yet
        if not wait:
            self._load_data_since_later(key)
            return self._started
        return self._load_data_since(key)

    def _load_data_since(self, key: str) -> dt.datetime:
        # No lock around the query: a hung database would queue every feed behind
        # it. Concurrent first reads agree (first_seen keeps the first).
        try:
            found = self.store.first_seen(key, self.clock())
        except SQLAlchemyError:
            self._data_since_retry = time.monotonic() + DATA_SINCE_RETRY_SECONDS
            log.warning("database unavailable; Last-Modified from process start")
            return self._started
        self._data_since[key] = found
        return found

    def _load_data_since_later(self, key: str) -> None:
        """Ask the database on a thread of its own (one at a time), within the usual bound."""
        with self._loading_lock:
            if self._loading:
                return
            self._loading = True

        def load() -> None:
            try:
                with self.store.budget.request():
                    self._load_data_since(key)
            finally:
                self._loading = False

        threading.Thread(target=load, name="permitcal-data-since", daemon=True).start()

    def schema_problem(self) -> str | None:
        """What keeps the schema from serving (one line naming the fix), or None.

        Once seen current, not asked again: schemas only move forward, by
        `permitcal db upgrade`, which the operator runs before a new version.
        """
        if self._schema_current:
            return None
        state = self.store.schema_state()
        self._schema_current = state.current
        return state.problem()

    def today(self) -> dt.date:
        """Today in Shanghai: where every feed, CalDAV object, page and answer starts."""
        if self.clock is not utcnow:  # a test's or a tool's clock
            return shanghai_today(self.clock())
        # The real clock: read on every feed fetch, so the date is kept until its midnight.
        now = time.time()
        today, starts, ends = self._today
        if starts <= now < ends:
            return today
        today = shanghai_today(dt.datetime.fromtimestamp(now, dt.UTC))
        start = dt.datetime.combine(today, dt.time(), SHANGHAI_TIME)
        self._today = (today, start.timestamp(), (start + dt.timedelta(days=1)).timestamp())
        return today

    def known_data_since(self) -> dt.datetime | None:
        """``data_since()`` if this process knows it already, else None (never waits)."""
        return self._data_since.get(self.versions_key)

    def deadlines(self, settings: FeedSettings) -> list[Deadline]:
        """Today's deadlines of checked or stored settings (a stored card that fits
        no renewal is left out: a stored feed never fails because of it)."""
        return compute(settings.permit(stored=True), None, self.calendar, self.today())

    def household_deadlines(self, household: Household) -> list[Deadline]:
        """Today's deadlines of every permit of a household, each marked with its track key."""
        return compute_tracks(household.tracks(), self.calendar, self.today())

    def household_feed(self, household: Household) -> list[Deadline | SchoolEvent]:
        """Today's events of a household: every permit's deadlines and every school step's
        events, by date (what its feed and CalDAV collection hold)."""
        return compute_feed(
            household.tracks(),
            household.school_tracks(),
            self.calendar,
            self.today(),
            self.school_data,
        )

    def adhoc_events(
        self, settings: FeedSettings, schools: tuple[tuple[Stage, int], ...] = ()
    ) -> list[Deadline | SchoolEvent]:
        """A stateless query's events: the permit's deadlines and its school steps'."""
        permit = settings.permit()
        if not schools:
            return list(compute(permit, None, self.calendar, self.today()))
        identity = default_identity(permit)
        return school_feed(permit, identity, schools, self.calendar, self.today(), self.school_data)

    def checked(self, settings: _Checked) -> _Checked:
        """``settings`` (or every permit of a household) if today's calendar can be
        computed from them (else a PermitcalError).

        Checked before storing: a card received after the last projected renewal
        is only found by computing, and a stored record must always render.
        """
        every = (
            [p.settings for p in settings.permits]
            if isinstance(settings, Household)
            else [settings]
        )
        for index, each in enumerate(every):
            try:
                compute(each.permit(), None, self.calendar, self.today())
            except PermitcalError as error:
                if len(every) > 1:
                    raise error.inside(f"permits[{index}]") from None
                raise
        if isinstance(settings, Household):
            self._check_schools(settings)
        return settings

    def _check_schools(self, household: Household) -> None:
        """Each school step's events can be computed (data for its year, Shanghai permits),
        with stand-in keys for what is not stored yet."""
        keys = [p.key or f"new-p{index}" for index, p in enumerate(household.permits)]
        tracks = [
            Track(key, p.settings.permit(stored=True))
            for key, p in zip(keys, household.permits, strict=True)
        ]
        for index, school in enumerate(household.schools):
            track = SchoolTrack(
                school.key or f"new-k{index}",
                school.stage,
                school.year,
                tuple(keys[i] for i in school.permits),
            )
            try:
                compute_school(track, tracks, self.calendar, self.school_data)
            except PermitcalError as error:
                error.field = f"schools[{index}]"
                error.args = (f"{error.field}: {error.message}",)
                raise

    def subscription_feed(
        self, feed_token: str, home_url: str, *, cached_only: bool = False
    ) -> Feed | None:
        """The feed behind a feed token, or None for an unknown token.

        Each fetch reads only the record's id, revision and stamp (through the
        unique index on the token hash); the settings are read and the feed
        rendered only when no rendering of this revision is cached. With
        ``cached_only``, a feed that would need rendering gives None instead.
        """
        stamp = self.store.feed_stamp(feed_token)
        if stamp is None:
            return None
        return self.stamped_feed(stamp, home_url, cached_only=cached_only)

    def stamped_feed(
        self, stamp: FeedStamp, home_url: str, *, cached_only: bool = False
    ) -> Feed | None:
        """The feed of the subscription whose stamp was just read (``subscription_feed``)."""
        home_url = self.public_url or home_url
        # Today is in the key: the window moves at most once a day (the bytes, and
        # so the ETag, change only if an event did).
        key = (
            "sub",
            stamp.id,
            stamp.revision,
            stamp.updated_raw,
            self.versions_key,
            home_url,
            self.today(),
        )

        def render() -> RenderedFeed:
            sub = self.store.by_id(stamp.id)
            if sub is None:  # deleted between the two reads
                raise SubscriptionGone(stamp.id)
            return self.render_feed(sub, home_url)

        rendered: RenderedFeed | None = (
            self.cache.peek(key)
            if cached_only
            else self.cache.get_or_build(key, render, lambda f: len(f.body))
        )
        if rendered is None:
            return None
        last_modified = max(stamp.updated_at, self.data_since(), rendered.modified)
        return Feed(rendered, last_modified, self.cache, key)

    def render_feed(self, sub: Subscription, home_url: str | None) -> RenderedFeed:
        """A stored subscription's feed: the bytes of ``render_vcalendar(...).to_ical()``,
        written without building the objects where it can (``feeds.render``)."""
        options = self._render_options(sub, home_url)
        events = self.household_feed(sub.household)
        written = write_feed(
            events,
            options,
            lambda fingerprints: self.store.event_versions(sub.id, fingerprints, self.clock()),
        )
        if written is not None:
            return RenderedFeed.of(*written)
        vcalendar = self._vcalendar(sub, options, events)
        return RenderedFeed.of(vcalendar.to_ical(), latest_stamp(vcalendar))

    def render_vcalendar(self, sub: Subscription, home_url: str | None) -> Calendar:
        """A stored subscription's calendar, for its feed and its CalDAV objects alike.

        UIDs come from each permit's and school step's track key (the first
        permit's is what its UIDs always were); with several permits, titles
        start with each one's label;
        each event's SEQUENCE and DTSTAMP from the store's record of its content,
        so they move exactly when it changes.
        ``home_url`` is the events' URL; None leaves it out.
        """
        options = self._render_options(sub, home_url)
        return self._vcalendar(sub, options, self.household_feed(sub.household))

    def _render_options(self, sub: Subscription, home_url: str | None) -> RenderOptions:
        settings = sub.settings
        return RenderOptions(
            identity=sub.household.permits[0].key or sub.uid_prefix.rstrip("-"),
            lang=settings.lang,
            alarms=settings.alarms,
            url=home_url,
            policy=settings.rules,
            labels=sub.household.labels,
        )

    def _vcalendar(
        self, sub: Subscription, options: RenderOptions, events: list[Deadline | SchoolEvent]
    ) -> Calendar:
        vcalendar = to_vcalendar(events, options)
        fingerprints = {
            str(event["UID"]): content_fingerprint(event) for event in vcalendar.walk("VEVENT")
        }
        restamp(vcalendar, self.store.event_versions(sub.id, fingerprints, self.clock()))
        return vcalendar

    def adhoc_feed(
        self,
        settings: FeedSettings,
        home_url: str,
        schools: tuple[tuple[Stage, int], ...] = (),
    ) -> Feed:
        """The stateless feed of one permit and the school steps depending on it."""
        home_url = self.public_url or home_url
        key = AdhocKey(settings, schools, self.versions_key, home_url, self.today())

        def render() -> bytes:
            permit = settings.permit()
            options = RenderOptions(
                identity=default_identity(permit),
                lang=settings.lang,
                alarms=settings.alarms,
                url=home_url,
                policy=permit.policy,
            )
            return to_ical(self.adhoc_events(settings, schools), options)

        rendered = self.cache.get_or_render(key, render)
        return Feed(rendered, self._adhoc_modified(key.today), self.cache, key)

    def _adhoc_modified(self, today: dt.date) -> dt.datetime:
        # Nothing stored: the bytes change with the data and, once a day at most,
        # with the window, so Last-Modified moves at the start of each day too.
        day_start = dt.datetime.combine(today, dt.time(), SHANGHAI_TIME)
        return max(self.data_since(wait=False), day_start)

    def remember_query(self, query: str, feed: Feed, download: str | None) -> None:
        """Let ``cached_adhoc`` answer this query string as ``feed`` was (a file named
        ``download``, if given) while its day and versions last."""
        key = feed.key
        if not isinstance(key, AdhocKey) or len(query) > LONGEST_QUERY_REMEMBERED:
            return
        remembered = (query, key.home_url, key.today, key.versions)
        self._queries.put(remembered, (key, download), QUERIES_REMEMBERED)

    def cached_adhoc(self, query: str, home_url: str) -> tuple[Feed, str | None] | None:
        """The stateless feed for a query string answered before today, if its bytes are
        still cached, and its download name; None sends the request to the Flask view.

        The same query string always means the same settings: with today and
        the versions in the key, the bytes are what the view would render now.
        """
        home_url = self.public_url or home_url
        today = self.today()
        found = self._queries.get((query, home_url, today, self.versions_key))
        if found is None:
            return None
        key, download = found
        rendered: RenderedFeed | None = self.cache.peek(key)
        if rendered is None:
            return None
        return Feed(rendered, self._adhoc_modified(today), self.cache, key), download


def policies_version() -> str:
    """The versions of every policy in one string (``shanghai=2026.11.4;…``)."""
    return ";".join(f"{key}={policy.version}" for key, policy in policies().items())


def service() -> Service:
    """The current app's service."""
    found: Service = current_app.extensions["permitcal"]
    return found
