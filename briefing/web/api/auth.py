"""Bearer tokens: every API request names its user, except the OpenAPI document's."""

from __future__ import annotations

from flask import Response, g, request

from briefing.extensions import csrf
from briefing.models import User
from briefing.services.users import user_for_token
from briefing.web.api import bp
from briefing.web.editor.auth import current_user as editor_user
from briefing.web.errors import problem

# Endpoints anyone may read, and cache.
OPEN_ENDPOINTS = {"api.get_open_api_document"}
# Endpoints the editor console calls with its session (and, for writes, its CSRF token)
# when a request carries no token: photos are uploaded one way, by bots and people alike.
SESSION_ENDPOINTS = {
    "api.list_media",
    "api.upload_media",
    "api.get_media",
    "api.change_media",
    "api.delete_media",
}
REALM = 'Bearer realm="Briefing API"'


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.endpoint in SESSION_ENDPOINTS and "Authorization" not in request.headers:
        signed_in = editor_user()
        if signed_in is not None:
            csrf.protect()  # writes only; a forged cross-site form fails here
            g.api_user = signed_in
            return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("Send an API token in the header 'Authorization: Bearer <token>'.")
    user = user_for_token(token)
    if user is None:
        return _unauthorized(
            "The API token is unknown or revoked, or its user is inactive.",
            error='error="invalid_token"',
        )
    g.api_user = user
    return None


def current_actor() -> User:
    actor: User = g.api_user
    return actor


@bp.after_request
def no_store(response: Response) -> Response:
    """Answers depend on the token and may include drafts: no cache may keep them."""
    if request.endpoint not in OPEN_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def _unauthorized(detail: str, error: str | None = None) -> Response:
    response = problem(401, detail)
    response.headers["WWW-Authenticate"] = f"{REALM}, {error}" if error else REALM
    return response
