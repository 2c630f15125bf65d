"""URLs: the converters every blueprint's routes use, and absolute URLs on SITE_URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, current_app
from werkzeug.routing import BaseConverter, MapAdapter


class SlugConverter(BaseConverter):
    """Only strings that could be a slug reach a view; anything else (NUL bytes included,
    which PostgreSQL cannot even compare) is a 404 from routing."""

    regex = "[a-z0-9-]{1,80}"


class IdConverter(BaseConverter):
    """Up to ten digits; longer is a 404 from routing. The range is checked by the read
    function (refusing here would make Werkzeug answer 405 to a PATCH or DELETE)."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(value)


def absolute_url(endpoint: str, /, *, _anchor: str | None = None, **values: Any) -> str:
    """The URL of a route on SITE_URL, whatever host a request came in on: canonical links,
    feeds, WebSub topics, the API's `url` fields, the demo. The one place absolute URLs
    are made; it needs an app context, not a request."""
    url = _site_adapter().build(endpoint, values, force_external=True)
    return f"{url}#{quote(_anchor)}" if _anchor else url


def _site_adapter() -> MapAdapter:
    """The route table bound to SITE_URL, kept per app (a feed build makes a hundred URLs;
    binding costs as much as building). Rebound if SITE_URL changes."""
    site_url = current_app.config["SITE_URL"]
    held = current_app.extensions.get("briefing.site_adapter")
    if held is None or held[0] != site_url:
        site = urlsplit(site_url)
        adapter = current_app.url_map.bind(
            site.netloc, script_name=site.path or "/", url_scheme=site.scheme
        )
        held = current_app.extensions["briefing.site_adapter"] = (site_url, adapter)
    return held[1]


def init_app(app: Flask) -> None:
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["id"] = IdConverter
