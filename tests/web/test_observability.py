"""What operators watch: /metrics (token only), request ids, JSON log lines, and metrics
summed over real gunicorn workers."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from briefing.models import UpdateStatus
from briefing.web.observability import json_log_handler
from tests.live.sse_client import SSEClient
from tests.live.test_brokers import REDIS_URL, needs_redis
from tests.live.test_gunicorn import start_gunicorn

TOKEN = "metrics-token-for-tests"


def samples(text: str, name: str) -> list[Any]:
    return [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def requests_counted(text: str, endpoint: str, status: str = "200") -> float:
    return sum(
        s.value
        for s in samples(text, "briefing_http_requests_total")
        if s.labels["endpoint"] == endpoint and s.labels["status"] == status
    )


def test_metrics_do_not_exist_without_a_token(client: Any) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(make_app: Callable[..., Flask]) -> None:
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    assert client.get("/metrics").status_code == 401
    refused = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert refused.status_code == 401 and "Bearer" in refused.headers["WWW-Authenticate"]


def test_metrics_count_requests_by_route_and_status(
    make_app: Callable[..., Flask], briefing: Any
) -> None:
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = client.get("/metrics", headers=auth).get_data(as_text=True)
    for _ in range(3):
        assert client.get("/briefings/war").status_code == 200
    assert client.get("/briefings/no-such-briefing").status_code == 404
    response = client.get("/metrics", headers=auth)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    after = response.get_data(as_text=True)
    page = "public.briefing_page"
    assert requests_counted(after, page) - requests_counted(before, page) == 3
    assert requests_counted(after, page, "404") - requests_counted(before, page, "404") == 1
    durations = samples(after, "briefing_http_request_duration_seconds_count")
    assert any(s.labels["endpoint"] == page and s.value >= 3 for s in durations)


def test_metrics_count_page_and_feed_cache_hits_and_misses(
    make_app: Callable[..., Flask], briefing: Any
) -> None:
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def lookups() -> dict[tuple[str, str], float]:
        text = client.get("/metrics", headers=auth).get_data(as_text=True)
        return {
            (s.labels["cache"], s.labels["result"]): s.value
            for s in samples(text, "briefing_cache_lookups_total")
        }

    before = lookups()
    for path in ("/briefings/war", "/briefings/war/feed.atom"):
        for _ in range(3):
            assert client.get(path).status_code == 200
    after = lookups()
    for cache in ("page", "feed"):
        assert after[cache, "miss"] - before.get((cache, "miss"), 0) == 1
        assert after[cache, "hit"] - before.get((cache, "hit"), 0) == 2


def test_each_response_carries_a_request_id_and_keeps_a_proxy_s(client: Any) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert (
        first.headers["X-Request-ID"]
        and first.headers["X-Request-ID"] != (second.headers["X-Request-ID"])
    )
    from_proxy = "0f6b3c1d2e4a5b6c7d8e9f0a1b2c3d4e"
    kept = client.get("/healthz", headers={"X-Request-ID": from_proxy})
    assert kept.headers["X-Request-ID"] == from_proxy
    # Anything else a client sends is not echoed into logs and headers.
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"


def test_log_lines_are_json_and_name_the_request(
    make_app: Callable[..., Flask], briefing: Any
) -> None:
    app = make_app()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    stream = io.StringIO()
    handler = json_log_handler(stream)
    logger = logging.getLogger("briefing")
    logger.addHandler(handler)
    try:
        response = app.test_client().get("/boom")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    logged = [line for line in lines if "GET /boom" in line["message"]]
    assert logged and logged[0]["level"] == "ERROR"
    assert logged[0]["request_id"] == response.headers["X-Request-ID"]
    assert "kaboom" in logged[0]["exception"]


@needs_redis
@pytest.mark.slow
def test_two_gunicorn_workers_report_their_sum(
    database_url: str, app: Flask, briefing: Any, tmp_path: Path
) -> None:
    (tmp_path / "metrics").mkdir()
    process, port = start_gunicorn(
        database_url,
        tmp_path,
        REDIS_URL=REDIS_URL,
        WEB_CONCURRENCY="2",
        BRIEFING_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    streams: list[SSEClient] = []

    def scrape() -> str:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode()

    try:
        # start_gunicorn waited for both workers: each rendered the index and the live page.
        assert (tmp_path / "gunicorn.log").read_text().count("warmed up 2 pages") == 2
        for _ in range(40):  # fresh connections: the kernel spreads them over both workers
            urllib.request.urlopen(f"http://127.0.0.1:{port}/briefings/war", timeout=10).close()
        for _ in range(3):
            stream = SSEClient("127.0.0.1", port, "/briefings/war/events", timeout=15)
            assert stream.next().comments == ["connected"]
            streams.append(stream)
        for _ in range(4):  # whichever worker answers, the figures are the whole
            text = scrape()
            assert requests_counted(text, "public.briefing_page") == 40
            assert sum(s.value for s in samples(text, "briefing_open_streams")) == 3
        assert [s.value for s in samples(text, "briefing_broker_up")] == [1.0]
        # Rendered once per worker before it took connections, then only served.
        pages = {
            s.labels["result"]: s.value
            for s in samples(text, "briefing_cache_lookups_total")
            if s.labels["cache"] == "page"
        }
        assert pages == {"miss": 4, "hit": 40}
    finally:
        for stream in streams:
            stream.close()
        process.terminate()
        process.wait(timeout=20)


def test_publishes_are_timed_and_drafts_are_not(
    make_app: Callable[..., Flask], briefing: Any, make_update: Callable[..., Any]
) -> None:
    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def published_count() -> float:
        text = client.get("/metrics", headers=auth).get_data(as_text=True)
        return sum(s.value for s in samples(text, "briefing_publish_duration_seconds_count"))

    before = published_count()
    make_update(briefing, body="Published and timed.")
    make_update(briefing, body="A draft is not a publish.", status=UpdateStatus.DRAFT)
    assert published_count() - before == 1
