"""Feed URLs: what the feed service built, in HTTP terms (media types, validators, 304s).

The warm path is one small query for the version, a dictionary lookup and the cached bytes.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app
from flask.blueprints import BlueprintSetupState

from briefing import feeds
from briefing.models import BriefingStatus
from briefing.models.base import utcnow
from briefing.services import changes, feed_queries, series
from briefing.services.errors import NotFound
from briefing.web.caching import respond
from briefing.web.routing import absolute_url

bp = Blueprint("feeds", __name__)


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    """Registering the blueprint sets up the feed service: its cache and WebSub pinger."""
    assert isinstance(state.app, Flask)
    feeds.init_app(state.app, link=absolute_url)


FORMAT = "<any(rss, atom, json):fmt>"


@bp.get(f"/feed.{FORMAT}")
def site_feed(fmt: str) -> Response:
    return respond(_service().site_wide(feed_queries.site_feed_state(utcnow()), fmt))


@bp.get(f"/briefings/<slug:slug>/feed.{FORMAT}")
def briefing_feed(slug: str, fmt: str) -> Response:
    return _briefing(slug, fmt, key_events=False)


@bp.get(f"/briefings/<slug:slug>/key-events.{FORMAT}")
def briefing_key_events(slug: str, fmt: str) -> Response:
    return _briefing(slug, fmt, key_events=True)


@bp.get(f"/series/<slug:slug>/feed.{FORMAT}")
def series_feed(slug: str, fmt: str) -> Response:
    return _series(slug, fmt, key_events=False)


@bp.get(f"/series/<slug:slug>/key-events.{FORMAT}")
def series_key_events(slug: str, fmt: str) -> Response:
    return _series(slug, fmt, key_events=True)


def _briefing(slug: str, fmt: str, *, key_events: bool) -> Response:
    state = changes.briefing_version(slug)
    if state is None or state.status == BriefingStatus.DRAFT:
        raise NotFound(f"No briefing {slug!r}.")
    return respond(_service().briefing(slug, state, fmt, key_events=key_events))


def _series(slug: str, fmt: str, *, key_events: bool) -> Response:
    state = series.series_version(slug)
    return respond(_service().series(slug, state, fmt, key_events=key_events))


def _service() -> feeds.Feeds:
    service: feeds.Feeds = current_app.extensions["briefing.feeds"]
    return service
