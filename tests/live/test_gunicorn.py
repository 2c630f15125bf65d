"""Production serving for real: gunicorn with two gevent workers sharing changes via Redis."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from briefing import PROJECT_ROOT
from tests.live.sse_client import SSEClient
from tests.live.test_brokers import REDIS_URL, free_port, needs_redis

pytestmark = needs_redis


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def established_connections(pid: int, port: int) -> int:
    """How many client connections to `port` the process `pid` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:  # closed while we looked
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:
                count += 1
    return count


def start_gunicorn(
    database_url: str, tmp_path: Path, *, wsgi: str = "wsgi:app", **extra: str
) -> tuple[Any, int]:
    """gunicorn as documented (or serving another `wsgi` module that builds the app), on
    this test's database; waits until every worker has warmed up and takes connections
    (the first to answer /healthz would otherwise be handed every connection)."""
    command = ["-m", "gunicorn", "-c", "python:briefing.gunicorn_conf", wsgi]
    process, port = start_server(command, database_url, tmp_path, **extra)
    wait_for_ready_workers(process, tmp_path / "gunicorn.log", int(extra.get("WEB_CONCURRENCY", 1)))
    return process, port


def wait_for_ready_workers(process: Any, log: Path, count: int) -> None:
    for _ in range(600):  # the line each worker logs once it accepts; nothing to await
        if log.read_text().count(" ready: taking connections") >= count:
            return
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"{count} workers did not get ready:\n{log.read_text()}")


def start_server(
    command: list[str], database_url: str, tmp_path: Path, **extra: str
) -> tuple[Any, int]:
    """`python <command>` serving on this test's database, at the port in $BIND (or
    $FLASK_RUN_PORT); waits until it answers."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env = {
        **inherited,
        "DATABASE_URL": database_url,
        "BRIEFING_SECRET_KEY": "test-secret",
        "BRIEFING_INSTANCE_PATH": str(tmp_path),
        "BRIEFING_LIVE_RECHECK": "30",  # prove delivery comes by Redis, not by re-reading
        "BIND": f"127.0.0.1:{port}",
        "FLASK_RUN_PORT": str(port),
        **extra,
    }
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    for _ in range(200):  # until it answers; there is no event to await
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
            time.sleep(0.05)
    process.kill()
    raise AssertionError("the server did not answer")


@pytest.fixture
def gunicorn(database_url, app, tmp_path):
    """Two workers sharing changes through the test Redis."""
    process, port = start_gunicorn(database_url, tmp_path, REDIS_URL=REDIS_URL, WEB_CONCURRENCY="2")
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def post_update(port: int, token: str, body: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/briefings/war/updates",
        data=json.dumps({"body": body, "sources": ["reuters"]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["id"]


def test_every_client_on_every_worker_gets_each_change_once_in_order(
    gunicorn, briefing, editor, make_token
):
    process, port = gunicorn
    token = make_token(editor)
    clients: list[SSEClient] = []
    try:
        workers = worker_pids(process.pid)
        assert len(workers) == 2
        # Connect until both workers hold streams (the kernel decides who accepts).
        while len(clients) < 200:
            client = SSEClient("127.0.0.1", port, "/briefings/war/events", timeout=15)
            assert client.next().comments == ["connected"]
            clients.append(client)
            held = [established_connections(pid, port) for pid in workers]
            if len(clients) >= 10 and all(held):
                break
        assert all(held), f"streams per worker: {held}"

        posted = [post_update(port, token, f"Update {n}") for n in range(3)]
        for client in clients:
            events = client.events(3)
            assert [e.json()["id"] for e in events] == posted
            assert [int(e.id) for e in events] == sorted(int(e.id) for e in events)
        # Exactly once: the next thing each client sees is the next change, not a repeat.
        fourth = post_update(port, token, "Update 3")
        for client in clients:
            assert client.events(1)[0].json()["id"] == fourth

        # A graceful stop ends every stream cleanly.
        process.send_signal(signal.SIGTERM)
        for client in clients:
            message = client.next()
            while message is not None and message.id is None:  # heartbeats may precede it
                message = client.next()
            assert message is None
        assert process.wait(timeout=20) == 0
    finally:
        for client in clients:
            client.close()


def test_several_workers_without_redis_are_warned_about(database_url, app, tmp_path):
    process, _port = start_gunicorn(database_url, tmp_path, WEB_CONCURRENCY="2")
    process.terminate()
    process.wait(timeout=20)
    assert "without REDIS_URL" in (tmp_path / "gunicorn.log").read_text()


def test_preloading_under_gevent_is_refused_with_a_reason(database_url, app, tmp_path):
    command = ["-m", "gunicorn", "-c", "python:briefing.gunicorn_conf", "--preload", "wsgi:app"]
    with pytest.raises(AssertionError, match="--preload is not supported with gevent workers"):
        start_server(command, database_url, tmp_path)


def test_a_connection_whose_requests_keep_coming_does_not_hold_up_the_others(
    database_url, app, tmp_path
):
    """One gevent worker; client A sends 200 requests at once on one keep-alive connection
    (pipelined: each next request is already waiting when the last is answered, as under
    load), then client B sends one. B is answered among A's first few, not after all of
    A's: after each answer the worker lets its other connections go first
    (`post_request` in briefing/gunicorn_conf.py)."""
    log = tmp_path / "access.log"
    process, port = start_gunicorn(database_url, tmp_path, WEB_CONCURRENCY="1", ACCESS_LOG=str(log))
    burst = 200
    try:
        busy = socket.create_connection(("127.0.0.1", port), timeout=30)
        received = bytearray()

        def read_all() -> None:  # A's answers are read as they come, so A never blocks
            while received.count(b"HTTP/1.1 200") < burst:
                chunk = busy.recv(65536)
                if not chunk:
                    return
                received.extend(chunk)

        reader = threading.Thread(target=read_all)
        reader.start()
        busy.sendall(
            b"".join(
                f"GET /healthz?a={n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(burst)
            )
        )
        other = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?b", timeout=30)
        assert other.status == 200
        reader.join(timeout=60)
        busy.close()
        assert received.count(b"HTTP/1.1 200") == burst
    finally:
        process.terminate()
        process.wait(timeout=20)
    answered = [line for line in log.read_text().splitlines() if "/healthz?" in line]
    position = next(i for i, line in enumerate(answered) if "/healthz?b" in line)
    assert position < burst // 4, f"B was answered after {position} of A's requests"
