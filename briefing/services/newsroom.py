"""Read functions for the editor console: what the newsroom sees, drafts included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    Source,
    Update,
    UpdateStatus,
    User,
)
from briefing.services.timeline import aware_utc, eager_loads  # the reader side's eager loads

# Live coverage first: that is where the newsroom works.
# How far back the composer looks for source sets to suggest.
_RECENT_UPDATES = 20

_STATUS_ORDER = {BriefingStatus.LIVE: 0, BriefingStatus.DRAFT: 1, BriefingStatus.ENDED: 2}


@dataclass(frozen=True)
class DashboardEntry:
    briefing: Briefing
    last_update_at: datetime | None
    published: int
    drafts_waiting: int
    scheduled: int = 0
    next_scheduled_at: datetime | None = None


def dashboard(limit: int = 200) -> list[DashboardEntry]:
    """Every briefing with its last published update time, published count, drafts
    waiting and updates scheduled (with when the next goes out), in one query."""
    published = Update.status == UpdateStatus.PUBLISHED
    scheduled = Update.status == UpdateStatus.SCHEDULED
    stats = (
        select(
            Update.briefing_id,
            func.max(case((published, Update.published_at))).label("last_at"),
            func.sum(case((published, 1), else_=0)).label("published"),
            func.sum(case((Update.status == UpdateStatus.DRAFT, 1), else_=0)).label("drafts"),
            func.sum(case((scheduled, 1), else_=0)).label("scheduled"),
            func.min(case((scheduled, Update.publish_at))).label("next_at"),
        )
        .group_by(Update.briefing_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Briefing,
            stats.c.last_at,
            stats.c.published,
            stats.c.drafts,
            stats.c.scheduled,
            stats.c.next_at,
        )
        .outerjoin(stats, stats.c.briefing_id == Briefing.id)
        .order_by(Briefing.changed_at.desc())
        .limit(limit)
    ).all()
    entries = [
        DashboardEntry(
            b, aware_utc(last), int(n or 0), int(d or 0), int(s or 0), aware_utc(next_at)
        )
        for b, last, n, d, s, next_at in rows
    ]
    entries.sort(key=lambda e: _STATUS_ORDER[e.briefing.status])
    return entries


def drafts(briefing: Briefing, *, author: User | None = None) -> list[Update]:
    """Drafts waiting in a briefing, oldest first (first come, first published); with
    `author`, only theirs."""
    query = select(Update).where(
        Update.briefing_id == briefing.id, Update.status == UpdateStatus.DRAFT
    )
    if author is not None:
        query = query.where(Update.author_id == author.id)
    return list(db.session.scalars(query.order_by(Update.id).options(*eager_loads())))


def scheduled(briefing: Briefing) -> list[Update]:
    """Updates of a briefing waiting for their time, the next one to go out first."""
    query = select(Update).where(
        Update.briefing_id == briefing.id, Update.status == UpdateStatus.SCHEDULED
    )
    return list(
        db.session.scalars(query.order_by(Update.publish_at, Update.id).options(*eager_loads()))
    )


def recent_source_sets(briefing: Briefing, viewer: User, *, limit: int = 3) -> list[list[Source]]:
    """The distinct sets of sources credited by the briefing's latest updates (published, or
    the viewer's own drafts), newest first, each in its order: the composer offers them as
    one-click suggestions, since a desk tends to work from the same wires. Never a
    pre-selection: what an update credits is only what its editor picks."""
    latest = db.session.scalars(
        select(Update)
        .where(
            Update.briefing_id == briefing.id,
            or_(
                Update.status == UpdateStatus.PUBLISHED,
                and_(Update.status == UpdateStatus.DRAFT, Update.author_id == viewer.id),
            ),
        )
        .order_by(Update.id.desc())
        .limit(_RECENT_UPDATES)
        .options(selectinload(Update.source_links))
    )
    sets: dict[tuple[str, ...], list[Source]] = {}
    for item in latest:
        sources = item.sources
        if sources:
            sets.setdefault(tuple(s.slug for s in sources), sources)
    return list(sets.values())[:limit]


def latest_briefing_timezone() -> str | None:
    """The timezone of the newest briefing: a newsroom's habit, so a good default."""
    return db.session.scalar(select(Briefing.timezone).order_by(Briefing.id.desc()).limit(1))
