"""Static URLs with a content hash, so browsers may cache the files for a year.

A module's imports of other modules (`import { follow } from "./live.js"`) resolve to
plain URLs, without the hash: those are served for revalidation on every use instead,
so a deploy never leaves a browser running an old module under a new one.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request, url_for


def init_app(app: Flask) -> None:
    static_root = Path(app.static_folder or "static")

    def digest(filename: str) -> str:
        try:
            data = (static_root / filename).read_bytes()
        except OSError:
            return "missing"
        return hashlib.sha256(data).hexdigest()[:12]

    cached_digest = lru_cache(maxsize=128)(digest)

    def asset_url(filename: str) -> str:
        # In debug mode files change under a running server: hash them on every call.
        version = digest(filename) if app.debug else cached_digest(filename)
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def _revalidate_unhashed(response: Response) -> Response:
        if request.endpoint == "static" and "v" not in request.args:
            response.cache_control.max_age = None
            response.cache_control.no_cache = True
        return response
