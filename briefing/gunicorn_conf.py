"""Production serving: `gunicorn -c python:briefing.gunicorn_conf wsgi:app`.

gevent workers hold thousands of idle event streams per process while pages stay fast.
Everything here can be overridden on the command line or with the environment variables
named below.
"""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_class = "gevent"
# Open event streams count against this; pages and API calls need a few more.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
# An idle stream is not a stuck worker: gevent workers report liveness independently.
timeout = 30
# Streams end themselves within LIVE_RECHECK seconds of a shutdown signal.
graceful_timeout = 15
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"


# Each worker keeps its metrics in files here, so that a scrape of any worker reports them
# all (prometheus-client's multiprocess mode). Set before the workers start.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="briefing-metrics-"))


def on_starting(server: Any) -> None:
    """Values left by an earlier run in a configured folder would be added to this one's."""
    for leftover in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        leftover.unlink()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server: Any) -> None:
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        server.log.warning(
            "%d workers without REDIS_URL: each worker hears only its own publishes, so "
            "readers on other workers see changes only at the next log re-read (seconds "
            "late). Set REDIS_URL to share live updates between workers.",
            server.cfg.workers,
        )


def post_worker_init(worker: Any) -> None:
    """Start publishing scheduled updates now, not at the worker's first request; on
    shutdown, tell open streams to finish instead of waiting to be cut off."""
    live = worker.wsgi.extensions["briefing.live"]
    scheduler = worker.wsgi.extensions.get("briefing.scheduler")
    if scheduler is not None:
        scheduler.ensure_started()
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        if scheduler is not None:
            scheduler.stop(timeout=0)
        live.shutdown()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
