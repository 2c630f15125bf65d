from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow
from briefing.models.user import User


class Media(db.Model):  # type: ignore[name-defined]
    """An uploaded photo: its stored files and the words that go with it.

    The files are made once at upload (services/media.py) and never change; their names
    carry `key`, a hash of the main file's bytes, so two uploads of the same picture share
    files (each keeps its own alt text, caption and credit).
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    # The main file, the one `url` names: the largest fallback (JPEG, or PNG for pictures
    # with transparency), and its size in pixels.
    filename: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    # Every file, main one included: [{"filename", "width", "content_type", "size"}…],
    # widest last.
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    alt: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    credit: Mapped[str] = mapped_column(String(200), default="")
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploader: Mapped[User] = relationship()

    @property
    def filenames(self) -> list[str]:
        return [variant["filename"] for variant in self.variants]

    @property
    def size(self) -> int:
        """Bytes of the main file."""
        return int(self.variants[-1].get("size", 0))

    def __repr__(self) -> str:
        return f"<Media {self.id} {self.filename}>"


class UpdateMedia(db.Model):  # type: ignore[name-defined]
    """Which photos an update's body shows, in order: written when the body is rendered, so
    a caption edit finds every update to re-render, and a deletion every update in the way."""

    __tablename__ = "update_media"

    update_id: Mapped[int] = mapped_column(
        ForeignKey("updates.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True, index=True)
    position: Mapped[int]

    media: Mapped[Media] = relationship(lazy="joined")
