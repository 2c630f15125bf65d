"""The change log: every change to a briefing bumps its version and appends one row.

Rows are written inside the caller's transaction; the broker is rung only after that
transaction commits (see briefing/live/__init__.py), so a listener never reads a change
that is not there. Readers find what changed (`changes_since`, `logged_changes`) and caches
key on the version (`briefing_version`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from briefing.extensions import db
from briefing.models import Briefing, BriefingStatus, Change, ChangeKind, Series, Update
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
    if briefing.series_id is not None:
        touch_series(briefing.series_id, now=now)
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


def touch_series(series_id: int, *, now: datetime, lineup: bool = False) -> None:
    """Move the series' version (its page and feeds show every edition's changes) and, with
    `lineup`, what its editions' pages show of it (services/series.py says when)."""
    values: dict[str, object] = {"version": Series.version + 1, "changed_at": now}
    if lineup:
        values["lineup"] = Series.lineup + 1
    db.session.execute(
        update(Series).where(Series.id == series_id).values(**values),
        execution_options={"synchronize_session": False},
    )


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


class Logged(NamedTuple):
    slug: str
    kind: ChangeKind
    # Whether the update the change touched is a key event now (False for briefing changes).
    key_event: bool


def logged_changes(rings: Sequence[tuple[int, int]]) -> list[Logged]:
    """What these `(briefing_id, seq)` change-log rows changed, for briefings readers can
    see."""
    seqs: dict[int, list[int]] = {}
    for briefing_id, seq in rings:
        seqs.setdefault(briefing_id, []).append(seq)
    if not seqs:
        return []
    rows = db.session.execute(
        select(Briefing.slug, Change.kind, func.coalesce(Update.key_event, False))
        .join(Briefing, Briefing.id == Change.briefing_id)
        .outerjoin(Update, Update.id == Change.update_id)
        .where(
            or_(*(and_(Change.briefing_id == b, Change.seq.in_(s)) for b, s in seqs.items())),
            Briefing.status != BriefingStatus.DRAFT,
        )
        .order_by(Change.briefing_id, Change.seq)
    ).all()
    return [Logged(slug, kind, bool(key_event)) for slug, kind, key_event in rows]


@dataclass(frozen=True)
class BriefingVersion:
    """What a cache needs to find a briefing's cached bytes: its id, status and version
    (the seq of its last change) and when that change happened."""

    briefing_id: int
    status: BriefingStatus
    version: int
    changed_at: datetime
    # Pages show times in it, and their "today" labels turn at its midnight.
    timezone: str
    # Pages speak it (their interface language, `lang` and `dir`).
    language: str
    # What an edition's page shows of its series (its neighbours); None outside a series.
    series_lineup: int | None = None


# Built once: on a cached response, building the statement would cost more than running it.
_VERSION = (
    select(
        Briefing.id,
        Briefing.status,
        Briefing.version,
        Briefing.changed_at,
        Briefing.timezone,
        Briefing.language,
        Series.lineup,
    )
    .outerjoin(Series, Series.id == Briefing.series_id)
    .where(Briefing.slug == bindparam("slug"))
)


def briefing_version(slug: str) -> BriefingVersion | None:
    """The briefing's current version, drafts included, by one indexed lookup. It runs on
    a connection of its own, not the ORM session, so a request answered from a cache opens
    no session and runs this one statement."""
    with db.engine.connect() as connection:
        row = connection.execute(_VERSION, {"slug": slug}).one_or_none()
    return None if row is None else BriefingVersion(*row)
