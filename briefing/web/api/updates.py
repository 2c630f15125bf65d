"""/api/v1/briefings/<slug>/updates: list, create, read, edit, retract."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from briefing.models import Update, User
from briefing.services import queries, updates
from briefing.services.errors import NotFound
from briefing.services.permissions import may_read, sees_drafts
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.briefings import visible_briefing
from briefing.web.api.input import (
    BOOLEAN,
    MOMENT,
    POSITIVE_INTEGER,
    STRINGS,
    Field,
    RequestBody,
    choice,
    json_object,
    query_cursor,
    query_limit,
    string,
)
from briefing.web.api.representations import UPDATE_SCHEMA, page_json, update_json
from briefing.web.api.writes import Created, created

_WRITABLE = {
    "headline": Field(string(updates.HEADLINE_MAX)),
    "body": Field(string(updates.BODY_MAX)),
    "sources": Field(STRINGS),
    "key_event": Field(BOOLEAN),
    "pinned": Field(BOOLEAN),
    "status": Field(choice(updates.SETTABLE_STATUSES)),
    "published_at": Field(MOMENT),
}
UPDATE_CREATE = RequestBody(
    {**_WRITABLE, "body": Field(string(updates.BODY_MAX), required=True)},
    UPDATE_SCHEMA["properties"],
)
UPDATE_CHANGE = RequestBody(
    {
        **_WRITABLE,
        "version": Field(POSITIVE_INTEGER, required=True),
        "correction": Field(string(updates.CORRECTION_MAX)),
    },
    UPDATE_SCHEMA["properties"],
)
ONE_UPDATE = "/briefings/<slug:slug>/updates/<id:update_id>"


@bp.get("/briefings/<slug:slug>/updates")
def list_updates(slug: str) -> Response:
    actor = current_actor()
    page = queries.all_updates_page(
        visible_briefing(slug),
        cursor=query_cursor(),
        limit=query_limit(),
        drafts_of=None if sees_drafts(actor) else actor.id,
    )
    return jsonify(page_json(page, update_json))


@bp.post("/briefings/<slug:slug>/updates")
def create_update(slug: str) -> Response:
    briefing = visible_briefing(slug)

    def create(actor: User, values: dict[str, Any]) -> Created:
        item = updates.create_update(briefing, actor=actor, **values)
        return update_json(item), url_for(
            "api.get_update", slug=slug, update_id=item.id, _external=True
        )

    return created(UPDATE_CREATE, create)


@bp.get(ONE_UPDATE)
def get_update(slug: str, update_id: int) -> Response:
    item = _update(slug, update_id)
    if not may_read(current_actor(), item):
        raise NotFound(f"No update {update_id} in briefing {slug!r}.")
    return jsonify(update_json(item))


@bp.patch(ONE_UPDATE)
def edit_update(slug: str, update_id: int) -> Response:
    item = _update(slug, update_id)
    values = UPDATE_CHANGE.parse(json_object())
    return jsonify(update_json(updates.edit_update(item, actor=current_actor(), **values)))


@bp.delete(ONE_UPDATE)
def retract_update(slug: str, update_id: int) -> Response:
    updates.retract_update(_update(slug, update_id), actor=current_actor())
    return Response(status=204)


def _update(slug: str, update_id: int) -> Update:
    """The update, whatever its status: the verbs decide who may touch it."""
    return queries.update_in(visible_briefing(slug), update_id, public=False)
