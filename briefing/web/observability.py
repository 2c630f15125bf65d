"""Request ids, structured logs and request metrics for every response; `GET /metrics`.

`/metrics` is not public: it answers only with `Authorization: Bearer <METRICS_TOKEN>`, and
not at all (404) while no token is configured.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import IO

from flask import Flask, Response, abort, current_app, g, has_request_context, request

from briefing import metrics

# An id a proxy passes on (nginx: `proxy_set_header X-Request-ID $request_id`) is kept when
# it looks like one; otherwise each request gets its own.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Set in the WSGI environ of the requests a process makes to itself before it serves
# (web/warmup.py): they are not readers' requests, so they are not counted as such.
WARM_UP = "briefing.warm_up"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonLogFormatter(logging.Formatter):
    """One JSON object a line: what log collectors parse without configuration."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def json_log_handler(stream: IO[str]) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(level: str) -> None:
    """The `briefing` loggers write JSON lines to stderr; set up once per process."""
    logger = logging.getLogger("briefing")
    if any(isinstance(h.formatter, JsonLogFormatter) for h in logger.handlers):
        return
    logger.addHandler(json_log_handler(sys.stderr))
    logger.setLevel(level)


def init_app(app: Flask) -> None:
    configure_logging(app.config["LOG_LEVEL"])

    @app.before_request
    def _start() -> None:
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if REQUEST_ID_RE.match(offered) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.environ.get(WARM_UP):
            return response
        endpoint = request.endpoint or "(unmatched)"
        metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        if response.mimetype != "text/event-stream" and "request_started" in g:
            elapsed = time.perf_counter() - g.request_started
            metrics.REQUEST_SECONDS.labels(endpoint).observe(elapsed)
        return response

    app.add_url_rule("/metrics", "metrics", _metrics)


def _metrics() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(offered.encode(), str(token).encode()):
        response = Response("A metrics token is required.\n", 401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = Response(metrics.exposition(), mimetype=metrics.CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
