"""Live delivery doors: the SSE stream and the polling fallback, over the same events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context

from briefing.extensions import db
from briefing.live.events import Batch, read_events
from briefing.live.sse import event_stream
from briefing.models import Briefing, BriefingStatus
from briefing.services import timeline
from briefing.services.errors import Invalid
from briefing.web.caching import cached
from briefing.web.public import public_state

bp = Blueprint("live", __name__)


@bp.get("/briefings/<slug:slug>/events")
def events(slug: str) -> Response:
    return stream_response(timeline.briefing_by_slug(slug))


def stream_response(
    briefing: Briefing, read: Callable[[int, int], Batch] | None = None
) -> Response:
    """The SSE response for `briefing`, from the request's cursor: the public events, or
    those `read` reads (the editors' stream)."""
    head = briefing.version
    start = cursor(request.headers.get("Last-Event-ID") or request.args.get("since"), head)
    briefing_id = briefing.id
    live = current_app.extensions["briefing.live"]
    # The stream must not pin a database connection for hours.
    db.session.remove()
    stream = event_stream(
        live.hub,
        briefing_id,
        start,
        heartbeat=current_app.config["LIVE_HEARTBEAT"],
        retry_ms=current_app.config["LIVE_RETRY_MS"],
        closing=live.closing,
        read=read,
    )
    response = Response(stream_with_context(stream), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@bp.get("/briefings/<slug:slug>/changes")
def changes(slug: str) -> Any:
    """The polling fallback: stored per version and cursor like the pages, so a poll costs
    one indexed lookup whether it gets a 304 or the bytes."""
    state = public_state(slug)
    since = cursor(request.args.get("since", "0"), state.version)
    max_age = current_app.config["LIVE_POLL_AFTER"]

    def body() -> dict[str, Any]:
        batch = current_app.extensions["briefing.live"].hub.events_after(state.briefing_id, since)
        if batch.head < state.version:
            # The hub has not heard of the version we answer for yet (its ring is still on
            # the way): read the log itself, so no stored answer is older than the version.
            batch = read_events(state.briefing_id, since)
        return {
            "changes": [event.as_json() for event in batch.events],
            "last_seq": batch.head,
            "poll_after": 0 if state.status == BriefingStatus.ENDED else max_age,
        }

    return cached(
        f"b{state.briefing_id}",
        f"changes:{since}",
        state.version,
        body,
        last_modified=state.changed_at,
        max_age=max_age,
    )


def cursor(raw: str | None, head: int) -> int:
    """Where a stream starts: after the given sequence number, or at the head."""
    if raw is None or raw == "":
        return head
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise Invalid.field("since", "Must be a change sequence number (0 or more).")
    # A cursor from the future (a restored database, a mistyped URL) starts at the head.
    return min(int(raw), head)
