"""The series page, the editions' previous/next/series links and JSON-LD, the index's
grouping, and page caching that keeps the links current when the next edition opens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from briefing.models import BriefingStatus
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    return lxml.html.fromstring(response.data)


def texts(doc, xpath):
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def renders(app):
    return app.extensions["briefing.pages"].cache.renders


@pytest.fixture
def editions(make_series, make_briefing, make_update):
    """A series of two editions a day apart, each with a key event, and a draft."""
    make_series(slug="ukraine", description="One briefing a day.")
    first = make_briefing(title="Day 1", slug="day-1", series="ukraine", opened_at=START)
    second = make_briefing(title="Day 2", slug="day-2", series="ukraine", opened_at=START + DAY)
    make_briefing(title="Day 3", slug="day-3", series="ukraine", status=BriefingStatus.DRAFT)
    make_update(first, headline="Talks in Istanbul", key_event=True)
    make_update(first, headline="Not a key event")
    make_update(second, headline="Grain deal signed", key_event=True)
    return first, second


def test_series_page_lists_editions_newest_first_with_their_key_events(client, editions):
    doc = page(client, "/series/ukraine")
    assert texts(doc, "//h1") == ["Russia's Invasion of Ukraine"]
    assert texts(doc, "//li[@class='edition']/h2") == ["Day 2", "Day 1"]
    assert doc.xpath("//li[@class='edition']/h2/a/@href") == [
        "/briefings/day-2",
        "/briefings/day-1",
    ]
    key_events = [
        texts(edition, ".//li[@class='key-events__item']//span")
        for edition in doc.xpath("//li[@class='edition']")
    ]
    assert key_events == [["Grain deal signed"], ["Talks in Istanbul"]]
    assert "Day 3" not in doc.text_content()
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["@type"] == "CreativeWorkSeries" and data["description"] == "One briefing a day."


def test_series_page_links_its_feeds_for_autodiscovery(client, editions):
    doc = page(client, "/series/ukraine")
    links = doc.xpath("//head/link[@rel='alternate']/@href")
    for kind in ("feed", "key-events"):
        for fmt in ("rss", "atom", "json"):
            assert f"/series/ukraine/{kind}.{fmt}" in links


def test_unknown_series_is_a_404_page(client):
    response = client.get("/series/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_series_without_public_editions_says_so(client, make_series):
    make_series(slug="empty")
    assert texts(page(client, "/series/empty"), "//p[@class='empty']")


def test_each_edition_links_to_its_neighbours_and_its_series(client, editions):
    nav = "//nav[@class='edition-nav']"
    first = page(client, "/briefings/day-1")
    assert first.xpath(f"{nav}//a[@rel='next']/@href") == ["/briefings/day-2"]
    assert not first.xpath(f"{nav}//a[@rel='prev']")
    assert "/series/ukraine" in first.xpath(f"{nav}//a/@href")
    second = page(client, "/briefings/day-2")
    assert second.xpath(f"{nav}//a[@rel='prev']/@href") == ["/briefings/day-1"]
    assert not second.xpath(f"{nav}//a[@rel='next']"), "the draft is no next edition"
    (key_event,) = second.xpath("//li[@class='key-events__item']/@data-update-id")
    permalink = page(client, f"/briefings/day-2/updates/{key_event}")
    assert permalink.xpath(f"{nav}//a[@rel='prev']/@href") == ["/briefings/day-1"]


def test_editions_declare_their_series_in_json_ld(client, editions, briefing):
    doc = page(client, "/briefings/day-1")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["isPartOf"]["@type"] == "CreativeWorkSeries"
    assert data["isPartOf"]["url"].endswith("/series/ukraine")
    alone = json.loads(
        page(client, "/briefings/war").xpath("//script[@type='application/ld+json']")[0].text
    )
    assert "isPartOf" not in alone


def test_edition_pages_link_the_key_event_feeds(client, editions):
    doc = page(client, "/briefings/day-1")
    links = doc.xpath("//head/link[@rel='alternate']/@href")
    assert {f"/briefings/day-1/key-events.{fmt}" for fmt in ("rss", "atom", "json")} <= set(links)


def test_the_index_shows_a_series_once_by_its_current_edition(client, editions, briefing):
    doc = page(client, "/")
    titles = texts(doc, "//span[@class='briefing-card__title']")
    assert "Day 2" in titles and "Day 1" not in titles and "War in Ukraine: live" in titles
    card = doc.xpath("//li[.//span[@class='briefing-card__title'][.='Day 2']]")[0]
    assert card.xpath(".//p[@class='briefing-card__series']/a/@href") == ["/series/ukraine"]


def test_a_renamed_series_shows_on_the_cached_index_at_once(client, editions, editor):
    etag = client.get("/").headers["ETag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    series_service.change_series(
        series_service.series_by_slug("ukraine"), actor=editor, title="War in Ukraine"
    )
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.data)
    assert texts(doc, "//p[@class='briefing-card__series']") == [
        "The current edition of War in Ukraine. All editions"
    ]


def test_opening_the_next_edition_refreshes_cached_pages_of_the_series(
    app, client, editions, editor
):
    first, second = editions
    assert not page(client, "/briefings/day-2").xpath("//a[@rel='next']")
    page(client, "/series/ukraine")
    opened = briefing_service.next_edition(series_service.series_by_slug("ukraine"), actor=editor)
    assert page(client, "/briefings/day-2").xpath(
        "//nav[@class='edition-nav']//a[@rel='next']/@href"
    ) == [f"/briefings/{opened.slug}"]
    assert texts(page(client, "/series/ukraine"), "//li[@class='edition']/h2")[0] == opened.title
    # Day 1's page names Day 2 as its next, unchanged: its bytes were not thrown away.
    page(client, "/briefings/day-1")
    before = renders(app)
    page(client, "/briefings/day-1")
    assert renders(app) == before


def test_an_update_in_one_edition_does_not_re_render_the_others(app, client, editions, make_update):
    first, second = editions
    page(client, "/briefings/day-1")
    before = renders(app)
    make_update(second, body="More news.")
    page(client, "/briefings/day-1")
    assert renders(app) == before
    etag = client.get("/series/ukraine").headers["ETag"]
    make_update(second, body="Even more.", key_event=True)
    assert client.get("/series/ukraine", headers={"If-None-Match": etag}).status_code == 200


def test_a_title_change_of_an_edition_reaches_its_neighbours_pages(client, editions, editor):
    first, second = editions
    assert "Day 2" in texts(page(client, "/briefings/day-1"), "//a[@rel='next']")[0]
    briefing_service.change_briefing(second, actor=editor, title="Day two")
    assert "Day two" in texts(page(client, "/briefings/day-1"), "//a[@rel='next']")[0]


def test_series_titles_are_text_not_markup(client, make_series, make_briefing):
    make_series(slug="odd", title="War <b>now</b>")
    make_briefing(slug="odd-1", series="odd")
    for path in ("/", "/briefings/odd-1", "/series/odd"):
        doc = page(client, path)
        assert not doc.xpath("//main//b"), path
        assert "War <b>now</b>" in doc.xpath("string(//main)"), path
