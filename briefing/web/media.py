"""/media/<name>: uploaded photos' files, as stored. Names are content hashes, so a file
never changes and may be cached for a year."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from briefing.media.storage import EXTENSION_TYPES, media_storage

bp = Blueprint("media", __name__)
YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
def media_file(name: str) -> Response:
    if name in request.if_none_match:
        # The name is the ETag: a revalidation needs no file opened.
        return _cacheable(Response(status=304, headers={"ETag": f'"{name}"'}))
    try:
        # Photos are at most a few hundred kilobytes each; a proxy in front (deploy/) may
        # serve the directory itself.
        data = media_storage().read(name)
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype=EXTENSION_TYPES[name.rsplit(".", 1)[1]])
    response.set_etag(name)
    return _cacheable(response)


def _cacheable(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response
