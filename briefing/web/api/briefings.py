"""/api/v1/briefings: list, create, read, change."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, jsonify, url_for

from briefing import models
from briefing.models import BriefingStatus, User
from briefing.services import briefings, timeline
from briefing.services.idempotency import Idempotency
from briefing.services.permissions import sees_drafts
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.input import (
    ABSENT,
    ListQuery,
    MaybeId,
    MaybeSlug,
    OneOf,
    RequestBody,
    Text,
    json_object,
    max_length,
)
from briefing.web.api.openapi import documented
from briefing.web.api.representations import (
    Briefing,
    BriefingList,
    briefing_json,
    page_json,
    represent_briefing,
)
from briefing.web.api.writes import Created, created


class BriefingChange(RequestBody):
    represents = Briefing
    title: Annotated[Text, max_length(briefings.TITLE_MAX)] = ABSENT
    standfirst: Annotated[Text, max_length(briefings.STANDFIRST_MAX)] = ABSENT
    summary: Annotated[Text, max_length(briefings.SUMMARY_MAX)] = ABSENT
    status: Annotated[BriefingStatus, OneOf(tuple(BriefingStatus))] = ABSENT
    timezone: Text = ABSENT
    language: Text = ABSENT
    lead_media: MaybeId = ABSENT
    series: MaybeSlug = ABSENT


class BriefingCreate(BriefingChange):
    title: Annotated[Text, max_length(briefings.TITLE_MAX)]
    slug: Text = ABSENT


@bp.get("/briefings")
@documented(BriefingList, query=ListQuery)
def list_briefings() -> Response:
    """Briefings, newest first (drafts only for editors)."""
    query = ListQuery.parse()
    page = timeline.briefings_page(
        cursor=query.cursor, limit=query.limit, public=not sees_drafts(current_actor())
    )
    return jsonify(page_json(page, BriefingList, represent_briefing))


@bp.post("/briefings")
@documented(Briefing, body=BriefingCreate)
def create_briefing() -> Response:
    """Create a briefing (editors)."""

    def create(
        actor: User, values: dict[str, Any], idempotency: Idempotency | None
    ) -> models.Briefing:
        return briefings.create_briefing(actor=actor, idempotency=idempotency, **values)

    def represent(briefing: models.Briefing) -> Created:
        return briefing_json(briefing), url_for(
            "api.get_briefing", slug=briefing.slug, _external=True
        )

    return created(BriefingCreate, models.Briefing, create, represent)


@bp.get("/briefings/<slug:slug>")
@documented(Briefing)
def get_briefing(slug: str) -> Response:
    """Read a briefing."""
    return jsonify(briefing_json(visible_briefing(slug)))


@bp.patch("/briefings/<slug:slug>")
@documented(Briefing, body=BriefingChange)
def change_briefing(slug: str) -> Response:
    """Change a briefing; go live, end or reopen it through `status` (editors)."""
    briefing = visible_briefing(slug)
    values = BriefingChange.parse(json_object())
    return jsonify(
        briefing_json(briefings.change_briefing(briefing, actor=current_actor(), **values))
    )


def visible_briefing(slug: str) -> models.Briefing:
    return timeline.briefing_by_slug(slug, public=not sees_drafts(current_actor()))
