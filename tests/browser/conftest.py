"""Browser tests: real Chromium, driven by Playwright, against a real server.

The server is the application on a temporary SQLite database, served by Werkzeug on a free
local port in a thread; it is shut down cleanly at the end. Each test gets fresh browser
contexts (separate cookies and storage), so an editor and a reader never share a session.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import BriefingStatus, Role
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from briefing.services.sources import seed_default_sources
from tests.factories import create_account

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "correct horse battery staple"
SHOTS = Path("/tmp/console-shots")

NO_CHROMIUM = (
    f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)"
)


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "browser.sqlite3"
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret",
            "DATABASE_URL": f"sqlite:///{database}",
            "MEDIA_ROOT": str(folder / "media"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SITE_URL": "http://127.0.0.1",
            # Pages are checked right after each change: no caching between them.
            "PAGE_MAX_AGE": 0,
        }
    )
    with app.app_context():
        upgrade_schema()
        seed_default_sources(actor=OPERATOR)
        db.engine.dispose()
    server = LiveServer(app)
    app.config["SITE_URL"] = server.url
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


_numbers = itertools.count(1)


@pytest.fixture
def make_account(live_server: LiveServer) -> Callable[[Role], str]:
    """Create a user on the server's database; returns the email (password: PASSWORD)."""

    def make(role: Role) -> str:
        email = f"{role.value}{next(_numbers)}@browser.example"
        with live_server.app.app_context():
            create_account(
                live_server.app,
                email=email,
                display_name=f"{role.value.title()} {email.split('@')[0][-2:]}",
                role=role,
            )
            db.session.remove()
        return email

    return make


@pytest.fixture
def seed_briefing(live_server: LiveServer) -> Callable[..., str]:
    """A live briefing with the given update bodies (oldest first), posted by `email`;
    returns its slug."""

    def seed(email: str, title: str, bodies: list[str] = ()) -> str:  # type: ignore[assignment]
        with live_server.app.app_context():
            author = user_service.user_by_email_or_404(email)
            briefing = briefing_service.create_briefing(
                actor=author, title=title, timezone="Europe/Kyiv", status=BriefingStatus.LIVE
            )
            for body in bodies:
                update_service.create_update(briefing, actor=author, body=body)
            slug = briefing.slug
            db.session.remove()
        return slug

    return seed


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., BrowserContext]]:
    """Fresh browser contexts (each its own cookies and storage), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(page: Page, email: str) -> None:
    page.goto("/editor/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Briefings", exact=True)).to_be_visible()


def new_page(new_context: Callable[..., BrowserContext], email: str, **options: Any) -> Page:
    """A page in a fresh context, logged in as `email`."""
    page = new_context(**options).new_page()
    log_in(page, email)
    return page
