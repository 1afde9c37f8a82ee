"""A bounded, thread-safe cache of rendered feeds keyed by everything their bytes depend on."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["FeedCache", "RenderedFeed"]


@dataclass(frozen=True, slots=True)
class RenderedFeed:
    """Feed bytes and their strong ETag (a hash of the bytes)."""

    body: bytes
    etag: str
    etag_header: str
    """The ETag as sent: a strong validator in quotes."""

    @classmethod
    def of(cls, body: bytes) -> RenderedFeed:
        etag = hashlib.sha256(body).hexdigest()[:32]
        return cls(body, etag, f'"{etag}"')


class FeedCache:
    """Least-recently-used, at most ``max_entries`` feeds and ``max_bytes`` bytes."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, RenderedFeed] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], bytes]) -> RenderedFeed:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        # Rendering happens outside the lock; two threads may render the same
        # feed once each, which is harmless (the bytes are identical).
        feed = RenderedFeed.of(render())
        with self._lock:
            if key not in self._items:
                self._items[key] = feed
                self._bytes += len(feed.body)
            while self._items and (
                len(self._items) > self.max_entries or self._bytes > self.max_bytes
            ):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)
        return feed

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
