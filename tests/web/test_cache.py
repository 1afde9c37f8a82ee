"""The rendered-feed cache: hits, and both bounds (entries and bytes)."""

from __future__ import annotations

import gzip

from permitcal.web.feeds.cache import FeedCache, RenderedFeed


def test_hits_do_not_render_again() -> None:
    cache = FeedCache()
    calls: list[str] = []

    def render() -> bytes:
        calls.append("x")
        return b"BEGIN:VCALENDAR"

    first = cache.get_or_render("k", render)
    second = cache.get_or_render("k", render)
    assert first is second
    assert calls == ["x"]
    assert (cache.hits, cache.misses) == (1, 1)
    assert first == RenderedFeed.of(b"BEGIN:VCALENDAR")
    assert first.etag_header == f'"{first.etag}"'


def test_entry_bound_evicts_the_least_recently_used() -> None:
    cache = FeedCache(max_entries=2)
    cache.get_or_render("a", lambda: b"a")
    cache.get_or_render("b", lambda: b"b")
    cache.get_or_render("a", lambda: b"a")  # a is now the most recent
    cache.get_or_render("c", lambda: b"c")
    assert len(cache) == 2
    misses = cache.misses
    cache.get_or_render("a", lambda: b"a")
    assert cache.misses == misses  # a survived
    cache.get_or_render("b", lambda: b"b")
    assert cache.misses == misses + 1  # b was evicted


def test_byte_bound_counts_every_kind_of_entry() -> None:
    cache = FeedCache(max_entries=100, max_bytes=10)
    cache.get_or_render("a", lambda: b"12345")
    cache.get_or_build("b", lambda: ["x"] * 5, lambda value: len(value))
    assert len(cache) == 2
    cache.get_or_render("c", lambda: b"123")  # 13 bytes > 10: the oldest goes
    assert len(cache) == 2
    misses = cache.misses
    cache.get_or_build("b", lambda: ["y"], lambda value: 1)
    assert cache.misses == misses  # b is still there


def test_gzip_bytes_are_made_once_and_counted_in_the_byte_bound() -> None:
    cache = FeedCache(max_entries=100, max_bytes=10_000)
    body = b"BEGIN:VCALENDAR\r\n" + b"SUMMARY:x\r\n" * 400
    feed = cache.get_or_render("a", lambda: body)
    assert cache.used_bytes == len(body)
    packed, attached = feed.gzipped()
    assert attached
    assert gzip.decompress(packed) == body
    cache.charge("a", feed, len(packed))
    assert cache.used_bytes == len(body) + len(packed)
    assert feed.gzipped() == (packed, False)  # kept: not compressed, not counted again
    assert RenderedFeed.of(body).gzipped()[0] == packed  # deterministic (mtime 0)
    assert feed.gzip_etag_header == f'"{feed.etag}-gz"'
    # Growing past the bound evicts the least recently used entry.
    cache.get_or_render("b", lambda: b"x" * (10_000 - len(body) - len(packed) + 1))
    assert cache.peek("a") is None
    # Growth of an entry no longer held is not counted.
    used = cache.used_bytes
    cache.charge("a", feed, 100)
    assert cache.used_bytes == used
