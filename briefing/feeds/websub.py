"""WebSub publisher pings: tell the hub which feeds changed, off the request path.

Subscribed to the doorbell (briefing/live), the pinger takes each commit's
`(briefing_id, seq)` rings and returns at once. Its own thread, started on the first ring,
reads from the change log which of them published, edited or retracted an update or
marked one a key event, and POSTs `hub.mode=publish` with each affected feed's URL as
`hub.url`, retrying with exponential backoff and logging a warning when a hub stays
unreachable. A commit never waits on the hub, and a hub that is down costs the writer
nothing.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlencode

from flask import Flask

from briefing.feeds.model import FORMATS, Site
from briefing.live import subscribe_after_commit
from briefing.models import ChangeKind
from briefing.services import changes, series

log = logging.getLogger(__name__)

# The changes that alter what a feed says about an entry: its text, its being there, and
# its key-event mark (which the feeds carry, and which adds it to or takes it from the
# key-event feeds).
FEED_CHANGES = frozenset(
    {
        ChangeKind.UPDATE_PUBLISHED,
        ChangeKind.UPDATE_EDITED,
        ChangeKind.UPDATE_DELETED,
        ChangeKind.KEY_EVENT,
    }
)
USER_AGENT = "Briefing WebSub publisher"


class HubPinger:
    """The after-commit subscriber that pings one hub, from one background thread."""

    def __init__(
        self,
        app: Flask,
        site: Site,
        *,
        timeout: float = 5.0,
        attempts: int = 4,
        retry_delay: float = 2.0,
    ) -> None:
        assert site.hub_url, "a pinger needs a hub"
        self.app = app
        self.site = site
        self.hub_url = site.hub_url
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retry_delay = retry_delay
        self._rings: list[tuple[int, int]] = []
        self._busy = False
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, rings: Sequence[tuple[int, int]]) -> None:
        """The after-commit subscriber: queue the rings and return."""
        with self._cond:
            if self._stopping.is_set():
                return
            self._rings.extend(rings)
            # Started lazily (and again in a forked worker, where the thread is gone), so
            # processes that never publish never run it.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="websub", daemon=True)
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued ring has been handled (pinged, or given up on)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._rings and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the thread, abandoning pings not yet sent (a hub ping is only a hint)."""
        with self._cond:
            self._stopping.set()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._rings or self._stopping.is_set())
                if self._stopping.is_set():
                    self._rings.clear()
                    self._cond.notify_all()
                    return
                rings, self._rings = self._rings, []
                self._busy = True
            try:
                self._publish(self._topics(rings))
            except Exception:  # keep the thread alive for the next commit
                log.exception("WebSub: pinging %s failed", self.hub_url)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _topics(self, rings: Sequence[tuple[int, int]]) -> list[str]:
        """Feed URLs changed by these rings: each briefing's three, its key events' three
        when a key event changed, those of its series alike, and the site-wide three."""
        with self.app.app_context():
            logged = [c for c in changes.logged_changes(rings) if c.kind in FEED_CHANGES]
            slugs = sorted({c.slug for c in logged})
            if not slugs:
                return []
            key_slugs = sorted(
                {c.slug for c in logged if c.key_event or c.kind == ChangeKind.KEY_EVENT}
            )
            # URLs are built from the app's route table, so inside its context.
            topics = [self.site.feed_url(slug, fmt) for slug in [*slugs, None] for fmt in FORMATS]
            for endpoint, scope in (
                ("briefing_key_events", key_slugs),
                ("series_feed", series.series_of(slugs)),
                ("series_key_events", series.series_of(key_slugs) if key_slugs else []),
            ):
                for slug in scope:
                    topics += self.site.feed_urls(endpoint, slug).values()
            return topics

    def _publish(self, topics: list[str]) -> None:
        pending, delay = topics, self.retry_delay
        for attempt in range(1, self.attempts + 1):
            failed: list[str] = []
            error = ""
            for n, topic in enumerate(pending):
                outcome, error = self._ping(topic)
                if outcome == _UNREACHABLE:
                    # The hub is down or hanging: the rest would wait just as long.
                    failed.extend(pending[n:])
                    break
                if outcome == _TRY_AGAIN:
                    failed.append(topic)
                elif outcome == _REFUSED:
                    log.warning("WebSub: hub %s refused %s: %s", self.hub_url, topic, error)
            if not failed:
                log.info("WebSub: hub %s notified of %d feeds", self.hub_url, len(pending))
                return
            if attempt == self.attempts or self._stopping.wait(delay):
                log.warning(
                    "WebSub: ping to hub %s failed after %d attempts (%s) for %s",
                    self.hub_url,
                    attempt,
                    error,
                    " ".join(failed),
                )
                return
            pending, delay = failed, delay * 2

    def _ping(self, topic: str) -> tuple[str, str]:
        """One publish ping: (outcome, what went wrong)."""
        request = urllib.request.Request(
            self.hub_url,
            data=urlencode({"hub.mode": "publish", "hub.url": topic}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
            return _DONE, ""
        except urllib.error.HTTPError as error:
            error.close()
            # A 4xx other than 429 says the request itself is wrong: repeating it won't help.
            retry = error.code >= 500 or error.code == 429
            return (_TRY_AGAIN if retry else _REFUSED), f"HTTP {error.code}"
        except (OSError, ValueError) as error:  # refused, timed out, unresolvable, bad URL
            return _UNREACHABLE, str(getattr(error, "reason", None) or error)


_DONE, _TRY_AGAIN, _REFUSED, _UNREACHABLE = "done", "try again", "refused", "unreachable"


def init_app(app: Flask, site: Site) -> HubPinger | None:
    """Ping the hub after every commit when WEBSUB_HUB_URL is set."""
    if not site.hub_url:
        return None
    pinger = HubPinger(
        app,
        site,
        timeout=float(app.config["WEBSUB_TIMEOUT"]),
        attempts=int(app.config["WEBSUB_ATTEMPTS"]),
        retry_delay=float(app.config["WEBSUB_RETRY_DELAY"]),
    )
    app.extensions["briefing.websub"] = pinger
    subscribe_after_commit(app, pinger)
    return pinger
