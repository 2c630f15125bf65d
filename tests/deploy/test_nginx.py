"""The documented deployment, brought up for real: nginx (Debian's package) rendered from
deploy/nginx/briefing.conf.template in front of two gunicorn processes (gevent), on the
test PostgreSQL, sharing changes through Redis."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import html
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from briefing import PROJECT_ROOT
from tests.conftest import PG_URL
from tests.live.sse_client import SSEClient
from tests.live.test_brokers import REDIS_URL, needs_redis
from tests.live.test_gunicorn import (
    established_connections,
    post_update,
    start_gunicorn,
    worker_pids,
)
from tests.media import pictures
from tests.servers import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "briefing.conf.template"

pytestmark = [
    pytest.mark.slow,
    needs_redis,
    pytest.mark.skipif(not PG_URL, reason="the deployment runs on PostgreSQL"),
    pytest.mark.skipif(
        not Path(NGINX).exists() and not os.environ.get("CI"), reason="nginx is not installed"
    ),
    # The deployment is PostgreSQL's: run these tests on it alone.
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

# What Debian's /etc/nginx/nginx.conf provides around conf.d, kept to the parts that matter,
# with every path inside the test's folder.
MAIN_CONF = """\
user root;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy_temp;
    fastcgi_temp_path {root}/fastcgi_temp;
    uwsgi_temp_path {root}/uwsgi_temp;
    scgi_temp_path {root}/scgi_temp;
    sendfile on;
    keepalive_timeout 65;
    include {root}/conf.d/*.conf;
}}
"""


def render_site_config(values: dict[str, str]) -> str:
    """The README's envsubst command, run as documented."""
    names = " ".join(f"${name}" for name in values)
    return subprocess.run(
        ["envsubst", names],
        input=TEMPLATE.read_text(),
        env={**os.environ, **values},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def app_requests(logs: list[Path], request_line: str) -> int:
    """How many times gunicorn's access logs record `request_line` (e.g. "GET /x")."""
    needle = f'"{request_line} HTTP/'
    return sum(log.read_text().count(needle) for log in logs if log.exists())


class Deployment:
    def __init__(self, root: Path, nginx_port: int, apps: list[tuple[Any, int, Path]]) -> None:
        self.root, self.nginx_port, self.apps = root, nginx_port, apps

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def access_logs(self) -> list[Path]:
        return [log for _process, _port, log in self.apps]


@pytest.fixture
def deployment(database_url: str, app: Any, briefing: Any, tmp_path: Path) -> Iterator[Deployment]:
    apps: list[tuple[Any, int, Path]] = []
    nginx = None
    media = tmp_path / "media"  # one folder every app process writes photos to
    try:
        for name in ("app1", "app2"):
            folder = tmp_path / name
            folder.mkdir()
            log = folder / "access.log"
            process, port = start_gunicorn(
                database_url,
                folder,
                REDIS_URL=REDIS_URL,
                ACCESS_LOG=str(log),
                BRIEFING_MEDIA_ROOT=str(media),
            )
            apps.append((process, port, log))
        root = tmp_path / "nginx"
        (root / "conf.d").mkdir(parents=True)
        nginx_port = free_port()
        site = render_site_config(
            {
                "BRIEFING_LISTEN": f"127.0.0.1:{nginx_port}",
                "BRIEFING_SERVER_NAME": "localhost",
                "BRIEFING_APP_1": f"127.0.0.1:{apps[0][1]}",
                "BRIEFING_APP_2": f"127.0.0.1:{apps[1][1]}",
                "BRIEFING_STATIC_DIR": str(PROJECT_ROOT / "static"),
                "BRIEFING_MEDIA_DIR": str(media),
                "BRIEFING_CACHE_DIR": str(root / "cache"),
            }
        )
        assert "${" not in site
        (root / "conf.d" / "briefing.conf").write_text(site)
        (root / "nginx.conf").write_text(MAIN_CONF.format(root=root))
        subprocess.run([NGINX, "-t", "-p", str(root), "-c", str(root / "nginx.conf")], check=True)
        with open(root / "stdout.log", "wb") as output:
            nginx = subprocess.Popen(
                [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deployment = Deployment(root, nginx_port, apps)
        for _ in range(200):  # until nginx answers (a static file: no app request is made)
            try:
                fetch(f"{deployment.base}/static/favicon.svg")
                break
            except OSError:
                assert nginx.poll() is None, (root / "error.log").read_text()
                time.sleep(0.05)
        yield deployment
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for process, _port, _log in apps:
            process.terminate()
        for process, _port, _log in apps:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_an_event_published_on_one_process_reaches_streams_held_through_nginx_on_the_other(
    deployment: Deployment, editor: Any, make_token: Any
) -> None:
    token = make_token(editor)
    (first, first_port, _), (second, second_port, _) = deployment.apps
    # nginx (one worker) hands new upstream connections out in turn: six streams, three on
    # each process. Nothing else has gone upstream yet, so every connection is a stream.
    streams = [
        SSEClient("127.0.0.1", deployment.nginx_port, "/briefings/war/events", timeout=15)
        for _ in range(6)
    ]
    try:
        for stream in streams:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            assert stream.next().comments == ["connected"]
        for process, port in ((first, first_port), (second, second_port)):
            held = sum(established_connections(pid, port) for pid in worker_pids(process.pid))
            assert held == 3

        # Published straight to the first process; Redis carries it to the second.
        update_id = post_update(first_port, token, "Air defence active over Kyiv.")
        for stream in streams:
            event = stream.events(1)[0]
            assert event.json()["id"] == update_id
    finally:
        for stream in streams:
            stream.close()


def test_repeat_page_and_poll_requests_are_answered_by_nginx_not_the_app(
    deployment: Deployment, editor: Any, make_token: Any
) -> None:
    update_id = post_update(deployment.apps[0][1], make_token(editor), "Trains run again.")
    page = f"{deployment.base}/briefings/war"

    def read_page(_n: int) -> tuple[int, str, bytes]:
        status, headers, body = fetch(page)
        return status, headers.get("X-Cache-Status", ""), body

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(read_page, range(1000)))
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, _, body in answers}) == 1
    document = html.fromstring(answers[0][2])
    assert document.get_element_by_id(f"update-{update_id}") is not None
    assert sum(cache == "HIT" for _, cache, _ in answers) >= 990
    # One request per version (and per max-age expiry, 10 s) reaches the app.
    assert 1 <= app_requests(deployment.access_logs, "GET /briefings/war") <= 3

    with ThreadPoolExecutor(max_workers=20) as pool:
        polls = list(pool.map(lambda _n: fetch(f"{page}/changes?since=0")[0], range(200)))
    assert set(polls) == {200}
    assert 1 <= app_requests(deployment.access_logs, "GET /briefings/war/changes?since=0") <= 3


def test_static_files_come_from_nginx_with_a_year_of_caching(deployment: Deployment) -> None:
    status, _headers, body = fetch(f"{deployment.base}/briefings/war")
    stylesheet = html.fromstring(body).xpath("//link[@rel='stylesheet']/@href")[0]
    status, headers, css = fetch(deployment.base + stylesheet)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert css == (PROJECT_ROOT / "static" / "css" / "site.css").read_bytes()
    assert "immutable" in headers["Cache-Control"]
    assert app_requests(deployment.access_logs, f"GET {stylesheet}") == 0


def test_photos_come_from_nginx_with_a_year_of_caching(
    deployment: Deployment, editor: Any, make_token: Any
) -> None:
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(pictures.jpeg(1200, 800)), "photo.jpg"), "alt": "Smoke"}
    )
    upload = urllib.request.Request(
        f"http://127.0.0.1:{deployment.apps[0][1]}/api/v1/media",
        data=body,
        headers={
            "Authorization": f"Bearer {make_token(editor)}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(upload, timeout=30) as response:
        photo = json.load(response)
    path = urlsplit(photo["url"]).path
    status, headers, data = fetch(deployment.base + path)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert data[:2] == b"\xff\xd8"  # a JPEG, as stored
    assert "immutable" in headers["Cache-Control"]
    assert app_requests(deployment.access_logs, f"GET {path}") == 0
