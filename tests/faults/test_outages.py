"""Faults injected on real processes: gunicorn serving while its PostgreSQL restarts, and
while its Redis is killed and comes back. Each runs its own throwaway server, so stopping
it disturbs no other test."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import BriefingStatus, Role
from briefing.services import briefings as briefing_service
from briefing.services import users as user_service
from briefing.services.permissions import OPERATOR
from briefing.services.sources import seed_default_sources
from tests.conftest import base_config
from tests.factories import create_account
from tests.live.sse_client import SSEClient
from tests.live.test_gunicorn import established_connections, start_gunicorn, worker_pids
from tests.servers import PrivatePostgres, PrivateRedis, postgres_bin

pytestmark = pytest.mark.slow


def prepare_newsroom(database_url: str) -> str:
    """Schema, agencies, an editor with an API token and the live briefing `war`."""
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade_schema()
        seed_default_sources(actor=OPERATOR)
        editor = create_account(
            app, email="ed@newsroom.example", display_name="Ed", role=Role.EDITOR
        )
        briefing_service.create_briefing(
            actor=editor,
            title="War in Ukraine: live",
            slug="war",
            timezone="Europe/Kyiv",
            status=BriefingStatus.LIVE,
        )
        token = user_service.create_token(editor, actor=OPERATOR, name="fault tests")[1]
        db.engine.dispose()
    return token


def request(port: int, path: str, *, token: str = "", body: Any = None) -> tuple[int, Any, float]:
    """(status, headers-and-body, seconds taken) without raising on 4xx/5xx."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    call = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, (response.headers, response.read()), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, (error.headers, error.read()), time.monotonic() - started


def publish(port: int, token: str, text: str) -> int:
    status, (_headers, body), _took = request(
        port, "/api/v1/briefings/war/updates", token=token, body={"body": text}
    )
    assert status == 201, body
    return int(json.loads(body)["id"])


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if postgres_bin() is None:
        pytest.skip("PostgreSQL's programs are not installed")
    server = PrivatePostgres()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def gunicorn_stopper() -> Iterator[list[Any]]:
    processes: list[Any] = []
    yield processes
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except Exception:
            process.kill()
            process.wait()


def test_postgres_restart_answers_503_quickly_then_recovers_and_streams_resume(
    postgres: PrivatePostgres, tmp_path: Path, gunicorn_stopper: list[Any]
) -> None:
    token = prepare_newsroom(postgres.url)
    process, port = start_gunicorn(postgres.url, tmp_path, BRIEFING_LIVE_RECHECK="1")
    gunicorn_stopper.append(process)
    stream = SSEClient("127.0.0.1", port, "/briefings/war/events", timeout=30)
    try:
        assert stream.next().comments == ["connected"]
        before = publish(port, token, "Sirens in Kyiv.")
        seen = stream.events(1)[0]
        assert seen.json()["id"] == before

        postgres.stop()
        for path in ("/briefings/war", "/briefings/war/changes?since=0", "/api/v1/briefings/war"):
            status, (headers, body), took = request(port, path, token=token)
            assert status == 503, (path, body)
            assert took < 6, f"{path} took {took:.1f} s to answer during the outage"
            assert int(headers["Retry-After"]) > 0
        status, (headers, body), took = request(
            port, "/api/v1/briefings/war/updates", token=token, body={"body": "Lost?"}
        )
        assert status == 503 and took < 6
        assert headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["status"] == 503

        postgres.start()
        # The same processes recover: no restart, the pool replaces its dead connections.
        for _ in range(100):
            status, _answer, _took = request(port, "/briefings/war")
            if status == 200:
                break
            time.sleep(0.1)  # the pool reconnects on the next request; nothing to await
        assert status == 200
        assert process.poll() is None

        after = publish(port, token, "All clear in Kyiv.")
        # The stream held through the outage goes on from where it was, with no repeat...
        assert stream.events(1)[0].json()["id"] == after
        # ...and a reader reconnecting with Last-Event-ID gets exactly what it missed.
        with SSEClient(
            "127.0.0.1", port, "/briefings/war/events", timeout=30, **{"Last-Event-ID": seen.id}
        ) as resumed:
            assert [e.json()["id"] for e in resumed.events(1)] == [after]
    finally:
        stream.close()

    # Nothing committed was lost, and the refused write left nothing behind.
    status, (_headers, body), _took = request(port, "/api/v1/briefings/war/updates", token=token)
    assert status == 200
    bodies = {item["body"] for item in json.loads(body)["items"]}
    assert bodies == {"Sirens in Kyiv.", "All clear in Kyiv."}


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_redis_killed_and_restarted_under_100_streams_loses_and_repeats_nothing(
    postgres: PrivatePostgres, tmp_path: Path, gunicorn_stopper: list[Any]
) -> None:
    token = prepare_newsroom(postgres.url)
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    try:
        process, port = start_gunicorn(
            postgres.url,
            tmp_path,
            REDIS_URL=redis_server.url,
            WEB_CONCURRENCY="2",
            BRIEFING_LIVE_RECHECK="1",
        )
        gunicorn_stopper.append(process)
        workers = worker_pids(process.pid)
        assert len(workers) == 2
        streams: list[SSEClient] = []
        try:
            for _ in range(100):
                stream = SSEClient("127.0.0.1", port, "/briefings/war/events", timeout=30)
                assert stream.next().comments == ["connected"]
                streams.append(stream)
            held = [established_connections(pid, port) for pid in workers]
            assert all(held) and sum(held) == 100, f"streams per worker: {held}"

            posted = [publish(port, token, "Before the outage.")]
            redis_server.kill()
            posted += [publish(port, token, f"During the outage {n}.") for n in range(2)]
            redis_server.start()
            posted += [publish(port, token, f"After the outage {n}.") for n in range(2)]

            for stream in streams:
                events = stream.events(len(posted))
                assert [e.json()["id"] for e in events] == posted
            # Exactly once: the next event each stream sees is the next change, not a repeat.
            last = publish(port, token, "Checking for repeats.")
            for stream in streams:
                assert stream.events(1)[0].json()["id"] == last
        finally:
            for stream in streams:
                stream.close()
    finally:
        redis_server.kill()
