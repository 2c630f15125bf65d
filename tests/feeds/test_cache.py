"""The feed cache on its own: one version per feed, bounded, and stale when a tombstone ages
out."""

from __future__ import annotations

from datetime import timedelta

from briefing.feeds.cache import CachedFeed, FeedCache
from briefing.models.base import utcnow


def cached(body: bytes, valid_until=None) -> CachedFeed:
    return CachedFeed(body, body.decode(), utcnow(), (), valid_until)


def test_a_feed_is_built_once_per_version_and_rebuilt_for_the_next():
    cache = FeedCache()
    calls = []

    def build(body: bytes):
        return lambda: calls.append(body) or cached(body)

    assert cache.get_or_build("briefing/1", "atom", 7, build(b"v7")).body == b"v7"
    assert cache.get_or_build("briefing/1", "atom", 7, build(b"again")).body == b"v7"
    assert cache.get_or_build("briefing/1", "rss", 7, build(b"rss")).body == b"rss"
    assert cache.get_or_build("briefing/1", "atom", 8, build(b"v8")).body == b"v8"
    assert cache.get("briefing/1", "atom", 7) is None, "only the current version is kept"
    assert calls == [b"v7", b"rss", b"v8"]
    assert cache.builds == 3


def test_bytes_holding_an_expired_tombstone_are_rebuilt():
    cache = FeedCache()
    cache.get_or_build("site", "atom", 1, lambda: cached(b"old", utcnow() - timedelta(seconds=1)))
    assert cache.get("site", "atom", 1) is None
    rebuilt = cache.get_or_build(
        "site", "atom", 1, lambda: cached(b"new", utcnow() + timedelta(hours=1))
    )
    assert rebuilt.body == b"new"
    assert cache.get("site", "atom", 1) is rebuilt


def test_the_cache_forgets_the_least_recently_used_feeds_beyond_its_size():
    cache = FeedCache(max_feeds=2)
    cache.get_or_build("briefing/1", "atom", 1, lambda: cached(b"1"))
    cache.get_or_build("briefing/2", "atom", 1, lambda: cached(b"2"))
    assert cache.get("briefing/1", "atom", 1) is not None  # now the most recently used
    cache.get_or_build("briefing/3", "atom", 1, lambda: cached(b"3"))
    assert cache.get("briefing/2", "atom", 1) is None
    assert cache.get("briefing/1", "atom", 1) is not None
    assert cache.get("briefing/3", "atom", 1) is not None
