"""Read functions for pages, the API and feeds. Each returns fully loaded objects in a
fixed number of queries, whatever the size of the briefing."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, func, literal, or_, select, tuple_, union_all
from sqlalchemy.orm import selectinload

from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    Change,
    ChangeKind,
    Revision,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
)
from briefing.models.base import INTEGER_MAX, UTCDateTime
from briefing.models.briefing import briefing_sources
from briefing.services.errors import Invalid, NotFound

RECENTLY_ENDED = timedelta(days=30)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _loaded() -> tuple[Any, ...]:
    """Eager loads every reader view needs: sources in order and the author."""
    return (
        selectinload(Update.source_links).joinedload(UpdateSource.source),
        selectinload(Update.author),
    )


def briefing_by_slug(slug: str, *, public: bool = True) -> Briefing:
    """The briefing with this slug; drafts count as missing for readers."""
    briefing = db.session.scalar(select(Briefing).where(Briefing.slug == slug))
    if briefing is None or (public and not briefing.is_public):
        raise NotFound(f"No briefing {slug!r}.")
    return briefing


def update_in(briefing: Briefing, update_id: int, *, public: bool = True) -> Update:
    """An update of this briefing; for readers, only published ones exist."""
    if not 0 < update_id <= INTEGER_MAX:  # beyond any stored id, and what databases accept
        raise NotFound(f"No update {update_id} in briefing {briefing.slug!r}.")
    item = db.session.scalar(
        select(Update)
        .where(Update.id == update_id, Update.briefing_id == briefing.id)
        .options(*_loaded())
    )
    if item is None or (public and item.status != UpdateStatus.PUBLISHED):
        raise NotFound(f"No update {update_id} in briefing {briefing.slug!r}.")
    return item


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def updates_by_id(ids: Collection[int]) -> list[Update]:
    """The updates with these ids, fully loaded for rendering, in any order."""
    if not ids:
        return []
    return list(db.session.scalars(select(Update).where(Update.id.in_(ids)).options(*_loaded())))


def encode_cursor(item: Update, *, id_offset: int = 0) -> str:
    """'<microseconds since epoch>-<id>': exact integers, no float rounding."""
    assert item.published_at is not None
    return f"{(item.published_at - EPOCH) // MICROSECOND}-{item.id + id_offset}"


def cursor_including(item: Update) -> str:
    """A newest-first cursor whose page starts with `item`: 'see it in context'."""
    return encode_cursor(item, id_offset=1)


def decode_cursor(cursor: str, field: str = "before") -> tuple[datetime, int]:
    try:
        micros_text, id_text = cursor.split("-", 1)
        micros, item_id = int(micros_text), int(id_text)
        moment = EPOCH + micros * MICROSECOND
        if not 0 <= item_id <= INTEGER_MAX + 1:
            raise ValueError(item_id)
    except (ValueError, OverflowError, OSError):
        raise Invalid.field(field, "Not a valid page cursor.") from None
    return moment, item_id


def updates_page(
    briefing: Briefing,
    *,
    cursor: str | None = None,
    oldest_first: bool = False,
    limit: int = 20,
    include_pinned: bool = True,
) -> Page:
    """One page of published updates, newest (or oldest) first, after `cursor`.

    Keyset pagination on (published_at, id): the cost is the same on page 1 and page 500.
    """
    query = select(Update).where(
        Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED
    )
    if not include_pinned:
        query = query.where(Update.pinned.is_(False))
    if cursor:
        moment, item_id = decode_cursor(cursor)
        # A row-value comparison lets the timeline index seek straight to the cursor.
        position = tuple_(Update.published_at, Update.id)
        mark = tuple_(literal(moment, UTCDateTime), literal(item_id))
        query = query.where(position > mark if oldest_first else position < mark)
    if oldest_first:
        query = query.order_by(Update.published_at, Update.id)
    else:
        query = query.order_by(Update.published_at.desc(), Update.id.desc())
    rows = list(db.session.scalars(query.limit(limit + 1).options(*_loaded())))
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, encode_cursor(items[-1]) if more and items else None)


def all_updates_page(
    briefing: Briefing, *, cursor: str | None, limit: int, drafts_of: int | None = None
) -> Page[Update]:
    """Every update an editor or bot may see (drafts and retractions too), newest first.

    With `drafts_of`, unpublished updates are limited to that author's own.
    """
    query = select(Update).where(Update.briefing_id == briefing.id).options(*_loaded())
    if drafts_of is not None:
        query = query.where(
            or_(Update.status == UpdateStatus.PUBLISHED, Update.author_id == drafts_of)
        )
    return _newest_first(query, Update, cursor, limit)


def briefings_page(*, cursor: str | None, limit: int, public: bool = True) -> Page[Briefing]:
    """Briefings, newest first; readers see no drafts."""
    query = select(Briefing)
    if public:
        query = query.where(Briefing.status != BriefingStatus.DRAFT)
    return _newest_first(query, Briefing, cursor, limit)


def _newest_first(
    query: Any, model: type[Briefing] | type[Update], cursor: str | None, limit: int
) -> Page[Any]:
    """Keyset pagination on id: the cursor is the last id of the previous page."""
    if cursor:
        digits = cursor.isascii() and cursor.isdigit() and len(cursor) <= 10
        if not (digits and 0 < int(cursor) <= INTEGER_MAX):
            raise Invalid.field("cursor", "Not a valid page cursor.")
        query = query.where(model.id < int(cursor))
    rows = list(db.session.scalars(query.order_by(model.id.desc()).limit(limit + 1)))
    items = rows[:limit]
    return Page(items, str(items[-1].id) if len(rows) > limit and items else None)


def pinned_update(briefing: Briefing) -> Update | None:
    return db.session.scalar(
        select(Update)
        .where(
            Update.briefing_id == briefing.id,
            Update.pinned.is_(True),
            Update.status == UpdateStatus.PUBLISHED,
        )
        .options(*_loaded())
    )


def key_events(briefing: Briefing, limit: int = 50) -> list[Update]:
    """Key events newest first (headline or excerpt shown, so no eager loads needed)."""
    return list(
        db.session.scalars(
            select(Update)
            .where(
                Update.briefing_id == briefing.id,
                Update.status == UpdateStatus.PUBLISHED,
                Update.key_event.is_(True),
            )
            .order_by(Update.published_at.desc(), Update.id.desc())
            .limit(limit)
        )
    )


def sources_used(briefing: Briefing) -> list[Source]:
    """Every source credited by a published update of the briefing, by name (kept current
    at write time, so this is one small query whatever the briefing's size)."""
    return list(
        db.session.scalars(
            select(Source)
            .join(briefing_sources, briefing_sources.c.source_id == Source.id)
            .where(briefing_sources.c.briefing_id == briefing.id)
            .order_by(func.lower(Source.name))
        )
    )


def published_count(briefing: Briefing) -> int:
    return (
        db.session.scalar(
            select(func.count(Update.id)).where(
                Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED
            )
        )
        or 0
    )


def last_published_at(briefing: Briefing) -> datetime | None:
    return db.session.scalar(
        select(func.max(Update.published_at)).where(
            Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED
        )
    )


@dataclass(frozen=True)
class IndexEntry:
    briefing: Briefing
    last_update_at: datetime | None
    update_count: int


def public_briefings(now: datetime, limit: int = 50) -> list[IndexEntry]:
    """Live briefings, then those ended within the last 30 days, each with its last update
    time and count of published updates, in one query."""
    stats = (
        select(
            Update.briefing_id,
            func.max(Update.published_at).label("last_at"),
            func.count(Update.id).label("n"),
        )
        .where(Update.status == UpdateStatus.PUBLISHED)
        .group_by(Update.briefing_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Briefing, stats.c.last_at, stats.c.n)
        .outerjoin(stats, stats.c.briefing_id == Briefing.id)
        .where(
            or_(
                Briefing.status == BriefingStatus.LIVE,
                and_(
                    Briefing.status == BriefingStatus.ENDED,
                    Briefing.ended_at >= now - RECENTLY_ENDED,
                ),
            )
        )
        .order_by(Briefing.changed_at.desc())
        .limit(limit)
    ).all()
    entries = [IndexEntry(b, _aware(last), n or 0) for b, last, n in rows]
    entries.sort(key=lambda e: e.briefing.status != BriefingStatus.LIVE)
    return entries


def revisions_of(item: Update) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.update_id == item.id)
            .order_by(Revision.id.desc())
            .options(selectinload(Revision.editor))
        )
    )


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates bypass the column type, so SQLite hands back naive UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# Feeds: the warm path reads one small row; everything else runs only when bytes are built.

