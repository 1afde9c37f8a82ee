"""A bounded, thread-safe cache of rendered feeds keyed by everything their bytes depend on."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from permitcal.web.serving.compress import gzip_bytes, gzip_etag

__all__ = ["FeedCache", "RenderedFeed"]

T = TypeVar("T")


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)
# Guards only the moment a feed's gzip bytes are attached (never held while compressing).
_GZIP_LOCK = threading.Lock()
# Made once per cached feed and then served many times: the smallest output is worth it.
FEED_GZIP_LEVEL = 9


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    """Feed bytes and their strong ETag (a hash of the bytes); gzip bytes once asked for."""

    body: bytes
    etag: str
    etag_header: str
    """The ETag as sent: a strong validator in quotes."""
    modified: dt.datetime = _NEVER
    """When the newest of its events last changed, where the renderer knows."""
    gzip_etag_header: str = ""
    """The ETag of the gzip form: the same tag with ``-gz`` inside the quotes."""
    _gzip: bytes | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, body: bytes, modified: dt.datetime | None = None) -> RenderedFeed:
        etag = hashlib.sha256(body).hexdigest()[:32]
        return cls(body, etag, f'"{etag}"', modified or _NEVER, f'"{gzip_etag(etag)}"')

    def gzipped(self) -> tuple[bytes, bool]:
        """The body gzipped, made on first use; and whether this call attached it.

        Two threads may compress the same feed at once; the bytes are the
        same (mtime 0), and only the first is kept, so the cache counts them once.
        """
        found = self._gzip
        if found is not None:
            return found, False
        packed = gzip_bytes(self.body, FEED_GZIP_LEVEL)
        with _GZIP_LOCK:
            found = self._gzip
            if found is not None:
                return found, False
            object.__setattr__(self, "_gzip", packed)  # frozen: the one lazy field
        return packed, True


class FeedCache:
    """Least-recently-used, at most ``max_entries`` entries and ``max_bytes`` bytes.

    Holds rendered feeds and the CalDAV view of the same calendars; each entry
    is stored with its size so that the byte bound covers both.
    """

    def __init__(self, max_entries: int = 4096, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> RenderedFeed:
        """Feed bytes for ``key``, rendered on a miss."""
        feed: RenderedFeed = self.get_or_build(
            key, lambda: RenderedFeed.of(render()), lambda f: len(f.body)
        )
        return feed

    def peek(self, key: Hashable) -> Any:
        """The cached value for ``key`` (counted as a hit), or None; never builds."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def get_or_build(self, key: Hashable, build: Callable[[], T], size: Callable[[T], int]) -> T:
        """The value for ``key``, built (outside the lock) on a miss."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                value: T = found[0]
                return value
            self.misses += 1
        # Two threads may build the same entry once each, which is harmless:
        # the result depends only on the key.
        value = build()
        weight = size(value)
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, weight)
                self._bytes += weight
            self._evict()
        return value

    def _evict(self) -> None:
        """Drop the least recently used entries until both bounds hold (lock held)."""
        while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
            _, (_, evicted) = self._items.popitem(last=False)
            self._bytes -= evicted

    def charge(self, key: Hashable, value: object, extra: int) -> None:
        """Count ``extra`` bytes more for ``key`` (a feed's gzip form), if it still holds ``value``.

        An entry evicted or replaced meanwhile was uncounted with the size it
        had; its growth is then not counted either, so the total stays exact.
        """
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] is not value:
                return
            self._items[key] = (value, found[1] + extra)
            self._bytes += extra
            self._evict()

    @property
    def used_bytes(self) -> int:
        """The bytes counted against ``max_bytes`` now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
