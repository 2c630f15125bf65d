"""/api/v1/briefings: list, create, read, change."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from briefing.models import Briefing, BriefingStatus, User
from briefing.services import briefings, queries
from briefing.services.permissions import sees_drafts
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.input import (
    Field,
    RequestBody,
    choice,
    json_object,
    query_cursor,
    query_limit,
    string,
)
from briefing.web.api.representations import BRIEFING_SCHEMA, briefing_json, page_json
from briefing.web.api.writes import Created, created

_WRITABLE = {
    "title": Field(string(briefings.TITLE_MAX)),
    "standfirst": Field(string(briefings.STANDFIRST_MAX)),
    "summary": Field(string(briefings.SUMMARY_MAX)),
    "status": Field(choice(list(BriefingStatus))),
    "timezone": Field(string()),
    "language": Field(string()),
}
BRIEFING_CREATE = RequestBody(
    {
        **_WRITABLE,
        "title": Field(string(briefings.TITLE_MAX), required=True),
        "slug": Field(string()),
    },
    BRIEFING_SCHEMA["properties"],
)
BRIEFING_CHANGE = RequestBody(_WRITABLE, BRIEFING_SCHEMA["properties"])


@bp.get("/briefings")
def list_briefings() -> Response:
    page = queries.briefings_page(
        cursor=query_cursor(), limit=query_limit(), public=not sees_drafts(current_actor())
    )
    return jsonify(page_json(page, briefing_json))


@bp.post("/briefings")
def create_briefing() -> Response:
    def create(actor: User, values: dict[str, Any]) -> Created:
        briefing = briefings.create_briefing(actor=actor, **values)
        return briefing_json(briefing), url_for(
            "api.get_briefing", slug=briefing.slug, _external=True
        )

    return created(BRIEFING_CREATE, create)


@bp.get("/briefings/<slug:slug>")
def get_briefing(slug: str) -> Response:
    return jsonify(briefing_json(visible_briefing(slug)))


@bp.patch("/briefings/<slug:slug>")
def change_briefing(slug: str) -> Response:
    briefing = visible_briefing(slug)
    values = BRIEFING_CHANGE.parse(json_object())
    return jsonify(
        briefing_json(briefings.change_briefing(briefing, actor=current_actor(), **values))
    )


def visible_briefing(slug: str) -> Briefing:
    return queries.briefing_by_slug(slug, public=not sees_drafts(current_actor()))
