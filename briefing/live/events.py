"""Change-log rows → the events readers receive, by SSE and by `/changes` alike.

An event describes the *current* state of what a change touched: a client that resumes
late gets the latest text of an edited update, and an update retracted since it was
published arrives as a retraction. Applying events is idempotent on the client, so reading
the same change twice never shows anything twice.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Briefing, BriefingStatus, ChangeKind, Update, UpdateStatus
from briefing.rendering.languages import interface_language
from briefing.rendering.timefmt import iso
from briefing.services import series, timeline
from briefing.services.changes import changes_since

# Drafts and scheduled updates advance the sequence but are the newsroom's business only.
PRIVATE_KINDS = {ChangeKind.DRAFT_SAVED, ChangeKind.UPDATE_SCHEDULED}


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, **self.data}

    def as_sse(self) -> str:
        payload = json.dumps(self.as_json(), separators=(",", ":"), ensure_ascii=False)
        return f"id: {self.seq}\nevent: {self.type}\ndata: {payload}\n\n"


@dataclass(frozen=True)
class Batch:
    """Public events after a cursor, and the sequence number the reading got up to
    (which may be past the last event when only private changes followed)."""

    events: list[Event]
    head: int


def read_events(briefing_id: int, after: int, limit: int = 500, *, newsroom: bool = False) -> Batch:
    """Public events for changes after `after`, oldest first, in a fixed number of queries.
    With `newsroom`, for the editors' consoles: drafts and scheduled updates too, as
    "draft" events naming their author."""
    changes = changes_since(briefing_id, after, limit)
    if not changes:
        return Batch([], after)
    briefing = db.session.get(Briefing, briefing_id)
    assert briefing is not None
    wanted = {c.update_id for c in changes if c.update_id is not None}
    updates = {u.id: u for u in timeline.updates_by_id(wanted)}
    # The footer's "Reporting in this briefing by …" as it stands now, for every event that
    # can change it (one small query per batch, only when the batch touches updates).
    credits = _credits_html(briefing) if wanted else ""
    events = [
        event
        for change in changes
        if (newsroom or change.kind not in PRIVATE_KINDS)
        and (
            event := _event(
                briefing,
                change.seq,
                change.kind,
                updates.get(change.update_id or 0),
                credits,
                newsroom,
            )
        )
    ]
    return Batch(events, changes[-1].seq)


def _event(
    briefing: Briefing,
    seq: int,
    kind: ChangeKind,
    item: Update | None,
    credits: str,
    newsroom: bool = False,
) -> Event | None:
    if kind in (ChangeKind.BRIEFING_CHANGED, ChangeKind.BRIEFING_ENDED):
        # "ended" closes readers' streams, so only while the briefing is still ended.
        still_ended = kind == ChangeKind.BRIEFING_ENDED and briefing.ended_at is not None
        return Event(seq, "ended" if still_ended else "briefing", _briefing_data(briefing))
    if item is None:
        return None
    if newsroom and item.status in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED):
        with _speaking(briefing):
            html = render_template("_update.html", update=item, briefing=briefing)
        data = {"id": item.id, "status": item.status.value, "author": item.author_id}
        return Event(seq, "draft", {**data, "html": html})
    if item.status != UpdateStatus.PUBLISHED:
        # Retracted (or never public): whatever the change was, readers must not show it.
        public = item.published_at or newsroom
        return Event(seq, "retract", {"id": item.id, "credits_html": credits}) if public else None
    with _speaking(briefing):
        html = render_template("_update.html", update=item, briefing=briefing)
        key_event_html = _key_event_html(briefing, item) if item.key_event else ""
    data = {
        "id": item.id,
        "credits_html": credits,
        "html": html,
        "published_at": iso(item.published_at or item.created_at),
        "pinned": item.pinned,
        "key_event": item.key_event,
        "key_event_html": key_event_html,
    }
    kind_to_type = {
        ChangeKind.UPDATE_PINNED: "pin",
        ChangeKind.UPDATE_UNPINNED: "pin",
        ChangeKind.KEY_EVENT: "key_event",
    }
    return Event(seq, kind_to_type.get(kind, "update"), data)


def _key_event_html(briefing: Briefing, item: Update) -> str:
    # Linked to the permalink: the page's script points it at the article when it is there.
    return render_template(
        "public/_key_event.html", item=item, briefing=briefing, on_page=()
    ).strip()


def _credits_html(briefing: Briefing) -> str:
    with _speaking(briefing):
        html = render_template("public/_credits.html", sources=timeline.sources_used(briefing))
    return html.strip()


def _ended_html(briefing: Briefing) -> str:
    # Opened in the same commit as next_edition ends this one: readers are sent on at once.
    ended = briefing.status == BriefingStatus.ENDED
    following = series.neighbours(briefing).next if ended else None
    with _speaking(briefing):
        return render_template(
            "public/_ended_notice.html", briefing=briefing, next_edition=following
        ).strip()


def _speaking(briefing: Briefing) -> AbstractContextManager[None]:
    """What readers see, in their briefing's language (as web/i18n.py's pages do)."""
    return force_locale(interface_language(briefing.language))


def _briefing_data(briefing: Briefing) -> dict[str, Any]:
    return {
        "title": briefing.title,
        "standfirst": briefing.standfirst,
        "summary_html": briefing.summary_html,
        "status": briefing.status.value,
        "ended_at": iso(briefing.ended_at) if briefing.ended_at else None,
        "ended_html": _ended_html(briefing),
        "lead_html": render_template("public/_lead_photo.html", briefing=briefing).strip(),
        "url": url_for("public.briefing_page", slug=briefing.slug),
    }


def current_head(briefing_id: int) -> int:
    return db.session.scalar(select(Briefing.version).where(Briefing.id == briefing_id)) or 0
