"""JSON Feed 1.1: checked against the version's rules as a JSON Schema, field by field, and
read by feedparser."""

from __future__ import annotations

from datetime import UTC, datetime

import jsonschema
import lxml.html

from briefing.models import BriefingStatus
from briefing.services import briefings as briefing_service
from tests.feeds.conftest import SITE

BASE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

# https://jsonfeed.org/version/1.1, as a schema: what is required, the type of every field,
# and no top-level or item key that is neither in the spec nor an `_extension`.
_AUTHOR = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string"},
        "avatar": {"type": "string"},
    },
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
}
_STRING = {"type": "string"}
JSON_FEED_1_1 = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": _STRING,
        "home_page_url": _STRING,
        "feed_url": _STRING,
        "description": _STRING,
        "user_comment": _STRING,
        "next_url": _STRING,
        "icon": _STRING,
        "favicon": _STRING,
        "authors": {"type": "array", "items": _AUTHOR},
        "language": _STRING,
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": _STRING, "url": _STRING},
            },
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": _STRING,
                    "url": _STRING,
                    "external_url": _STRING,
                    "title": _STRING,
                    "content_html": _STRING,
                    "content_text": _STRING,
                    "summary": _STRING,
                    "image": _STRING,
                    "banner_image": _STRING,
                    "date_published": _STRING,
                    "date_modified": _STRING,
                    "authors": {"type": "array", "items": _AUTHOR},
                    "tags": {"type": "array", "items": _STRING},
                    "language": _STRING,
                    "attachments": {"type": "array"},
                },
                "patternProperties": {"^_": {"type": "object"}},
                "additionalProperties": False,
            },
        },
    },
    "patternProperties": {"^_": {"type": "object"}},
    "additionalProperties": False,
}


def rfc3339(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None, f"{value} has no offset"
    return moment


def test_json_feed_has_every_field_version_1_1_requires(feed, briefing, make_update):
    make_update(briefing, headline="Talks", body="Delegations met.", sources=["reuters"])
    make_update(briefing, body="Sirens.", key_event=True)
    document = feed("/briefings/war/feed.json").json()

    jsonschema.validate(document, JSON_FEED_1_1)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "War in Ukraine: live"
    assert document["home_page_url"] == f"{SITE}/briefings/war"
    assert document["feed_url"] == f"{SITE}/briefings/war/feed.json"
    assert document["description"] == "Live coverage as the storm makes landfall."
    assert document["authors"] == [{"name": "Briefing", "url": SITE}]
    assert document["language"] == "en"
    assert "expired" not in document and "hubs" not in document
    assert len(document["items"]) == 2


def test_json_feed_items_carry_ids_dates_authors_content_and_credit(feed, briefing, make_update):
    item = make_update(
        briefing,
        headline="Strike on power plant",
        body="A *plant* was hit. [Map](/maps/1)",
        sources=["reuters", "afp"],
        key_event=True,
        published_at=BASE,
    )
    entry = feed("/briefings/war/feed.json").json()["items"][0]

    assert entry["id"] == f"tag:briefing.invalid,2026:update/{item.id}"
    assert entry["url"] == f"{SITE}/briefings/war/updates/{item.id}"
    assert entry["title"] == "Strike on power plant"
    assert entry["summary"] == "A plant was hit. Map"
    assert rfc3339(entry["date_published"]) == BASE
    assert rfc3339(entry["date_modified"]) == BASE
    assert entry["authors"] == [{"name": "Olena Editor"}]
    assert entry["tags"] == ["Key event"]
    assert entry["language"] == "en"
    content = lxml.html.fragment_fromstring(entry["content_html"], create_parent="div")
    assert content.xpath(".//a/@href") == [f"{SITE}/maps/1"]
    assert content.xpath("./p")[-1].text_content() == "With reporting by Reuters and AFP"
    assert entry["_briefing"] == {
        "credit": "With reporting by Reuters and AFP",
        "key_event": True,
        "sources": [
            {"slug": "reuters", "name": "Reuters", "url": "https://www.reuters.com/"},
            {"slug": "afp", "name": "AFP", "url": "https://www.afp.com/"},
        ],
        "briefing": {"title": "War in Ukraine: live", "url": f"{SITE}/briefings/war"},
    }


def test_json_feed_extension_names_every_agency_and_the_rights(feed, briefing, make_update):
    make_update(briefing, body="One.", sources=["reuters", "dpa"])
    make_update(briefing, body="Two.", sources=["afp"])
    extension = feed("/briefings/war/feed.json").json()["_briefing"]
    assert extension["id"] == f"tag:briefing.invalid,2026:briefing/{briefing.id}"
    assert extension["rights"] == "© Briefing. With reporting by AFP, dpa and Reuters."
    assert [s["slug"] for s in extension["sources"]] == ["afp", "dpa", "reuters"]
    assert (extension["status"], extension["ended_at"], extension["retracted"]) == (
        "live",
        None,
        [],
    )


def test_a_feed_parser_reads_the_json_feed_as_it_reads_the_atom_one(feed, briefing, make_update):
    make_update(briefing, headline="Talks", body="Delegations met.", sources=["reuters"])
    make_update(briefing, body="Sirens.")
    from_json = feed("/briefings/war/feed.json")
    from_atom = feed("/briefings/war/feed.atom")
    assert from_json.parsed.version == "json11"
    assert from_json.feed.title == from_atom.feed.title
    for json_entry, atom_entry in zip(from_json.entries, from_atom.entries, strict=True):
        assert json_entry.id == atom_entry.id
        assert json_entry.title == atom_entry.title
        assert json_entry.link == atom_entry.link
        assert rfc3339(json_entry.published) == rfc3339(atom_entry.published)
        assert rfc3339(json_entry.updated) == rfc3339(atom_entry.updated)
        assert json_entry.author == atom_entry.author
        assert json_entry.content[0].value == atom_entry.content[0].value


def test_an_ended_briefing_feed_is_still_served_and_records_the_end(
    feed, editor, briefing, make_update
):
    make_update(briefing, body="Last word.")
    briefing_service.change_briefing(briefing, actor=editor, status=BriefingStatus.ENDED)
    document = feed("/briefings/war/feed.json").json()
    assert document["expired"] is True
    assert document["_briefing"]["status"] == "ended"
    assert rfc3339(document["_briefing"]["ended_at"]) == briefing.ended_at
    assert len(document["items"]) == 1
    atom = feed("/briefings/war/feed.atom")
    assert atom.feed.subtitle.startswith(
        "Live coverage as the storm makes landfall. This briefing ended on "
    )
    assert atom.feed.subtitle.endswith("Kyiv time.")
    assert feed("/briefings/war/feed.rss").feed.subtitle == atom.feed.subtitle
