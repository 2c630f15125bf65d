"""Binding the database: SQLAlchemy, Alembic migrations, SQLite pragmas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from briefing.extensions import db, migrate

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")


def init_app(app: Flask) -> None:
    import briefing.models  # noqa: F401  (register the tables on the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers keep reading while an editor publishes; the busy timeout makes
    # concurrent writers wait their turn instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def upgrade_schema() -> None:
    """Apply every Alembic migration (inside an app context)."""
    from flask_migrate import upgrade

    upgrade(directory=MIGRATIONS)
