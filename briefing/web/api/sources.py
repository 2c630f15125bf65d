"""/api/v1/sources: the credited agencies."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from briefing.models import User
from briefing.services import sources
from briefing.services.queries import Page
from briefing.web.api import bp
from briefing.web.api.input import Field, RequestBody, string
from briefing.web.api.representations import SOURCE_SCHEMA, page_json, source_json
from briefing.web.api.writes import Created, created

SOURCE_CREATE = RequestBody(
    {
        "slug": Field(string(), required=True),
        "name": Field(string(), required=True),
        "url": Field(string(), required=True),
    },
    SOURCE_SCHEMA["properties"],
)


@bp.get("/sources")
def list_sources() -> Response:
    """Every source in one page: there are dozens, not thousands."""
    return jsonify(page_json(Page(sources.all_sources(), None), source_json))


@bp.post("/sources")
def create_source() -> Response:
    def create(actor: User, values: dict[str, Any]) -> Created:
        source = sources.create_source(actor=actor, **values)
        return source_json(source), url_for("api.get_source", slug=source.slug, _external=True)

    return created(SOURCE_CREATE, create)


@bp.get("/sources/<slug:slug>")
def get_source(slug: str) -> Response:
    return jsonify(source_json(sources.source_by_slug(slug)))
