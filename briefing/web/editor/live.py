"""The consoles' live feed: every change of a briefing, drafts and scheduled updates
included, so each open console of it stays in step with the others.

The same change log and stream machinery as readers' (web/live.py), read with
`newsroom=True`, behind sign-in. A contributor hears of their own drafts only, as the
console shows them. Nothing here is cached or shared with the readers' hub.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request

from briefing.live.events import Batch, read_events
from briefing.models import BriefingStatus, Role, User
from briefing.services import timeline
from briefing.services.permissions import sees_drafts
from briefing.web import live as live_web
from briefing.web.editor import bp
from briefing.web.editor.auth import actor, requires


@bp.get("/briefings/<slug:slug>/events")
@requires(Role.CONTRIBUTOR)
def newsroom_events(slug: str) -> Response:
    briefing = timeline.briefing_by_slug(slug, public=False)
    return live_web.stream_response(briefing, read=_reader(actor()))


@bp.get("/briefings/<slug:slug>/changes")
@requires(Role.CONTRIBUTOR)
def newsroom_changes(slug: str) -> Any:
    briefing = timeline.briefing_by_slug(slug, public=False)
    since = live_web.cursor(request.args.get("since", "0"), briefing.version)
    batch = _reader(actor())(briefing.id, since)
    response = jsonify(
        {
            "changes": [event.as_json() for event in batch.events],
            "last_seq": batch.head,
            "poll_after": 0
            if briefing.status == BriefingStatus.ENDED
            else current_app.config["LIVE_POLL_AFTER"],
        }
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _reader(user: User) -> Callable[[int, int], Batch]:
    """Reads the newsroom's events as `user` may see them (plain values only: the stream
    outlives the request's session)."""
    user_id, everything = user.id, sees_drafts(user)

    def read(briefing_id: int, cursor: int) -> Batch:
        batch = read_events(briefing_id, cursor, newsroom=True)
        if everything:
            return batch
        mine = [e for e in batch.events if e.type != "draft" or e.data["author"] == user_id]
        return Batch(mine, batch.head)

    return read
