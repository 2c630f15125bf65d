"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, per briefing, per series and site-wide, and
of key events alone per briefing and per series.

Read functions (services/feed_queries.py) → a plain feed document (model.py) → one builder per
format (rss.py, atom.py, jsonfeed.py) → bytes, cached by scope, version and format
(cache.py). WebSub pings follow each commit that changes an entry (websub.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from briefing.feeds import model, websub
from briefing.feeds.cache import CachedFeed, FeedCache, serialize
from briefing.feeds.model import TOMBSTONE_WINDOW, Site
from briefing.models.base import utcnow
from briefing.services import feed_queries, series, timeline
from briefing.services.changes import BriefingVersion
from briefing.services.feed_queries import SiteFeedState
from briefing.services.series import SeriesVersion

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Feeds:
    """The app's feed service, at `app.extensions["briefing.feeds"]`."""

    site: Site
    cache: FeedCache
    max_age: int

    def briefing(
        self, slug: str, state: BriefingVersion, fmt: str, *, key_events: bool = False
    ) -> CachedFeed:
        """A public briefing's feed (or its key events) at the version in `state`; built
        only on a miss."""

        def build() -> CachedFeed:
            briefing = timeline.briefing_by_slug(slug)
            document = model.briefing_feed(
                briefing,
                feed_queries.latest_published(briefing, key_events=key_events),
                feed_queries.recent_retractions(
                    briefing, utcnow() - TOMBSTONE_WINDOW, key_events=key_events
                ),
                site=self.site,
                key_events=key_events,
            )
            return serialize(
                document,
                fmt,
                label=f"{'k' if key_events else 'v'}{state.version}",
                last_modified=state.changed_at,
                max_age=self.max_age,
            )

        scope = f"briefing/{state.briefing_id}{model.KEY_EVENTS_ID if key_events else ''}"
        return self.cache.get_or_build(scope, fmt, state.version, build)

    def series(
        self, slug: str, state: SeriesVersion, fmt: str, *, key_events: bool = False
    ) -> CachedFeed:
        """A series' feed (or its key events) across its public editions, at the version
        in `state`, which moves with every change to any edition."""

        def build() -> CachedFeed:
            found = series.series_by_slug(slug)
            editions = series.editions(found)
            document = model.series_feed(
                found,
                editions,
                feed_queries.latest_published(editions, key_events=key_events),
                feed_queries.recent_retractions(
                    editions, utcnow() - TOMBSTONE_WINDOW, key_events=key_events
                ),
                feed_queries.sources_credited(editions),
                site=self.site,
                key_events=key_events,
            )
            return serialize(
                document,
                fmt,
                label=f"{'sk' if key_events else 'sv'}{state.version}",
                last_modified=state.changed_at,
                max_age=self.max_age,
            )

        scope = f"series/{state.series_id}{model.KEY_EVENTS_ID if key_events else ''}"
        return self.cache.get_or_build(scope, fmt, state.version, build)

    def site_wide(self, state: SiteFeedState, fmt: str) -> CachedFeed:
        """The site-wide feed for the briefings `state` summarizes."""
        updated = state.changed_at or EPOCH

        def build() -> CachedFeed:
            now = utcnow()
            briefings = feed_queries.site_feed_briefings(now)
            document = model.site_feed(
                feed_queries.latest_published(briefings),
                feed_queries.recent_retractions(briefings, now - TOMBSTONE_WINDOW),
                feed_queries.sources_credited(briefings),
                updated=updated,
                site=self.site,
            )
            return serialize(
                document,
                fmt,
                label=f"s{state.briefings}.{state.versions}",
                last_modified=updated,
                max_age=self.max_age,
            )

        return self.cache.get_or_build("site", fmt, state, build)


def init_app(app: Flask, link: Callable[..., str]) -> Feeds:
    """`link` is the app's absolute-URL helper (web/routing.py: absolute_url)."""
    # A bad FEED_TAG_AUTHORITY stops the start, not a request.
    site = Site.from_config(app.config, link)
    feeds = Feeds(site=site, cache=FeedCache(), max_age=int(app.config["FEED_MAX_AGE"]))
    app.extensions["briefing.feeds"] = feeds
    websub.init_app(app, site)
    return feeds
