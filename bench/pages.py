"""Reader pages with a large briefing: render cost must not grow with the number of updates.

Seeds one briefing with N published updates (10,000; 2,000 with --quick) through the real
services, then times in-process requests to the first page, a page deep in the archive
(keyset pagination), a permalink, and the index.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app

from bench.timing import measure, table
from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import BriefingStatus, Role
from briefing.models.base import utcnow
from briefing.services import briefings, timeline, updates, users
from briefing.services.permissions import OPERATOR
from briefing.services.sources import seed_default_sources

SOURCES = [["reuters"], ["afp", "reuters"], ["ap"], ["dpa", "ukrinform", "afp"], []]
BODY = (
    "The regional administration said **{n}** homes were without power after the overnight "
    "strikes. Repair crews were at work in [three districts](https://example.org/{n}).\n\n"
    "- Schools switched to remote lessons\n- Trams replaced by buses"
)


def seed(count: int) -> int:
    """Create the briefing and its updates; returns the id of an update in the middle."""
    seed_default_sources(actor=OPERATOR)
    editor = users.create_user(
        email="bench@briefing.example",
        display_name="Bench Editor",
        role=Role.EDITOR,
        password="benchmark-password",
        actor=OPERATOR,
        password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    briefing = briefings.create_briefing(
        actor=editor,
        title="Benchmark briefing",
        slug="bench",
        status=BriefingStatus.LIVE,
        timezone="Europe/Kyiv",
        summary="- One\n- Two",
    )
    start = utcnow() - timedelta(minutes=count)
    rng = random.Random(7)
    middle = 0
    for n in range(count):
        item = updates.create_update(
            briefing,
            actor=editor,
            body=BODY.format(n=n),
            headline="" if n % 3 else f"Item {n}",
            sources=rng.choice(SOURCES),
            key_event=n % 97 == 0,
            pinned=n == count - 10,
            published_at=start + timedelta(minutes=n),
        )
        if n == count // 2:
            middle = item.id
    return middle


def seeded_app(count: int, database_url: str | None) -> tuple[Flask, str, int, float]:
    """An app on a new database (a temporary SQLite file unless one is given) holding the
    bench briefing: (app, database URL, id of an update in the middle, seconds seeding took).
    """
    folder = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        upgrade_schema()
        began = time.perf_counter()
        middle_id = seed(count)
        seeded = time.perf_counter() - began
        if db.engine.dialect.name == "postgresql":
            # Autovacuum gathers planner statistics in production; right after a bulk load
            # it has not run yet, and the planner would guess.
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        db.session.remove()
    return app, url, middle_id, seeded


def run(*, quick: bool, database_url: str | None) -> None:
    count = 2_000 if quick else 10_000
    repeat = 100 if quick else 300
    app, url, middle_id, seeded = seeded_app(count, database_url)
    with app.app_context():
        briefing = timeline.briefing_by_slug("bench")
        middle = timeline.update_in(briefing, middle_id)
        deep_cursor = timeline.cursor_including(middle)
        db.session.remove()

    client = app.test_client()

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.close()

    rows = [
        ("live page, first page", measure(lambda: get("/briefings/bench"), repeat=repeat)),
        (
            "live page, middle of the archive",
            measure(lambda: get(f"/briefings/bench?before={deep_cursor}"), repeat=repeat),
        ),
        (
            "live page, oldest first",
            measure(lambda: get("/briefings/bench?order=oldest"), repeat=repeat),
        ),
        ("permalink", measure(lambda: get(f"/briefings/bench/updates/{middle_id}"), repeat=repeat)),
        ("index", measure(lambda: get("/"), repeat=repeat)),
    ]
    dialect = url.split(":", 1)[0]
    print(table(f"Reader pages, {count:,} updates in one briefing ({dialect})", rows))
    print(f"\n(seeding {count:,} updates through the services took {seeded:.1f} s)\n")
