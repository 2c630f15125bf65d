"""Scheduled updates going out: the verb the scheduler (briefing/scheduler.py) calls.

Promotion is claimed by a conditional UPDATE (`… WHERE status = 'scheduled' AND publish_at
<= now`), so when several processes run a scheduler, the database lets exactly one of them
publish each update; the others match no row and move on. The claim, the change-log row and
the credits are one transaction, and the broker is rung after its commit like any publish.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from briefing.extensions import db
from briefing.models import BriefingStatus, ChangeKind, Update, UpdateStatus
from briefing.services.changes import record_change
from briefing.services.transactions import verb
from briefing.services.updates import add_credits

log = logging.getLogger(__name__)
# Updates promoted per round; more due wait for the next round, a moment later.
BATCH = 100


def next_publish_at() -> datetime | None:
    """When the next scheduled update is due, if any is (one seek on its index)."""
    return cast(
        "datetime | None",
        db.session.scalar(
            select(func.min(Update.publish_at)).where(Update.status == UpdateStatus.SCHEDULED)
        ),
    )


def due_updates(now: datetime) -> list[int]:
    """Ids of scheduled updates due at `now`, earliest first."""
    return list(
        db.session.scalars(
            select(Update.id)
            .where(Update.status == UpdateStatus.SCHEDULED, Update.publish_at <= now)
            .order_by(Update.publish_at, Update.id)
            .limit(BATCH)
        )
    )


def promote_due(now: datetime) -> list[Update]:
    """Publish every scheduled update due at `now`; returns those this call published
    (another process may have won some)."""
    promoted = []
    for update_id in due_updates(now):
        item = promote(update_id, now=now)
        if item is not None:
            promoted.append(item)
    return promoted


@verb
def promote(update_id: int, *, now: datetime) -> Update | None:
    """Publish one scheduled update that is due, if nobody has yet; None if someone did
    (another process, an editor's "publish now", a cancel).

    `published_at` is the scheduled time, not the moment of promotion: it is the time the
    editor chose and announced (an embargo), the promotion follows it within a second or
    two, and readers see the same time on every server. In a briefing that has ended
    meanwhile it goes back to the drafts instead, as an ended briefing takes no new updates.
    """
    item = db.session.get(Update, update_id)
    if item is None:
        return None
    ended = item.briefing.status == BriefingStatus.ENDED
    values: dict[str, Any] = {
        "status": UpdateStatus.DRAFT if ended else UpdateStatus.PUBLISHED,
        "version": Update.version + 1,
        "updated_at": now,
        "publish_at": None,
    }
    if not ended:
        values["published_at"] = Update.publish_at
    claimed = db.session.execute(
        update(Update)
        .where(
            Update.id == update_id,
            Update.status == UpdateStatus.SCHEDULED,
            Update.publish_at <= now,
        )
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        db.session.rollback()
        return None
    db.session.refresh(item)
    if ended:
        log.warning(
            "update %s was due in ended briefing %s: kept as a draft", item.id, item.briefing_id
        )
        record_change(item.briefing, ChangeKind.DRAFT_SAVED, item)
    else:
        record_change(item.briefing, ChangeKind.UPDATE_PUBLISHED, item)
        add_credits(item.briefing, item.sources)
    db.session.commit()
    log.info("scheduled update %s published in briefing %s", item.id, item.briefing_id)
    return item
