"""Live delivery under load: gunicorn as documented, N idle SSE subscribers in a separate
process, 20 updates published through the API.

Reports connections held, publish-to-receipt latency over every subscriber (p50, p99, max),
server memory per idle connection, and the live page's latency while the streams are open.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.scale import bench_editor
from bench.timing import measure, summary
from briefing import PROJECT_ROOT, create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import BriefingStatus
from briefing.services import briefings, users
from briefing.services.permissions import OPERATOR

UPDATES = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def seed(database_url: str) -> str:
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": database_url})
    with app.app_context():
        upgrade_schema()
        editor = bench_editor("live-bench@briefing.example")
        briefings.create_briefing(
            actor=editor, title="Live benchmark", slug="live-bench", status=BriefingStatus.LIVE
        )
        token = users.create_token(editor, actor=OPERATOR, name="bench")[1]
        db.engine.dispose()
    return token


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn as the README starts it, returned once every worker takes connections: a
    worker still warming up would leave all the load to the others."""
    log = Path(tempfile.mkdtemp(prefix="briefing-bench-gunicorn-")) / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:briefing.gunicorn_conf", "wsgi:app"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env, "BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    workers = int({**os.environ, **env}.get("WEB_CONCURRENCY", "1"))
    for _ in range(600):
        if log.read_text().count(" ready: taking connections") >= workers:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def publish(port: int, token: str, n: int) -> tuple[int, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/briefings/live-bench/updates",
        data=json.dumps({"body": f"Benchmark update {n}", "sources": ["reuters"]}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    sent = time.time()
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["id"], sent


def run_one(streams: int) -> str:
    folder = Path(tempfile.mkdtemp(prefix="briefing-live-bench-"))
    database_url = f"sqlite:///{folder / 'live.sqlite3'}"
    token = seed(database_url)
    port = free_port()
    server = start_gunicorn(
        port,
        {
            "DATABASE_URL": database_url,
            "BRIEFING_SECRET_KEY": "bench",
            "BRIEFING_INSTANCE_PATH": str(folder),
            "WEB_CONCURRENCY": "1",
        },
    )
    page_url = f"http://127.0.0.1:{port}/briefings/live-bench"
    try:
        worker = worker_pid(server.pid)
        urllib.request.urlopen(page_url).close()  # warm the worker before measuring it
        idle_rss = rss_kib(worker)
        client = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.sse_load",
                "--port",
                str(port),
                "--path",
                "/briefings/live-bench/events",
                "--streams",
                str(streams),
                "--expect",
                str(UPDATES),
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert client.stdout is not None
        ready = int(client.stdout.readline().split()[1])
        time.sleep(2)  # let the server settle with every stream idle before measuring it
        held_rss = rss_kib(worker)
        page = measure(lambda: urllib.request.urlopen(page_url).read(), repeat=50, warmup=3)

        published: dict[int, float] = {}
        for n in range(UPDATES):
            update_id, sent = publish(port, token, n)
            published[update_id] = sent
            time.sleep(0.25)
        results = json.loads(client.stdout.readline())
        client.wait(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = [
        (received - published[update_id]) * 1000
        for stream in results
        for update_id, received in stream
        if update_id in published
    ]
    complete = sum(1 for stream in results if len(stream) == UPDATES)
    p50, p99 = summary(latencies) if latencies else (float("nan"), float("nan"))
    page_p50, page_p99 = summary(page)
    per_connection = (held_rss - idle_rss) / max(ready, 1)
    return (
        f"| {streams:,} | {ready:,} | {complete:,} | {len(latencies):,} | {p50:.0f} | {p99:.0f} "
        f"| {max(latencies):.0f} | {per_connection:.1f} | {page_p50:.1f} | {page_p99:.1f} |"
    )


def run(*, quick: bool, database_url: str | None) -> None:
    del database_url  # this suite always runs gunicorn on its own SQLite file
    sizes = [200] if quick else [1_000, 2_000]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(sizes) + 512
    if soft < wanted:  # inherited by gunicorn: every stream is a file descriptor
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    rows = [run_one(n) for n in sizes]
    print("### Live delivery: one gunicorn gevent worker, in-process broker\n")
    print(
        "| streams | held | got all 20 | deliveries | p50 ms | p99 ms | max ms "
        "| KiB per idle stream | page p50 ms | page p99 ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)
    print(
        f"\n(latency: from sending the API request to the event's arrival; {UPDATES} updates "
        "published 250 ms apart; page: GET of the live page while every stream is open)\n"
    )
