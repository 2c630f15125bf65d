from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow


class Series(db.Model):  # type: ignore[name-defined]
    """The editions (briefings) of a running story, one after another."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped with every change to the series or to any of its editions (services/changes.py):
    # the key of the series page and its feeds.
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped only when what an edition's page says of its series changes (the series title,
    # which editions readers see, their titles and order): part of every edition page's key,
    # so an edition shows its "next" link once the next one opens, and is not re-rendered
    # for every update of another edition.
    lineup: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"
