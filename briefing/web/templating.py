"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from briefing.models.base import utcnow
from briefing.rendering import credit, timefmt
from briefing.web.routing import absolute_url


def reader_time(moment: datetime, tz: str) -> str:
    """'14:32 Kyiv time' today; '25 Nov, 14:32 Kyiv time' on earlier days."""
    local = timefmt.local(moment, tz)
    today = timefmt.local(utcnow(), tz).date()
    label = timefmt.clock_with_zone(moment, tz)
    if local.date() == today:
        return label
    if local.year == today.year:
        return f"{local.day} {local.strftime('%b')}, {label}"
    return f"{local.day} {local.strftime('%b %Y')}, {label}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        iso=timefmt.iso,
        clock=timefmt.clock,
        reader_time=reader_time,
    )
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        zone_label=timefmt.zone_label,
        sources_credit=lambda sources: credit.linked_credit([(s.name, s.url) for s in sources]),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _site() -> dict[str, object]:
        return {"site_name": app.config["SITE_NAME"]}
