"""The editor console (SPEC §4): newsroom pages under /editor.

Every page works as plain forms with the PRG pattern; static/js/editor.js enhances them to
post with fetch, asking for JSON (see `wants_json`). Views stay thin: a form parses input →
a service verb → a redirect, or the page again with the domain's field errors.
"""

from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("editor", __name__, url_prefix="/editor")


def wants_json() -> bool:
    """True for the console's scripts, which send `Accept: application/json`."""
    return request.accept_mimetypes.best == "application/json"


from briefing.web.editor import (  # noqa: E402, F401
    account,
    admin,
    auth,
    console,
    dashboard,
    live,
    settings,
)
