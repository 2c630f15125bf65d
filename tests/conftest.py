"""The test API: `app`, `client`, `runner`, factories and a query counter.

Every database test runs on SQLite and, when BRIEFING_TEST_DATABASE_URL is set, on
PostgreSQL too. Isolation is real, without mocks: a fresh SQLite file per test, copied from a
migrated template; on PostgreSQL, TRUNCATE … RESTART IDENTITY before each test.
"""

from __future__ import annotations

import contextvars
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

from briefing import create_app
from briefing.config import normalize_database_url
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.services.permissions import OPERATOR
from briefing.services.sources import seed_default_sources

PG_URL = os.environ.get("BRIEFING_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
TEST_SECRET = "test-secret-key-not-for-production"
# The agencies a fresh database is seeded with, as the specification lists them.
SEEDED_AGENCIES = {
    "reuters", "afp", "ap", "dpa", "efe", "ansa", "interfax-ukraine", "ukrinform", "anadolu",
    "kyodo", "xinhua", "pa-media",
}  # fmt: skip


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "SITE_URL": "https://news.example.org",
        # A cheap hash keeps account-heavy tests fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tests that need the clock start one (tests/test_schedule.py); others run without.
        "SCHEDULER": False,
    }


def _migrate(app: Flask) -> None:
    with app.app_context():
        upgrade_schema()
        seed_default_sources(actor=OPERATOR)
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    _migrate(create_app(base_config(f"sqlite:///{path}")))
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> Iterator[str]:
    """A private schema in the test database for this pytest run, migrated once.

    A schema of its own lets several test runs share one PostgreSQL without trampling
    each other; it is dropped at the end.
    """
    assert PG_URL, "BRIEFING_TEST_DATABASE_URL is not set"
    schema = f"briefing_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(normalize_database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    _migrate(create_app(base_config(url)))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_postgres(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        seed_default_sources(actor=OPERATOR)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return str(request.getfixturevalue("postgres_ready"))


class RequestClient(FlaskClient):
    """A test client whose every request runs as a server thread runs it: in a fresh
    context, so it gets its own app context, `g` and database session, never the test's."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps on this test's database and media directory; extra config as keyword
    arguments."""
    apps: list[Flask] = []

    def build(**config: Any) -> Flask:
        media = {"MEDIA_ROOT": str(tmp_path / "media")}
        app = create_app({**base_config(database_url), **media, **config})
        app.test_client_class = RequestClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask], database_url: str) -> Iterator[Flask]:
    app = make_app()
    if database_url.startswith("postgresql"):
        _truncate_postgres(app)
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@contextmanager
def running_server(app: Flask) -> Iterator[tuple[str, int]]:
    """Serve `app` over real HTTP on a free local port, in a thread; yields (host, port)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def server(app: Flask) -> Iterator[tuple[str, int]]:
    """The test's app behind a real HTTP server: (host, port)."""
    with running_server(app) as address:
        yield address


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """`with count_queries() as q: ...; q.count` counts SQL statements sent to the database."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


pytest_plugins = ["tests.factories"]
