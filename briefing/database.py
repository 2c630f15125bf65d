"""Binding the database: SQLAlchemy, Alembic migrations, SQLite pragmas."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, text

from briefing.extensions import db, migrate

log = logging.getLogger(__name__)
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


def reachable() -> bool:
    """Whether the database answers now. Never raises (monitoring reads this), and a failed
    probe leaves the session usable."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("database unreachable: %s", error)
        db.session.rollback()
        return False
    return True


def upgrade_schema() -> None:
    """Apply every Alembic migration (inside an app context)."""
    from flask_migrate import upgrade

    upgrade(directory=MIGRATIONS)
