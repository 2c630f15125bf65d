"""Configuration in layers: defaults, instance/config.py, BRIEFING_* environment, then the
three well-known variables (DATABASE_URL, REDIS_URL, SITE_URL), then test overrides.

Nothing here runs at import time; `load_config` is called by the application factory.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULT_PORT = 5000
DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Seconds to wait for a PostgreSQL connection: while the database is away, requests
    # answer 503 this quickly instead of hanging.
    "DATABASE_CONNECT_TIMEOUT": 5,
    # None: the local address of the port being served (`site_url_for_port`).
    "SITE_URL": None,
    "SITE_NAME": "Briefing",
    "REDIS_URL": None,
    # 1 MiB: the API refuses larger bodies with 413 before parsing them.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Uploaded photos: the largest file taken (20 MiB), and where the files live (None: a
    # `media` directory in the instance folder).
    "MEDIA_MAX_BYTES": 20 * 1024 * 1024,
    "MEDIA_ROOT": None,
    "UPDATES_PER_PAGE": 20,
    "FEED_MAX_AGE": 30,
    # RFC 4151 tagging entity ("domain-or-email,date") in every feed and entry id. Unlike
    # SITE_URL it must never change once feeds are public: set it once, to a domain you held
    # on that date.
    "FEED_TAG_AUTHORITY": "briefing.invalid,2026",
    # WebSub: when a hub URL is set, feeds name it and every publish, edit or retraction
    # pings it from a background thread (seconds per attempt, attempts, first retry delay).
    "WEBSUB_HUB_URL": None,
    "WEBSUB_TIMEOUT": 5.0,
    "WEBSUB_ATTEMPTS": 4,
    "WEBSUB_RETRY_DELAY": 2.0,
    # Live delivery (seconds, except the browser's reconnect delay in milliseconds).
    "LIVE_HEARTBEAT": 15,
    "LIVE_RETRY_MS": 3000,
    "LIVE_POLL_AFTER": 5,
    "LIVE_RECHECK": 5,
    # Scheduled updates are published by a thread in each serving process (briefing/
    # scheduler.py), which looks for newly scheduled ones at least this often (seconds).
    "SCHEDULER": True,
    "SCHEDULER_POLL": 1.0,
    # Reader pages may be cached this long by browsers and CDNs (seconds).
    "PAGE_MAX_AGE": 10,
    # Each process keeps rendered reader pages up to this many bytes (least recently used
    # go first); a 20-update live page is about 40 KiB.
    "PAGE_CACHE_BYTES": 64 * 1024 * 1024,
    # ... and the markup of single updates, shared by the pages that show them (web/fragments.py).
    "FRAGMENT_CACHE_BYTES": 16 * 1024 * 1024,
    # Static URLs carry a content hash (web/assets.py), so the files may be cached a year.
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # GET /metrics answers only with this bearer token; without one it does not exist.
    "METRICS_TOKEN": None,
    # Level of the JSON lines the `briefing` loggers write to stderr.
    "LOG_LEVEL": "INFO",
    # How long an Idempotency-Key replays its first request (seconds); then it is purged.
    "IDEMPOTENCY_TTL": 24 * 3600,
    # werkzeug's scrypt; tests lower the cost, production never should.
    "PASSWORD_HASH_METHOD": "scrypt",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("BRIEFING")
    for name in ("DATABASE_URL", "REDIS_URL", "SITE_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if test_config:
        app.config.update(test_config)

    if not app.config["SITE_URL"]:
        app.config["SITE_URL"] = local_site_url(os.environ)
    app.config["SITE_URL"] = str(app.config["SITE_URL"]).rstrip("/")
    if app.config["SITE_URL"].startswith("https://"):
        # Flask's own default is False, so this cannot be a setdefault.
        app.config["SESSION_COOKIE_SECURE"] = True
    database_url = app.config.get("DATABASE_URL") or _default_sqlite_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(database_url)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        )
        # A pooled connection to a server may have died with it (a restart, a failover):
        # each is tested as it is taken. A SQLite file has no server to lose, and the test
        # would double the statements of a page served from the cache.
        options.setdefault("pool_pre_ping", True)
        options["connect_args"] = {
            "connect_timeout": int(app.config["DATABASE_CONNECT_TIMEOUT"]),
            **options.get("connect_args", {}),
        }
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)


def local_site_url(environ: Mapping[str, str]) -> str:
    """Links for a server on this machine, on the port it is served on: `PORT` (as `make
    demo PORT=8080`, gunicorn and most platforms set it), `FLASK_RUN_PORT`, else 5000."""
    for name in ("PORT", "FLASK_RUN_PORT"):
        port = environ.get(name, "").strip()
        if port.isascii() and port.isdigit() and 0 < int(port) < 65536:
            return f"http://127.0.0.1:{int(port)}"
    return f"http://127.0.0.1:{DEFAULT_PORT}"


def normalize_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _default_sqlite_url(app: Flask) -> str:
    return "sqlite:///" + str(Path(app.instance_path) / "briefing.sqlite3")


def _instance_secret_key(app: Flask) -> str:
    """A random key generated once into instance/, so there is never a guessable default."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
