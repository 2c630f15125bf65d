"""Reader pages rendered once per version: hits render nothing, changes show at once,
concurrent misses render once, memory stays within its budget, validators agree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from flask import Flask, session

from briefing import PROJECT_ROOT
from briefing.extensions import db
from briefing.models import BriefingStatus
from briefing.models.base import utcnow
from briefing.services import briefings as briefing_service
from briefing.services import sources as source_service
from briefing.services import updates as update_service
from briefing.web.caching import CachedPage, PageCache, cached, deploy_identity
from briefing.web.templating import reader_day, reader_slot, reader_today

READER_PATHS = ("/", "/briefings/war", "/briefings/war?order=oldest")


def renders(app: Flask) -> int:
    return app.extensions["briefing.pages"].cache.renders


def update_ids(response) -> list[str]:
    assert response.status_code == 200, response.data[:300]
    doc = lxml.html.fromstring(response.data)
    return doc.xpath("//div[@id='updates']/article/@data-update-id")


def test_a_repeat_request_renders_nothing_and_gets_the_same_bytes(
    app, client, briefing, make_update
):
    item = make_update(briefing, body="Sirens in Kyiv.")
    paths = [*READER_PATHS, f"/briefings/war/updates/{item.id}", "/briefings/war/changes?since=0"]
    first = {path: client.get(path).data for path in paths}
    rendered = renders(app)
    assert rendered == len(paths)
    for path in paths:
        again = client.get(path)
        assert again.status_code == 200 and again.data == first[path]
    assert renders(app) == rendered


def test_each_kind_of_change_shows_on_the_next_request(app, client, briefing, make_update, editor):
    first = make_update(briefing, body="First.")
    assert update_ids(client.get("/briefings/war")) == [str(first.id)]
    second = make_update(briefing, body="Second.")
    assert update_ids(client.get("/briefings/war")) == [str(second.id), str(first.id)]

    update_service.retract_update(first, actor=editor)
    assert update_ids(client.get("/briefings/war")) == [str(second.id)]
    assert client.get(f"/briefings/war/updates/{first.id}").status_code == 404

    update_service.set_pinned(second, actor=editor, pinned=True)
    doc = lxml.html.fromstring(client.get("/briefings/war").data)
    assert doc.xpath("//section[@class='pinned']/article/@data-update-id") == [str(second.id)]

    briefing_service.change_briefing(briefing, actor=editor, title="Renamed briefing")
    doc = lxml.html.fromstring(client.get("/briefings/war").data)
    assert doc.xpath("//h1")[0].text_content() == "Renamed briefing"
    index = lxml.html.fromstring(client.get("/").data)
    assert "Renamed briefing" in index.xpath("//span[@class='briefing-card__title']/text()")

    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    doc = lxml.html.fromstring(client.get("/briefings/war").data)
    assert doc.xpath("//div[@class='briefing']/@data-status") == ["ended"]
    assert client.get("/briefings/war/changes?since=0").json["poll_after"] == 0


def test_a_bad_cursor_or_a_missing_update_is_refused_and_not_stored(app, client, briefing):
    for _ in range(2):
        assert client.get("/briefings/war?before=garbage").status_code in (400, 422)
        assert client.get("/briefings/war/updates/999").status_code == 404
    assert len(app.extensions["briefing.pages"].cache) == 0


def test_validators_agree_between_processes_of_one_deploy(make_app, app, briefing, make_update):
    item = make_update(briefing, body="One.")
    paths = [*READER_PATHS, f"/briefings/war/updates/{item.id}", "/briefings/war/changes?since=0"]
    one, other = make_app().test_client(), make_app().test_client()
    for path in paths:
        first = one.get(path)
        assert other.get(path).headers["ETag"] == first.headers["ETag"]
        # The other process answers 304 without having rendered the page.
        revalidated = other.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert revalidated.status_code == 304 and revalidated.data == b""
        since = other.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304


def test_every_page_and_every_version_has_its_own_etag(app, client, briefing, make_update):
    item = make_update(briefing, body="One.")
    paths = [*READER_PATHS, f"/briefings/war/updates/{item.id}", "/briefings/war/changes?since=0"]
    before = [client.get(path).headers["ETag"] for path in paths]
    assert len(set(before)) == len(paths)
    make_update(briefing, body="Two.")
    after = [client.get(path).headers["ETag"] for path in paths]
    assert not set(before) & set(after)


def copy_site(tmp_path: Path) -> Flask:
    for folder in ("templates", "static"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    app = Flask("copy", root_path=str(tmp_path), template_folder="templates")
    app.config.update(SITE_URL="https://news.example.org", SITE_NAME="Briefing")
    return app


def test_deploy_identity_is_stable_and_moves_with_templates_static_files_and_settings(
    tmp_path,
):
    site = copy_site(tmp_path)
    identity = deploy_identity(site)
    assert deploy_identity(site) == identity
    template = tmp_path / "templates" / "_update.html"
    template.write_text(template.read_text() + "\n")
    after_template = deploy_identity(site)
    assert after_template != identity
    (tmp_path / "static" / "css" / "site.css").write_text("body { color: red }")
    after_static = deploy_identity(site)
    assert after_static not in (identity, after_template)
    site.config["SITE_NAME"] = "Other"
    assert deploy_identity(site) not in (identity, after_template, after_static)


def page(body: bytes) -> CachedPage:
    return CachedPage(body, "etag", None, ())


def test_the_cache_keeps_within_its_byte_budget_dropping_the_least_recently_used():
    cache = PageCache(max_bytes=100)
    for name in ("a", "b"):
        cache.get_or_render(name, 1, lambda: page(b"x" * 40))
    assert cache.get("a", 1) is not None  # "a" is now the most recently used
    cache.get_or_render("c", 1, lambda: page(b"x" * 40))
    assert cache.size == 80 and len(cache) == 2
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) is not None and cache.get("c", 1) is not None
    # A new version replaces the old one in place, without scanning anything.
    cache.get_or_render("a", 2, lambda: page(b"y" * 10))
    assert cache.get("a", 1) is None and cache.get("a", 2).body == b"y" * 10
    assert cache.size == 50
    # A page bigger than the whole budget is served but not kept.
    big = cache.get_or_render("d", 1, lambda: page(b"z" * 101))
    assert big.body == b"z" * 101 and cache.get("d", 1) is None and cache.size == 50


def test_concurrent_misses_for_one_page_render_it_once(app, server, briefing, make_update):
    for n in range(20):
        make_update(briefing, body=f"Update {n}.")
    host, port = server
    start = threading.Barrier(16)
    bodies: list[bytes] = []

    def read() -> None:
        start.wait()
        with urllib.request.urlopen(f"http://{host}:{port}/briefings/war", timeout=30) as r:
            bodies.append(r.read())

    threads = [threading.Thread(target=read) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(bodies) == 16 and len(set(bodies)) == 1
    assert renders(app) == 1


GEVENT_COALESCING = """
from gevent import monkey
monkey.patch_all()
import gevent
from briefing.web.caching import CachedPage, PageCache

