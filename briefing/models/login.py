from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from briefing.extensions import db
from briefing.models.base import UTCDateTime, utcnow


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """One failed sign-in, counted per account and per client address to throttle guessing.

    Both are kept only as SHA-256 digests: the email field sometimes receives a password.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (
        Index("ix_login_failures_account", "account_key", "created_at"),
        Index("ix_login_failures_address", "address_key", "created_at"),
    )
