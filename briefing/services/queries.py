"""Read functions for pages, the API and feeds. Each returns fully loaded objects in a
fixed number of queries, whatever the size of the briefing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    Revision,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
)
from briefing.services.errors import Invalid, NotFound

RECENTLY_ENDED = timedelta(days=30)


@dataclass(frozen=True)
class Page:
    items: list[Update]
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
    if not 0 < update_id < 2**63:  # beyond any stored id, and beyond what databases accept
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
        if not 0 <= item_id < 2**63:
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
        if oldest_first:
            query = query.where(
                or_(
                    Update.published_at > moment,
                    and_(Update.published_at == moment, Update.id > item_id),
                )
            )
        else:
            query = query.where(
                or_(
                    Update.published_at < moment,
                    and_(Update.published_at == moment, Update.id < item_id),
                )
            )
    if oldest_first:
        query = query.order_by(Update.published_at, Update.id)
    else:
        query = query.order_by(Update.published_at.desc(), Update.id.desc())
    rows = list(db.session.scalars(query.limit(limit + 1).options(*_loaded())))
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, encode_cursor(items[-1]) if more and items else None)


def all_updates_page(briefing: Briefing, *, cursor: str | None, limit: int) -> Page:
    """Every update an editor or bot may see (drafts and retractions too), newest first."""
    query = select(Update).where(Update.briefing_id == briefing.id)
    if cursor:
        try:
            query = query.where(Update.id < int(cursor))
        except ValueError:
            raise Invalid.field("cursor", "Not a valid page cursor.") from None
    rows = list(
        db.session.scalars(query.order_by(Update.id.desc()).limit(limit + 1).options(*_loaded()))
    )
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
    """Every source credited by a published update of the briefing, by name."""
    used = (
        select(UpdateSource.source_id)
        .join(Update, Update.id == UpdateSource.update_id)
        .where(Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED)
        .distinct()
    )
    return list(db.session.scalars(select(Source).where(Source.id.in_(used)).order_by(Source.name)))


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
