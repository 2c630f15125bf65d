"""/api/v1/sources: the credited agencies."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from briefing import models
from briefing.models import User
from briefing.services import sources
from briefing.services.idempotency import Idempotency
from briefing.services.timeline import Page
from briefing.web.api import bp
from briefing.web.api.input import Query, RequestBody, Text
from briefing.web.api.openapi import documented
from briefing.web.api.representations import (
    Source,
    SourceList,
    page_json,
    represent_source,
    source_json,
)
from briefing.web.api.writes import Created, created


class SourceCreate(RequestBody):
    represents = Source
    slug: Text
    name: Text
    url: Text


@bp.get("/sources")
@documented(SourceList, query=Query)
def list_sources() -> Response:
    """Every credited source (one page: there are dozens, not thousands)."""
    Query.parse()
    return jsonify(page_json(Page(sources.all_sources(), None), SourceList, represent_source))


@bp.post("/sources")
@documented(Source, body=SourceCreate)
def create_source() -> Response:
    """Add a source (admins)."""

    def create(
        actor: User, values: dict[str, Any], idempotency: Idempotency | None
    ) -> models.Source:
        return sources.create_source(actor=actor, idempotency=idempotency, **values)

    def represent(source: models.Source) -> Created:
        return source_json(source), url_for("api.get_source", slug=source.slug, _external=True)

    return created(SourceCreate, models.Source, create, represent)


@bp.get("/sources/<slug:slug>")
@documented(Source)
def get_source(slug: str) -> Response:
    """Read a source."""
    return jsonify(source_json(sources.source_by_slug(slug)))
