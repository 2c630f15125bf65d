"""Jinja filters and globals shared by every template."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import Flask
from markupsafe import Markup

from briefing.models import Media
from briefing.rendering import timefmt
from briefing.rendering.markdown import figure_html
from briefing.services.media import photo_of
from briefing.web.routing import absolute_url


def lead_photo(item: Media) -> Markup:
    """A briefing's lead photo as the figure under its title (built from trusted values)."""
    return Markup(figure_html(photo_of(item), lead=True))


def photo_url(item: Media) -> str:
    """The absolute URL of a photo's main file: og:image and JSON-LD image."""
    return absolute_url("media.media_file", name=item.filename)


def reader_day(now: datetime, tz: str) -> tuple[str, datetime]:
    """`reader_time` labels change at local midnight, so a page stored with them holds for
    one local day: (that day, the moment it began in UTC)."""
    local = timefmt.local(now, tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.date().isoformat(), midnight.astimezone(UTC)


# Every zone's midnight falls on a quarter hour of UTC, so pages showing times in several
# zones (the index) hold for one quarter hour.
QUARTER_HOUR = timedelta(minutes=15)


def reader_slot(now: datetime) -> tuple[int, datetime]:
    """(the quarter hour of `now`, the moment it began): within it no label changes."""
    slot = int(now.timestamp() // QUARTER_HOUR.total_seconds())
    return slot, datetime.fromtimestamp(slot * QUARTER_HOUR.total_seconds(), UTC)


_days: dict[str, tuple[float, str]] = {}


def reader_today(tz: str) -> str:
    """`reader_day(utcnow(), tz)[0]`, asked for by every update on a page: worked out once
    per zone and quarter hour (no local day begins inside one)."""
    now = time.time()
    held = _days.get(tz)
    if held is not None and now < held[0]:
        return held[1]
    day = reader_day(datetime.fromtimestamp(now, UTC), tz)[0]
    _days[tz] = ((now // QUARTER_HOUR.total_seconds() + 1) * QUARTER_HOUR.total_seconds(), day)
    return day


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(iso=timefmt.iso)
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        lead_photo=lead_photo,
        photo_url=photo_url,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _site() -> dict[str, object]:
        return {"site_name": app.config["SITE_NAME"]}
