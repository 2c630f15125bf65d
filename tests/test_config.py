"""Configuration layers and safe defaults."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from briefing import create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("BRIEFING_SECRET_KEY", raising=False)
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("BRIEFING_UPDATES_PER_PAGE", "7")
    monkeypatch.setenv("SITE_URL", "https://live.example.com/")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/briefing")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["UPDATES_PER_PAGE"] == 7
    assert app.config["SITE_URL"] == "https://live.example.com"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/briefing"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_default_database_is_sqlite_in_the_instance_folder_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/briefing.sqlite3"
    from briefing.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        db.engine.dispose()
    assert mode == "wal"


def test_site_url_follows_the_served_port_unless_set(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("BRIEFING_SITE_URL", raising=False)
    monkeypatch.delenv("FLASK_RUN_PORT", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert create_app({"SECRET_KEY": "x"}).config["SITE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("FLASK_RUN_PORT", "8001")
    assert create_app({"SECRET_KEY": "x"}).config["SITE_URL"] == "http://127.0.0.1:8001"
    monkeypatch.setenv("PORT", "8080")
    assert create_app({"SECRET_KEY": "x"}).config["SITE_URL"] == "http://127.0.0.1:8080"
    monkeypatch.setenv("PORT", "not-a-port")
    assert create_app({"SECRET_KEY": "x"}).config["SITE_URL"] == "http://127.0.0.1:8001"
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("SITE_URL", "https://live.example.com")
    assert create_app({"SECRET_KEY": "x"}).config["SITE_URL"] == "https://live.example.com"


def test_make_hands_its_port_to_every_command_it_runs(monkeypatch):
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    monkeypatch.delenv("PORT", raising=False)
    root = Path(__file__).resolve().parent.parent
    probe = ["--eval", "show-port: ; @echo $$PORT", "show-port"]

    def port(*args: str) -> str:
        done = subprocess.run(
            [make, "-s", "-C", str(root), *probe, *args], capture_output=True, text=True
        )
        return done.stdout.strip()

    assert port("PORT=8080") == "8080"
    assert port() == "5000"
