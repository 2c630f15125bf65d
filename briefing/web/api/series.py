"""/api/v1/series: the editions of running stories (SPEC §13)."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, jsonify, url_for

from briefing import models
from briefing.models import User
from briefing.services import series
from briefing.services.idempotency import Idempotency
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.input import ABSENT, ListQuery, RequestBody, Text, json_object, max_length
from briefing.web.api.openapi import documented
from briefing.web.api.representations import (
    Series,
    SeriesList,
    page_json,
    represent_series,
    series_json,
)
from briefing.web.api.writes import Created, created


class SeriesChange(RequestBody):
    represents = Series
    title: Annotated[Text, max_length(series.TITLE_MAX)] = ABSENT
    description: Annotated[Text, max_length(series.DESCRIPTION_MAX)] = ABSENT


class SeriesCreate(SeriesChange):
    title: Annotated[Text, max_length(series.TITLE_MAX)]
    slug: Text = ABSENT


@bp.get("/series")
@documented(SeriesList, query=ListQuery)
def list_series() -> Response:
    """Series, newest first."""
    query = ListQuery.parse()
    page = series.series_page(cursor=query.cursor or None, limit=query.limit)
    return jsonify(page_json(page, SeriesList, represent_series))


@bp.post("/series")
@documented(Series, body=SeriesCreate)
def create_series() -> Response:
    """Create a series (editors); make briefings its editions through their `series`."""

    def create(
        actor: User, values: dict[str, Any], idempotency: Idempotency | None
    ) -> models.Series:
        return series.create_series(actor=actor, idempotency=idempotency, **values)

    def represent(found: models.Series) -> Created:
        return series_json(found), url_for("api.get_series", slug=found.slug, _external=True)

    return created(SeriesCreate, models.Series, create, represent)


@bp.get("/series/<slug:slug>")
@documented(Series)
def get_series(slug: str) -> Response:
    """Read a series."""
    return jsonify(series_json(series.series_by_slug(slug)))


@bp.patch("/series/<slug:slug>")
@documented(Series, body=SeriesChange)
def change_series(slug: str) -> Response:
    """Change a series' title or description (editors)."""
    found = series.series_by_slug(slug)
    values = SeriesChange.parse(json_object())
    return jsonify(series_json(series.change_series(found, actor=current_actor(), **values)))
