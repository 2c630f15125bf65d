"""The site-wide feeds: the newest updates across live and recently ended briefings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import html
from sqlalchemy import update as sql_update

from briefing.extensions import db
from briefing.models import Briefing, BriefingStatus
from briefing.models.base import utcnow
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from tests.feeds.conftest import SITE, TOMBSTONES

BASE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def test_site_feed_merges_the_newest_updates_of_live_and_recently_ended_briefings(
    feed, editor, make_briefing, make_update
):
    war = make_briefing(title="War", slug="war")
    storm = make_briefing(title="Storm", slug="storm")
    election = make_briefing(title="Election", slug="election")
    archive = make_briefing(title="Old story", slug="archive")
    make_update(war, body="War 1.", published_at=at(1))
    make_update(storm, body="Storm 1.", published_at=at(2))
    make_update(war, body="War 2.", published_at=at(4))
    make_update(election, body="Election 1.", published_at=at(3))
    make_update(archive, body="Archive 1.", published_at=at(5))
    briefing_service.change_briefing(election, actor=editor, status=BriefingStatus.ENDED)
    briefing_service.change_briefing(archive, actor=editor, status=BriefingStatus.ENDED)
    db.session.execute(
        sql_update(Briefing)
        .where(Briefing.id == archive.id)
        .values(ended_at=utcnow() - timedelta(days=31))
    )
    db.session.commit()

    fetched = feed("/feed.atom")
    assert fetched.feed.id == "tag:briefing.invalid,2026:site"
    assert fetched.feed.title == "Briefing: all briefings"
    assert fetched.feed.link == f"{SITE}/"
    assert [e.title for e in fetched.entries] == [
        "War — War 2.",
        "Election — Election 1.",
        "Storm — Storm 1.",
        "War — War 1.",
    ]
    # Each entry says which briefing it belongs to, and links into it.
    briefing_tags = [
        [(t.term, t.label) for t in e.tags if t.scheme.endswith(":briefing")]
        for e in fetched.entries
    ]
    assert briefing_tags == [
        [("war", "War")],
        [("election", "Election")],
        [("storm", "Storm")],
        [("war", "War")],
    ]
    assert fetched.entries[1].link.startswith(f"{SITE}/briefings/election/updates/")
    json_items = feed("/feed.json").json()["items"]
    assert [i["_briefing"]["briefing"]["url"] for i in json_items] == [
        f"{SITE}/briefings/{slug}" for slug in ("war", "election", "storm", "war")
    ]


def test_site_feed_keeps_the_newest_50(feed, make_briefing, make_update):
    first = make_briefing(title="First", slug="first")
    second = make_briefing(title="Second", slug="second")
    for n in range(40):
        make_update(first, body=f"First {n}.", published_at=at(2 * n))
        make_update(second, body=f"Second {n}.", published_at=at(2 * n + 1))
    entries = feed("/feed.rss").entries
    assert len(entries) == 50
    assert entries[0].title == "Second — Second 39." and entries[-1].title == "First — First 15."


def test_site_feed_changes_when_any_briefing_in_scope_changes(
    client, editor, make_briefing, make_update
):
    war = make_briefing(title="War", slug="war")
    storm = make_briefing(title="Storm", slug="storm")
    make_update(war, body="War 1.")
    item = make_update(storm, body="Storm 1.")
    etags = [client.get("/feed.atom").headers["ETag"]]
    update_service.edit_update(item, actor=editor, version=item.version, body="Storm 1, revised.")
    etags.append(client.get("/feed.atom").headers["ETag"])
    briefing_service.change_briefing(war, actor=editor, title="War, day 2")
    etags.append(client.get("/feed.atom").headers["ETag"])
    assert len(set(etags)) == 3


def test_site_feed_rights_tombstones_and_credits_cover_every_briefing_in_scope(
    feed, editor, make_briefing, make_update
):
    war = make_briefing(title="War", slug="war")
    storm = make_briefing(title="Storm", slug="storm")
    make_update(war, body="War 1.", sources=["reuters"])
    make_update(storm, body="Storm 1.", sources=["efe", "afp"])
    wrong = make_update(storm, body="Wrong.", sources=["ap"])
    update_service.retract_update(wrong, actor=editor)

    fetched = feed("/feed.atom")
    assert fetched.feed.rights == "© Briefing. With reporting by AFP, EFE and Reuters."
    refs = [t.get("ref") for t in fetched.xml.findall(f"{TOMBSTONES}deleted-entry")]
    assert refs == [f"tag:briefing.invalid,2026:update/{wrong.id}"]
    assert [[c.name for c in e.contributors] for e in fetched.entries] == [
        ["EFE", "AFP"],
        ["Reuters"],
    ]
    assert [s["slug"] for s in feed("/feed.json").json()["_briefing"]["sources"]] == [
        "afp",
        "efe",
        "reuters",
    ]


def test_site_feed_of_an_empty_site_is_valid(feed):
    for fmt in ("rss", "atom", "json"):
        fetched = feed(f"/feed.{fmt}")
        assert fetched.entries == []


def test_the_index_and_the_site_feed_cover_the_same_briefings(
    client, feed, editor, make_briefing, make_update
):
    live = make_briefing(title="Live", slug="live")
    recent = make_briefing(title="Recently ended", slug="recent")
    old = make_briefing(title="Long ended", slug="old")
    make_briefing(title="Draft", slug="draft", status=BriefingStatus.DRAFT)
    for item in (live, recent, old):
        make_update(item, body=f"{item.title}.")
    for item in (recent, old):
        briefing_service.change_briefing(item, actor=editor, status=BriefingStatus.ENDED)
    for item, days in ((recent, 29), (old, 31)):
        db.session.execute(
            sql_update(Briefing)
            .where(Briefing.id == item.id)
            .values(ended_at=utcnow() - timedelta(days=days))
        )
    db.session.commit()

    index = html.fromstring(client.get("/").data)
    links = index.xpath("//main//a[starts-with(@href, '/briefings/')]")
    listed = {link.get("href") for link in links}
    in_feed = {e["_briefing"]["briefing"]["url"] for e in feed("/feed.json").json()["items"]}
    assert listed == {"/briefings/live", "/briefings/recent"}
    assert in_feed == {f"{SITE}{path}" for path in listed}


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_site_feed_entry_titles_name_their_briefing_and_briefing_feeds_do_not(
    feed, make_briefing, make_update, fmt
):
    war = make_briefing(title="War in Ukraine: live", slug="war")
    make_update(war, headline="Kyiv power restored", body="Crews worked overnight.")
    make_update(war, body="Sirens in **Odesa**, officials say.")
    site = feed(f"/feed.{fmt}")
    assert not site.parsed.bozo
    assert [e.title for e in site.entries] == [
        "War in Ukraine: live — Sirens in Odesa, officials say.",
        "War in Ukraine: live — Kyiv power restored",
    ]
    own = feed(f"/briefings/war/feed.{fmt}")
    assert [e.title for e in own.entries] == [
        "Sirens in Odesa, officials say.",
        "Kyiv power restored",
    ]
