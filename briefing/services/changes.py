"""The change log: every change to a briefing bumps its version and appends one row.

Rows are written inside the caller's transaction; the broker is rung only after that
transaction commits (see live/broker.py), so a listener never reads a change that is not there.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from briefing.extensions import db
from briefing.models import Briefing, Change, ChangeKind, Update
from briefing.models.base import utcnow

PENDING_RINGS = "briefing.pending_rings"


def record_change(briefing: Briefing, kind: ChangeKind, subject: Update | None = None) -> Change:
    """Bump the briefing's version atomically and log the change under the new number.

    The UPDATE … RETURNING takes the row lock on PostgreSQL, so concurrent writers to one
    briefing get consecutive, gap-free sequence numbers.
    """
    now = utcnow()
    seq = db.session.execute(
        update(Briefing)
        .where(Briefing.id == briefing.id)
        .values(version=Briefing.version + 1, changed_at=now)
        .returning(Briefing.version),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(briefing, "version", seq)
    set_committed_value(briefing, "changed_at", now)
    if subject is not None and subject.id is None:
        db.session.flush()
    change = Change(
        briefing_id=briefing.id,
        seq=seq,
        kind=kind,
        update_id=subject.id if subject is not None else None,
        created_at=now,
    )
    db.session.add(change)
    db.session.info.setdefault(PENDING_RINGS, set()).add((briefing.id, seq))
    return change


def changes_since(briefing_id: int, seq: int, limit: int = 500) -> list[Change]:
    """Changes after cursor `seq`, oldest first."""
    return list(
        db.session.scalars(
            select(Change)
            .where(Change.briefing_id == briefing_id, Change.seq > seq)
            .order_by(Change.seq)
            .limit(limit)
        )
    )
