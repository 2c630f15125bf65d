"""Reader endpoints over real HTTP: `python -m bench http` (needs `wrk` on the PATH).

Starts gunicorn exactly as the README documents (`-c python:briefing.gunicorn_conf`, gevent,
WEB_CONCURRENCY=2, REDIS_URL passed through from the environment), then once more with sync
workers (`GUNICORN_CMD_ARGS=--worker-class=sync`), seeds one briefing with 500 and then
10,000 updates through the JSON API, and drives each reader endpoint and a static file of
similar size with wrk (2 threads, 20 connections), printing req/s, p50, p99 and each
endpoint's req/s as a share of the static file's, all from one run. Under the README's
serving each endpoint's p99 is also marked against issue 9's 50 ms.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html

from bench.live import free_port, seed, start_gunicorn
from briefing import PROJECT_ROOT

SLUG = "live-bench"
SOURCES = [["reuters"], ["afp", "reuters"], ["ap"], ["dpa", "ukrinform", "afp"], []]
BODY = (
    "The regional administration said **{n}** homes were without power after the overnight "
    "strikes. Repair crews were at work in [three districts](https://example.org/{n}).\n\n"
    "- Schools switched to remote lessons\n- Trams replaced by buses"
)
SERVERS = {
    "gevent (README)": {},
    "sync": {"GUNICORN_CMD_ARGS": "--worker-class=sync"},
}
# Ratios to the static file that issue 9 asks for.
TARGETS = {"live page": 0.60, "permalink": 0.60, "/changes 304": 0.80}
# And the tail it asks for, on every reader endpoint under the README's (gevent) serving.
P99_TARGET_MS = 50.0


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


class Publisher:
    """Posts updates through the JSON API over one keep-alive connection."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.start = datetime.now(UTC) - timedelta(days=30)
        self.timings: list[float] = []

    def publish(self, n: int) -> int:
        payload = {
            "body": BODY.format(n=n),
            "headline": "" if n % 3 else f"Item {n}",
            "sources": SOURCES[n % len(SOURCES)],
            "key_event": n % 97 == 0,
            "pinned": n == 490,
            "published_at": (self.start + timedelta(minutes=2 * n)).isoformat(),
        }
        began = time.perf_counter()
        self.connection.request(
            "POST", f"/api/v1/briefings/{SLUG}/updates", json.dumps(payload), self.headers
        )
        response = self.connection.getresponse()
        data = response.read()
        self.timings.append((time.perf_counter() - began) * 1000)
        if response.status != 201:
            raise RuntimeError(f"publish {n}: {response.status} {data[:200]!r}")
        return int(json.loads(data)["id"])

    def close(self) -> None:
        self.connection.close()


