"""One place that maps domain and HTTP errors to responses: problem+json for the API,
pages in the site's design for everyone else."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from briefing.extensions import db
from briefing.models import Update
from briefing.services.errors import (
    Collision,
    Conflict,
    DomainError,
    Forbidden,
    InUse,
    Invalid,
    NotFound,
    StoreUnavailable,
    TooLarge,
    Unreadable,
    Unsupported,
)
from briefing.web.routing import absolute_url

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
STATUS_BY_ERROR: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Invalid: 422,
    Unreadable: 400,
    Conflict: 409,
    Collision: 409,
    InUse: 409,
    TooLarge: 413,
    Unsupported: 415,
    StoreUnavailable: 503,
}
# Lazy: pages and the console's scripts read them in the interface language, the API (which
# never sets one) in English.
TITLES = {
    400: _l("Bad request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Payload too large"),
    415: _l("Unsupported media type"),
    422: _l("Unprocessable content"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
    503: _l("Service unavailable"),
}
UNAVAILABLE = _l("The service is briefly unavailable; try again in a few seconds.")
FAILED = _l("Something went wrong on our side; it has been logged.")
# What an HTML page says of an HTTP error that carries only Werkzeug's English description
# (the API's problem+json keeps that description: it is for machines).
DESCRIPTIONS = {
    400: _l("The browser sent a request this site could not understand."),
    401: _l("Log in to see this page."),
    403: _l("You do not have permission to see this page."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What was sent is larger than this site accepts."),
    415: _l("This site does not accept that kind of file."),
    422: _l("What was sent could not be used; check it and send it again."),
    429: _l("Too many requests in a short time; wait a moment and try again."),
    500: FAILED,
    503: UNAVAILABLE,
}
# Seconds a client is asked to wait when the database is away (a restart, a failover).
RETRY_AFTER = 5
CSRF_EXPIRED = _l(
    "This form has expired or did not come from this site. Go back, reload the page and "
    "send it again (text you typed in the composer is kept)."
)


def wants_problem_json() -> bool:
    # The API and the live-delivery doors speak JSON. The editor console's scripts ask for
    # JSON; its forms without JavaScript get pages.
    return (
        request.path.startswith("/api/")
        or request.blueprint == "live"
        or (in_editor() and request.accept_mimetypes.best == "application/json")
    )


def in_editor() -> bool:
    """Whether this request is the newsroom's, also when no route matched its address."""
    return request.blueprint == "editor" or request.path.split("/", 2)[1] == "editor"


def problem(status: int, detail: Any, **extra: Any) -> Response:
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": str(TITLES.get(status, "Error")), "status": status}
    body["detail"] = str(detail)
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error, or of the nearest kind it is a case of."""
    return next((STATUS_BY_ERROR[k] for k in type(error).__mro__ if k in STATUS_BY_ERROR), 400)


def domain_error_response(error: DomainError) -> Response:
    """The API's answer to a domain error."""
    status = status_of(error)
    extra: dict[str, Any] = {}
    if isinstance(error, Invalid):
        extra["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    if isinstance(error, Conflict):
        from briefing.web.api.representations import update_json

        extra["current_version"] = error.current.version
        extra["current"] = update_json(error.current)
    if isinstance(error, InUse):
        extra["used_by"] = [page_url(user) for user in error.users]
    return problem(status, error.detail or TITLES.get(status, "Error"), **extra)


def page_url(thing: Any) -> str:
    """The public page of an update or a briefing."""
    if isinstance(thing, Update):
        return absolute_url("public.update_page", slug=thing.briefing.slug, update_id=thing.id)
    return absolute_url("public.briefing_page", slug=thing.slug)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Any:
        # The verb that raised it has already rolled its transaction back
        # (services/transactions.py).
        if wants_problem_json():
            return domain_error_response(error)
        return _page(status_of(error), error.detail)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        detail = error.description or TITLES.get(status, "Error")
        if isinstance(error, CSRFError):
            detail = CSRF_EXPIRED
        if wants_problem_json():
            response = problem(status, detail)
        else:
            if error.description == type(error).description and status in DESCRIPTIONS:
                detail = DESCRIPTIONS[status]
            response = _page(status, detail)
        # Keep headers such as Allow (405) or WWW-Authenticate (401).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error: Exception) -> Any:
        # The pool drops the broken connections itself, so the next request after the
        # database returns simply works.
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        # Verbs roll back their own failures; a read that lost its connection cannot.
        db.session.rollback()
        response = problem(503, UNAVAILABLE) if wants_problem_json() else _page(503, UNAVAILABLE)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_problem_json():
            return problem(500, str(FAILED))
        return _page(500, str(FAILED))


def _page(status: int, detail: Any) -> Response:
    title = TITLES.get(status, "Error")
    if in_editor():
        html = render_template(
            "editor/error.html", status=status, title=title, detail=detail, **_newsroom()
        )
    else:
        html = render_template("errors/error.html", status=status, title=title, detail=detail)
    return make_response(html, status)


def _newsroom() -> dict[str, Any]:
    """The editor layout's context (menu, language) also where no editor route matched,
    so that the blueprint's own hooks did not run."""
    from briefing.web.editor import auth

    if request.blueprint != "editor":
        auth.speak_the_editors_language()
    return auth.editor_page_context()
