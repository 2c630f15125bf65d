"""An update's markup, rendered once per version of what it shows and reused by every page.

The live page shows 20 updates and up to 50 key events; a publish changes one of them. Each
piece is kept per process under everything it shows (the update's version, its pin and
key-event flags, its credit and byline, the briefing's slug, timezone and language, and
the reader's local day for the time labels), so rendering a new version of a page renders
only what changed, and the cost of a page does not depend on how many updates the briefing holds.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from briefing.models import Briefing, Update
from briefing.services.timeline import KeyEvent
from briefing.web.caching import CachedPage, PageCache
from briefing.web.i18n import speaking
from briefing.web.templating import reader_today


def _kept(app: Flask, key: Hashable, version: Hashable, template: str, **context: Any) -> Markup:
    """A piece of a briefing's page, in the briefing's language (web/i18n.py)."""
    cache: PageCache = app.extensions["briefing.fragments"]
    language = context["briefing"].language

    def render() -> CachedPage:
        with speaking(language):
            html = app.jinja_env.get_template(template).render(**context)
        return CachedPage(html.encode(), "", None, ())

    return Markup(cache.get_or_render(key, version, render).body.decode())


def update_html(update: Update, briefing: Briefing, *, dated: bool = False) -> Markup:
    """`_update.html` for a saved update, as a reader sees it today; `dated`: with its date
    whatever the day (a permalink)."""
    version = (
        update.version,
        update.pinned,
        update.key_event,
        update.credit,
        update.author.display_name,
        briefing.slug,
        briefing.timezone,
        briefing.language,
        None if dated else reader_today(briefing.timezone),
    )
    return _kept(
        current_app,
        ("update", update.id, dated),
        version,
        "_update.html",
        update=update,
        briefing=briefing,
        dated=dated,
    )


def key_event_html(item: KeyEvent, briefing: Briefing, on_page: bool) -> Markup:
    """One entry of the key-events list, linking into the page or to the permalink."""
    version = (
        item.version,
        briefing.slug,
        briefing.timezone,
        briefing.language,
        reader_today(briefing.timezone),
    )
    return _kept(
        current_app,
        ("key event", item.id, on_page),
        version,
        "public/_key_event.html",
        item=item,
        briefing=briefing,
        on_page=(item.id,) if on_page else (),
    )


def init_app(app: Flask) -> None:
    app.extensions["briefing.fragments"] = PageCache(int(app.config["FRAGMENT_CACHE_BYTES"]))
    app.jinja_env.globals.update(update_html=update_html, key_event_html=key_event_html)
