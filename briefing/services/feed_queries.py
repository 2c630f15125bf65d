"""Read functions for the feeds. The warm path reads one small row (the cache key);
everything else runs only when bytes are built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, union_all

from briefing.extensions import db
from briefing.models import Briefing, Series, Source, Update, UpdateStatus
from briefing.models.base import UTCDateTime
from briefing.models.briefing import briefing_sources
from briefing.services.timeline import RECENTLY_CHANGED, RECENTLY_ENDED, eager_loads, in_site_scope

FEED_ENTRIES = 50
# The site-wide feed merges the most recently changed briefings in scope; past this many,
# a briefing's updates would be too old to make the newest 50 anyway.
SITE_FEED_BRIEFINGS = 100


@dataclass(frozen=True)
class SiteFeedState:
    """A key that moves whenever any briefing in the site-wide feed's scope changes: every
    change bumps one version (so the sum grows) and a briefing leaving the scope changes
    the count."""

    briefings: int
    versions: int
    changed_at: datetime | None


# Every site-wide feed request, warm or not, reads the key, so its statement is built once
# (building it costs more than running it).
_SITE_SCOPE = (
    select(Briefing.id, Briefing.version, Briefing.changed_at)
    .where(in_site_scope(bindparam("ended_since", type_=UTCDateTime)))
    .order_by(*RECENTLY_CHANGED)
    .limit(SITE_FEED_BRIEFINGS)
    .subquery()
)
_SITE_FEED_STATE = select(
    func.count(),
    func.coalesce(func.sum(_SITE_SCOPE.c.version), 0),
    func.max(_SITE_SCOPE.c.changed_at),
)


@dataclass(frozen=True)
class IndexState:
    """The index's key: the site-wide scope, and what it shows of each edition's series
    (its title moves the series' lineup, services/series.py), so a renamed series shows at
    once rather than at the next quarter hour."""

    site: SiteFeedState
    series_lineups: int
    series_changed_at: datetime | None

    @property
    def changed_at(self) -> datetime | None:
        return max(filter(None, (self.site.changed_at, self.series_changed_at)), default=None)


_INDEX_STATE = _SITE_FEED_STATE.add_columns(
    select(func.coalesce(func.sum(Series.lineup), 0)).scalar_subquery(),
    select(func.max(Series.changed_at)).scalar_subquery(),
)


def index_state(now: datetime) -> IndexState:
    """`site_feed_state` and the series' lineups, in one statement."""
    with db.engine.connect() as connection:
        count, versions, changed_at, lineups, series_changed_at = connection.execute(
            _INDEX_STATE, {"ended_since": now - RECENTLY_ENDED}
        ).one()
    return IndexState(SiteFeedState(count, versions, changed_at), lineups, series_changed_at)


def site_feed_state(now: datetime) -> SiteFeedState:
    """The site-wide feeds' cache key, in one statement on a connection of its own (no ORM
    session to begin and end around it)."""
    with db.engine.connect() as connection:
        count, versions, changed_at = connection.execute(
            _SITE_FEED_STATE, {"ended_since": now - RECENTLY_ENDED}
        ).one()
    return SiteFeedState(count, versions, changed_at)


def site_feed_briefings(now: datetime) -> list[Briefing]:
    """The briefings whose updates the site-wide feed merges, most recently changed first."""
    return list(
        db.session.scalars(
            select(Briefing)
            .where(in_site_scope(now - RECENTLY_ENDED))
            .order_by(*RECENTLY_CHANGED)
            .limit(SITE_FEED_BRIEFINGS)
        )
    )


def latest_published(
    scope: Briefing | Sequence[Briefing], n: int = FEED_ENTRIES, *, key_events: bool = False
) -> list[Update]:
    """The newest `n` published updates (with `key_events`, key events only) of a briefing,
    or merged across briefings, newest first and fully loaded. Each briefing's newest are
    found by its timeline index, so the cost does not grow with the number of updates."""
    newest_first = (Update.published_at.desc(), Update.id.desc())
    shown = [Update.status == UpdateStatus.PUBLISHED]
    if key_events:
        shown.append(Update.key_event.is_(True))
    if isinstance(scope, Briefing):
        return list(
            db.session.scalars(
                select(Update)
                .where(Update.briefing_id == scope.id, *shown)
                .order_by(*newest_first)
                .limit(n)
                .options(*eager_loads())
            )
        )
    if not scope:
        return []
    # Top n per briefing (an index seek each), then the top n of those.
    parts = []
    for briefing in scope:
        top = (
            select(Update.id, Update.published_at)
            .where(Update.briefing_id == briefing.id, *shown)
            .order_by(*newest_first)
            .limit(n)
            .subquery()
        )
        parts.append(select(top.c.id, top.c.published_at))
    merged = union_all(*parts).subquery()
    ids = db.session.scalars(
        select(merged.c.id).order_by(merged.c.published_at.desc(), merged.c.id.desc()).limit(n)
    ).all()
    items = db.session.scalars(
        select(Update).where(Update.id.in_(ids)).options(*eager_loads())
    ).all()
    return sorted(items, key=lambda u: (u.published_at, u.id), reverse=True)


def recent_retractions(
    scope: Briefing | Sequence[Briefing],
    since: datetime,
    n: int = FEED_ENTRIES,
    *,
    key_events: bool = False,
) -> list[Update]:
    """Updates that readers saw (with `key_events`, as key events) and that were retracted
    at or after `since`, newest first."""
    query = select(Update).where(
        Update.status == UpdateStatus.DELETED,
        Update.published_at.is_not(None),
        Update.deleted_at >= since,
    )
    if key_events:
        query = query.where(Update.key_event.is_(True))
    if isinstance(scope, Briefing):
        query = query.where(Update.briefing_id == scope.id)
    else:
        query = query.where(Update.briefing_id.in_([b.id for b in scope]))
    return list(db.session.scalars(query.order_by(Update.deleted_at.desc()).limit(n)))


def sources_credited(scope: Sequence[Briefing]) -> list[Source]:
    """Every source credited in any of these briefings, by name."""
    if not scope:
        return []
    return list(
        db.session.scalars(
            select(Source)
            .where(
                Source.id.in_(
                    select(briefing_sources.c.source_id).where(
                        briefing_sources.c.briefing_id.in_([b.id for b in scope])
                    )
                )
            )
            .order_by(func.lower(Source.name))
        )
    )
