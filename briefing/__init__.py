"""Briefing: live-briefing publishing platform."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def bundled_folder(name: str) -> Path:
    """`templates` or `static`: inside an installed package (the build copies them in),
    else at the top of the checkout, where they are kept."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def instance_folder() -> str | None:
    """BRIEFING_INSTANCE_PATH, else the checkout's `instance/`; an installed package gets
    Flask's default, `<environment>/var/briefing-instance`."""
    configured = os.environ.get("BRIEFING_INSTANCE_PATH")
    if configured:
        return configured
    checkout = PROJECT_ROOT / "instance"
    return str(checkout) if (PROJECT_ROOT / "pyproject.toml").is_file() else None


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config → extensions → broker → blueprints → errors → CLI."""
    app = Flask(
        __name__,
        instance_path=instance_folder(),
        template_folder=str(bundled_folder("templates")),
        static_folder=str(bundled_folder("static")),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from briefing.config import load_config

    load_config(app, test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep representations in SPEC order

    from briefing import database

    database.init_app(app)

    from briefing import live

    live.init_app(app)

    from briefing import scheduler

    scheduler.init_app(app)

    from briefing.web import i18n

    i18n.init_app(app)

    from briefing.media import storage

    storage.init_app(app)

    from briefing.extensions import csrf
    from briefing.web import api, editor, public, routing
    from briefing.web import feeds as feeds_web
    from briefing.web import live as live_web
    from briefing.web import media as media_web
    from briefing.web.assets import init_app as init_assets
    from briefing.web.caching import init_app as init_page_cache
    from briefing.web.errors import init_app as init_errors
    from briefing.web.fragments import init_app as init_fragments
    from briefing.web.headers import init_app as init_headers
    from briefing.web.observability import init_app as init_observability
    from briefing.web.templating import init_app as init_templating

    init_observability(app)  # first, so request ids and timing cover every other hook
    routing.init_app(app)  # converters first: blueprints' routes use them
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(live_web.bp)
    app.register_blueprint(media_web.bp)
    app.register_blueprint(feeds_web.bp)  # also sets up the feed cache and WebSub
    app.register_blueprint(editor.bp)
    # Every form and state-changing browser request carries a CSRF token; the API
    # authenticates each request with a bearer token instead, which a browser never sends.
    csrf.init_app(app)
    csrf.exempt(api.bp)
    init_assets(app)
    init_templating(app)
    init_page_cache(app)
    init_fragments(app)
    init_errors(app)
    init_headers(app)

    from briefing import cli

    cli.init_app(app)
    return app
