"""Writes: creation answered 201 with Location, made safe to retry with an
Idempotency-Key (the mechanism is services/idempotency.py; this door only picks the HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Response, current_app, request

from briefing.models import User
from briefing.services.idempotency import Idempotency, Resource, create_once
from briefing.web.api.auth import current_actor
from briefing.web.api.input import RequestBody, json_object

JSON = "application/json"
R = TypeVar("R", bound=Resource)
# A created resource as the API shows it: the representation and the resource's API URL.
Created = tuple[dict[str, Any], str]


def created(
    body: type[RequestBody],
    model: type[R],
    create: Callable[[User, dict[str, Any], Idempotency | None], R],
    represent: Callable[[R], Created],
) -> Response:
    """Call `create(actor, values, idempotency)` with the parsed body, once per
    Idempotency-Key. A repeated key is answered as the first request was (201, Location),
    with the resource it created read again: the key is stored with the resource, not with
    a copy of the response, so that it commits with the resource (no second commit that a
    crash could miss), and a replay shows the resource as it is now."""
    actor, payload = current_actor(), json_object()
    # Parsed before the fingerprint is taken, so that is only ever of a small, flat object.
    values = body.parse(payload)
    idempotency = requested_idempotency(payload)
    outcome = create_once(
        lambda remembered: create(actor, values, remembered),
        actor=actor,
        idempotency=idempotency,
        model=model,
    )
    representation, location = represent(outcome.resource)
    return Response(
        current_app.json.dumps(representation), 201, mimetype=JSON, headers={"Location": location}
    )


def requested_idempotency(payload: Any) -> Idempotency | None:
    """The request's Idempotency-Key, if it sent one, with `payload` (what it asks for, as
    plain values) fingerprinted."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    return Idempotency.for_request(
        key,
        method=request.method,
        path=request.path,
        payload=payload,
        ttl=timedelta(seconds=current_app.config["IDEMPOTENCY_TTL"]),
    )
