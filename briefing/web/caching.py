"""Reader pages as bytes, rendered once per version and kept per process.

A request looks up the version of what it shows (one indexed query, by the view), names its
validators from that version and the deploy, and answers from memory: a 304 when the client
holds that version, the stored bytes otherwise. Only a miss renders; concurrent misses for one
page render once. A change moves the version, so the next request misses: nothing is ever
invalidated by scanning, and every worker of every process sees the change at its next
request because the version comes from the database, not from a message.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask, Response, current_app, json, request
from flask.globals import request_ctx
from werkzeug.http import http_date, is_resource_modified

from briefing import metrics
from briefing.web.i18n import interface_locale

# What a 304 repeats of a 200's headers: the validator and the caching rule.
_NOT_MODIFIED = frozenset({"ETag", "Cache-Control", "Last-Modified"})
# Settings that change the markup of every page, as templates do.
_RENDERING_SETTINGS = ("SITE_URL", "SITE_NAME", "UPDATES_PER_PAGE", "LIVE_POLL_AFTER")


class Representation(Protocol):
    """Stored bytes with their validators: a cached page or a cached feed."""

    @property
    def body(self) -> bytes: ...

    @property
    def etag(self) -> str: ...

    @property
    def last_modified(self) -> datetime | None: ...

    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def not_modified_headers(self) -> tuple[tuple[str, str], ...]: ...


def not_modified(etag: str, last_modified: datetime | None) -> bool:
    """Does the client already hold this? Clients send the ETag back exactly as they got it,
    so a string comparison settles most revalidations; werkzeug handles lists, weak tags and
    If-Modified-Since."""
    environ = request.environ
    held = environ.get("HTTP_IF_NONE_MATCH")
    if held is None and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    if held == f'"{etag}"':
        return True
    return not is_resource_modified(environ, etag=etag, last_modified=last_modified)


def respond(stored: Representation) -> Response:
    """Stored bytes in HTTP terms: 304 when the client holds them, else the bytes."""
    if not_modified(stored.etag, stored.last_modified):
        return Response(status=304, headers=stored.not_modified_headers)
    return Response(stored.body, headers=stored.headers)


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    last_modified: datetime | None
    # Every header of a 200, and those a 304 repeats, computed once.
    headers: tuple[tuple[str, str], ...]
    not_modified_headers: tuple[tuple[str, str], ...] = ()
    # False when rendering read the viewer's session: such bytes belong to one viewer.
    shared: bool = True

    @property
    def size(self) -> int:
        return len(self.body)


class Kept(Protocol):
    """What a `PageCache` holds: a page, or a piece of one (web/fragments.py)."""

    @property
    def size(self) -> int:
        """Bytes counted against the cache's budget."""

    @property
    def shared(self) -> bool:
        """False for what was made for one viewer: handed to its maker, never stored."""


K = TypeVar("K", bound=Kept)


class PageCache(Generic[K]):
    """An LRU of rendered pages (or pieces) within a byte budget, one version per page.

    `get_or_render` coalesces: while one caller renders a page at a version, others asking
    for the same wait for its bytes instead of rendering too. The locks and futures come from
    `threading`, which gevent's workers patch before the app is built, so the same code
    coalesces threads and greenlets.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0  # bytes held
        self._pages: OrderedDict[Hashable, tuple[Hashable, K]] = OrderedDict()
        self._rendering: dict[tuple[Hashable, Hashable], Future[K]] = {}
        self._lock = threading.Lock()
        # Renders so far: what tests and the benchmark read to prove hits rendered nothing.
        self.renders = 0

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: Hashable, version: Hashable) -> K | None:
        with self._lock:
            return self._get(key, version)

    def _get(self, key: Hashable, version: Hashable) -> K | None:
        held = self._pages.get(key)
        if held is None or held[0] != version:
            return None
        self._pages.move_to_end(key)
        return held[1]

    def get_or_render(self, key: Hashable, version: Hashable, render: Callable[[], K]) -> K:
        flight = (key, version)
        with self._lock:
            page = self._get(key, version)
            if page is not None:
                return page
            waiting = self._rendering.get(flight)
            if waiting is None:
                mine: Future[K] = Future()
                self._rendering[flight] = mine
        if waiting is not None:
            page = waiting.result()  # re-raises what the render raised (a 404, say)
            # Bytes made for one viewer are not for this one: render its own.
            return page if page.shared else render()
        try:
            page = render()
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                self.renders += 1
                del self._rendering[flight]
        if page.shared:
            self._store(key, version, page)
        mine.set_result(page)
        return page

    def _store(self, key: Hashable, version: Hashable, page: K) -> None:
        size = page.size
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= old[1].size
            self._pages[key] = (version, page)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, evicted) = self._pages.popitem(last=False)
                self.size -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0


def session_read() -> bool:
    """Has this request read the viewer's session? Asked of the request context's session
    object itself: the `session` proxy would mark it read by being asked (Flask 3.1.3)."""
    context: Any = request_ctx._get_current_object()  # type: ignore[attr-defined]
    held = getattr(context, "_session", None)
    if held is None:  # before Flask 3.1.3 the session is a plain attribute
        held = getattr(context, "session", None)
    return bool(getattr(held, "accessed", False))


def deploy_identity(app: Flask) -> str:
    """A digest of everything besides the data that shapes a page: the package version,
    every template and static file, and the settings that appear in markup. Identical in
    every worker and across restarts of one deploy; different when any of them changes."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(metadata.version("briefing").encode())
    for folder in (app.template_folder, app.static_folder):
        root = Path(app.root_path, str(folder))
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in _RENDERING_SETTINGS:
        digest.update(f"{name}={app.config.get(name)!r}\0".encode())
    return digest.hexdigest()


