"""JSON API v1 for bots and integrations (SPEC §7).

Views stay thin: parse the input (input.py) → call a service verb → represent the result
(representations.py). Domain errors become problem+json in web/errors.py.
"""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
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


def _converters(state: BlueprintSetupState) -> None:
    state.app.url_map.converters.setdefault("api_slug", SlugConverter)
    state.app.url_map.converters.setdefault("api_id", IdConverter)


bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.record_once(_converters)  # before the routes below, which use them

from briefing.web.api import auth, briefings, openapi, sources, updates  # noqa: E402, F401
