"""HTTP caching for reader pages: ETag and Last-Modified from the briefing's version."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, make_response, request

from briefing.models import Briefing

# Changes on every start, so a deploy with new templates never answers 304 for old markup.
_PROCESS_TOKEN = secrets.token_hex(4)


def etag_for(briefing: Briefing, key: str) -> str:
    digest = hashlib.sha1(f"{briefing.id}:{key}".encode()).hexdigest()[:10]
    return f"b{briefing.id}-v{briefing.version}-{digest}-{_PROCESS_TOKEN}"


def conditional(
    briefing: Briefing,
    key: str,
    render: Callable[[], str | bytes | dict[str, Any]],
    *,
    max_age: int | None = None,
) -> Response:
    """Answer 304 when the client holds this version; otherwise render, with validators."""
    etag = etag_for(briefing, key)
    response = Response()
    response.set_etag(etag)
    response.last_modified = briefing.changed_at
    response.cache_control.public = True
    response.cache_control.max_age = (
        current_app.config["PAGE_MAX_AGE"] if max_age is None else max_age
    )
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    body = make_response(render())
    body.headers.update(
        {
            k: v
            for k, v in response.headers.items()
            if k in ("ETag", "Last-Modified", "Cache-Control")
        }
    )
    return body
