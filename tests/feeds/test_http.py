"""Feeds over HTTP: media types, validators, 304s, caching, and what a warm request costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from werkzeug.http import http_date, parse_date

from briefing import create_app
from briefing.extensions import db
from briefing.models import BriefingStatus, UpdateStatus
from briefing.services import briefings as briefing_service
from briefing.services import feed_queries
from briefing.services import updates as update_service
from tests.conftest import base_config
from tests.feeds.conftest import fetch

BASE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
FEEDS = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
PATHS = [f"/briefings/war/feed.{fmt}" for fmt in FEEDS] + [f"/feed.{fmt}" for fmt in FEEDS]


def builds(app) -> int:
    return app.extensions["briefing.feeds"].cache.builds


@pytest.mark.parametrize("fmt", list(FEEDS))
def test_feeds_are_served_with_their_media_type_validators_and_caching(
    client, briefing, make_update, fmt
):
    make_update(briefing, body="One.")
    for path in (f"/briefings/war/feed.{fmt}", f"/feed.{fmt}"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == FEEDS[fmt]
        assert response.headers["Cache-Control"] == "public, max-age=30"
        assert response.get_etag()[0].startswith(f"{fmt}-")
        assert response.headers["Last-Modified"] == http_date(briefing.changed_at)
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PATHS)
def test_conditional_get_answers_304_with_an_empty_body(client, briefing, make_update, path):
    make_update(briefing, body="One.")
    first = client.get(path)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"something-else", {etag}'},
        {"If-None-Match": f"W/{etag}"},  # weak comparison, as RFC 9110 says for GET
        {"If-Modified-Since": last_modified},
    ):
        again = client.get(path, headers=headers)
        assert again.status_code == 304, headers
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=30"
        assert "Content-Type" not in again.headers

    stale = {"If-None-Match": '"atom-v1-0000000000000000"', "If-Modified-Since": last_modified}
    assert client.get(path, headers=stale).status_code == 200, "If-None-Match wins"
    earlier = http_date(parse_date(last_modified) - timedelta(seconds=1))
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200


def test_an_edit_changes_the_etag_and_moves_the_entry_updated_time_but_keeps_its_id(
    client, editor, briefing, make_update
):
    item = make_update(briefing, body="Three dead.", sources=["reuters"], published_at=BASE)
    before = {fmt: fetch(client, f"/briefings/war/feed.{fmt}") for fmt in FEEDS}

    update_service.edit_update(item, actor=editor, version=item.version, body="Four dead.")
    after = {fmt: fetch(client, f"/briefings/war/feed.{fmt}") for fmt in FEEDS}

    for fmt in FEEDS:
        assert after[fmt].response.headers["ETag"] != before[fmt].response.headers["ETag"]
        old = before[fmt].response.headers["ETag"]
        assert (
            client.get(f"/briefings/war/feed.{fmt}", headers={"If-None-Match": old}).status_code
            == 200
        )
        assert after[fmt].entries[0].id == before[fmt].entries[0].id
    atom_before, atom_after = before["atom"].entries[0], after["atom"].entries[0]
    assert datetime.fromisoformat(atom_before.updated) == BASE
    assert datetime.fromisoformat(atom_after.updated) == item.edited_at > BASE
    assert datetime.fromisoformat(atom_after.published) == BASE
    content = lxml.html.fragment_fromstring(atom_after.content[0].value, create_parent="div")
    assert [p.text_content() for p in content.xpath("./p")] == [
        "Four dead.",
        "With reporting by Reuters",
    ]
    json_after = after["json"].json()["items"][0]
    assert datetime.fromisoformat(json_after["date_modified"]) == item.edited_at
    assert datetime.fromisoformat(json_after["date_published"]) == BASE


def test_a_retraction_takes_the_entry_out_of_every_feed(client, editor, briefing, make_update):
    kept = make_update(briefing, body="Confirmed.")
    gone = make_update(briefing, body="Wrong.")
    before = {fmt: fetch(client, f"/briefings/war/feed.{fmt}") for fmt in FEEDS}
    update_service.retract_update(gone, actor=editor)
    for fmt in FEEDS:
        after = fetch(client, f"/briefings/war/feed.{fmt}")
        assert after.response.headers["ETag"] != before[fmt].response.headers["ETag"]
        assert [e.id for e in after.entries] == [f"tag:briefing.invalid,2026:update/{kept.id}"]


def test_a_warm_request_builds_nothing_and_runs_one_small_query(
    app, client, briefing, make_update, count_statements
):
    for n in range(5):
        make_update(briefing, body=f"Update {n}.", sources=["reuters"])
    for path in PATHS:
        cold = client.get(path)
        built = builds(app)
        with count_statements() as statements:
            warm = client.get(path)
        assert warm.data == cold.data
        assert builds(app) == built, f"{path}: a warm request built the feed again"
        assert len(statements) == 1, (path, statements)
        assert statements[0].startswith("SELECT") and "FROM briefings" in statements[0]
        with count_statements() as statements:
            not_modified = client.get(path, headers={"If-None-Match": cold.headers["ETag"]})
        assert not_modified.status_code == 304
        assert len(statements) == 1 and builds(app) == built


def test_the_statement_counter_sees_what_sqlalchemy_runs_too(app, briefing, count_statements):
    with count_statements() as statements:
        feed_queries.latest_published(briefing)
        db.session.commit()
    assert len(statements) >= 2  # the updates, then their sources and authors


def test_each_format_is_built_once_per_version(app, client, editor, briefing, make_update):
    item = make_update(briefing, body="One.")
    for _ in range(3):
        for fmt in FEEDS:
            client.get(f"/briefings/war/feed.{fmt}")
    assert builds(app) == 3
    update_service.edit_update(item, actor=editor, version=item.version, body="Two.")
    for _ in range(3):
        for fmt in FEEDS:
            client.get(f"/briefings/war/feed.{fmt}")
    assert builds(app) == 6


def test_draft_and_unknown_briefings_have_no_feeds(client, make_briefing, make_update):
    draft = make_briefing(title="Not yet", status=BriefingStatus.DRAFT)
    make_update(draft, body="Prepared.", status=UpdateStatus.DRAFT)
    for fmt in FEEDS:
        assert client.get(f"/briefings/{draft.slug}/feed.{fmt}").status_code == 404
        assert client.get(f"/briefings/nothing-here/feed.{fmt}").status_code == 404
    assert client.get("/briefings/war/feed.xml").status_code == 404
    assert client.get("/feed.html").status_code == 404


def test_drafts_never_reach_the_site_wide_feed(feed, briefing, make_briefing, make_update):
    make_update(briefing, body="Public.")
    make_update(briefing, body="Unpublished.", status=UpdateStatus.DRAFT)
    hidden = make_briefing(title="Embargoed", status=BriefingStatus.DRAFT)
    make_update(hidden, body="Embargoed.")
    titles = [e.title for e in feed("/feed.atom").entries]
    assert titles == [f"{briefing.title} — Public."]


def test_feed_max_age_is_configurable(make_app, app):
    configured = make_app(FEED_MAX_AGE=120).test_client()
    assert configured.get("/feed.atom").headers["Cache-Control"] == "public, max-age=120"


def test_entry_and_feed_ids_do_not_change_with_site_url(make_app, app, briefing, make_update):
    make_update(briefing, body="One.", sources=["afp"])
    seen = []
    for site in ("https://news.example.org", "https://www.example.com/live"):
        client = make_app(SITE_URL=site).test_client()
        fetched = fetch(client, "/briefings/war/feed.atom")
        assert fetched.entries[0].link.startswith(f"{site}/briefings/war/updates/")
        seen.append((fetched.feed.id, [e.id for e in fetched.entries]))
    assert seen[0] == seen[1]


def test_feed_tag_authority_must_be_a_tagging_entity(database_url):
    with pytest.raises(ValueError, match="FEED_TAG_AUTHORITY"):
        create_app({**base_config(database_url), "FEED_TAG_AUTHORITY": "https://example.org"})
    for good in ("news.example.org,2026", "desk@example.org,2026-11-01"):
        app = create_app({**base_config(database_url), "FEED_TAG_AUTHORITY": good})
        assert app.extensions["briefing.feeds"].site.tag("x") == f"tag:{good}:x"


def test_an_ended_briefing_keeps_its_feed_and_a_reopened_one_is_live_again(
    feed, editor, briefing, make_update
):
    make_update(briefing, body="One.")
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    assert feed("/briefings/war/feed.json").json()["expired"] is True
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.LIVE)
    reopened = feed("/briefings/war/feed.json").json()
    assert "expired" not in reopened and reopened["_briefing"]["status"] == "live"


def test_every_feed_a_page_announces_is_served_with_the_announced_type(
    client, briefing, make_update
):
    item = make_update(briefing, body="One.")
    for page in ("/", "/briefings/war", f"/briefings/war/updates/{item.id}"):
        head = lxml.html.fromstring(client.get(page).data).find("head")
        announced = [
            (link.get("href"), link.get("type")) for link in head.iterfind("link[@rel='alternate']")
        ]
        assert announced, page
        for href, media_type in announced:
            response = client.get(href)
            assert response.status_code == 200, (page, href)
            assert response.mimetype == media_type, (page, href)
    head = lxml.html.fromstring(client.get("/briefings/war").data).find("head")
    hrefs = {link.get("href") for link in head.iterfind("link[@rel='alternate']")}
    assert {f"/briefings/war/feed.{fmt}" for fmt in FEEDS} | {
        f"/feed.{fmt}" for fmt in FEEDS
    } <= hrefs
