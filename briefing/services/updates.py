"""Verbs that publish, edit, retract, pin and mark updates.

Each verb is one transaction: it checks the actor and the input, renders Markdown once,
writes the update, a revision where text changed, and a change-log row, then commits.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from briefing import metrics
from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    ChangeKind,
    Revision,
    Role,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
    User,
)
from briefing.models.base import utcnow
from briefing.models.briefing import briefing_sources
from briefing.services import checks
from briefing.services.changes import record_change
from briefing.services.checks import UNSET
from briefing.services.errors import Conflict, Forbidden, Invalid
from briefing.services.idempotency import Idempotency, remember
from briefing.services.media import media_links, render_body
from briefing.services.permissions import require_may_touch, require_role
from briefing.services.transactions import verb

BODY_MAX = 100_000
HEADLINE_MAX = 200
CORRECTION_MAX = 1_000
MAX_SOURCES = 20
# Statuses a door may ask for.
SETTABLE_STATUSES = (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED, UpdateStatus.PUBLISHED)
# Readers will see these statuses: photos need their alt text.
GOING_PUBLIC = (UpdateStatus.SCHEDULED, UpdateStatus.PUBLISHED)
# How far ahead an update may be scheduled.
SCHEDULE_AHEAD = timedelta(days=366)


@verb
def create_update(
    briefing: Briefing,
    *,
    actor: User,
    body: str,
    headline: str = "",
    sources: Sequence[str] = (),
    key_event: bool = False,
    pinned: bool = False,
    status: UpdateStatus = UpdateStatus.PUBLISHED,
    published_at: datetime | None = None,
    publish_at: datetime | None = None,
    idempotency: Idempotency | None = None,
) -> Update:
    """Publish an update now (or at a back-dated `published_at`), schedule it for
    `publish_at` (status scheduled: the scheduler publishes it then), or save it as a
    draft. With `idempotency`, its key is stored with the update (see
    services/idempotency.py)."""
    started = time.perf_counter()
    require_role(actor, Role.CONTRIBUTOR, _l("write updates"))
    if status != UpdateStatus.DRAFT or pinned:
        require_role(actor, Role.EDITOR, _l("publish or pin updates"))
    errors = checks.Collector()
    item = _new_update(
        errors,
        briefing,
        actor,
        body=body,
        headline=headline,
        sources=sources,
        key_event=key_event,
        status=status,
    )
    _check_status(errors, status)
    if published_at is not None:
        published_at = checks.moment(errors, "published_at", published_at, allow_future=False)
        if status == UpdateStatus.PUBLISHED:
            item.published_at = published_at
    if pinned and status == UpdateStatus.SCHEDULED:
        errors.add("pinned", _("Only a published update can be pinned; pin it once it is out."))
    item.publish_at = _publish_at(errors, status, publish_at)
    if briefing.status == BriefingStatus.ENDED:
        errors.add("briefing", _("This briefing has ended; reopen it to post new updates."))
    errors.raise_if_any()

    db.session.add(item)
    db.session.flush()
    if status == UpdateStatus.PUBLISHED:
        record_change(briefing, ChangeKind.UPDATE_PUBLISHED, item)
        if pinned:
            _pin(briefing, item)
        add_credits(briefing, item.sources)
    else:
        record_change(briefing, _unpublished_kind(item), item)
    remember(idempotency, actor, item)
    db.session.commit()
    if status == UpdateStatus.PUBLISHED:
        metrics.PUBLISH_SECONDS.observe(time.perf_counter() - started)
    return item


def preview_update(briefing: Briefing, *, actor: User, pinned: bool = False, **text: Any) -> Update:
    """The update `create_update` would publish now from the same `text` (body, headline,
    sources, key_event), built and rendered the same way but never added to the session.
    Input it would refuse is shown as far as it goes (unknown sources left out), since a
    preview is for reading, not for checking."""
    item = _new_update(checks.Collector(), briefing, actor, status=UpdateStatus.PUBLISHED, **text)
    item.pinned = pinned
    return item


@verb
def edit_update(
    item: Update,
    *,
    actor: User,
    version: int,
    headline: str = UNSET,
    body: str = UNSET,
    sources: Sequence[str] = UNSET,
    key_event: bool = UNSET,
    pinned: bool = UNSET,
    status: UpdateStatus = UNSET,
    published_at: datetime = UNSET,
    publish_at: datetime | None = UNSET,
    correction: str = UNSET,
) -> Update:
    """Apply the given changes if `version` is still current; otherwise raise Conflict.

    The text that is replaced is kept as a revision, so nothing an editor wrote is lost.
    A scheduled update is published now (status published), rescheduled (a new
    `publish_at`) or cancelled back to a draft (status draft).
    """
    require_may_touch(actor, item)
    if item.status == UpdateStatus.DELETED:
        raise Invalid.field("status", _("This update was retracted and can no longer be edited."))
    publishing = status is not UNSET and status != item.status
    scheduling = publish_at is not UNSET or UpdateStatus.SCHEDULED in (status, item.status)
    if (publishing or scheduling or pinned is not UNSET) and not actor.can(Role.EDITOR):
        raise Forbidden(_("Only editors may publish, schedule or pin updates."))

    errors = checks.Collector()
    text_changes: dict[str, Any] = {}
    if headline is not UNSET:
        text_changes["headline"] = checks.line(
            errors, "headline", headline, max_length=HEADLINE_MAX
        )
    if body is not UNSET:
        text_changes["body"] = checks.text(errors, "body", body, max_length=BODY_MAX, required=True)
    source_rows = _sources(errors, sources) if sources is not UNSET else None
    if correction is not UNSET:
        correction = checks.line(errors, "correction", correction, max_length=CORRECTION_MAX)
    if status is not UNSET:
        _check_status(errors, status)
        if item.status == UpdateStatus.PUBLISHED and status != UpdateStatus.PUBLISHED:
            errors.add(
                "status",
                _("A published update cannot go back to a draft or be scheduled; retract it."),
            )
    if published_at is not UNSET:
        published_at = checks.moment(errors, "published_at", published_at, allow_future=False)
    final_status = status if publishing else item.status
    if pinned is True and final_status != UpdateStatus.PUBLISHED:
        errors.add("pinned", _("Only a published update can be pinned."))
    if publish_at is UNSET and final_status == item.status == UpdateStatus.SCHEDULED:
        new_publish_at = item.publish_at  # an edit of the text keeps its time
    else:
        # Published now or back to a draft, the scheduled time no longer applies.
        new_publish_at = _publish_at(
            errors, final_status, None if publish_at is UNSET else publish_at
        )
    rendered = None
    if "body" in text_changes or publishing:
        # Publishing checks the photos' alt text even when the words stay the same.
        rendered = render_body(
            errors,
            text_changes.get("body", item.body),
            publishing=final_status in GOING_PUBLIC,
        )
    errors.raise_if_any()

    _claim_version(item, version)
    briefing = item.briefing
    now = utcnow()
    new_sources = [s.slug for s in source_rows] if source_rows is not None else None
    text_changed = (
        any(getattr(item, k) != v for k, v in text_changes.items())
        or (new_sources is not None and new_sources != [s.slug for s in item.sources])
        or (key_event is not UNSET and key_event != item.key_event)
    )
    if text_changed:
        db.session.add(
            Revision(
                update_id=item.id,
                version=version,
                headline=item.headline,
                body=item.body,
                source_slugs=[s.slug for s in item.sources],
                key_event=item.key_event,
                editor_id=actor.id,
                created_at=now,
            )
        )
    for name, value in text_changes.items():
        setattr(item, name, value)
    if rendered is not None:
        item.body_html, item.body_text = rendered.html, rendered.text
        item.media_links = media_links(rendered.media)
    if source_rows is not None:
        item.source_links = _links(source_rows)
    key_event_changed = key_event is not UNSET and key_event != item.key_event
    if key_event is not UNSET:
        item.key_event = key_event
    if correction is not UNSET:
        item.correction = correction
    if published_at is not UNSET:
        item.published_at = published_at
    item.updated_at = now
    item.publish_at = new_publish_at

    if publishing and status == UpdateStatus.PUBLISHED:
        item.status = UpdateStatus.PUBLISHED
        item.published_at = item.published_at or now
        record_change(briefing, ChangeKind.UPDATE_PUBLISHED, item)
    elif item.status == UpdateStatus.PUBLISHED:
        if text_changed or published_at is not UNSET or correction is not UNSET:
            item.edited_at = now
            record_change(briefing, ChangeKind.UPDATE_EDITED, item)
        elif key_event_changed:
            record_change(briefing, ChangeKind.KEY_EVENT, item)
    else:
        item.status = final_status
        record_change(briefing, _unpublished_kind(item), item)
    if pinned is not UNSET and pinned != item.pinned:
        _set_pin(briefing, item, pinned)
    if item.status == UpdateStatus.PUBLISHED and (publishing or source_rows is not None):
        refresh_credits(briefing)
    db.session.commit()
    return item


@verb
def retract_update(item: Update, *, actor: User) -> Update:
    """Soft delete: readers and feeds stop showing it; the row and its history stay."""
    require_may_touch(actor, item)
    if item.status == UpdateStatus.PUBLISHED:
        require_role(actor, Role.EDITOR, _l("retract published updates"))
    if item.status == UpdateStatus.DELETED:
        return item
    was_public = item.status == UpdateStatus.PUBLISHED
    now = utcnow()
    item.status = UpdateStatus.DELETED
    item.deleted_at = now
    item.updated_at = now
    item.pinned = False
    record_change(
        item.briefing, ChangeKind.UPDATE_DELETED if was_public else ChangeKind.DRAFT_SAVED, item
    )
    if was_public:
        refresh_credits(item.briefing)
    db.session.commit()
    return item


@dataclass(frozen=True)
class Pinned:
    """What a pin touched: the update, and the one that lost the pinned slot to it."""

    update: Update
    displaced: Update | None = None


@verb
def set_pinned(item: Update, *, actor: User, pinned: bool) -> Pinned:
    """Pin (unpinning whichever update held the slot) or unpin. Needs no version."""
    require_role(actor, Role.EDITOR, _l("pin updates"))
    if pinned == item.pinned:
        return Pinned(item)
    if pinned and item.status != UpdateStatus.PUBLISHED:
        raise Invalid.field("pinned", _("Only a published update can be pinned."))
    displaced = _set_pin(item.briefing, item, pinned)
    db.session.commit()
    return Pinned(item, displaced)


@verb
def set_key_event(item: Update, *, actor: User, key_event: bool) -> Update:
    """Mark or unmark a key event. Needs no version: it touches no text."""
    require_role(actor, Role.EDITOR, _l("mark key events"))
    if key_event == item.key_event:
        return item
    item.key_event = key_event
    if item.status == UpdateStatus.PUBLISHED:
        record_change(item.briefing, ChangeKind.KEY_EVENT, item)
    db.session.commit()
    return item


def add_credits(briefing: Briefing, sources: Sequence[Source]) -> None:
    """A publish can only add credits: list the new update's sources that the briefing does
    not list yet, without reading its other updates (a publish costs the same at update 100
    and at update 100,000)."""
    if not sources:
        return
    table = briefing_sources
    held = set(
        db.session.scalars(
            select(table.c.source_id).where(
                table.c.briefing_id == briefing.id,
                table.c.source_id.in_([s.id for s in sources]),
            )
        )
    )
    missing = {s.id for s in sources} - held
    if missing:
        db.session.execute(
            insert(table), [{"briefing_id": briefing.id, "source_id": s} for s in missing]
        )
        db.session.expire(briefing, ["credited_sources"])


def refresh_credits(briefing: Briefing) -> None:
    """Make `briefing_sources` list exactly the sources its published updates credit."""
    db.session.flush()
    used = set(
        db.session.scalars(
            select(UpdateSource.source_id)
            .join(Update, Update.id == UpdateSource.update_id)
            .where(Update.briefing_id == briefing.id, Update.status == UpdateStatus.PUBLISHED)
            .distinct()
        )
    )
    table = briefing_sources
    held = set(
        db.session.scalars(select(table.c.source_id).where(table.c.briefing_id == briefing.id))
    )
    if held - used:
        db.session.execute(
            delete(table).where(
                table.c.briefing_id == briefing.id, table.c.source_id.in_(held - used)
            )
        )
    if used - held:
        db.session.execute(
            insert(table), [{"briefing_id": briefing.id, "source_id": s} for s in used - held]
        )
    db.session.expire(briefing, ["credited_sources"])


def _claim_version(item: Update, version: int) -> None:
    """Atomically move the update from `version` to `version + 1`, or raise Conflict.

    The conditional UPDATE is the guard: of two edits based on the same version, the
    database lets exactly one match.
    """
    result = db.session.execute(
        update(Update)
        .where(Update.id == item.id, Update.version == version)
        .values(version=Update.version + 1),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.rollback()
        db.session.refresh(item)
        raise Conflict(
            _(
                "Update %(id)s is at version %(current)s; your edit was based on "
                "version %(version)s.",
                id=item.id,
                current=item.version,
                version=version,
            ),
            current=item,
        )
    set_committed_value(item, "version", version + 1)


def _set_pin(briefing: Briefing, item: Update, pinned: bool) -> Update | None:
    if pinned:
        return _pin(briefing, item)
    item.pinned = False
    record_change(briefing, ChangeKind.UPDATE_UNPINNED, item)
    return None


def _pin(briefing: Briefing, item: Update) -> Update | None:
    """Pin `item`; returns the update that held the slot, if one did."""
    holder = db.session.scalar(
        select(Update).where(
            Update.briefing_id == briefing.id, Update.pinned.is_(True), Update.id != item.id
        )
    )
    if holder is not None:
        holder.pinned = False
    db.session.flush()
    item.pinned = True
    record_change(briefing, ChangeKind.UPDATE_PINNED, item)
    return holder


def _new_update(
    errors: checks.Collector,
    briefing: Briefing,
    author: User,
    *,
    body: str,
    headline: str = "",
    sources: Sequence[str] = (),
    key_event: bool = False,
    status: UpdateStatus,
) -> Update:
    """A new, unsaved update with its text cleaned (faults go to `errors`) and rendered;
    published now unless it is a draft."""
    body = checks.text(errors, "body", body, max_length=BODY_MAX, required=True)
    headline = checks.line(errors, "headline", headline, max_length=HEADLINE_MAX)
    source_rows = _sources(errors, sources)
    now = utcnow()
    rendered = render_body(errors, body, publishing=status in GOING_PUBLIC)
    item = Update(
        briefing=briefing,
        author=author,
        headline=headline,
        body=body,
        body_html=rendered.html,
        body_text=rendered.text,
        status=status,
        key_event=key_event,
        pinned=False,
        published_at=now if status == UpdateStatus.PUBLISHED else None,
        created_at=now,
        updated_at=now,
        version=1,
        correction="",
    )
    item.source_links = _links(source_rows)
    item.media_links = media_links(rendered.media)
    return item


def _check_status(errors: checks.Collector, status: UpdateStatus) -> None:
    if status not in SETTABLE_STATUSES:
        errors.add("status", _("Must be draft, scheduled or published."))


def _publish_at(
    errors: checks.Collector, status: UpdateStatus, publish_at: datetime | None
) -> datetime | None:
    """The time a scheduled update goes out: required for one, refused for any other."""
    if status != UpdateStatus.SCHEDULED:
        if publish_at is not None:
            errors.add("publish_at", _("Only a scheduled update has a publication time."))
        return None
    if publish_at is None:
        errors.add("publish_at", _("Give the time to publish a scheduled update."))
        return None
    if publish_at.tzinfo is None:
        errors.add("publish_at", _("Give a time with its UTC offset."))
        return None
    now = utcnow()
    if publish_at <= now:
        errors.add("publish_at", _("This time has passed; give a time in the future."))
    elif publish_at > now + SCHEDULE_AHEAD:
        errors.add("publish_at", _("Schedule at most a year ahead."))
    return publish_at


def _unpublished_kind(item: Update) -> ChangeKind:
    """The change-log kind of a save readers must not see: the newsroom's consoles do."""
    if item.status == UpdateStatus.SCHEDULED:
        return ChangeKind.UPDATE_SCHEDULED
    return ChangeKind.DRAFT_SAVED


def _sources(errors: checks.Collector, slugs: Sequence[str]) -> list[Source]:
    """Resolve slugs to sources, in the order given, refusing unknown ones by name."""
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs))
    if len(wanted) > MAX_SOURCES:
        errors.add("sources", _("At most %(count)s sources.", count=MAX_SOURCES))
        return []
    if not wanted:
        return []
    found = {s.slug: s for s in db.session.scalars(select(Source).where(Source.slug.in_(wanted)))}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        errors.add("sources", _("Unknown source: %(slugs)s.", slugs=", ".join(unknown)))
    return [found[slug] for slug in wanted if slug in found]


def _links(sources: list[Source]) -> list[UpdateSource]:
    return [UpdateSource(source=s, position=i) for i, s in enumerate(sources)]
