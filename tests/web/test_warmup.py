"""A serving process renders the pages readers ask for first before it takes connections
(web/warmup.py, called from gunicorn's post_worker_init)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from briefing.models import BriefingStatus
from briefing.web.warmup import TEMPLATE_EXTENSIONS, warm_up
from tests.web.test_observability import TOKEN, requests_counted, samples

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def page_lookups(app: Flask) -> dict[str, float]:
    text = app.test_client().get("/metrics", headers=AUTH).get_data(as_text=True)
    return {
        s.labels["result"]: s.value
        for s in samples(text, "briefing_cache_lookups_total")
        if s.labels["cache"] == "page"
    }


def test_the_index_and_live_pages_are_served_from_the_cache_at_once(
    make_app: Callable[..., Flask], make_briefing: Callable[..., Any], make_update: Any
) -> None:
    app = make_app(METRICS_TOKEN=TOKEN)
    war = make_briefing(title="War in Ukraine: live", slug="war")
    make_update(war, body="Kyiv: air raid alert lifted.")
    make_briefing(title="Floods", slug="floods")
    make_briefing(title="Old story", slug="old", status=BriefingStatus.DRAFT)
    counted = app.test_client().get("/metrics", headers=AUTH).get_data(as_text=True)
    before = page_lookups(app)

    warm_up(app)

    warmed = page_lookups(app)
    # The index and both live briefings were rendered; the draft is nobody's page.
    assert warmed.get("miss", 0) - before.get("miss", 0) == 3
    client = app.test_client()
    for path in ("/", "/briefings/war", "/briefings/floods"):
        response = client.get(path)
        assert response.status_code == 200
    after = page_lookups(app)
    assert after.get("miss", 0) == warmed.get("miss", 0)
    assert after["hit"] - warmed.get("hit", 0) == 3
    assert b"air raid alert lifted" in client.get("/briefings/war").data
    # The warm-up's own requests are not readers' requests.
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    for endpoint in ("public.index", "public.briefing_page"):
        readers = 1 if endpoint == "public.index" else 3
        assert requests_counted(text, endpoint) - requests_counted(counted, endpoint) == readers


def test_every_template_is_compiled(app: Flask) -> None:
    warm_up(app)
    compiled = {name for _, name in app.jinja_env.cache}  # type: ignore[union-attr]
    templates = set(app.jinja_env.list_templates(extensions=TEMPLATE_EXTENSIONS))
    assert templates and templates <= compiled


def test_a_database_that_is_away_does_not_stop_a_worker_from_starting(
    make_app: Callable[..., Flask], tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/briefing.sqlite3")
    with caplog.at_level(logging.WARNING, logger="briefing.web.warmup"):
        warm_up(app)
    assert any("warm-up skipped" in record.getMessage() for record in caplog.records)


def test_a_series_is_warmed_once_as_the_index_shows_it(
    make_app: Callable[..., Flask], make_series: Any, make_briefing: Callable[..., Any]
) -> None:
    app = make_app(METRICS_TOKEN=TOKEN)
    make_series(slug="ukraine")
    for day in (1, 2):
        make_briefing(title=f"Day {day}", slug=f"day-{day}", series="ukraine")
    before = page_lookups(app)

    warm_up(app)

    # The index and the one edition it shows; the other is on the series page.
    assert page_lookups(app).get("miss", 0) - before.get("miss", 0) == 2