cache = PageCache(max_bytes=1 << 20)
calls = []

def render():
    calls.append(1)
    gevent.sleep(0.05)  # yields to the other greenlets mid-render, as a query would
    return CachedPage(b"page", "etag", None, ())

jobs = [gevent.spawn(cache.get_or_render, "page", 1, render) for _ in range(50)]
gevent.joinall(jobs, raise_error=True)
assert {job.value.body for job in jobs} == {b"page"}
print(len(calls), cache.renders)
"""


def test_concurrent_misses_render_once_under_gevent_too():
    result = subprocess.run(
        [sys.executable, "-c", GEVENT_COALESCING],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1"]


def test_a_failed_render_fails_every_waiter_and_stores_nothing():
    cache = PageCache(max_bytes=1000)
    inside, release = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def render() -> CachedPage:
        inside.set()
        release.wait(10)
        raise LookupError("gone")

    def ask() -> None:
        try:
            cache.get_or_render("page", 1, render)
        except LookupError:
            outcomes.append("raised")

    first = threading.Thread(target=ask)
    first.start()
    inside.wait(10)
    waiters = [threading.Thread(target=ask) for _ in range(3)]
    for thread in waiters:
        thread.start()
    release.set()
    for thread in [first, *waiters]:
        thread.join()
    assert outcomes == ["raised"] * 4
    assert cache.renders == 1 and len(cache) == 0


def test_a_page_that_reads_the_session_is_neither_stored_nor_validated(app, client):
    def personal() -> str:
        return f"Hello {session.get('name', 'reader')}"

    app.add_url_rule(
        "/personal",
        "personal",
        lambda: cached("test", "personal", 1, personal, last_modified=None),
    )
    with client.session_transaction() as held:
        held["name"] = "Olena"
    response = client.get("/personal")
    assert response.data == b"Hello Olena"
    assert "ETag" not in response.headers
    assert "private" in response.headers["Cache-Control"]
    assert len(app.extensions["briefing.pages"].cache) == 0


def test_time_labels_hold_for_one_local_day():
    # Kyiv is UTC+2 in November: its day turns at 22:00 UTC.
    before = reader_day(datetime(2026, 11, 20, 21, 59, tzinfo=UTC), "Europe/Kyiv")
    after = reader_day(datetime(2026, 11, 20, 22, 0, tzinfo=UTC), "Europe/Kyiv")
    assert before == ("2026-11-20", datetime(2026, 11, 19, 22, 0, tzinfo=UTC))
    assert after == ("2026-11-21", datetime(2026, 11, 20, 22, 0, tzinfo=UTC))
    # Kathmandu is UTC+5:45: its midnight is 18:15 UTC, on a quarter hour like every zone's.
    nepal = reader_day(datetime(2026, 11, 20, 18, 15, tzinfo=UTC), "Asia/Kathmandu")
    assert nepal == ("2026-11-21", datetime(2026, 11, 20, 18, 15, tzinfo=UTC))
    assert (
        reader_slot(datetime(2026, 11, 20, 18, 14, 59, tzinfo=UTC))[0]
        != (reader_slot(datetime(2026, 11, 20, 18, 15, tzinfo=UTC))[0])
    )
    assert reader_slot(datetime(2026, 11, 20, 18, 15, tzinfo=UTC))[1] == datetime(
        2026, 11, 20, 18, 15, tzinfo=UTC
    )
    for zone in ("Europe/Kyiv", "Asia/Kathmandu", "America/St_Johns"):
        assert reader_today(zone) == reader_day(utcnow(), zone)[0]


@pytest.mark.parametrize("path", READER_PATHS)
def test_reader_pages_set_no_cookie_and_do_not_vary_by_viewer(client, briefing, path):
    response = client.get(path, headers={"Accept-Language": "uk"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_a_new_version_of_the_page_renders_only_what_changed(app, client, briefing, make_update):
    for n in range(5):
        make_update(briefing, body=f"Update {n}.", key_event=n % 2 == 0)
    client.get("/briefings/war")
    fragments = app.extensions["briefing.fragments"]
    rendered = fragments.renders
    newest = make_update(briefing, body="Newest.")
    ids = update_ids(client.get("/briefings/war"))
    assert ids[0] == str(newest.id) and len(ids) == 6
    assert fragments.renders == rendered + 2  # the new update: its markup, its BlogPosting


def test_marking_a_key_event_shows_in_the_update_and_the_list(
    app, client, briefing, make_update, editor
):
    item = make_update(briefing, body="Plain.")
    client.get("/briefings/war")
    update_service.set_key_event(item, actor=editor, key_event=True)
    doc = lxml.html.fromstring(client.get("/briefings/war").data)
    assert doc.xpath(f"//article[@id='update-{item.id}']/@class")[0].split() == [
        "update",
        "update--key",
    ]
    assert doc.xpath("//li[@class='key-events__item']/@data-update-id") == [str(item.id)]
    update_service.set_key_event(item, actor=editor, key_event=False)
    doc = lxml.html.fromstring(client.get("/briefings/war").data)
    assert doc.xpath(f"//article[@id='update-{item.id}']/@class") == ["update"]
    assert doc.xpath("//li[@class='key-events__item']") == []


def credit_lines(client, path: str) -> list[str]:
    doc = lxml.html.fromstring(client.get(path).data)
    return [p.text_content() for p in doc.xpath("//p[@class='update__credit']")]


def test_a_renamed_source_shows_on_every_page_that_credits_it(
    app, client, briefing, make_update, admin
):
    item = make_update(briefing, body="Strikes overnight.", sources=["reuters"])
    make_update(briefing, body="Later.")
    permalink = f"/briefings/war/updates/{item.id}"
    assert credit_lines(client, "/briefings/war") == ["With reporting by Reuters"]
    assert credit_lines(client, permalink) == ["With reporting by Reuters"]
    reuters = source_service.source_by_slug("reuters")
    source_service.change_source(
        reuters, actor=admin, name="Thomson Reuters", url="https://www.reuters.com/"
    )
    assert credit_lines(client, "/briefings/war") == ["With reporting by Thomson Reuters"]
    assert credit_lines(client, permalink) == ["With reporting by Thomson Reuters"]
    footer = lxml.html.fromstring(client.get("/briefings/war").data).xpath("//p[@class='credits']")
    assert "Thomson Reuters" in footer[0].text_content()


def bylines(client, path: str) -> list[str]:
    doc = lxml.html.fromstring(client.get(path).data)
    return [p.text_content() for p in doc.xpath("//p[@class='update__byline']")]


def test_a_changed_byline_shows_in_updates_rendered_before_it(
    app, client, briefing, make_update, editor
):
    make_update(briefing, body="Before the rename.")
    assert bylines(client, "/briefings/war") == ["Olena Editor"]
    editor.display_name = "Olena Kovalenko"
    db.session.commit()
    make_update(briefing, body="After it.")  # any change moves the page's version
    assert bylines(client, "/briefings/war") == ["Olena Kovalenko"] * 2


def test_pages_load_only_the_updates_whose_markup_is_not_kept(
    app, client, briefing, make_update, count_queries
):
    for n in range(5):
        make_update(briefing, body=f"Update {n}.", sources=["afp"])
    first = client.get("/briefings/war").data
    app.extensions["briefing.pages"].cache.clear()
    # Every piece is kept: the page is made again from them, with the same bytes, and no
    # update is loaded in full (no statement reads the update's body).
    with count_queries() as queries:
        again = client.get("/briefings/war").data
    assert again == first
    assert not [q for q in queries.statements if "body_html" in q]


def test_a_page_whose_pieces_do_not_all_fit_is_whole_and_right(app, client, briefing, make_update):
    items = [make_update(briefing, body=f"Update {n}.", sources=["ap"]) for n in range(8)]
    # Room for a few pieces only: each is dropped again before the page asks for it.
    app.extensions["briefing.fragments"].max_bytes = 3000
    page = client.get("/briefings/war")
    assert update_ids(page) == [str(item.id) for item in reversed(items)]
    doc = lxml.html.fromstring(page.data)
    assert len(doc.xpath("//p[@class='update__credit']")) == 8
    structured = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert [post["articleBody"] for post in structured["liveBlogUpdate"]] == [
        f"Update {n}." for n in reversed(range(8))
    ]
