"""The rendered-feed cache: hits, and both bounds (entries and bytes)."""

from __future__ import annotations

from permitcal.web.cache import FeedCache, RenderedFeed


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
