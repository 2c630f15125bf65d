"""Failed sign-ins, throttled per account and per client address.

Counting per account stops a slow guess at one password from many addresses; counting per
address stops one client trying many accounts. The account is keyed by the email as typed
(normalized), whether or not such an account exists, so a lockout says nothing about which
accounts exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute

from briefing.extensions import db
from briefing.models import LoginFailure
from briefing.models.base import utcnow
from briefing.services.users import normalize_email

# Defaults; LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS and
# LOGIN_THROTTLE_WINDOW (seconds) in the app config override them.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limits:
    """How many failures pause sign-ins, per account and per address, within `window`."""

    per_account: int = FAILURES_PER_ACCOUNT
    per_address: int = FAILURES_PER_ADDRESS
    window: timedelta = WINDOW

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        window = config.get("LOGIN_THROTTLE_WINDOW")
        return cls(
            int(config.get("LOGIN_FAILURES_PER_ACCOUNT", FAILURES_PER_ACCOUNT)),
            int(config.get("LOGIN_FAILURES_PER_ADDRESS", FAILURES_PER_ADDRESS)),
            timedelta(seconds=int(window)) if window else WINDOW,
        )


@dataclass(frozen=True)
class Lockout:
    retry_after: timedelta

    @property
    def minutes(self) -> int:
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def lockout(
    email: str, address: str, *, limits: Limits, now: datetime | None = None
) -> Lockout | None:
    """Whether sign-ins for this email or from this address are paused, and for how long."""
    now = now or utcnow()
    account = _digest("account", normalize_email(email))
    waits = [
        _wait(LoginFailure.account_key, account, limits.per_account),
        _wait(LoginFailure.address_key, _digest("address", address), limits.per_address),
    ]
    since = now - limits.window
    # The lock lifts when the limit-th most recent failure leaves the window.
    ends = [moment + limits.window for moment in waits if moment is not None and moment > since]
    return Lockout(max(ends) - now) if ends else None


def _wait(column: InstrumentedAttribute[str], key: str, limit: int) -> datetime | None:
    return db.session.scalar(
        select(LoginFailure.created_at)
        .where(column == key)
        .order_by(LoginFailure.created_at.desc())
        .offset(limit - 1)
        .limit(1)
    )


def record_failure(email: str, address: str, *, limits: Limits) -> None:
    now = utcnow()
    # Old failures no longer count for anything.
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < now - limits.window))
    db.session.add(
        LoginFailure(
            account_key=_digest("account", normalize_email(email)),
            address_key=_digest("address", address),
            created_at=now,
        )
    )
    db.session.commit()


def forget_account_failures(email: str) -> None:
    """A successful sign-in clears the account's count (not the address's: a guesser could
    otherwise reset it by signing in to an account of their own)."""
    key = _digest("account", normalize_email(email))
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == key))
    db.session.commit()
