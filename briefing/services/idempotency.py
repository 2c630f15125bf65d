"""Idempotent POSTs: a repeated Idempotency-Key replays the first response.

The door claims the key before calling a verb; the claim is a pending row in the session,
so it commits in the verb's own transaction. Two racing requests with one key therefore
cannot both create something: the second hits the unique constraint and rolls back whole.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from briefing.extensions import db
from briefing.models import IdempotencyKey, User
from briefing.services.errors import Invalid

KEY_MAX = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str
    location: str | None


def fingerprint(method: str, path: str, payload: Any) -> str:
    canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise Invalid.field("Idempotency-Key", f"Must be 1 to {KEY_MAX} printable characters.")


def previous_response(actor: User, key: str, print_: str) -> Replay | None:
    """The response remembered for this key, if any. A different request under the same key
    is refused; a claim whose request has not finished is reported as such."""
    row = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.fingerprint != print_:
        raise Invalid.field("Idempotency-Key", "This key was already used for a different request.")
    if row.status_code is None or row.response_body is None:
        return Replay(409, "", None)
    return Replay(row.status_code, row.response_body, row.location)


def claim(actor: User, key: str, print_: str) -> IdempotencyKey:
    """Add a pending claim to the session; the next verb's commit makes it permanent."""
    row = IdempotencyKey(user_id=actor.id, key=key, fingerprint=print_)
    db.session.add(row)
    return row


def remember(row: IdempotencyKey, status_code: int, body: str, location: str | None) -> None:
    row.status_code, row.response_body, row.location = status_code, body, location
    db.session.commit()
