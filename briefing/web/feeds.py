"""Feed URLs: what the feed service built, in HTTP terms (media types, validators, 304s).

The warm path is one small query for the version, a dictionary lookup and the cached bytes.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app
from flask.blueprints import BlueprintSetupState

from briefing import feeds
from briefing.models import BriefingStatus
from briefing.models.base import utcnow
from briefing.services import changes, feed_queries
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
    service: feeds.Feeds = current_app.extensions["briefing.feeds"]
    return respond(service.site_wide(feed_queries.site_feed_state(utcnow()), fmt))


@bp.get(f"/briefings/<slug:slug>/feed.{FORMAT}")
def briefing_feed(slug: str, fmt: str) -> Response:
    state = changes.briefing_version(slug)
    if state is None or state.status == BriefingStatus.DRAFT:
        raise NotFound(f"No briefing {slug!r}.")
    service: feeds.Feeds = current_app.extensions["briefing.feeds"]
    return respond(service.briefing(slug, state, fmt))
