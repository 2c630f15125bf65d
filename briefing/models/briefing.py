from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Enum, ForeignKey, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow
from briefing.models.media import Media
from briefing.models.series import Series
from briefing.models.source import Source

# Every source credited by a published update of the briefing, kept current at write time so
# the page footer and feed rights need no scan of the briefing's updates.
briefing_sources = Table(
    "briefing_sources",
    db.metadata,
    Column("briefing_id", ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("sources.id"), primary_key=True),
)


class BriefingStatus(enum.StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    ENDED = "ended"


class Briefing(db.Model):  # type: ignore[name-defined]
    """One live page."""

    __tablename__ = "briefings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    standfirst: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitized when saved, never per request.
    summary_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[BriefingStatus] = mapped_column(
        Enum(
            BriefingStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=BriefingStatus.DRAFT,
    )
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(35), default="en")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every change to the briefing or its updates; each bump is one change-log row
    # whose sequence number equals the new version. ETags and cache keys derive from it.
    version: Mapped[int] = mapped_column(default=0)
    # When `version` last moved: Last-Modified for pages and feeds.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The photo shown under the title and in link previews (og:image, JSON-LD image).
    lead_media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    # The running story this briefing is one edition of; editions follow each other by
    # `opened_at`.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)

    lead_media: Mapped[Media | None] = relationship(lazy="joined")
    series: Mapped[Series | None] = relationship(lazy="joined")
    credited_sources: Mapped[list[Source]] = relationship(
        secondary=briefing_sources, order_by=func.lower(Source.name)
    )

    @property
    def is_public(self) -> bool:
        return self.status != BriefingStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Briefing {self.slug}>"
