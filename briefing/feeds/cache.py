"""Serialized feeds, kept per (scope, format) for the scope's current version.

A request finds its bytes from the version alone (one small query by the caller), so a busy
feed costs what a static file costs. Only a miss reads the data, builds the document and
serializes it; concurrent misses for one feed wait for a single build.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from werkzeug.http import http_date

from briefing import metrics
from briefing.feeds import atom, jsonfeed, rss
from briefing.feeds.model import FeedDocument
from briefing.models.base import utcnow

_NOT_MODIFIED = frozenset({"ETag", "Cache-Control"})
BUILDERS: dict[str, tuple[Callable[[FeedDocument], bytes], str]] = {
    "rss": (rss.build, rss.MEDIA_TYPE),
    "atom": (atom.build, atom.MEDIA_TYPE),
    "json": (jsonfeed.build, jsonfeed.MEDIA_TYPE),
}


@dataclass(frozen=True)
class CachedFeed:
    body: bytes
    etag: str
    last_modified: datetime
    # Every header of a 200, computed once.
    headers: tuple[tuple[str, str], ...]
    # Set when the bytes hold something that ages out (a retraction's tombstone).
    valid_until: datetime | None = None

    @cached_property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'

    @cached_property
    def not_modified_headers(self) -> tuple[tuple[str, str], ...]:
        """What a 304 repeats: the validator and the caching rule (no entity headers)."""
        return tuple((name, value) for name, value in self.headers if name in _NOT_MODIFIED)


def serialize(
    document: FeedDocument, fmt: str, *, label: str, last_modified: datetime, max_age: int
) -> CachedFeed:
    """Bytes and headers of one format. The ETag names the version and hashes the bytes, so
    it changes with the data and with the code that formats it, yet every worker of one
    deploy agrees on it."""
    build, media_type = BUILDERS[fmt]
    body = build(document)
    digest = hashlib.blake2b(body, digest_size=8).hexdigest()
    etag = f"{fmt}-{label}-{digest}"
    headers = (
        ("Content-Type", f"{media_type}; charset=utf-8"),
        ("ETag", f'"{etag}"'),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", f"public, max-age={max_age}"),
    )
    return CachedFeed(body, etag, last_modified, headers, document.valid_until)


class FeedCache:
    """An LRU of serialized feeds, one version per (scope, format)."""

    def __init__(self, max_feeds: int = 1024) -> None:
        self.max_feeds = max_feeds
        self._feeds: OrderedDict[tuple[str, str], tuple[Hashable, CachedFeed]] = OrderedDict()
        self._lock = threading.Lock()
        # Striped locks: one build per feed at a time, in bounded memory.
        self._build_locks = [threading.Lock() for _ in range(64)]
        # Builds so far: what tests and the benchmark read to prove a warm request built none.
        self.builds = 0

    def get(self, scope: str, fmt: str, version: Hashable) -> CachedFeed | None:
        key = (scope, fmt)
        with self._lock:
            held = self._feeds.get(key)
            if held is None or held[0] != version:
                return None
            feed = held[1]
            if feed.valid_until is not None and utcnow() >= feed.valid_until:
                return None
            self._feeds.move_to_end(key)
            return feed

    def get_or_build(
        self, scope: str, fmt: str, version: Hashable, build: Callable[[], CachedFeed]
    ) -> CachedFeed:
        feed = self.get(scope, fmt, version)
        if feed is not None:
            metrics.CACHE_LOOKUPS.labels("feed", "hit").inc()
            return feed
        metrics.CACHE_LOOKUPS.labels("feed", "miss").inc()
        with self._build_locks[hash((scope, fmt)) % len(self._build_locks)]:
            feed = self.get(scope, fmt, version)  # built while this request waited?
            if feed is not None:
                return feed
            feed = build()
            with self._lock:
                self.builds += 1
                self._feeds[(scope, fmt)] = (version, feed)
                self._feeds.move_to_end((scope, fmt))
                while len(self._feeds) > self.max_feeds:
                    self._feeds.popitem(last=False)
        return feed

    def clear(self) -> None:
        with self._lock:
            self._feeds.clear()
