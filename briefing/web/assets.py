"""Static URLs with a content hash, so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, url_for

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    static_root = Path(app.static_folder or "static")

    @lru_cache(maxsize=128)
    def digest(filename: str) -> str:
        try:
            data = (static_root / filename).read_bytes()
        except OSError:
            return "missing"
        return hashlib.sha256(data).hexdigest()[:12]

    def asset_url(filename: str) -> str:
        version = (
            digest(filename)
            if not app.debug
            else hashlib.sha256((static_root / filename).read_bytes()).hexdigest()[:12]
        )
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["asset_url"] = asset_url
    # Hashed URLs change whenever the file does, so the file itself may be cached long.
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", YEAR)