FEED_ENTRIES = 50
# The site-wide feed merges the most recently changed briefings in scope; past this many,
# a briefing's updates would be too old to make the newest 50 anyway.
SITE_FEED_BRIEFINGS = 100


@dataclass(frozen=True)
class FeedState:
    """What a briefing feed request needs to find cached bytes: id, status and version."""

    briefing_id: int
    status: BriefingStatus
    version: int
    changed_at: datetime


@dataclass(frozen=True)
class SiteFeedState:
    """A key that moves whenever any briefing in the site-wide feed's scope changes: every
    change bumps one version (so the sum grows) and a briefing leaving the scope changes
    the count."""

    briefings: int
    versions: int
    changed_at: datetime | None


# Every feed request, warm or not, runs one of the two lookups below, so they go to the
# DBAPI cursor directly (`?` placeholders, adapted to the driver): SQLAlchemy's execution
# and result machinery costs about three times what the indexed lookup itself does
# (BENCHMARKS.md, "Feeds"). Everything that runs only when bytes are built uses the ORM.
_FEED_STATE_SQL = "SELECT id, status, version, changed_at FROM briefings WHERE slug = ?"
# The site-wide scope: live briefings and those ended in the last 30 days, the most
# recently changed first. Defined once, here, for both the key and the feed's content.
_SITE_SCOPE_SQL = (
    "SELECT id, version, changed_at FROM briefings"
    " WHERE status = ? OR (status = ? AND ended_at >= ?)"
    " ORDER BY changed_at DESC, id DESC LIMIT ?"
)
_SITE_FEED_STATE_SQL = (
    f"SELECT count(*), coalesce(sum(version), 0), max(changed_at) FROM ({_SITE_SCOPE_SQL}) AS scope"
)


