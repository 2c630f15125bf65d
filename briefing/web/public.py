"""Reader-facing pages: index, live page, permalink, health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from briefing import database
from briefing.models import Briefing
from briefing.models.base import utcnow
from briefing.services import timeline
from briefing.web.caching import conditional
from briefing.web.routing import absolute_url
from briefing.web.structured_data import live_blog_posting

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> Any:
    entries = timeline.public_briefings(utcnow())
    return render_template("public/index.html", entries=entries)


@bp.get("/briefings/<slug:slug>")
def briefing_page(slug: str) -> Any:
    briefing = timeline.briefing_by_slug(slug)
    oldest_first = request.args.get("order") == "oldest"
    cursor = request.args.get("before") or None
    page_key = f"{'oldest' if oldest_first else 'newest'}:{cursor or ''}"
    return conditional(
        briefing,
        page_key,
        lambda: _render_briefing(briefing, cursor=cursor, oldest_first=oldest_first),
    )


def _render_briefing(briefing: Briefing, *, cursor: str | None, oldest_first: bool) -> str:
    first_page = cursor is None
    # The pinned update has its own slot on the first page; later pages show it in its place.
    pinned = timeline.pinned_update(briefing) if first_page else None
    page = timeline.updates_page(
        briefing,
        cursor=cursor,
        oldest_first=oldest_first,
        limit=current_app.config["UPDATES_PER_PAGE"],
        include_pinned=pinned is None,
    )
    structured = live_blog_posting(
        briefing,
        ([pinned] if pinned else []) + page.items,
        page_url=absolute_url("public.briefing_page", slug=briefing.slug),
        site_name=current_app.config["SITE_NAME"],
        update_url=lambda update_id: absolute_url(
            "public.briefing_page", slug=briefing.slug, _anchor=f"update-{update_id}"
        ),
    )
    return render_template(
        "public/briefing.html",
        briefing=briefing,
        pinned=pinned,
        page=page,
        oldest_first=oldest_first,
        first_page=first_page,
        key_events=timeline.key_events(briefing),
        sources=timeline.sources_used(briefing),
        last_updated=timeline.last_published_at(briefing),
        structured=structured,
    )


@bp.get("/briefings/<slug:slug>/updates/<id:update_id>")
def update_page(slug: str, update_id: int) -> Any:
    briefing = timeline.briefing_by_slug(slug)
    item = timeline.update_in(briefing, update_id)
    return conditional(
        briefing,
        f"update:{item.id}",
        lambda: render_template(
            "public/update.html",
            briefing=briefing,
            update=item,
            context_cursor=timeline.cursor_including(item),
        ),
    )


@bp.get("/healthz")
def healthz() -> Response:
    checks = {"database": "ok" if database.reachable() else "unreachable"}
    broker = current_app.extensions["briefing.live"].broker
    checks["broker"] = "ok" if broker_healthy(broker) else "unreachable"
    healthy = all(v == "ok" for v in checks.values())
    response = jsonify(status="ok" if healthy else "degraded", **checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def broker_healthy(broker: Any) -> bool:
    ping = getattr(broker, "ping", None)
    return True if ping is None else bool(ping())
