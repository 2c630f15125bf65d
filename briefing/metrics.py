"""What operators watch, in Prometheus's text format (served by web/observability.py).

Under gunicorn each worker is a process of its own: with PROMETHEUS_MULTIPROC_DIR set (the
gunicorn settings set it), prometheus-client keeps every worker's values in files there and a
scrape of any worker adds them up.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "briefing_http_requests",
    "HTTP requests answered, by route and status.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "briefing_http_request_duration_seconds",
    "Time to answer an HTTP request (event streams excluded), by route.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PUBLISH_SECONDS = Histogram(
    "briefing_publish_duration_seconds",
    "Time a publish takes in its service verb, from the call to the commit.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OPEN_STREAMS = Gauge(
    "briefing_open_streams",
    "Event streams open now, across all workers.",
    multiprocess_mode="livesum",
)
BROKER_UP = Gauge(
    "briefing_broker_up",
    "1 while every live worker's broker is connected (always 1 for the in-process one).",
    multiprocess_mode="livemin",
)
CACHE_LOOKUPS = Counter(
    "briefing_cache_lookups",
    "Rendered-bytes cache lookups, by cache (page, feed) and result (hit, miss).",
    ["cache", "result"],
)


def exposition() -> bytes:
    """Every metric, summed over the workers when there are several."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