def seed_updates(port: int, token: str, numbers: range) -> list[float]:
    """Publish these updates through the API from two clients at once (one per worker's
    worth of concurrency); returns each publish's milliseconds."""
    publishers = [Publisher(port, token), Publisher(port, token)]
    failures: list[BaseException] = []

    def work(publisher: Publisher, share: range) -> None:
        try:
            for n in share:
                publisher.publish(n)
        except BaseException as error:
            failures.append(error)

    threads = [
        threading.Thread(target=work, args=(p, numbers[i :: len(publishers)]))
        for i, p in enumerate(publishers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for publisher in publishers:
        publisher.close()
    if failures:
        raise failures[0]
    return [t for p in publishers for t in p.timings]


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 304 arrives as an "error"
        return error.code, dict(error.headers), b""


_DURATION = re.compile(r"([\d.]+)(us|ms|s)")


def _ms(text: str) -> float:
    match = _DURATION.fullmatch(text)
    assert match, text
    value, unit = float(match[1]), match[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, seconds: int, headers: dict[str, str]) -> Result:
    # A timeout well past any latency we expect: a slow answer counts as slow, not lost.
    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        found = re.search(pattern, output)
        errors += int(found[1]) if found else 0
    return Result(rate, p50, p99, errors)


def endpoints(base: str) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, headers) of every reader endpoint, found by reading the pages."""
    _, _, page = fetch(base + f"/briefings/{SLUG}")
    doc = lxml.html.fromstring(page)
    older = doc.xpath("//a[@rel='next']/@href")[0]
    update = doc.xpath("//div[@id='updates']/article/@data-update-id")[5]
    _, headers, _ = fetch(base + f"/briefings/{SLUG}")
    page_etag = headers["ETag"]
    # A poller that is up to date, and one five changes behind (the page's version is the
    # head of the change log).
    head = int(doc.xpath("//div[@class='briefing']/@data-version")[0])
    _, changes_headers, _ = fetch(base + f"/briefings/{SLUG}/changes?since={head}")
    return [
        ("live page", f"/briefings/{SLUG}", {}),
        ("live page, older updates", older, {}),
        ("live page, oldest first", f"/briefings/{SLUG}?order=oldest", {}),
        ("live page 304", f"/briefings/{SLUG}", {"If-None-Match": page_etag}),
        ("permalink", f"/briefings/{SLUG}/updates/{update}", {}),
        ("index", "/", {}),
        ("feed.atom", f"/briefings/{SLUG}/feed.atom", {}),
        ("/changes", f"/briefings/{SLUG}/changes?since={max(head - 5, 0)}", {}),
        (
            "/changes 304",
            f"/briefings/{SLUG}/changes?since={head}",
            {"If-None-Match": changes_headers["ETag"]},
        ),
    ]


def static_like(base: str, size: int) -> tuple[str, int]:
    """The static file closest in size to `size` bytes, by its hashed URL."""
    files = [p for p in (PROJECT_ROOT / "static").rglob("*") if p.is_file()]
    best = min(files, key=lambda p: abs(p.stat().st_size - size))
    relative = best.relative_to(PROJECT_ROOT / "static").as_posix()
    _, _, page = fetch(base + f"/briefings/{SLUG}")
    doc = lxml.html.fromstring(page)
    hashed = [u for u in doc.xpath("//link/@href | //script/@src") if relative in u]
    return (hashed[0] if hashed else f"/static/{relative}"), best.stat().st_size


def drive(base: str, seconds: int, rounds: int) -> list[tuple[str, int, Result, float]]:
    """wrk on every endpoint and on the static file, in rounds: each round measures the
    static file and then every endpoint, so a change in the machine's load falls on the
    ratios of one round alike. (name, body bytes, median result, median share of static)."""
    cases = endpoints(base)
    static_path, static_size = static_like(base, len(fetch(base + cases[0][1])[2]))
    cases.append((f"static file ({static_path.split('?')[0]})", static_path, {}))
    sizes = {}
    for name, path, headers in cases:
        status, _, body = fetch(base + path, **headers)
        assert status in (200, 304), (name, status)
        sizes[name] = len(body)
    # Unmeasured, each endpoint once under load, so every worker has rendered it: a first
    # render is a start-up cost (web/warmup.py pays it for the index and live pages before
    # a worker takes connections), not the steady state measured here.
    for _, path, headers in cases:
        wrk(base + path, 1, headers)
    results: dict[str, list[Result]] = {name: [] for name, _, _ in cases}
    shares: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(rounds):
        static = wrk(base + static_path, seconds, {})
        for name, path, headers in cases:
            result = static if path == static_path else wrk(base + path, seconds, headers)
            results[name].append(result)
            shares[name].append(result.requests_per_second / static.requests_per_second)
    return [
        (
            name,
            sizes[name],
            Result(
                statistics.median(r.requests_per_second for r in results[name]),
                statistics.median(r.p50_ms for r in results[name]),
                statistics.median(r.p99_ms for r in results[name]),
                sum(r.errors for r in results[name]),
            ),
            statistics.median(shares[name]),
        )
        for name, _, _ in cases
    ]


def report(title: str, rows: list[tuple[str, int, Result, float]], *, tail_target: bool) -> str:
    """A table of the rows; with `tail_target`, each reader endpoint's p99 is marked against
    P99_TARGET_MS (the static file is the yardstick, not an endpoint)."""
    lines = [
        f"#### {title}",
        "",
        "| endpoint | bytes | req/s | p50 ms | p99 ms | of static | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, size, result, share in rows:
        target = TARGETS.get(name)
        mark = "" if target is None else (" (met)" if share >= target else " (NOT met)")
        tail = ""
        if tail_target and not name.startswith("static file"):
            tail = " (met)" if result.p99_ms <= P99_TARGET_MS else " (NOT met)"
        lines.append(
            f"| {name} | {size:,} | {result.requests_per_second:,.0f} | {result.p50_ms:.1f} "
            f"| {result.p99_ms:.1f}{tail} | {share:.0%}{mark} | {result.errors} |"
        )
    return "\n".join(lines)


def run(*, quick: bool, database_url: str | None) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("python -m bench http needs wrk (apt-get install wrk)")
    sizes = [500] if quick else [500, 10_000]
    seconds, rounds = (2, 1) if quick else (4, 3)
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="briefing-http-bench-"))
    url = database_url or f"sqlite:///{folder / 'http.sqlite3'}"
    token = seed(url)
    env = {
        "DATABASE_URL": url,
        "BRIEFING_SECRET_KEY": "bench",
        "BRIEFING_INSTANCE_PATH": str(folder),
        "WEB_CONCURRENCY": "2",
    }
    redis = os.environ.get("REDIS_URL")
    published = 0
    print(
        f"### Reader endpoints over HTTP: gunicorn, 2 workers, wrk -t2 -c20 -d{seconds}s, "
        f"median of {rounds} round(s) "
        f"({url.split(':', 1)[0]}, {'Redis' if redis else 'in-process'} broker)\n"
    )
    for size in sizes:
        for server_name, extra in SERVERS.items():
            port = free_port()
            server = start_gunicorn(port, {**env, **extra})
            base = f"http://127.0.0.1:{port}"
            try:
                if published < size:
                    seeding = time.monotonic()
                    timings = seed_updates(port, token, range(published, size))
                    published = size
                    print(
                        f"(seeded {len(timings):,} updates through the API in "
                        f"{time.monotonic() - seeding:.0f} s, two clients at a time; publish "
                        f"median {statistics.median(timings):.1f} ms)\n"
                    )
                rows = drive(base, seconds, rounds)
            finally:
                server.terminate()
                server.wait(timeout=30)
            title = f"{size:,} updates, {server_name} workers"
            print(report(title, rows, tail_target=server_name.startswith("gevent")) + "\n")
    print(f"(whole run: {time.monotonic() - began:.0f} s)\n")
