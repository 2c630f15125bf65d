"""Reader pages with a large briefing: render cost must not grow with the number of updates.

Seeds one briefing with N published updates (10,000; 2,000 with --quick; rows written in
bulk as the services would write them, see bench/scale.py), then times in-process requests
to the first page, a page deep in the archive (keyset pagination), a permalink, and the
index: rendered (the page cache emptied before each request, the fragments of unchanged
updates kept, as after a publish) and from the page cache.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from flask import Flask

from bench.scale import bench_editor, bulk_seed
from bench.timing import measure, table
from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import BriefingStatus
from briefing.services import briefings, timeline


def seed(count: int) -> int:
    """Create the briefing and its updates; returns the id of an update in the middle."""
    editor = bench_editor("bench@briefing.example")
    briefing = briefings.create_briefing(
        actor=editor,
        title="Benchmark briefing",
        slug="bench",
        status=BriefingStatus.LIVE,
        timezone="Europe/Kyiv",
        summary="- One\n- Two",
    )
    return bulk_seed(briefing, editor.id, count) + count // 2


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
    repeat = 50 if quick else 300
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

    cache = app.extensions["briefing.pages"].cache

    def rendered(path: str) -> None:
        cache.clear()
        get(path)

    cases = [
        ("live page, first page", "/briefings/bench"),
        ("live page, middle of the archive", f"/briefings/bench?before={deep_cursor}"),
        ("live page, oldest first", "/briefings/bench?order=oldest"),
        ("permalink", f"/briefings/bench/updates/{middle_id}"),
        ("index", "/"),
    ]
    rows = [
        (f"{name}, rendered", measure(lambda p=path: rendered(p), repeat=repeat))
        for name, path in cases
    ]
    rows += [
        (f"{name}, cached", measure(lambda p=path: get(p), repeat=repeat)) for name, path in cases
    ]
    dialect = url.split(":", 1)[0]
    print(table(f"Reader pages, {count:,} updates in one briefing ({dialect})", rows))
    print(f"\n(bulk-seeding {count:,} updates took {seeded:.1f} s)\n")
