"""Writes: creation answered 201 with Location and made safe to retry with an
Idempotency-Key (see services/idempotency.py), and the answer to a lost race."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError

from briefing.extensions import db
from briefing.models import User
from briefing.services.idempotency import (
    Replay,
    check_key,
    claim,
    fingerprint,
    previous_response,
    remember,
)
from briefing.web.api import bp
from briefing.web.api.auth import current_actor
from briefing.web.api.input import RequestBody, json_object
from briefing.web.errors import problem

JSON = "application/json"
# What a creating view returns: the representation and the new resource's API URL.
Created = tuple[dict[str, Any], str]


def created(body: type[RequestBody], create: Callable[[User, dict[str, Any]], Created]) -> Response:
    """Call `create(actor, values)` with the parsed body, once per Idempotency-Key: a repeat
    of the key gets the first response again."""
    actor, payload = current_actor(), json_object()
    # Parsed before the fingerprint is taken, so that is only ever of a small, flat object.
    values = body.parse(payload)
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return _created(*create(actor, values))
    check_key(key)
    print_ = fingerprint(request.method, request.path, payload)
    replay = previous_response(actor, key, print_)
    if replay is not None:
        return _replayed(replay)
    row = claim(actor, key, print_)
    try:
        response = _created(*create(actor, values))
    except IntegrityError:
        # A request with the same key committed first: answer as it did.
        db.session.rollback()
        replay = previous_response(actor, key, print_)
        if replay is None:
            raise
        return _replayed(replay)
    text = response.get_data(as_text=True)
    remember(row, response.status_code, text, response.headers["Location"])
    return response


def _created(body: dict[str, Any], location: str) -> Response:
    return Response(
        current_app.json.dumps(body), 201, mimetype=JSON, headers={"Location": location}
    )


def _replayed(replay: Replay) -> Response:
    if not replay.body:
        response = problem(
            409, "A request with this Idempotency-Key is still being processed; retry shortly."
        )
        response.headers["Retry-After"] = "1"
        return response
    response = Response(replay.body, replay.status_code, mimetype=JSON)
    if replay.location:
        response.headers["Location"] = replay.location
    return response


@bp.errorhandler(IntegrityError)
def lost_race(_error: IntegrityError) -> Response:
    """Two writes raced for something unique (a slug, the pinned slot): the later one lost."""
    db.session.rollback()
    return problem(409, "This request conflicted with a simultaneous change; send it again.")
