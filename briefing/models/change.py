from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow


class ChangeKind(enum.StrEnum):
    UPDATE_PUBLISHED = "update.published"
    UPDATE_EDITED = "update.edited"
    UPDATE_DELETED = "update.deleted"
    UPDATE_PINNED = "update.pinned"
    UPDATE_UNPINNED = "update.unpinned"
    KEY_EVENT = "update.key_event"
    DRAFT_SAVED = "draft.saved"
    # Scheduled, rescheduled or edited while scheduled: the newsroom's business until out.
    UPDATE_SCHEDULED = "update.scheduled"
    BRIEFING_CHANGED = "briefing.changed"
    BRIEFING_ENDED = "briefing.ended"


class Change(db.Model):  # type: ignore[name-defined]
    """One row per change to a briefing: the cursor for live delivery.

    `seq` is per briefing and equals the briefing's `version` right after the change.
    """

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id"))
    seq: Mapped[int]
    kind: Mapped[ChangeKind] = mapped_column(
        Enum(
            ChangeKind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        )
    )
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("briefing_id", "seq"),)
