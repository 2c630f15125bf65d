"""Atom 1.0: read by feedparser, checked element by element against RFC 4287 §4 and RFC 6721,
and validated against the RFC's own RELAX NG schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from sqlalchemy import update as sql_update

from briefing.extensions import db
from briefing.models import BriefingStatus, Update
from briefing.models.base import utcnow
from briefing.services import briefings as briefing_service
from briefing.services import updates as update_service
from tests.feeds.conftest import ATOM, SITE, TOMBSTONES

BASE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def one(parent, tag):
    found = parent.findall(f"{ATOM}{tag}")
    assert len(found) == 1, f"{parent.tag} has {len(found)} <{tag}>, RFC 4287 wants exactly one"
    return found[0]


def test_atom_feed_has_every_element_rfc_4287_requires(feed, briefing, make_update):
    make_update(briefing, headline="Talks resume", body="Delegations met.", sources=["reuters"])
    make_update(briefing, body="Sirens in Kyiv.")
    root = feed("/briefings/war/feed.atom").xml

    assert root.tag == f"{ATOM}feed"
    assert one(root, "id").text.startswith("tag:")
    assert one(root, "title").text == "War in Ukraine: live"
    assert when(one(root, "updated").text).tzinfo is not None
    # atom:feed MUST have an author unless every entry has one; it has one anyway: the site.
    assert [a.findtext(f"{ATOM}name") for a in root.findall(f"{ATOM}author")] == ["Briefing"]
    links = {(ln.get("rel"), ln.get("type")): ln.get("href") for ln in root.findall(f"{ATOM}link")}
    assert links[("self", "application/atom+xml")] == f"{SITE}/briefings/war/feed.atom"
    assert links[("alternate", "text/html")] == f"{SITE}/briefings/war"
    assert links[("alternate", "application/rss+xml")] == f"{SITE}/briefings/war/feed.rss"
    assert links[("alternate", "application/feed+json")] == f"{SITE}/briefings/war/feed.json"
    alternates = [(rel, kind) for rel, kind in links if rel == "alternate"]
    assert len(alternates) == len(set(alternates)), "one alternate link per type"

    for tag in ("generator", "icon", "logo", "rights", "subtitle"):
        assert len(root.findall(f"{ATOM}{tag}")) <= 1, f"more than one <{tag}>"

    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        assert one(entry, "id").text.startswith("tag:")
        assert one(entry, "title").text
        assert when(one(entry, "updated").text).tzinfo is not None
        assert when(one(entry, "published").text).tzinfo is not None
        assert one(entry, "author").findtext(f"{ATOM}name") == "Olena Editor"
        content = one(entry, "content")
        assert content.get("type") == "html" and content.text
        link = one(entry, "link")
        assert (link.get("rel"), link.get("type")) == ("alternate", "text/html")
        for tag in ("published", "rights", "source", "summary"):
            assert len(entry.findall(f"{ATOM}{tag}")) <= 1, f"more than one <{tag}>"


def test_atom_entries_carry_id_title_permalink_dates_author_and_contributors(
    feed, briefing, make_update
):
    older = make_update(
        briefing,
        headline="Strike on power plant",
        body="A *plant* was hit.",
        sources=["reuters", "afp"],
        published_at=BASE,
    )
    newer = make_update(
        briefing,
        body="Sirens sounded in Kyiv.",
        sources=["ukrinform"],
        published_at=BASE + timedelta(minutes=5),
    )

    fetched = feed("/briefings/war/feed.atom")
    assert fetched.parsed.version == "atom10"
    assert fetched.feed.title == "War in Ukraine: live"
    assert fetched.feed.id == f"tag:briefing.invalid,2026:briefing/{briefing.id}"
    assert [e.id for e in fetched.entries] == [
        f"tag:briefing.invalid,2026:update/{newer.id}",
        f"tag:briefing.invalid,2026:update/{older.id}",
    ]
    first, second = fetched.entries
    assert first.title == "Sirens sounded in Kyiv."  # no headline: the body's own words
    assert second.title == "Strike on power plant"
    assert second.link == f"{SITE}/briefings/war/updates/{older.id}"
    assert when(second.published) == BASE
    assert when(second.updated) == BASE
    assert when(first.published) == BASE + timedelta(minutes=5)
    assert second.author == "Olena Editor"
    assert [(c.name, c.href) for c in second.contributors] == [
        ("Reuters", "https://www.reuters.com/"),
        ("AFP", "https://www.afp.com/"),
    ]
    assert [(c.name, c.href) for c in first.contributors] == [
        ("Ukrinform", "https://www.ukrinform.net/")
    ]


def test_atom_content_is_sanitized_html_with_absolute_urls_ending_with_the_credit_line(
    feed, briefing, make_update
):
    item = make_update(
        briefing,
        body=(
            "See [the map](/maps/kyiv), [notes](notes.html), [above](#top) and "
            "[the agency](https://example.org/report). ![A photo](/img/plant.jpg)\n\n"
            "<script>alert(1)</script>"
        ),
        sources=["reuters", "afp", "ap"],
    )
    entry = feed("/briefings/war/feed.atom").entries[0]
    fragment = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")

    hrefs = fragment.xpath(".//a/@href")
    assert hrefs == [
        f"{SITE}/maps/kyiv",
        f"{SITE}/briefings/war/updates/notes.html",
        f"{SITE}/briefings/war/updates/{item.id}#top",
        "https://example.org/report",
        # Not one of our photos: a link, never an <img> (SPEC §11).
        f"{SITE}/img/plant.jpg",
    ]
    assert fragment.xpath(".//img") == []
    assert not fragment.xpath(".//script")
    paragraphs = fragment.xpath("./p")
    assert paragraphs[-1].text_content() == "With reporting by Reuters, AFP and AP"


def test_atom_feed_rights_name_every_agency_used_in_the_briefing(feed, briefing, make_update):
    make_update(briefing, body="One.", sources=["reuters", "dpa"])
    make_update(briefing, body="Two.", sources=["afp"])
    make_update(briefing, body="Three.")
    assert feed("/briefings/war/feed.atom").feed.rights == (
        "© Briefing. With reporting by AFP, dpa and Reuters."
    )


def test_key_events_are_marked_with_a_category(feed, briefing, make_update):
    make_update(briefing, body="Ordinary.")
    make_update(briefing, headline="Ceasefire agreed", body="Both sides agreed.", key_event=True)
    key, ordinary = feed("/briefings/war/feed.atom").entries
    assert [(t.term, t.label, t.scheme) for t in key.tags] == [
        ("key-event", "Key event", "tag:briefing.invalid,2026:category")
    ]
    assert "tags" not in ordinary


def test_entry_without_headline_is_titled_with_a_clean_excerpt(
    feed, briefing, make_update, make_media
):
    body = (
        "**Explosions** were heard in [Kyiv](https://example.org/kyiv) as air defences engaged "
        "targets over the city, and residents reported power cuts on both banks of the river."
    )
    make_update(briefing, body=body)
    photo = make_media(caption="", credit="")
    make_update(briefing, body=f"![A map of the front](/media/{photo.filename})")
    image_only, words = feed("/briefings/war/feed.atom").entries
    assert words.title == (
        "Explosions were heard in Kyiv as air defences engaged targets over the city, and…"
    )
    assert image_only.title.startswith("Update at ") and image_only.title.endswith("Kyiv time")


def test_retracted_updates_leave_the_feed_with_a_tombstone_for_48_hours(
    feed, app, editor, briefing, make_update
):
    kept = make_update(briefing, body="Confirmed.")
    recent = make_update(briefing, body="Unconfirmed report.")
    old = make_update(briefing, body="Old mistake.")
    draft = make_update(briefing, body="Never published.", status="draft")
    for item in (recent, old, draft):
        update_service.retract_update(item, actor=editor)
    db.session.execute(
        sql_update(Update)
        .where(Update.id == old.id)
        .values(deleted_at=utcnow() - timedelta(hours=49))
    )
    db.session.commit()

    fetched = feed("/briefings/war/feed.atom")
    assert [e.id for e in fetched.entries] == [f"tag:briefing.invalid,2026:update/{kept.id}"]
    tombstones = fetched.xml.findall(f"{TOMBSTONES}deleted-entry")
    assert [t.get("ref") for t in tombstones] == [f"tag:briefing.invalid,2026:update/{recent.id}"]
    assert abs(when(tombstones[0].get("when")) - recent.deleted_at) < timedelta(seconds=1)
    assert tombstones[0].findtext(f"{TOMBSTONES}comment") == "This update was retracted."


def test_atom_feeds_validate_against_the_rfc_4287_schema(
    client, app, editor, briefing, make_update, atom_schema_errors
):
    make_update(
        briefing, headline="Key", body="[Map](/m) & <b>bold</b>", sources=["ap"], key_event=True
    )
    gone = make_update(briefing, body="Retracted.", sources=["afp"])
    update_service.retract_update(gone, actor=editor)
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    empty = briefing_service.create_briefing(
        actor=editor, title="Quiet", status=BriefingStatus.LIVE
    )

    documents = [
        client.get(path).data
        for path in ("/briefings/war/feed.atom", f"/briefings/{empty.slug}/feed.atom", "/feed.atom")
    ]
    assert atom_schema_errors(*documents) == []


def test_the_schema_check_catches_an_invalid_feed(atom_schema_errors):
    """The validator is real: a feed without its id and with a bad date fails."""
    invalid = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>yesterday</updated><author><name>a</name></author></feed>"
    )
    errors = atom_schema_errors(invalid)
    assert any('"id"' in line for line in errors), errors
    assert any("updated" in line for line in errors), errors


FEED_HEAD = (
    b'<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:f</id><title>t</title>'
    b"<updated>2026-11-30T10:00:00Z</updated><author><name>a</name></author>"
)
ENTRY_HEAD = b"<entry><id>tag:x,2026:e</id><title>t</title><updated>2026-11-30T10:00:00Z</updated>"


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        (b'<link rel="alternate"/>', '"href"'),
        (b'<content type="xhtml">no wrapping div</content>', "content"),
        (b'<summary type="markdown">x</summary>', "type"),
        (b"<author><email>a@example.org</email></author>", '"name"'),
        (b'<link href="/a" hreflang="not a tag"/>', "hreflang"),
    ],
    ids=["link-without-href", "xhtml-without-div", "unknown-text-type", "nameless", "bad-lang"],
)
def test_the_schema_refuses_entries_rfc_4287_forbids(atom_schema_errors, entry, complaint):
    document = FEED_HEAD + ENTRY_HEAD + entry + b"</entry></feed>"
    errors = atom_schema_errors(document)
    assert any(complaint in line for line in errors), errors