def feed_state(slug: str) -> FeedState | None:
    rows = _dbapi_rows(_FEED_STATE_SQL, slug)
    if not rows:
        return None
    briefing_id, status, version, changed_at = rows[0]
    return FeedState(briefing_id, BriefingStatus(status), version, _utc(changed_at))


def site_feed_state(now: datetime) -> SiteFeedState:
    [(count, versions, changed_at)] = _dbapi_rows(_SITE_FEED_STATE_SQL, *_site_scope(now))
    return SiteFeedState(count, versions, _utc(changed_at) if changed_at else None)


def site_feed_briefings(now: datetime) -> list[Briefing]:
    """The briefings whose updates the site-wide feed merges, most recently changed first."""
    ids = [row[0] for row in _dbapi_rows(_SITE_SCOPE_SQL, *_site_scope(now))]
    found = {b.id: b for b in db.session.scalars(select(Briefing).where(Briefing.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _site_scope(now: datetime) -> tuple[Any, ...]:
    since: Any = now - RECENTLY_ENDED
    if db.engine.dialect.name == "sqlite":  # stored as SQLAlchemy's naive UTC text
        since = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    live, ended = BriefingStatus.LIVE.value, BriefingStatus.ENDED.value
    return live, ended, since, SITE_FEED_BRIEFINGS


def _dbapi_rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    engine = db.engine
    if engine.dialect.paramstyle != "qmark":  # psycopg
        sql = sql.replace("?", "%s")
    connection = engine.raw_connection()
    driver: Any = connection.driver_connection
    # One read needs no transaction. In autocommit, psycopg sends the SELECT alone instead
    # of BEGIN, SELECT and then the pool's ROLLBACK: one round trip instead of three.
    # (sqlite3 opens no transaction for a SELECT anyway.)
    autocommit = engine.dialect.name != "sqlite" and not driver.autocommit
    try:
        if autocommit:
            driver.autocommit = True
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()
    finally:
        if autocommit and not driver.closed:
            driver.autocommit = False
        connection.close()


def _utc(value: datetime | str) -> datetime:
    """A timestamp from the driver as aware UTC (SQLite hands back naive UTC text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def latest_published(scope: Briefing | Sequence[Briefing], n: int = FEED_ENTRIES) -> list[Update]:
    """The newest `n` published updates of a briefing, or merged across briefings, newest
    first and fully loaded. Each briefing's newest are found by its timeline index, so the
    cost does not grow with the number of updates."""
    newest_first = (Update.published_at.desc(), Update.id.desc())
    if isinstance(scope, Briefing):
        return list(
            db.session.scalars(
                select(Update)
                .where(Update.briefing_id == scope.id, Update.status == UpdateStatus.PUBLISHED)
                .order_by(*newest_first)
                .limit(n)
                .options(*_loaded())
            )
        )
    if not scope:
        return []
    # Top n per briefing (an index seek each), then the top n of those.
    parts = []
    for briefing in scope:
        top = (
            select(Update.id, Update.published_at)
            .where(Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED)
            .order_by(*newest_first)
            .limit(n)
            .subquery()
        )
        parts.append(select(top.c.id, top.c.published_at))
    merged = union_all(*parts).subquery()
    ids = db.session.scalars(
        select(merged.c.id).order_by(merged.c.published_at.desc(), merged.c.id.desc()).limit(n)
    ).all()
    items = db.session.scalars(select(Update).where(Update.id.in_(ids)).options(*_loaded())).all()
    return sorted(items, key=lambda u: (u.published_at, u.id), reverse=True)


def recent_retractions(
    scope: Briefing | Sequence[Briefing], since: datetime, n: int = FEED_ENTRIES
) -> list[Update]:
    """Updates that readers saw and that were retracted at or after `since`, newest first."""
    query = select(Update).where(
        Update.status == UpdateStatus.DELETED,
        Update.published_at.is_not(None),
        Update.deleted_at >= since,
    )
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


def logged_changes(rings: Sequence[tuple[int, int]]) -> list[tuple[str, ChangeKind]]:
    """(briefing slug, kind) of these `(briefing_id, seq)` change-log rows, for briefings
    readers can see."""
    seqs: dict[int, list[int]] = {}
    for briefing_id, seq in rings:
        seqs.setdefault(briefing_id, []).append(seq)
    if not seqs:
        return []
    rows = db.session.execute(
        select(Briefing.slug, Change.kind)
        .join(Briefing, Briefing.id == Change.briefing_id)
        .where(
            or_(*(and_(Change.briefing_id == b, Change.seq.in_(s)) for b, s in seqs.items())),
            Briefing.status != BriefingStatus.DRAFT,
        )
        .order_by(Change.briefing_id, Change.seq)
    ).all()
    return [(slug, kind) for slug, kind in rows]
