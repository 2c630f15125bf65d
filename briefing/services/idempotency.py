"""Idempotent creation: a repeated Idempotency-Key gets what the first request created.

The creating verb stores the key itself (`remember`), in the transaction that creates the
resource, so a key exists exactly when its resource does: a process killed after that
commit leaves a key that replays, never a claim stuck half-done. Two racing requests with
one key both try to commit it; the unique constraint lets one through and the other, rolled
back by its verb (services/transactions.py), replays what the winner created.

Keys expire after the time-to-live the door passes in (IDEMPOTENCY_TTL): expired keys are
ignored, and every keyed write purges them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from flask_babel import gettext as _
from sqlalchemy import delete, select

from briefing.extensions import db
from briefing.models import IdempotencyKey, User
from briefing.models.base import utcnow
from briefing.services.errors import Collision, FieldError, Invalid
from briefing.services.permissions import Actor

KEY_MAX = 255
FIELD = "Idempotency-Key"
KEY_CONSTRAINT = "uq_idempotency_keys_user_id_key"


class Resource(Protocol):
    """What a key can stand for: a row of a table with an integer id."""

    __tablename__: str
    id: int


R = TypeVar("R", bound=Resource)


class KeyReused(Invalid):
    """The key was already used, by this user, for a different request."""

    def __init__(self) -> None:
        super().__init__(
            [FieldError(FIELD, _("This key was already used for a different request."))]
        )


@dataclass(frozen=True)
class Idempotency:
    """A door's request to create something at most once per key and user."""

    key: str
    fingerprint: str
    ttl: timedelta

    @classmethod
    def for_request(
        cls, key: str, *, method: str, path: str, payload: Any, ttl: timedelta
    ) -> Idempotency:
        """Check the key and fingerprint what the request asks for."""
        if not key or len(key) > KEY_MAX or not key.isprintable():
            raise Invalid.field(FIELD, _("Must be 1 to %(max)s printable characters.", max=KEY_MAX))
        canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"))
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest(), ttl)


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What a keyed creation did: created `resource` now, or `replayed` an earlier one."""

    resource: R
    replayed: bool


def create_once(
    create: Callable[[Idempotency | None], R],
    *,
    actor: User,
    idempotency: Idempotency | None,
    model: type[R],
) -> Outcome[R]:
    """Call `create` (a creating verb, given the key to remember) unless an unexpired key
    of `actor` already names a `model` row; then that row is the answer."""
    if idempotency is None:
        return Outcome(create(None), replayed=False)
    earlier = _earlier(actor, idempotency, model)
    if earlier is not None:
        return Outcome(earlier, replayed=True)
    try:
        return Outcome(create(idempotency), replayed=False)
    except Collision as collision:
        if collision.constraint != KEY_CONSTRAINT:
            raise
        # A request with the same key committed first: answer with what it created.
        earlier = _earlier(actor, idempotency, model)
        if earlier is None:
            raise
        return Outcome(earlier, replayed=True)


def remember(idempotency: Idempotency | None, actor: Actor, resource: Resource) -> None:
    """Store the key beside the resource a verb is creating, before the verb commits."""
    if idempotency is None:
        return
    if not isinstance(actor, User):
        raise TypeError("Only a request from an account carries an Idempotency-Key.")
    now = utcnow()
    db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < now - idempotency.ttl),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    db.session.add(
        IdempotencyKey(
            user_id=actor.id,
            key=idempotency.key,
            fingerprint=idempotency.fingerprint,
            resource=resource.__tablename__,
            resource_id=resource.id,
            created_at=now,
        )
    )


def _earlier(actor: User, idempotency: Idempotency, model: type[R]) -> R | None:
    row = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == actor.id,
            IdempotencyKey.key == idempotency.key,
            IdempotencyKey.created_at >= utcnow() - idempotency.ttl,
        )
    )
    if row is None:
        return None
    if row.fingerprint != idempotency.fingerprint or row.resource != model.__tablename__:
        raise KeyReused()
    return db.session.get(model, row.resource_id)
