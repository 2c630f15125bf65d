"""/api/v1/briefings/<slug>/updates: list, create, read, edit, retract."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, jsonify, url_for
from pydantic import Field

from briefing import models
from briefing.models import UpdateStatus, User
from briefing.services import timeline, updates
from briefing.services.errors import NotFound
from briefing.services.idempotency import Idempotency
from briefing.services.permissions import may_read, sees_drafts
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.briefings import visible_briefing
from briefing.web.api.input import (
    ABSENT,
    Flag,
    ListQuery,
    Moment,
    OneOf,
    PositiveInteger,
    RequestBody,
    Strings,
    Text,
    json_object,
    max_length,
)
from briefing.web.api.openapi import documented
from briefing.web.api.representations import (
    Update,
    UpdateList,
    page_json,
    represent_update,
    update_json,
)
from briefing.web.api.writes import Created, created


class _UpdateFields(RequestBody):
    represents = Update
    headline: Annotated[Text, max_length(updates.HEADLINE_MAX)] = ABSENT
    body: Annotated[Text, max_length(updates.BODY_MAX)] = ABSENT
    sources: Strings = ABSENT
    key_event: Flag = ABSENT
    pinned: Flag = ABSENT
    status: Annotated[UpdateStatus, OneOf(updates.SETTABLE_STATUSES)] = ABSENT
    published_at: Moment = ABSENT
    publish_at: Annotated[
        Moment,
        Field(description="When a scheduled update goes out (status scheduled; in the future)."),
    ] = ABSENT


class UpdateCreate(_UpdateFields):
    body: Annotated[Text, max_length(updates.BODY_MAX)]


class UpdateChange(_UpdateFields):
    version: PositiveInteger
    correction: Annotated[Text, max_length(updates.CORRECTION_MAX)] = ABSENT


ONE_UPDATE = "/briefings/<slug:slug>/updates/<id:update_id>"


@bp.get("/briefings/<slug:slug>/updates")
@documented(UpdateList, query=ListQuery)
def list_updates(slug: str) -> Response:
    """Updates of a briefing, newest first, drafts and retractions included (contributors
    see published updates and their own)."""
    actor = current_actor()
    query = ListQuery.parse()
    page = timeline.all_updates_page(
        visible_briefing(slug),
        cursor=query.cursor,
        limit=query.limit,
        drafts_of=None if sees_drafts(actor) else actor.id,
    )
    return jsonify(page_json(page, UpdateList, represent_update))


@bp.post("/briefings/<slug:slug>/updates")
@documented(Update, body=UpdateCreate)
def create_update(slug: str) -> Response:
    """Publish an update (editors), schedule it (status scheduled with publish_at;
    editors) or save a draft (status draft; contributors)."""
    briefing = visible_briefing(slug)

    def create(
        actor: User, values: dict[str, Any], idempotency: Idempotency | None
    ) -> models.Update:
        return updates.create_update(briefing, actor=actor, idempotency=idempotency, **values)

    def represent(item: models.Update) -> Created:
        return update_json(item), url_for(
            "api.get_update", slug=slug, update_id=item.id, _external=True
        )

    return created(UpdateCreate, models.Update, create, represent)


@bp.get(ONE_UPDATE)
@documented(Update)
def get_update(slug: str, update_id: int) -> Response:
    """Read an update."""
    item = _update(slug, update_id)
    if not may_read(current_actor(), item):
        raise NotFound(f"No update {update_id} in briefing {slug!r}.")
    return jsonify(update_json(item))


@bp.patch(ONE_UPDATE)
@documented(Update, body=UpdateChange)
def edit_update(slug: str, update_id: int) -> Response:
    """Edit an update, naming the version the edit is based on."""
    item = _update(slug, update_id)
    values = UpdateChange.parse(json_object())
    return jsonify(update_json(updates.edit_update(item, actor=current_actor(), **values)))


@bp.delete(ONE_UPDATE)
@documented()
def retract_update(slug: str, update_id: int) -> Response:
    """Retract an update: readers and feeds stop showing it; its history stays."""
    updates.retract_update(_update(slug, update_id), actor=current_actor())
    return Response(status=204)


def _update(slug: str, update_id: int) -> models.Update:
    """The update, whatever its status: the verbs decide who may touch it."""
    return timeline.update_in(visible_briefing(slug), update_id, public=False)
