from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow
from briefing.models.briefing import Briefing
from briefing.models.media import Media, UpdateMedia
from briefing.models.source import Source
from briefing.models.user import User
from briefing.rendering.credit import credit_line
from briefing.rendering.markdown import excerpt


def title_text(headline: str, body_text: str) -> str:
    return headline or excerpt(body_text, 90)


class UpdateStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    DELETED = "deleted"


class UpdateSource(db.Model):  # type: ignore[name-defined]
    """Which sources an update credits, in the order the editor gave them."""

    __tablename__ = "update_sources"

    update_id: Mapped[int] = mapped_column(
        ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    position: Mapped[int]

    source: Mapped[Source] = relationship(lazy="joined")


class Update(db.Model):  # type: ignore[name-defined]
    """One timestamped entry in a briefing."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    headline: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    # Rendered and sanitized at save time; `body_text` is its plain-text form for excerpts,
    # meta descriptions and structured data.
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    status: Mapped[UpdateStatus] = mapped_column(
        Enum(
            UpdateStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    key_event: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    correction: Mapped[str] = mapped_column(Text, default="")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the text changes after publication: readers see "Updated HH:MM".
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    briefing: Mapped[Briefing] = relationship()
    author: Mapped[User] = relationship()
    source_links: Mapped[list[UpdateSource]] = relationship(
        order_by=UpdateSource.position, cascade="all, delete-orphan"
    )
    media_links: Mapped[list[UpdateMedia]] = relationship(
        order_by=UpdateMedia.position, cascade="all, delete-orphan"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="update", order_by="Revision.id.desc()"
    )

    __table_args__ = (
        # The reader's timeline: published updates of a briefing by time.
        Index("ix_updates_timeline", "briefing_id", "status", "published_at", "id"),
        # Key-events list and pinned slot: seeks, not scans of a long timeline.
        Index("ix_updates_key_events", "briefing_id", "key_event", "status", "published_at", "id"),
        Index("ix_updates_pinned", "briefing_id", "pinned", "status"),
        # The scheduler's "what is due next", asked every second by every process.
        Index("ix_updates_schedule", "status", "publish_at"),
        # At most one pinned update per briefing, enforced by the database too.
        Index(
            "uq_updates_one_pinned_per_briefing",
            "briefing_id",
            unique=True,
            sqlite_where=text("pinned"),
            postgresql_where=text("pinned"),
        ),
    )

    @property
    def sources(self) -> list[Source]:
        return [link.source for link in self.source_links]

    @property
    def media(self) -> list[Media]:
        """The photos the body shows, in order."""
        return [link.media for link in self.media_links]

    @property
    def credit(self) -> str:
        """'With reporting by Reuters and AFP', or ''."""
        return credit_line([s.name for s in self.sources])

    @property
    def title_text(self) -> str:
        """The headline, or a clean excerpt of the body: what lists and feeds show."""
        return title_text(self.headline, self.body_text)

    @property
    def is_published(self) -> bool:
        return self.status == UpdateStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Update {self.id} v{self.version}>"


class Revision(db.Model):  # type: ignore[name-defined]
    """What an update said before an edit replaced it."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id"), index=True)
    version: Mapped[int]
    headline: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    source_slugs: Mapped[list[str]] = mapped_column(JSON)
    key_event: Mapped[bool]
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    update: Mapped[Update] = relationship(back_populates="revisions")
    editor: Mapped[User] = relationship()
