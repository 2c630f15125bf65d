"""Series feeds and key-event feeds: every format read cleanly, Atom valid against RFC 4287's
schema, wire credit carried, cached per version with ETags and 304s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefing.models import BriefingStatus
from briefing.services import briefings as briefing_service
from briefing.services import series as series_service
from briefing.services import updates as update_service
from tests.feeds.conftest import ATOM, DC, SITE, TOMBSTONES

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)
FORMATS = ("rss", "atom", "json")
SERIES_FEEDS = ("/series/ukraine/feed", "/series/ukraine/key-events")


@pytest.fixture
def editions(make_series, make_briefing, make_update):
    make_series(slug="ukraine")
    first = make_briefing(title="Day 1", slug="day-1", series="ukraine", opened_at=START)
    second = make_briefing(title="Day 2", slug="day-2", series="ukraine", opened_at=START + DAY)
    draft = make_briefing(
        title="Day 3", slug="day-3", series="ukraine", status=BriefingStatus.DRAFT
    )
    make_update(first, headline="Talks in Istanbul", key_event=True, sources=["reuters"])
    make_update(first, headline="Shelling overnight", sources=["afp"])
    make_update(second, headline="Grain deal signed", key_event=True, sources=["ap"])
    make_update(draft, headline="Not yet public", key_event=True)
    return first, second


def titles(fetched):
    return [entry.title for entry in fetched.entries]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_series_feed_carries_the_updates_of_its_public_editions(feed, editions, fmt):
    fetched = feed(f"/series/ukraine/feed.{fmt}")
    assert titles(fetched) == ["Grain deal signed", "Shelling overnight", "Talks in Istanbul"]
    assert fetched.feed.title == "Russia's Invasion of Ukraine"


@pytest.mark.parametrize("fmt", FORMATS)
def test_key_event_feeds_carry_key_events_only(feed, editions, fmt):
    assert titles(feed(f"/briefings/day-1/key-events.{fmt}")) == ["Talks in Istanbul"]
    assert titles(feed(f"/series/ukraine/key-events.{fmt}")) == [
        "Grain deal signed",
        "Talks in Istanbul",
    ]


def test_every_new_feed_is_valid_atom(client, editions, atom_schema_errors):
    paths = [*SERIES_FEEDS, "/briefings/day-1/key-events"]
    documents = [client.get(f"{path}.atom").data for path in paths]
    assert atom_schema_errors(*documents) == []


def test_series_atom_names_itself_its_page_and_its_credits(feed, editions):
    root = feed("/series/ukraine/key-events.atom").xml
    links = {(ln.get("rel"), ln.get("type")): ln.get("href") for ln in root.findall(f"{ATOM}link")}
    assert links[("self", "application/atom+xml")] == f"{SITE}/series/ukraine/key-events.atom"
    assert links[("alternate", "text/html")] == f"{SITE}/series/ukraine"
    assert links[("alternate", "application/feed+json")] == f"{SITE}/series/ukraine/key-events.json"
    ids = {root.findtext(f"{ATOM}id"), feed("/series/ukraine/feed.atom").xml.findtext(f"{ATOM}id")}
    assert len(ids) == 2, "the key-events feed has an id of its own"
    entry = root.findall(f"{ATOM}entry")[0]
    assert [c.findtext(f"{ATOM}name") for c in entry.findall(f"{ATOM}contributor")] == ["AP"]
    assert "With reporting by AP" in entry.findtext(f"{ATOM}content")
    assert "AP" in root.findtext(f"{ATOM}rights") and "Reuters" in root.findtext(f"{ATOM}rights")


def test_rss_key_events_credit_their_sources(feed, editions):
    item = feed("/briefings/day-1/key-events.rss").xml.find("channel/item")
    assert item.findtext(f"{DC}contributor") == "Reuters"


@pytest.mark.parametrize("path", [*SERIES_FEEDS, "/briefings/day-2/key-events"])
def test_new_feeds_answer_304_until_an_edition_changes(client, editions, editor, path):
    url = f"{path}.atom"
    first = client.get(url)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    update_service.create_update(editions[1], actor=editor, body="Sirens.", key_event=True)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_warm_series_feed_builds_nothing(app, client, editions):
    client.get("/series/ukraine/feed.json")
    builds = app.extensions["briefing.feeds"].cache.builds
    client.get("/series/ukraine/feed.json")
    assert app.extensions["briefing.feeds"].cache.builds == builds


def test_the_series_feed_follows_the_next_edition(feed, editions, editor):
    opened = briefing_service.next_edition(series_service.series_by_slug("ukraine"), actor=editor)
    update_service.create_update(opened, actor=editor, headline="Day 3 begins", body="Morning.")
    assert titles(feed("/series/ukraine/feed.rss"))[0] == "Day 3 begins"


@pytest.mark.parametrize(
    "path",
    ["/series/nope/feed.rss", "/series/nope/key-events.json", "/briefings/day-3/key-events.atom"],
)
def test_unknown_series_and_draft_briefings_have_no_feeds(client, editions, path):
    assert client.get(path).status_code == 404


def test_a_retracted_key_event_leaves_a_tombstone_in_the_key_event_feed(
    feed, editions, editor, make_update
):
    gone = make_update(editions[1], headline="Wrong", key_event=True)
    update_service.retract_update(gone, actor=editor)
    root = feed("/briefings/day-2/key-events.atom").xml
    refs = [t.get("ref") for t in root.findall(f"{TOMBSTONES}deleted-entry")]
    assert [ref.rsplit(":", 1)[1] for ref in refs] == [f"update/{gone.id}"]
