"""Reader-facing pages: index, live page, permalink, series, health.

Each page is rendered once per version of what it shows and served from memory after that
(web/caching.py): a request costs one indexed lookup of the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from briefing import database
from briefing.models import Briefing, BriefingStatus, Series
from briefing.models.base import utcnow
from briefing.services import changes, feed_queries, series, timeline
from briefing.services.changes import BriefingVersion
from briefing.services.errors import NotFound
from briefing.services.timeline import Listed
from briefing.web import fragments
from briefing.web.caching import cached
from briefing.web.i18n import reader_locale, use_locale
from briefing.web.routing import absolute_url
from briefing.web.structured_data import blog_posting, creative_work_series, live_blog_posting
from briefing.web.templating import photo_url, reader_day, reader_slot

bp = Blueprint("public", __name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@bp.get("/")
def index() -> Any:
    now = utcnow()
    state = feed_queries.index_state(now)
    slot, slot_began = reader_slot(now)
    return cached(
        "index",
        "index",
        (state.site.briefings, state.site.versions, state.series_lineups, state.changed_at, slot),
        lambda: render_template(
            "public/index.html",
            entries=timeline.current_editions(timeline.public_briefings(now)),
        ),
        last_modified=max(state.changed_at or EPOCH, slot_began),
    )


def public_state(slug: str) -> BriefingVersion:
    """The version of a public briefing, from one indexed lookup; drafts do not exist."""
    state = changes.briefing_version(slug)
    if state is None or state.status == BriefingStatus.DRAFT:
        raise NotFound(f"No briefing {slug!r}.")
    return state


def _page(state: BriefingVersion, key: str, render: Any, *, daily: bool = True) -> Response:
    """A page of one briefing, in its language: its bytes hold for this version, this
    interface language, when its time labels depend on today's date (`daily`) this local
    day and, for an edition of a series, the lineup of its series (its previous and next
    links)."""
    day, day_began = reader_day(utcnow(), state.timezone) if daily else (None, EPOCH)
    use_locale(reader_locale(state.language))
    return cached(
        f"b{state.briefing_id}",
        key,
        (state.version, state.series_lineup, day),
        render,
        last_modified=max(state.changed_at, day_began),
    )


@bp.get("/briefings/<slug:slug>")
def briefing_page(slug: str) -> Any:
    state = public_state(slug)
    oldest_first = request.args.get("order") == "oldest"
    cursor = request.args.get("before") or None
    return _page(
        state,
        f"{'oldest' if oldest_first else 'newest'}:{cursor or ''}",
        lambda: _render_briefing(
            timeline.briefing_by_slug(slug), cursor=cursor, oldest_first=oldest_first
        ),
    )


def _render_briefing(briefing: Briefing, *, cursor: str | None, oldest_first: bool) -> str:
    first_page = cursor is None
    limit = current_app.config["UPDATES_PER_PAGE"]
    # The pinned update has its own slot on the first page; later pages show it in its place.
    pinned: Listed | None = None
    if first_page:
        pinned, page = timeline.first_page(briefing, oldest_first=oldest_first, limit=limit)
    else:
        page = timeline.listed_page(briefing, cursor=cursor, oldest_first=oldest_first, limit=limit)
    shown = ([pinned] if pinned else []) + page.items
    fragments.render_missing(shown, briefing)
    edition = _edition(briefing)
    structured = live_blog_posting(
        briefing,
        [fragments.update_posting(item, briefing) for item in shown],
        page_url=absolute_url("public.briefing_page", slug=briefing.slug),
        site_name=current_app.config["SITE_NAME"],
        photo_url=photo_url,
        part_of=edition.part_of,
    )
    return render_template(
        "public/briefing.html",
        briefing=briefing,
        edition=edition,
        pinned=pinned,
        page=page,
        oldest_first=oldest_first,
        first_page=first_page,
        key_events=timeline.key_events(briefing),
        key_events_shown=timeline.KEY_EVENTS_SHOWN,
        sources=timeline.sources_used(briefing),
        last_updated=_last_published(
            briefing, pinned, page.items, newest=first_page and not oldest_first
        ),
        structured=structured,
    )


def _last_published(
    briefing: Briefing, pinned: Listed | None, items: list[Listed], *, newest: bool
) -> datetime | None:
    """The first page, newest first, holds the newest update: no need to ask the database."""
    if not newest:
        return timeline.last_published_at(briefing)
    shown = [u.published_at for u in ([pinned] if pinned else []) + items[:1] if u.published_at]
    return max(shown, default=None)


@bp.get("/briefings/<slug:slug>/updates/<id:update_id>")
def update_page(slug: str, update_id: int) -> Any:
    state = public_state(slug)

    def render() -> str:
        briefing = timeline.briefing_by_slug(slug)
        item = timeline.update_in(briefing, update_id)
        return render_template(
            "public/update.html",
            briefing=briefing,
            edition=_edition(briefing),
            update=item,
            context_cursor=timeline.cursor_including(item),
            structured={
                "@context": "https://schema.org",
                **blog_posting(
                    item,
                    url=absolute_url("public.update_page", slug=slug, update_id=item.id),
                    photo_url=photo_url,
                ),
            },
        )

    # Every time on a permalink carries its date: the page reads the same on any day.
    return _page(state, f"update:{update_id}", render, daily=False)


@dataclass(frozen=True)
class Edition:
    """Where a briefing stands in its series: its neighbours, and the series as JSON-LD."""

    series: Series | None
    previous: Briefing | None = None
    next: Briefing | None = None

    @property
    def part_of(self) -> dict[str, Any] | None:
        if self.series is None:
            return None
        return creative_work_series(
            self.series, url=absolute_url("public.series_page", slug=self.series.slug)
        )


def _edition(briefing: Briefing) -> Edition:
    if briefing.series is None:
        return Edition(None)
    around = series.neighbours(briefing)
    return Edition(briefing.series, around.previous, around.next)


@bp.get("/series/<slug:slug>")
def series_page(slug: str) -> Any:
    """A series' editions, newest first, each with its key events."""
    state = series.series_version(slug)
    slot, slot_began = reader_slot(utcnow())

    def render() -> str:
        found = series.series_by_slug(slug)
        editions = series.editions(found)
        key_events = timeline.key_events_of(editions)
        return render_template(
            "public/series.html",
            series=found,
            editions=[(b, key_events.get(b.id, [])) for b in editions],
            structured={
                "@context": "https://schema.org",
                **creative_work_series(
                    found, url=absolute_url("public.series_page", slug=found.slug)
                ),
            },
        )

    return cached(
        f"s{state.series_id}",
        "series",
        (state.version, slot),
        render,
        last_modified=max(state.changed_at, slot_began),
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
