"""RSS 2.0: read by feedparser and checked element by element."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import lxml.html

from tests.feeds.conftest import ATOM, CONTENT, DC, SITE

BASE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_rss_channel_describes_the_briefing_and_credits_every_agency(feed, briefing, make_update):
    make_update(briefing, body="One.", sources=["reuters", "afp"])
    make_update(briefing, body="Two.", sources=["ap"])

    fetched = feed("/briefings/war/feed.rss")
    assert fetched.parsed.version == "rss20"
    assert fetched.feed.title == "War in Ukraine: live"
    assert fetched.feed.link == f"{SITE}/briefings/war"
    assert fetched.feed.subtitle == "Live coverage as the storm makes landfall."
    assert fetched.feed.language == "en"
    assert fetched.feed.rights == "© Briefing. With reporting by AFP, AP and Reuters."
    channel = fetched.xml.find("channel")
    self_link = channel.find(f"{ATOM}link")
    assert (self_link.get("rel"), self_link.get("href")) == (
        "self",
        f"{SITE}/briefings/war/feed.rss",
    )
    last_build = parsedate_to_datetime(channel.findtext("lastBuildDate"))
    assert last_build == briefing.changed_at.replace(microsecond=0)


def test_rss_items_carry_guid_title_link_date_summary_and_full_content(feed, briefing, make_update):
    item = make_update(
        briefing,
        headline="Strike on power plant",
        body="A *plant* was hit, officials said <b>&</b> more.\n\n[Map](/maps/1)",
        sources=["reuters", "afp"],
        published_at=BASE,
    )
    entry = feed("/briefings/war/feed.rss").entries[0]

    assert entry.id == f"tag:briefing.invalid,2026:update/{item.id}"
    assert entry.guidislink is False
    assert entry.title == "Strike on power plant"
    assert entry.link == f"{SITE}/briefings/war/updates/{item.id}"
    assert parsedate_to_datetime(entry.published) == BASE
    assert html.unescape(entry.summary) == "A plant was hit, officials said & more. Map"
    content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
    assert content.xpath(".//em/text()") == ["plant"]
    assert content.xpath(".//a/@href") == [f"{SITE}/maps/1"]
    assert content.xpath("./p")[-1].text_content() == "With reporting by Reuters and AFP"


def test_rss_names_the_editor_as_dc_creator_and_each_agency_as_dc_contributor(
    feed, briefing, make_update
):
    make_update(briefing, body="One.", sources=["reuters", "afp"], key_event=True)
    fetched = feed("/briefings/war/feed.rss")
    entry = fetched.entries[0]
    assert entry.author == "Olena Editor"
    assert [c.name for c in entry.contributors] == ["Reuters", "AFP"]

    item = fetched.xml.find("channel/item")
    assert item.find("author") is None, "RSS <author> needs an email we never publish"
    assert [e.text for e in item.findall(f"{DC}creator")] == ["Olena Editor"]
    assert [e.text for e in item.findall(f"{DC}contributor")] == ["Reuters", "AFP"]
    assert item.find(f"{CONTENT}encoded") is not None


def test_rss_categories_mark_key_events_and_name_sources_under_their_own_domain(
    feed, briefing, make_update
):
    make_update(briefing, body="One.", sources=["reuters", "interfax-ukraine"], key_event=True)
    entry = feed("/briefings/war/feed.rss").entries[0]
    assert [(t.term, t.scheme) for t in entry.tags] == [
        ("Key event", "tag:briefing.invalid,2026:category"),
        ("Reuters", "tag:briefing.invalid,2026:source"),
        ("Interfax-Ukraine", "tag:briefing.invalid,2026:source"),
    ]


def test_rss_items_come_newest_first(feed, briefing, make_update):
    items = [
        make_update(briefing, body=f"Item {n}.", published_at=BASE + timedelta(minutes=n))
        for n in (3, 1, 2)
    ]
    ids = [e.id.rsplit("/", 1)[1] for e in feed("/briefings/war/feed.rss").entries]
    assert ids == [str(items[0].id), str(items[2].id), str(items[1].id)]
