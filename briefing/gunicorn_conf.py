"""Production serving: `gunicorn -c python:briefing.gunicorn_conf wsgi:app`.

gevent workers hold thousands of idle event streams per process while pages stay fast.
Everything here can be overridden on the command line or with the environment variables
named below.
"""

from __future__ import annotations

import gc
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
    """Refuse `--preload` under gevent; clear the metrics an earlier run left in a
    configured folder (they would be added to this one's)."""
    if server.cfg.preload_app and "gevent" in server.cfg.worker_class_str:
        # Preloading imports the app (ssl, threading, the database drivers) in the arbiter,
        # before each worker's gevent patches the standard library: gevent itself warns
        # that this "may silently lead to incorrect behaviour".
        server.log.error(
            "--preload is not supported with gevent workers: the app would be imported "
            "before gevent patches the standard library. Start without --preload; each "
            "worker warms itself up before it takes connections."
        )
        raise SystemExit(1)
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
    """Before the worker takes its first connection: start publishing scheduled updates,
    render the pages readers ask for first (briefing/web/warmup.py), and on shutdown tell
    open streams to finish instead of waiting to be cut off.

    What the worker holds once it is ready (modules, templates, compiled statements) lives
    as long as the worker: frozen, the garbage collector's full passes skip it. Otherwise
    the first full pass under load walks all of it, 100 ms or more during which a gevent
    worker answers nobody.
    """
    from briefing.web.warmup import warm_up

    live = worker.wsgi.extensions["briefing.live"]
    scheduler = worker.wsgi.extensions.get("briefing.scheduler")
    if scheduler is not None:
        scheduler.ensure_started()
    warm_up(worker.wsgi)
    gc.freeze()
    # gunicorn logs a worker's boot, not the moment it accepts: operators (and the tests
    # that need every worker listening) read this line.
    worker.log.info("Worker %s ready: taking connections", worker.pid)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        if scheduler is not None:
            scheduler.stop(timeout=0)
        live.shutdown()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """After each answer, let the worker's other connections go first (gevent workers).

    A gevent worker serves a keep-alive connection in one greenlet, which reads the
    client's next request at once when it is already waiting in the socket, without going
    back to the event loop. Under load a few busy connections are then served again and
    again while the others wait: a p99 of one to two seconds at 20 connections, for a
    static file as for a page (issue 9). Sleeping a microsecond parks the greenlet until
    the loop's next turn, which polls every socket first; `sleep(0)` would not, since
    gevent runs such greenlets again before it polls.
    """
    from gevent import monkey, sleep  # imported here: the arbiter never loads gevent

    if monkey.is_module_patched("socket"):  # a gevent worker, however it was named
        sleep(0.000_001)
