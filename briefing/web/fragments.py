"""An update's markup, rendered once per version of what it shows and reused by every page.

The live page shows 20 updates and up to 50 key events; a publish changes one of them. Each
piece is kept per process under everything it shows (the update's version, its pin and
key-event flags, the names it credits and its byline, the briefing's slug, timezone and
language, and the reader's local day for the time labels), so rendering a new version of a
page renders only what changed, and the cost of a page does not depend on how many updates
the briefing holds.

A reader page lists its updates as `Listed` values (services/timeline.py): exactly what
names their pieces. Only the updates whose pieces are missing are loaded in full, together,
and rendered (`render_missing`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Flask, current_app
from markupsafe import Markup

from briefing.models import Briefing, Update
from briefing.services import timeline
from briefing.services.timeline import KeyEvent, Listed
from briefing.web.caching import PageCache
from briefing.web.i18n import speaking
from briefing.web.routing import absolute_url
from briefing.web.structured_data import blog_posting
from briefing.web.templating import photo_url, reader_today

T = TypeVar("T")
Shown = Update | Listed  # an update as a page holds it: loaded in full, or listed
KINDS = ("update", "posting")  # the pieces of one update


@dataclass(frozen=True)
class Piece(Generic[T]):
    """A kept piece of a page: markup, or a page's structured data for one update."""

    value: T
    size: int
    shared: bool = True


def _cache(app: Flask) -> PageCache[Piece[Any]]:
    cache: PageCache[Piece[Any]] = app.extensions["briefing.fragments"]
    return cache


def _version(item: Shown, briefing: Briefing, dated: bool) -> Hashable:
    """Everything an update's pieces show besides what its version number covers: a source
    renamed or a byline changed moves no update's version."""
    if isinstance(item, Listed):
        names, byline = item.source_names, item.byline
    else:
        names, byline = tuple(s.name for s in item.sources), item.author.display_name
    return (
        item.version,
        item.pinned,
        item.key_event,
        names,
        byline,
        briefing.slug,
        briefing.timezone,
        briefing.language,
        None if dated else reader_today(briefing.timezone),
    )


def _full(item: Shown) -> Update:
    """The update itself, for a piece not rendered yet (no update row is ever deleted)."""
    if isinstance(item, Update):
        return item
    [loaded] = timeline.updates_by_id([item.id])
    return loaded


def _piece(
    kind: str,
    item: Shown,
    briefing: Briefing,
    make: Callable[[Update], tuple[T, int]],
    *,
    dated: bool = False,
) -> T:
    def render() -> Piece[T]:
        return Piece(*make(_full(item)))

    cache = _cache(current_app)
    key = (kind, item.id, dated)
    return cache.get_or_render(key, _version(item, briefing, dated), render).value


def update_html(item: Shown, briefing: Briefing, *, dated: bool = False) -> Markup:
    """`_update.html` for a saved update, as a reader sees it today; `dated`: with its date
    whatever the day (a permalink)."""

    def make(update: Update) -> tuple[Markup, int]:
        template = current_app.jinja_env.get_template("_update.html")
        with speaking(briefing.language):  # a piece of a briefing's page, in its language
            html = template.render(update=update, briefing=briefing, dated=dated)
        return Markup(html), len(html)

    return _piece("update", item, briefing, make, dated=dated)


def update_posting(item: Shown, briefing: Briefing) -> dict[str, Any]:
    """The update as a BlogPosting of the live page's structured data (shared: not to be
    changed by its users)."""

    def make(update: Update) -> tuple[dict[str, Any], int]:
        url = absolute_url(
            "public.briefing_page", slug=briefing.slug, _anchor=f"update-{update.id}"
        )
        posting = blog_posting(update, url=url, photo_url=photo_url)
        return posting, len(json.dumps(posting))

    return _piece("posting", item, briefing, make)


def render_missing(items: Sequence[Shown], briefing: Briefing) -> None:
    """Render the pieces of listed updates that are not kept, loading those updates in one
    query rather than one each."""
    cache = _cache(current_app)
    missing = [
        item.id
        for item in items
        if isinstance(item, Listed)
        and any(
            cache.get((kind, item.id, False), _version(item, briefing, False)) is None
            for kind in KINDS
        )
    ]
    for update in timeline.updates_by_id(missing):
        update_html(update, briefing)
        update_posting(update, briefing)


def key_event_html(item: KeyEvent, briefing: Briefing, on_page: bool) -> Markup:
    """One entry of the key-events list, linking into the page or to the permalink."""
    version = (
        item.version,
        briefing.slug,
        briefing.timezone,
        briefing.language,
        reader_today(briefing.timezone),
    )

    def render() -> Piece[Markup]:
        template = current_app.jinja_env.get_template("public/_key_event.html")
        with speaking(briefing.language):
            html = template.render(
                item=item, briefing=briefing, on_page=(item.id,) if on_page else ()
            )
        return Piece(Markup(html), len(html))

    cache = _cache(current_app)
    return cache.get_or_render(("key event", item.id, on_page), version, render).value


def init_app(app: Flask) -> None:
    app.extensions["briefing.fragments"] = PageCache[Piece[Any]](
        int(app.config["FRAGMENT_CACHE_BYTES"])
    )
    app.jinja_env.globals.update(update_html=update_html, key_event_html=key_event_html)
