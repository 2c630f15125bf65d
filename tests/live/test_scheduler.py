"""Scheduled updates go out on their own, on real servers: `flask run` and one gunicorn
worker (the default, no extra process, no Redis) and two gunicorn workers sharing Redis,
each running a scheduler. Exactly one change, one event, within two seconds of the time."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from briefing.extensions import db
from briefing.models import Change, ChangeKind
from tests.live.sse_client import SSEClient
from tests.live.test_brokers import REDIS_URL, needs_redis
from tests.live.test_gunicorn import post_update, start_server, worker_pids

GUNICORN = ["-m", "gunicorn", "-c", "python:briefing.gunicorn_conf", "wsgi:app"]
FLASK_RUN = ["-m", "flask", "--app", "briefing", "run", "--no-reload"]
SETUPS = {
    "flask run": (FLASK_RUN, {}),
    "gunicorn, one worker": (GUNICORN, {}),
    "gunicorn, two workers on redis": (GUNICORN, {"WEB_CONCURRENCY": "2", "REDIS_URL": REDIS_URL}),
}
LEAD = 2  # at least this many seconds between scheduling and the publication time


@pytest.fixture(
    params=[pytest.param(name, marks=[needs_redis] if "redis" in name else []) for name in SETUPS]
)
def served(request, database_url, app, tmp_path):
    command, extra = SETUPS[request.param]
    process, port = start_server(command, database_url, tmp_path, **extra)
    try:
        yield process, port, extra.get("WEB_CONCURRENCY", "1")
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def schedule(port: int, token: str, publish_at: datetime) -> int:
    payload = {
        "body": "Embargo lifted.",
        "status": "scheduled",
        "publish_at": publish_at.isoformat(),
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/briefings/war/updates",
        data=json.dumps(payload, default=datetime.isoformat).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["id"]


def test_a_scheduled_update_goes_out_once_within_two_seconds(served, briefing, editor, make_token):
    process, port, workers = served
    if workers == "2":
        assert len(worker_pids(process.pid)) == 2
    token = make_token(editor)
    streams = [SSEClient("127.0.0.1", port, "/briefings/war/events", timeout=10) for _ in range(4)]
    try:
        for stream in streams:
            assert stream.next().comments == ["connected"]
        # A whole second, as the API writes times: published_at can be compared exactly.
        publish_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD + 1)
        update_id = schedule(port, token, publish_at)

        for stream in streams:
            [event] = stream.events(1)
            arrived = datetime.now(UTC)
            assert event.json()["id"] == update_id
            assert publish_at <= arrived <= publish_at + timedelta(seconds=2), (
                f"arrived {(arrived - publish_at).total_seconds():+.2f} s after publish_at"
            )
        changes = json.loads(
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/briefings/war/changes?since=0", timeout=5
            ).read()
        )["changes"]
        [published] = [c for c in changes if c.get("id") == update_id]
        assert datetime.fromisoformat(published["published_at"]) == publish_at

        # Exactly once: the next event on every stream is the next update, not a repeat.
        # Absence cannot be awaited: give a second scheduler every chance to publish again.
        time.sleep(1.5)
        following = post_update(port, token, "After the embargo")
        for stream in streams:
            assert stream.events(1)[0].json()["id"] == following
        db.session.remove()
        rows = db.session.scalars(
            select(Change).where(
                Change.update_id == update_id, Change.kind == ChangeKind.UPDATE_PUBLISHED
            )
        ).all()
        assert len(rows) == 1
    finally:
        for stream in streams:
            stream.close()
