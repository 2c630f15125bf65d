"""JSON API v1 for bots and integrations (SPEC §7).

Views stay thin: parse the input (input.py) → call a service verb → represent the result
(representations.py). Domain errors become problem+json in web/errors.py.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from briefing.web.api import (  # noqa: E402, F401
    auth,
    briefings,
    media,
    openapi,
    series,
    sources,
    updates,
)