@dataclass
class Pages:
    """The app's page cache, at `app.extensions["briefing.pages"]`."""

    cache: PageCache[CachedPage]
    deploy: str

    def etag(self, scope: str, key: str, version: Hashable) -> str:
        """Names the scope; hashes the page, its version and the deploy."""
        digest = hashlib.blake2b(f"{self.deploy}|{key}|{version!r}".encode(), digest_size=8)
        return f"{scope}-{digest.hexdigest()}"


def init_app(app: Flask) -> Pages:
    pages = Pages(PageCache(int(app.config["PAGE_CACHE_BYTES"])), deploy_identity(app))
    app.extensions["briefing.pages"] = pages
    return pages


def cached(
    scope: str,
    key: str,
    version: Hashable,
    render: Callable[[], str | dict[str, Any]],
    *,
    last_modified: datetime | None,
    max_age: int | None = None,
) -> Response:
    """A reader page at `version`: 304, stored bytes, or rendered once and stored.

    `render` returns HTML, or a dict to send as JSON. `version` must name everything the
    page shows, so that bytes stored under it are right for every reader; the key names
    the interface language the view chose (web/i18n.py) besides.
    """
    pages: Pages = current_app.extensions["briefing.pages"]
    key = f"{interface_locale()}:{key}"
    stored = pages.cache.get((scope, key), version)
    if stored is not None:  # the warm path: a dictionary read, a string comparison
        metrics.CACHE_LOOKUPS.labels("page", "hit").inc()
        return respond(stored)
    metrics.CACHE_LOOKUPS.labels("page", "miss").inc()
    etag = pages.etag(scope, key, version)
    if max_age is None:
        max_age = current_app.config["PAGE_MAX_AGE"]
    cache_control = f"public, max-age={max_age}"
    if not_modified(etag, last_modified):  # the client holds what this process has not made
        headers = [("ETag", f'"{etag}"'), ("Cache-Control", cache_control)]
        if last_modified is not None:
            headers.append(("Last-Modified", http_date(last_modified)))
        return Response(status=304, headers=headers)

    def build() -> CachedPage:
        output = render()
        if isinstance(output, dict):
            body, media_type = json.dumps(output).encode(), "application/json"
        else:
            body, media_type = output.encode(), "text/html; charset=utf-8"
        # A template that read the session (a signed-in editor, a CSRF token, a flashed
        # message) made these bytes for one viewer: they are neither stored nor validated.
        shared = not session_read()
        headers = [("Content-Type", media_type)]
        if shared:
            headers += [("ETag", f'"{etag}"'), ("Cache-Control", cache_control)]
            if last_modified is not None:
                headers.append(("Last-Modified", http_date(last_modified)))
        else:
            headers.append(("Cache-Control", "private, no-cache"))
        kept = tuple((name, value) for name, value in headers if name in _NOT_MODIFIED)
        return CachedPage(body, etag, last_modified, tuple(headers), kept, shared)

    page = pages.cache.get_or_render((scope, key), version, build)
    return Response(page.body, headers=page.headers)
