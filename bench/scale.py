"""Cost against the size of the data: `python -m bench scale`.

Three live briefings in one database hold 100, 10,000 and 100,000 published updates. Seeding
100,000 through the API would take most of an hour, so their rows are bulk-inserted through
the models, as the services would have written them (sanitized HTML rendered by the real
Markdown pipeline, sources, key events, a pinned update, one change-log row per update and
the briefing's version to match). Then, in-process:

- the first page's cold render: the page cache is emptied before every request, as a
  publish makes it miss (the fragments of unchanged updates stay, as they do after a
  publish); and once with nothing cached at all, as after a restart;
- publishing through the JSON API (POST, bearer token), which also checks that a publish
  does not grow with the briefing.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import insert

from bench.timing import measure_interleaved, summary
from briefing import create_app
from briefing.database import upgrade_schema
from briefing.extensions import db
from briefing.models import (
    Briefing,
    BriefingStatus,
    Change,
    ChangeKind,
    Role,
    Source,
    Update,
    UpdateSource,
    UpdateStatus,
    User,
)
from briefing.models.base import utcnow
from briefing.models.briefing import briefing_sources
from briefing.rendering.markdown import html_to_text, render_markdown
from briefing.services import briefings, users
from briefing.services.permissions import OPERATOR
from briefing.services.sources import seed_default_sources

SIZES = (100, 10_000, 100_000)
SOURCE_SETS = [["reuters"], ["afp", "reuters"], ["ap"], ["dpa", "ukrinform", "afp"], []]
BODY = (
    "The regional administration said **{n}** homes were without power after the overnight "
    "strikes. Repair crews were at work in [three districts](https://example.org/{n}).\n\n"
    "- Schools switched to remote lessons\n- Trams replaced by buses"
)
MARK = "9876543210"  # rendered once, then replaced by each update's number
# Targets from issue 9.
COLD_RENDER_MS = 5.0
GROWTH = 1.3
PUBLISH_MS = 15.0


def bench_editor(email: str) -> User:
    """The default agencies and an editor to write with, in a new database."""
    seed_default_sources(actor=OPERATOR)
    return users.create_user(
        email=email,
        display_name="Bench Editor",
        role=Role.EDITOR,
        password="benchmark-password",
        actor=OPERATOR,
        password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )


def bulk_seed(briefing: Briefing, author_id: int, count: int) -> int:
    """`count` published updates, a minute apart and ending now, written in bulk; returns
    the id of the first."""
    html = render_markdown(BODY.format(n=MARK))
    text = html_to_text(html)
    sources = {s.slug: s.id for s in db.session.query(Source)}
    rng = random.Random(count)
    start = utcnow() - timedelta(minutes=count)
    first_id = (db.session.query(db.func.max(Update.id)).scalar() or 0) + 1
    seq = briefing.version
    updates, links, changes, used = [], [], [], set()
    for n in range(count):
        moment = start + timedelta(minutes=n)
        update_id = first_id + n
        updates.append(
            {
                "id": update_id,
                "briefing_id": briefing.id,
                "author_id": author_id,
                "headline": "" if n % 3 else f"Item {n}",
                "body": BODY.format(n=n),
                "body_html": html.replace(MARK, str(n)),
                "body_text": text.replace(MARK, str(n)),
                "status": UpdateStatus.PUBLISHED,
                "key_event": n % 97 == 0,
                "pinned": n == count - 10,
                "correction": "",
                "published_at": moment,
                "created_at": moment,
                "updated_at": moment,
                "version": 1,
            }
        )
        for position, slug in enumerate(rng.choice(SOURCE_SETS)):
            links.append({"update_id": update_id, "source_id": sources[slug], "position": position})
            used.add(sources[slug])
        seq += 1
        changes.append(
            {
                "briefing_id": briefing.id,
                "seq": seq,
                "kind": ChangeKind.UPDATE_PUBLISHED,
                "update_id": update_id,
                "created_at": moment,
            }
        )
    # Core inserts (executemany), not the ORM's unit of work: seconds instead of minutes.
    db.session.execute(insert(Update.__table__), updates)
    db.session.execute(insert(UpdateSource.__table__), links)
    db.session.execute(insert(Change.__table__), changes)
    db.session.execute(
        insert(briefing_sources), [{"briefing_id": briefing.id, "source_id": s} for s in used]
    )
    briefing.version, briefing.changed_at = seq, utcnow()
    db.session.commit()
    return first_id


def run(*, quick: bool, database_url: str | None) -> None:
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="briefing-scale-bench-"))
    url = database_url or f"sqlite:///{folder / 'scale.sqlite3'}"
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        upgrade_schema()
        editor = bench_editor("scale@briefing.example")
        token = users.create_token(editor, actor=OPERATOR, name="bench")[1]
        seeding = time.monotonic()
        for size in SIZES:
            briefing = briefings.create_briefing(
                actor=editor,
                title=f"{size:,} updates",
                slug=f"scale-{size}",
                status=BriefingStatus.LIVE,
                timezone="Europe/Kyiv",
                summary="- One\n- Two",
            )
            bulk_seed(briefing, editor.id, size)
        seeded = time.monotonic() - seeding
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        db.session.remove()

    client = app.test_client()
    cache = app.extensions["briefing.pages"].cache
    fragments = app.extensions["briefing.fragments"]
    auth = {"Authorization": f"Bearer {token}"}
    repeat = 30 if quick else 300
    publishes = 20 if quick else 200

    def cold(path: str) -> None:
        cache.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.close()

    counter = iter(range(10**9))

    def publish(slug: str) -> None:
        n = next(counter)
        response = client.post(
            f"/api/v1/briefings/{slug}/updates",
            json={"body": BODY.format(n=n), "sources": SOURCE_SETS[n % len(SOURCE_SETS)]},
            headers=auth,
        )
        assert response.status_code == 201, response.data[:300]
        response.close()

    def both(
        actions: dict[int, Callable[[], None]], repeat: int
    ) -> dict[int, tuple[list[float], list[float]]]:
        """(wall-clock, CPU) milliseconds per size, the sizes taking turns."""
        named = {str(size): action for size, action in actions.items()}
        timings = measure_interleaved(named, repeat=repeat)
        return {size: timings[str(size)] for size in actions}

    def warm_feed() -> None:
        client.get(f"/briefings/scale-{SIZES[0]}/feed.atom").close()

    def from_scratch(path: str) -> None:
        fragments.clear()
        cold(path)

    renders = both({s: lambda s=s: cold(f"/briefings/scale-{s}") for s in SIZES}, repeat)
    scratch = both({SIZES[-1]: lambda: from_scratch(f"/briefings/scale-{SIZES[-1]}")}, repeat)[
        SIZES[-1]
    ]
    publishing = both({s: lambda s=s: publish(f"scale-{s}") for s in SIZES}, publishes)
    rows = [(f"first page, cold render, {size:,} updates", *renders[size]) for size in SIZES]
    rows.append((f"first page, nothing cached, {SIZES[-1]:,} updates", *scratch))
    rows += [(f"API publish, {size:,} updates", *publishing[size]) for size in SIZES]
    # A yardstick for the machine's state: this took 0.27 ms on a quiet machine (Feeds).
    rows.append(("yardstick: a warm feed request", *both({0: warm_feed}, repeat * 5)[0]))
    dialect = url.split(":", 1)[0]
    print(f"### Scale: briefings of 100, 10,000 and 100,000 updates in one database ({dialect})\n")
    print("| case | requests | median ms | p99 ms | CPU median ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, wall, cpu in rows:
        median, p99 = summary(wall)
        print(f"| {name} | {len(wall)} | {median:.2f} | {p99:.2f} | {statistics.median(cpu):.2f} |")

    # Judged on CPU time: on a shared machine, wall-clock time measures the neighbours too.
    small, big = (statistics.median(renders[s][1]) for s in (SIZES[0], SIZES[-1]))
    publish_medians = [statistics.median(publishing[s][1]) for s in SIZES]
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    print(
        f"\nTargets (CPU medians): cold render at 100,000 ≤ {COLD_RENDER_MS} ms: {big:.2f} ms "
        f"({verdict(big <= COLD_RENDER_MS)}); page(100,000)/page(100) ≤ {GROWTH}: "
        f"{big / small:.2f} ({verdict(big / small <= GROWTH)}); publish median ≤ {PUBLISH_MS} ms "
        f"at every size: {', '.join(f'{m:.2f}' for m in publish_medians)} ms "
        f"({verdict(max(publish_medians) <= PUBLISH_MS)})"
    )
    print(
        f"(bulk-seeding {sum(SIZES):,} updates took {seeded:.1f} s; whole suite "
        f"{time.monotonic() - began:.0f} s)\n"
    )
