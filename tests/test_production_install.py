"""`pip install .` alone is a complete production install (SPEC §15).

A fresh virtual environment gets the package built from this working tree (not editable, no
extras); the README's production command then serves from outside the checkout, where only
`wsgi.py` sits beside it, and answers health, a live page and that page's stylesheet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from lxml import html

from briefing import PROJECT_ROOT
from tests.servers import free_port

pytestmark = pytest.mark.slow

# What the build needs from the checkout; the virtual environment and caches stay behind.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "briefing", "templates", "static")
# Left behind too: the build compiles the catalogs itself (setup.py).
LEFT_BEHIND = shutil.ignore_patterns("__pycache__", "*.mo")


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding only the built package and its runtime dependencies."""
    root = tmp_path_factory.mktemp("production")
    source = root / "source"
    for name in SOURCES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=LEFT_BEHIND)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(source),
        ],
        check=True,
        timeout=600,
    )
    return venv


def run(venv: Path, cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, check=True, timeout=120
    )


def fetch(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read(), response.headers.get("Content-Type", "")


def test_installed_package_serves_pages_and_static_files_with_the_documented_command(
    production_env: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(PROJECT_ROOT / "wsgi.py", site / "wsgi.py")
    port = free_port()
    env = {
        "PATH": f"{production_env / 'bin'}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'briefing.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BIND": f"127.0.0.1:{port}",
    }
    run(production_env, site, env, "briefing", "init-db")
    run(production_env, site, env, "briefing", "seed-demo")
    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [str(production_env / "bin" / "gunicorn"), "-c", "python:briefing.gunicorn_conf"]
            + ["wsgi:app"],
            cwd=site,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # until it answers; there is no event to await
            try:
                status, body, _type = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        else:
            raise AssertionError((tmp_path / "gunicorn.log").read_text())
        assert status == 200

        status, body, content_type = fetch(f"{base}/briefings/demo")
        assert status == 200 and content_type.startswith("text/html")
        page = html.fromstring(body)
        assert page.findtext(".//h1")
        assert page.xpath("//article[contains(concat(' ', @class, ' '), ' update ')]")
        stylesheets = page.xpath("//link[@rel='stylesheet']/@href")
        assert stylesheets
        status, css, content_type = fetch(base + stylesheets[0])
        assert status == 200 and content_type.startswith("text/css") and b"{" in css

        # The package answered from site-packages, not from a checkout beside it.
        installed = subprocess.run(
            [
                str(production_env / "bin" / "python"),
                "-c",
                "import briefing; print(briefing.__file__)",
            ],
            cwd=site,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "site-packages" in installed
        # With the catalogs the build compiled: the interface speaks every shipped language.
        catalogs = subprocess.run(
            [
                str(production_env / "bin" / "python"),
                "-c",
                "import briefing, pathlib; print(' '.join(sorted(p.parts[-3] for p in "
                "pathlib.Path(briefing.__file__).parent.glob('translations/*/LC_MESSAGES/*.mo'))))",
            ],
            cwd=site,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert catalogs.split() == ["ar", "en", "ru", "uk"]
    finally:
        server.terminate()
        server.wait(timeout=30)
