"""URL converters shared by every blueprint."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter


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


def init_app(app: Flask) -> None:
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["id"] = IdConverter
