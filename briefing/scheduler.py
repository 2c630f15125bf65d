"""The clock that publishes scheduled updates, inside each serving process.

No extra process: every process that serves requests runs one background thread (a
greenlet under gunicorn's gevent workers) that sleeps until the next update is due, then
calls the promotion verb (services/schedule.py), whose conditional UPDATE lets exactly one
process publish each update however many run a scheduler.

It wakes at the next due time, when this process commits anything (a schedule may have
changed), and at least every `SCHEDULER_POLL` seconds (default 1) to hear of schedules
set in other processes, so an update goes out within two seconds of its time.

It starts after fork, in the process that serves: on that process's first request, or
from gunicorn's `post_worker_init` at once. Command-line processes (`init-db`, `seed-demo`)
serve no request and never start one; tests turn it off with `SCHEDULER = False`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence

from flask import Flask

from briefing.extensions import db
from briefing.live import subscribe_after_commit
from briefing.models.base import utcnow
from briefing.services.schedule import next_publish_at, promote_due

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, app: Flask, *, poll: float = 1.0) -> None:
        self.app = app
        self.poll = poll
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def ensure_started(self) -> None:
        """Start the thread in this process, once (again in a forked child, where the
        parent's thread does not exist)."""
        if self._pid == os.getpid() or self._stopping.is_set():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # Made here, after any fork and gevent's patching, so that waiting on it yields
            # to the worker's other greenlets (one made before `--preload`'s fork would not).
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
            self._thread.start()
            self._pid = os.getpid()
            log.info("scheduler started in process %s", self._pid)

    def nudge(self, rings: Sequence[tuple[int, int]] = ()) -> None:
        """Look again now (an after-commit subscriber: a commit may have set a schedule)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            self._wake.wait(self._round())

    def _round(self) -> float:
        """Publish what is due; returns how long to sleep before the next round."""
        try:
            with self.app.app_context():
                try:
                    promote_due(utcnow())
                    due = next_publish_at()
                finally:
                    db.session.remove()
        except Exception:  # the database is away: try again shortly, never die
            log.exception("scheduler round failed")
            return self.poll
        if due is None:
            return self.poll
        return min(self.poll, max(0.0, (due - utcnow()).total_seconds()))


def init_app(app: Flask) -> Scheduler | None:
    if not app.config["SCHEDULER"]:
        return None
    scheduler = Scheduler(app, poll=float(app.config["SCHEDULER_POLL"]))
    app.extensions["briefing.scheduler"] = scheduler
    subscribe_after_commit(app, scheduler.nudge)
    app.before_request(scheduler.ensure_started)
    return scheduler
